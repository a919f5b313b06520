"""The Python agent host of Durable Run Debugger.

The Node worker starts it (``python -m durable_run_host``) to run a Flink Agents agent's actions,
durable functions and reconcilers when told, over JSON lines on stdin and stdout. It keeps no
durable state of its own: the TypeScript runtime decides every call's path and owns the journal.
"""

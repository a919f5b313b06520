"""Entry point: ``python -m durable_run_host``, started by the Node worker only.

``python -m durable_run_host encode`` is the one-shot re-encoder of state surgery (encode.py).

Checks first that Flink Agents is importable, so that a wrong interpreter gives the worker a clear
message (what to install, into which interpreter) instead of a traceback.
"""

from __future__ import annotations

import importlib
import sys

from .channel import Channel


def main() -> None:
    if sys.argv[1:] == ["encode"]:
        from .encode import main as encode

        sys.exit(encode())
    channel = Channel.over_stdio()
    try:
        # Flink Agents first: it is what the user must install (cloudpickle comes with it).
        for name in ("flink_agents", "cloudpickle"):
            importlib.import_module(name)
    except ImportError as error:
        channel.send(
            {
                "op": "loadFailed",
                "kind": "python",
                "message": (
                    f"the Python interpreter {sys.executable} cannot import {error.name} "
                    f"({error}); install Flink Agents into it: {sys.executable} -m pip install "
                    '"flink-agents>=0.3,<0.4" apache-flink, or choose another interpreter '
                    "(launch attribute python, --python PATH, or DURABLE_RUN_PYTHON)"
                ),
            }
        )
        return
    from .host import serve

    serve(channel)


if __name__ == "__main__":
    main()

"""The host's main loop: load the agent when asked, then run each action in a thread of its own.

Each action execution gets its own thread and inbox, so that the runtime may hold one key's
action at a boundary while another key's goes on, as it does for TypeScript agents.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any

from .channel import Channel, Message
from .context import DurableContext
from .events import FLINK_TYPES, from_runtime, runtime_type
from .loader import LoadedAgent, LoadError, load_agent
from .payload import encode_error


def _describe(loaded: LoadedAgent) -> list[dict[str, Any]]:
    actions = []
    for name, action in loaded.plan.actions.items():
        on = [
            runtime_type(t) for t in action.listen_event_types if runtime_type(t) != "OutputEvent"
        ]
        if on:
            actions.append({"name": name, "on": on})
    return actions


def _resources(loaded: LoadedAgent) -> Any:
    try:
        from flink_agents.runtime.resource_cache import ResourceCache

        return ResourceCache(loaded.plan.resource_providers, loaded.plan.config)
    except Exception:  # noqa: BLE001 - an agent without resources runs without a cache
        return None


def _drive(result: Any) -> None:
    """Runs an async action's coroutine to its end, step by step, as Flink Agents does."""
    while True:
        try:
            yielded = result.send(None)
        except StopIteration:
            return
        if yielded is not None:
            msg = (
                "an async action awaited something other than ctx.durable_execute_async(...) "
                f"({yielded!r}); as in Flink Agents, asyncio primitives (sleep, gather, tasks) "
                "are not supported in actions"
            )
            result.throw(RuntimeError(msg))


def _run(channel: Channel, loaded: LoadedAgent, resources: Any, message: Message) -> None:
    exec_id = str(message["exec"])
    context = DurableContext(channel, exec_id, message, loaded.plan, resources)
    reply: Message = {"op": "actionDone", "exec": exec_id}
    try:
        event = from_runtime(message["event"])
        action = loaded.plan.actions[message["action"]]
        result = action.exec(event, context)
        if hasattr(result, "send") and hasattr(result, "throw"):
            _drive(result)
    except BaseException as error:  # noqa: BLE001 - the action's failure goes to the runtime
        reply["error"] = encode_error(error)
    reply["memory"] = context.memory_updates()
    reply["unawaited"] = context.unawaited()
    channel.close_inbox(exec_id)
    channel.send(reply)


def serve(channel: Channel) -> None:
    """Answers the worker until it closes the pipe."""
    threading.Thread(target=channel.read_forever, name="durable-run-reader", daemon=True).start()
    loaded: LoadedAgent | None = None
    resources: Any = None
    while True:
        message = channel.control.get()
        if message is None:
            return
        if message["op"] == "load":
            try:
                loaded = load_agent(str(message["program"]), message.get("className"))
            except LoadError as error:
                channel.send(
                    {
                        "op": "loadFailed",
                        "kind": error.kind,
                        "message": str(error),
                        "file": error.file,
                        "line": error.line,
                    }
                )
                continue
            except Exception as error:  # noqa: BLE001 - never a raw traceback on the worker
                text = "".join(traceback.format_exception(error))
                channel.send({"op": "loadFailed", "kind": "agent", "message": text})
                continue
            resources = _resources(loaded)
            channel.send({"op": "loaded", "agent": loaded.name, "actions": _describe(loaded)})
        elif message["op"] == "run" and loaded is not None:
            # The inbox exists before the thread runs: the runtime may answer at once.
            channel.inbox(str(message["exec"]))
            threading.Thread(
                target=_run,
                args=(channel, loaded, resources, message),
                name=f"durable-run-action-{message['exec']}",
                daemon=True,
            ).start()


__all__ = ["FLINK_TYPES", "serve"]

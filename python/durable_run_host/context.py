"""The ``RunnerContext`` an action gets: a real Flink Agents context whose durable calls,
events and memory go to the TypeScript runtime, which decides each call's path (replay, run,
reconcile), writes the journal and may crash the process at any of its boundaries.
"""

from __future__ import annotations

import itertools
import queue
import sys
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from flink_agents.api.memory_object import MemoryObject, MemoryType
from flink_agents.api.runner_context import AsyncExecutionResult, RunnerContext
from flink_agents.runtime.local_memory_object import LocalMemoryObject

from .channel import Channel, Message
from .events import to_runtime
from .identity import args_digest, function_id, validate_reconciler
from .payload import PythonError, decode_error, decode_value, encode_error, encode_value

_HOST_DIR = str(Path(__file__).parent)
_call_ids = itertools.count(1)


def _user_site() -> dict[str, Any] | None:
    """The innermost frame outside this package and Flink Agents: the user's call line."""
    frame = sys._getframe(1)
    while frame is not None:
        file = frame.f_code.co_filename
        if not file.startswith(_HOST_DIR) and "flink_agents" not in Path(file).parts:
            return {"file": file, "line": frame.f_lineno, "column": 1}
        frame = frame.f_back  # type: ignore[assignment]
    return None


class _Store(dict[str, Any]):
    """A memory store that refuses writes while a durable function runs."""

    def __init__(self, owner: DurableContext, name: str, data: dict[str, Any]) -> None:
        super().__init__(data)
        self._owner = owner
        self._name = name

    def __setitem__(self, key: str, value: Any) -> None:
        self._owner.refuse(f"ctx.{self._name}")
        super().__setitem__(key, value)


class _DurableAwaitable(AsyncExecutionResult):
    """``durable_execute_async``'s result: nothing is asked or recorded until it is awaited."""

    def __init__(self, context: DurableContext, call: tuple[Any, ...]) -> None:
        super().__init__(None, call[0], call[1], call[2])
        self._context = context
        self._reconciler = call[3]
        # Where it was made: the warning about one never awaited names the line.
        self.site = _user_site()
        self.function_id = function_id(call[0])

    def __await__(self) -> Generator[Any, None, Any]:
        self._context.awaited(self)
        return self._context.run_call(self._func, self._args, self._kwargs, self._reconciler)
        yield  # a generator, so that the awaiting coroutine can drive it


class DurableContext(RunnerContext):
    """One action execution's context; runs in that execution's own thread."""

    def __init__(
        self, channel: Channel, exec_id: str, run: Message, plan: Any, resources: Any
    ) -> None:
        self._channel = channel
        self._exec = exec_id
        self._inbox: queue.Queue[Message] = channel.inbox(exec_id)
        self._plan = plan
        self._resources = resources
        self._action = str(run["action"])
        self._key = run["key"]
        self._seq = int(run["seq"])
        self._inside = False
        short = run.get("shortTermMemory")
        self._short = _Store(self, "short_term_memory", decode_value(short) if short else {})
        sensory = run.get("sensoryMemory")
        seq, data = decode_value(sensory) if sensory else (self._seq, {})
        self._sensory = _Store(self, "sensory_memory", data if seq == self._seq else {})
        # Made now: a fresh store gets its root entry before the "before" copy is taken.
        self._short_memory = LocalMemoryObject(
            MemoryType.SHORT_TERM, self._short, LocalMemoryObject.ROOT_KEY
        )
        self._sensory_memory = LocalMemoryObject(
            MemoryType.SENSORY, self._sensory, LocalMemoryObject.ROOT_KEY
        )
        self._before = (dict(self._short), dict(self._sensory))
        self._deferred: list[_DurableAwaitable] = []

    # What the runtime must persist with the action's completion.

    def memory_updates(self) -> dict[str, Any]:
        """The memory stores that changed, encoded (the runtime stores them per key)."""
        updates: dict[str, Any] = {}
        if dict(self._short) != self._before[0]:
            updates["shortTermMemory"] = self._encode_store(dict(self._short))
        if dict(self._sensory) != self._before[1]:
            updates["sensoryMemory"] = self._encode_store((self._seq, dict(self._sensory)))
            updates["sensoryMemory"]["json"] = self._readable(dict(self._sensory))
        return updates

    def unawaited(self) -> list[dict[str, Any]]:
        """The durable_execute_async calls never awaited: they did not run, and the runtime
        warns about each (as it does about a TypeScript agent's)."""
        return [{"functionId": d.function_id, "site": d.site} for d in self._deferred]

    def awaited(self, deferred: _DurableAwaitable) -> None:
        self._deferred = [d for d in self._deferred if d is not deferred]

    def _encode_store(self, value: Any) -> dict[str, Any]:
        encoded = dict(encode_value(value))
        if isinstance(value, dict):
            encoded["json"] = self._readable(value)
        return encoded

    @staticmethod
    def _readable(store: dict[str, Any]) -> dict[str, Any]:
        plain = {k: v for k, v in store.items() if k and type(v).__name__ != "_ObjMarker"}
        return {k: v if _is_json(v) else repr(v) for k, v in plain.items()}

    # The durable calls.

    def refuse(self, api: str) -> None:
        if self._inside:
            msg = (
                f"{api} cannot be used inside a durable function: a replayed call does not "
                "run again, so the effect would be lost on recovery. Use it in the action, "
                "after the call returns."
            )
            raise RuntimeError(msg)

    def run_call(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        reconciler: Callable[[], Any] | None,
    ) -> Any:
        """Asks the runtime to make the call, runs what it says to run, returns its outcome."""
        self.refuse("ctx.durable_execute")
        call_id = next(_call_ids)
        try:
            shown = encode_value({"args": list(args), "kwargs": kwargs})
        except Exception:  # noqa: BLE001 - args that do not pickle are still shown
            shown = {"pickle": "", "type": "builtins.tuple", "repr": repr((args, kwargs))}
        self._channel.send(
            {
                "op": "call",
                "exec": self._exec,
                "call": call_id,
                "functionId": function_id(func),
                "argsDigest": args_digest(args, kwargs),
                "args": shown,
                "hasReconciler": reconciler is not None,
                "site": _user_site(),
            }
        )
        while True:
            message = self._inbox.get()
            if message["op"] == "invoke" and message["call"] == call_id:
                chosen = reconciler if message["which"] == "reconciler" else None
                self._invoke(call_id, chosen or (lambda: func(*args, **kwargs)))
            elif message["op"] == "settled" and message["call"] == call_id:
                return self._settle(message)

    def _invoke(self, call_id: int, run: Callable[[], Any]) -> None:
        self._inside = True
        try:
            value = run()
        except BaseException as error:  # noqa: BLE001 - the reference records BaseException too
            reply: Message = {"ok": False, "error": encode_error(error)}
        else:
            try:
                reply = {"ok": True, "value": encode_value(value)}
            except Exception as error:  # noqa: BLE001 - an unpicklable result fails the call
                wrapped = TypeError(
                    f"the result of the durable call cannot be pickled by cloudpickle "
                    f"({type(value).__name__}: {error}); return a picklable value"
                )
                reply = {"ok": False, "error": encode_error(wrapped)}
        finally:
            self._inside = False
        self._channel.send({"op": "invoked", "exec": self._exec, "call": call_id, **reply})

    @staticmethod
    def _settle(message: Message) -> Any:
        if message.get("ok"):
            value = message.get("value")
            return None if value is None else decode_value(value)
        error: PythonError = message["error"]
        raise decode_error(error)

    def durable_execute(
        self, func: Callable[..., Any], *args: Any, reconciler: Any = None, **kwargs: Any
    ) -> Any:
        checked = validate_reconciler(reconciler)
        return self.run_call(func, args, kwargs, checked)

    def durable_execute_async(
        self, func: Callable[..., Any], *args: Any, reconciler: Any = None, **kwargs: Any
    ) -> AsyncExecutionResult:
        checked = validate_reconciler(reconciler)
        deferred = _DurableAwaitable(self, (func, args, kwargs, checked))
        self._deferred.append(deferred)
        return deferred

    # The rest of RunnerContext.

    def send_event(self, event: Any) -> None:
        self.refuse("ctx.send_event")
        self._channel.send({"op": "event", "exec": self._exec, "event": to_runtime(event)})

    @property
    def key(self) -> Any:
        return self._key

    @property
    def short_term_memory(self) -> MemoryObject:
        self.refuse("ctx.short_term_memory")
        return self._short_memory

    @property
    def sensory_memory(self) -> MemoryObject:
        self.refuse("ctx.sensory_memory")
        return self._sensory_memory

    @property
    def long_term_memory(self) -> Any:
        msg = (
            "ctx.long_term_memory is not available under durable-run: long-term memory needs "
            "the vector store of a Flink Agents deployment"
        )
        raise NotImplementedError(msg)

    @property
    def agent_metric_group(self) -> None:
        return None

    @property
    def action_metric_group(self) -> None:
        return None

    def get_resource(self, name: str, type: Any, metric_group: Any = None) -> Any:  # noqa: A002
        if self._resources is None:
            msg = f"ctx.get_resource({name!r}): this agent declares no resources"
            raise RuntimeError(msg)
        return self._resources.get_resource(name, type)

    @property
    def action_config(self) -> dict[str, Any]:
        return self._plan.get_action_config(action_name=self._action)

    def get_action_config_value(self, key: str) -> Any:
        return self._plan.get_action_config_value(action_name=self._action, key=key)

    @property
    def config(self) -> Any:
        return self._plan.config

    def close(self) -> None:
        return None


def _is_json(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | list | dict)

"""A Flink Agents agent for the ported reference cases: the input's "case" picks what the one
action does. Side effects go to the ledger file named by env LEDGER; env NONCE changes the
args of the "mismatch" call between attempts."""

import json
import os
import threading
import time

from flink_agents.api.agents.agent import Agent
from flink_agents.api.decorators import action
from flink_agents.api.events.event import Event, InputEvent, OutputEvent
from flink_agents.api.runner_context import RunnerContext


def _ledger(op: str, detail: object = None) -> None:
    with open(os.environ["LEDGER"], "a") as f:
        f.write(json.dumps({"op": op, "detail": detail, "pid": os.getpid()}) + "\n")


class DeclinedError(Exception):
    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


def charge(amount: int) -> dict:
    _ledger("charge", amount)
    return {"charged": amount}


def decline(amount: int) -> dict:
    _ledger("decline", amount)
    raise DeclinedError(f"card declined for {amount}", 51)


def record_kwargs(**kwargs: object) -> dict:
    _ledger("kwargs", sorted(kwargs))
    return {"kwargs": kwargs}


def found() -> dict:
    _ledger("reconcile")
    return {"charged": "found"}


def reconcile_fails() -> dict:
    _ledger("reconcile")
    raise ValueError("the provider does not know this payment")


def open_lock() -> threading.Lock:
    _ledger("lock")
    return threading.Lock()


def die() -> None:
    _ledger("die")
    os._exit(3)


def slow() -> None:
    _ledger("slow", os.getpid())
    time.sleep(60)


def run_case(case: str, ctx: RunnerContext) -> object:
    if case == "reconcile":
        return ctx.durable_execute(charge, 5, reconciler=found)
    if case == "reconcile_fails":
        return ctx.durable_execute(charge, 5, reconciler=reconcile_fails)
    if case == "failure_replays":
        try:
            return ctx.durable_execute(decline, 5)
        except DeclinedError as error:
            return {"caught": type(error).__name__, "message": str(error), "code": error.code}
    if case == "mismatch":
        return ctx.durable_execute(charge, int(os.environ.get("NONCE", "1")), reconciler=found)
    if case == "kwargs":
        return ctx.durable_execute(record_kwargs, reconciler=found)
    if case == "bad_reconciler":
        return ctx.durable_execute(charge, 5, reconciler=lambda x: x)
    if case == "memory_inside":
        return ctx.durable_execute(lambda: ctx.short_term_memory.set("x", 1))
    if case == "unawaited":
        ctx.durable_execute_async(charge, 5)
        return {"left": "unawaited"}
    if case == "unpicklable":
        return ctx.durable_execute(open_lock)
    if case == "die":
        return ctx.durable_execute(die)
    if case == "slow":
        return ctx.durable_execute(slow)
    if case == "event":
        ctx.send_event(Event(type="Ship", attributes={"parcel": 7}))
        return None
    msg = f"unknown case {case}"
    raise ValueError(msg)


async def run_async_case(case: str, ctx: RunnerContext) -> object:
    if case == "async_reconcile":
        return await ctx.durable_execute_async(charge, 5, reconciler=found)
    if case == "async_reconcile_fails":
        return await ctx.durable_execute_async(charge, 5, reconciler=reconcile_fails)
    if case == "async_one_unawaited":
        ctx.durable_execute_async(charge, 6)
        return await ctx.durable_execute_async(charge, 7)
    msg = f"unknown case {case}"
    raise ValueError(msg)


class ReferenceAgent(Agent):
    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    def handle(event: Event, ctx: RunnerContext) -> None:
        if event.input["case"].startswith("async_"):
            return
        result = run_case(event.input["case"], ctx)
        if result is not None:
            ctx.send_event(OutputEvent(output=result))

    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    async def handle_async(event: Event, ctx: RunnerContext) -> None:
        if not event.input["case"].startswith("async_"):
            return
        result = await run_async_case(event.input["case"], ctx)
        ctx.send_event(OutputEvent(output=result))

    @action("Ship")
    @staticmethod
    def ship(event: Event, ctx: RunnerContext) -> None:
        count = (ctx.short_term_memory.get("shipped") or 0) + 1
        ctx.short_term_memory.set("shipped", count)
        ctx.send_event(OutputEvent(output={"shipped": event.attributes["parcel"], "n": count}))

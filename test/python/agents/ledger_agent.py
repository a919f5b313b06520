"""A Flink Agents agent for the crash tests: every side effect is a line in a ledger file
outside the state folder (env LEDGER), so a test can count what really happened, and which
process did it. The input's "variant" picks the action that pays: sync or async, with or
without a reconciler."""

import json
import os

from flink_agents.api.agents.agent import Agent
from flink_agents.api.decorators import action
from flink_agents.api.events.event import Event, InputEvent, OutputEvent
from flink_agents.api.runner_context import RunnerContext


def _ledger(op: str, account: str) -> None:
    with open(os.environ["LEDGER"], "a") as f:
        f.write(json.dumps({"op": op, "id": account, "pid": os.getpid()}) + "\n")


def charge(account: str, amount: int) -> dict:
    _ledger("charge", account)
    return {"account": account, "charged": amount}


def lookup_charge(account: str) -> dict:
    _ledger("reconcile", account)
    return {"account": account, "charged": "found by the reconciler"}


def _mine(event: Event, variant: str, ctx: RunnerContext) -> dict | None:
    order = event.input
    if order["variant"] != variant:
        return None
    _ledger("start", order["account"])
    return order


def _finish(ctx: RunnerContext, receipt: dict) -> None:
    ctx.short_term_memory.set("last", receipt)
    ctx.send_event(OutputEvent(output=receipt))


class LedgerAgent(Agent):
    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    def pay_sync(event: Event, ctx: RunnerContext) -> None:
        order = _mine(event, "sync", ctx)
        if order:
            _finish(ctx, ctx.durable_execute(charge, order["account"], order["amount"]))

    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    def pay_sync_rec(event: Event, ctx: RunnerContext) -> None:
        order = _mine(event, "sync_rec", ctx)
        if order:
            account = order["account"]
            receipt = ctx.durable_execute(
                charge, account, order["amount"], reconciler=lambda: lookup_charge(account)
            )
            _finish(ctx, receipt)

    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    async def pay_async(event: Event, ctx: RunnerContext) -> None:
        order = _mine(event, "async", ctx)
        if order:
            receipt = await ctx.durable_execute_async(charge, order["account"], order["amount"])
            _finish(ctx, receipt)

    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    async def pay_async_rec(event: Event, ctx: RunnerContext) -> None:
        order = _mine(event, "async_rec", ctx)
        if order:
            account = order["account"]
            receipt = await ctx.durable_execute_async(
                charge, account, order["amount"], reconciler=lambda: lookup_charge(account)
            )
            _finish(ctx, receipt)

"""A Flink Agents agent for the crash tests: every side effect is a line in a ledger file
outside the state folder (LEDGER env var), so a test can count what really happened."""

import json
import os

from flink_agents.api.agents.agent import Agent
from flink_agents.api.decorators import action
from flink_agents.api.events.event import Event, InputEvent, OutputEvent
from flink_agents.api.runner_context import RunnerContext


def _ledger(entry: dict) -> None:
    with open(os.environ["LEDGER"], "a") as f:
        f.write(json.dumps(entry) + "\n")


def charge(account: str, amount: int) -> dict:
    _ledger({"op": "charge", "account": account, "amount": amount})
    return {"account": account, "charged": amount}


def lookup_charge(account: str) -> dict:
    _ledger({"op": "reconcile", "account": account})
    return {"account": account, "charged": "reconciled"}


class LedgerAgent(Agent):
    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    def pay(event: Event, ctx: RunnerContext) -> None:
        order = event.input
        account, amount = order["account"], order["amount"]
        if order.get("reconcile"):
            receipt = ctx.durable_execute(
                charge, account, amount, reconciler=lambda: lookup_charge(account)
            )
        else:
            receipt = ctx.durable_execute(charge, account, amount)
        ctx.short_term_memory.set("last", receipt)
        ctx.send_event(OutputEvent(output=receipt))

    @action("Refund")
    @staticmethod
    async def refund(event: Event, ctx: RunnerContext) -> None:
        pass

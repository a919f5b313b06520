"""Sample Flink Agents agent: a checkout that charges a card through a payment provider.

The charge has a reconciler, so a crash while it is in flight never charges the card twice: on
recovery the reconciler asks the provider (here a ledger file beside this one, outside the
durable store) what happened. Debug it with Durable Run: press F5, inject a crash while charging,
then Recover and watch the reconciler run.
"""

import json
import random
from pathlib import Path

from flink_agents.api.agents.agent import Agent
from flink_agents.api.decorators import action
from flink_agents.api.events.event import Event, InputEvent, OutputEvent
from flink_agents.api.runner_context import RunnerContext

LEDGER = Path(__file__).with_name("ledger.jsonl")


def price_order(order: dict) -> dict:
    """Prices the order and names its charge: new on every run, kept in the journal with the
    price, so a recovery charges under the same id and the provider can say if it has it."""
    charge_id = f"ch_{order['orderId']}_{random.randrange(16**6):06x}"
    total = order["amountCents"] + round(order["amountCents"] * 0.2)
    return {"chargeId": charge_id, "totalCents": total, "currency": "EUR"}


def charge(order: dict, price: dict) -> dict:
    """The side effect that must happen once: charges the card, returns the provider's record."""
    record = {"chargeId": price["chargeId"], "orderId": order["orderId"], "card": order["card"]}
    record["totalCents"] = price["totalCents"]
    with LEDGER.open("a") as ledger:
        ledger.write(json.dumps(record) + "\n")
    return record


def find_charge(charge_id: str) -> dict | None:
    """What the provider knows about a charge: its record, or None if it never happened."""
    if not LEDGER.exists():
        return None
    for line in LEDGER.read_text().splitlines():
        record = json.loads(line)
        if record["chargeId"] == charge_id:
            return record
    return None


class PaymentsAgent(Agent):
    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    def checkout(event: Event, ctx: RunnerContext) -> None:
        order = event.input
        price = ctx.durable_execute(price_order, order)
        # The reconciler runs only on recovery, for a charge that was in flight when the process
        # died: if the provider has it, that is the outcome; if not, it never happened: charge.
        receipt = ctx.durable_execute(
            charge,
            order,
            price,
            reconciler=lambda: find_charge(price["chargeId"]) or charge(order, price),
        )
        ctx.short_term_memory.set("lastCharge", receipt["chargeId"])
        ctx.send_event(Event(type="Charged", attributes={"orderId": order["orderId"], **receipt}))

    @action("Charged")
    @staticmethod
    async def notify(event: Event, ctx: RunnerContext) -> None:
        order_id, charge_id = event.attributes["orderId"], event.attributes["chargeId"]
        message = await ctx.durable_execute_async(send_receipt, order_id, charge_id)
        ctx.send_event(OutputEvent(output={"orderId": order_id, "message": message}))


def send_receipt(order_id: str, charge_id: str) -> str:
    return f"receipt for {order_id} ({charge_id}) sent"

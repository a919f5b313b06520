"""A Flink Agents agent that declares resources, a prompt and a tool, and uses both through
ctx.get_resource: the prompt in the action's own code (which runs again on recovery), the tool as
a durable call (which must not). The tool appends to the ledger named by $LEDGER."""

import json
import os

from flink_agents.api.agents.agent import Agent
from flink_agents.api.decorators import action, prompt, tool
from flink_agents.api.events.event import InputEvent, OutputEvent
from flink_agents.api.prompts.prompt import Prompt
from flink_agents.api.resource import ResourceType
from flink_agents.api.runner_context import RunnerContext


class ResourceAgent(Agent):
    @prompt
    @staticmethod
    def confirmation() -> Prompt:
        return Prompt.from_text("Hello {name}, order {order} is confirmed.")

    @tool
    @staticmethod
    def add_tax(amount: float) -> float:
        """Adds a 20% tax to an amount.

        Args:
            amount: the amount before tax
        """
        with open(os.environ["LEDGER"], "a") as f:
            f.write(json.dumps({"op": "add_tax", "detail": amount, "pid": os.getpid()}) + "\n")
        return round(amount * 1.2, 2)

    @action(InputEvent.EVENT_TYPE)
    @staticmethod
    def handle(event: InputEvent, ctx: RunnerContext) -> None:
        order = event.input
        confirmation = ctx.get_resource("confirmation", ResourceType.PROMPT)
        text = confirmation.format_string(name=order["name"], order=order["order"])
        add_tax = ctx.get_resource("add_tax", ResourceType.TOOL)
        # The tool's function itself, so that the call is named after it; its callable-object
        # wrapper (add_tax.func) would be named flink_agents.plan.function.<unknown>.
        func = add_tax.func if order.get("wrapper") else add_tax.func.as_callable()
        total = ctx.durable_execute(func, order["amount"])
        ctx.send_event(OutputEvent(output={"text": text, "total": total}))
        if order.get("missing"):
            ctx.get_resource("missing", ResourceType.PROMPT)

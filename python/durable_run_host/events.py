"""Events between Flink Agents' Python classes and the TypeScript runtime's ``{type, attributes}``.

Flink Agents events are JSON by design (pydantic models that check they serialise), so they
travel as JSON; a pickled copy rides along so that an action gets the very event class it was
sent, and the two framework types are renamed to the runtime's own names.
"""

from __future__ import annotations

import json
from typing import Any

from .payload import PythonValue, decode_value, encode_value

RUNTIME_TYPES = {"_input_event": "InputEvent", "_output_event": "OutputEvent"}
FLINK_TYPES = {v: k for k, v in RUNTIME_TYPES.items()}
PICKLE_KEY = "$python"


def runtime_type(flink_type: str) -> str:
    """The runtime's name for a Flink Agents event type."""
    return RUNTIME_TYPES.get(flink_type, flink_type)


def to_runtime(event: Any) -> dict[str, Any]:
    """A Flink Agents event as the runtime stores and routes it."""
    data = json.loads(event.model_dump_json())
    attributes: dict[str, Any] = dict(data.get("attributes") or {})
    kind = runtime_type(event.get_type())
    if kind != "OutputEvent":
        # An OutputEvent is the agent's output and triggers nothing: its JSON is all it needs.
        attributes[PICKLE_KEY] = encode_value(event)
    return {"type": kind, "attributes": attributes}


def from_runtime(event: dict[str, Any]) -> Any:
    """The Flink Agents event an action gets."""
    from flink_agents.api.events.event import Event, InputEvent

    attributes: dict[str, Any] = dict(event.get("attributes") or {})
    pickled: PythonValue | None = attributes.pop(PICKLE_KEY, None)
    if pickled is not None:
        return decode_value(pickled)
    if event["type"] == "InputEvent":
        return InputEvent(input=attributes.get("input"))
    return Event(type=FLINK_TYPES.get(event["type"], event["type"]), attributes=attributes)

"""Flink Agents events to and from the runtime's {type, attributes}."""

from flink_agents.api.events.event import Event, InputEvent, OutputEvent

from durable_run_host.events import PICKLE_KEY, from_runtime, runtime_type, to_runtime


def test_the_framework_types_take_the_runtime_names():
    assert runtime_type(InputEvent.EVENT_TYPE) == "InputEvent"
    assert runtime_type(OutputEvent.EVENT_TYPE) == "OutputEvent"
    assert runtime_type("Charged") == "Charged"


def test_an_output_event_is_its_json_only():
    assert to_runtime(OutputEvent(output={"a": 1})) == {
        "type": "OutputEvent",
        "attributes": {"output": {"a": 1}},
    }


def test_a_sent_event_comes_back_as_the_same_event():
    sent = Event(type="Charged", attributes={"orderId": "o1"})
    stored = to_runtime(sent)
    assert stored["type"] == "Charged"
    assert stored["attributes"]["orderId"] == "o1"
    assert PICKLE_KEY in stored["attributes"]
    back = from_runtime(stored)
    assert back.get_type() == "Charged"
    assert back.attributes == {"orderId": "o1"}


def test_a_runtime_input_becomes_an_input_event():
    event = from_runtime({"type": "InputEvent", "attributes": {"key": "k", "input": {"x": 1}}})
    assert isinstance(event, InputEvent)
    assert event.input == {"x": 1}

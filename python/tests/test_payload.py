"""Python values and exceptions through the journal form (pythonPayload.ts's shape)."""

from durable_run_host.payload import decode_error, decode_value, encode_error, encode_value


class TransferError(Exception):
    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


def test_plain_values_round_trip_and_carry_their_json_form():
    value = {"account": "a", "amount": 5, "tags": ["x"]}
    encoded = encode_value(value)
    assert decode_value(encoded) == value
    assert encoded["json"] == value
    assert encoded["type"] == "builtins.dict"


def test_values_without_a_json_form_carry_their_repr_only():
    encoded = encode_value((1, 2))
    assert "json" not in encoded
    assert encoded["repr"] == "(1, 2)"
    assert decode_value(encoded) == (1, 2)


def test_a_value_edited_by_hand_without_pickle_is_its_json():
    assert decode_value({"pickle": "", "type": "t", "repr": "r", "json": [1]}) == [1]


def test_an_exception_keeps_its_type_message_and_attributes():
    error = encode_error(TransferError("declined", 51))
    back = decode_error(error)
    assert isinstance(back, TransferError)
    assert str(back) == "declined"
    assert back.code == 51
    assert error["type"].endswith("TransferError")


def test_an_exception_with_no_message_round_trips():
    back = decode_error(encode_error(ValueError()))
    assert isinstance(back, ValueError)
    assert str(back) == ""


class StrictError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def test_an_exception_that_cannot_be_rebuilt_is_replayed_by_type_and_message():
    back = decode_error(encode_error(StrictError("declined", 51)))
    assert "StrictError: declined" in str(back)

"""The one-shot re-encoder of state surgery: JSON in, journal-form Python values out."""

import json
import subprocess
import sys
from pathlib import Path

from durable_run_host.encode import encode_request, make_exception
from durable_run_host.payload import decode_value

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


class CodedError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def test_a_json_value_becomes_a_pickled_value_equal_to_it():
    reply = encode_request({"value": {"account": "a1", "charged": 7}})
    assert reply["ok"] is True
    value = reply["value"]
    assert decode_value(value) == {"account": "a1", "charged": 7}
    assert value["type"] == "builtins.dict"
    assert value["json"] == {"account": "a1", "charged": 7}


def test_an_error_keeps_an_importable_exception_type():
    reply = encode_request({"error": {"message": "declined", "type": "builtins.ValueError"}})
    back = decode_value(reply["exception"])
    assert isinstance(back, ValueError)
    assert str(back) == "declined"
    assert reply["type"] == "builtins.ValueError"


def test_an_error_of_an_unknown_or_unbuildable_type_is_a_runtime_error():
    for name in ("no_such_module.Boom", None, "builtins.len", f"{__name__}.CodedError"):
        error = make_exception("declined", name)
        assert type(error) is RuntimeError, name
        assert str(error) == "declined"


def test_a_bad_request_is_answered_in_words():
    reply = encode_request({"nothing": 1})
    assert reply["ok"] is False
    assert "value" in reply["message"]


def test_the_encode_mode_reads_stdin_and_writes_one_json_reply():
    done = subprocess.run(
        [sys.executable, "-m", "durable_run_host", "encode"],
        input=json.dumps({"value": [1, "two"]}),
        capture_output=True,
        text=True,
        cwd=PACKAGE_ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert decode_value(reply["value"]) == [1, "two"]

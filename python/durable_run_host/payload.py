"""Python values and exceptions as the journal stores them (src/runtime/pythonPayload.ts).

A value travels as its cloudpickle bytes (what replay hands back), its type, its repr and, when
it maps to JSON without loss, its JSON form, so that the debugger can show it without unpickling.
Only this process ever unpickles.
"""

from __future__ import annotations

import base64
import json
import math
import traceback
from typing import Any, TypedDict

import cloudpickle

REPR_LIMIT = 2000


class PythonValue(TypedDict, total=False):
    """The shape of ``PythonValue`` in pythonPayload.ts."""

    pickle: str
    type: str
    repr: str
    json: Any


class PythonError(TypedDict):
    """A raised exception: the pickled exception (when it pickles), its message and traceback."""

    exception: PythonValue | None
    type: str
    message: str
    traceback: str


def type_name(value: object) -> str:
    """``module.qualname`` of a value's type, e.g. ``builtins.dict``."""
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _json_form(value: Any) -> tuple[bool, Any]:
    """(True, value) when the value round-trips through JSON unchanged."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False, None
    if isinstance(value, float) and not math.isfinite(value):
        return False, None
    back = json.loads(text)
    same = back == value and type(back) is type(value)
    return (True, back) if same else (False, None)


def short_repr(value: object) -> str:
    """repr() cut to a readable length; a failing __repr__ does not fail the call."""
    try:
        text = repr(value)
    except Exception as error:  # noqa: BLE001 - a broken __repr__ must not break recording
        text = f"<{type_name(value)} (repr failed: {error})>"
    return text if len(text) <= REPR_LIMIT else text[:REPR_LIMIT] + "..."


def encode_value(value: Any) -> PythonValue:
    """The journal form of a value; raises when cloudpickle cannot serialise it."""
    encoded: PythonValue = {
        "pickle": base64.b64encode(cloudpickle.dumps(value)).decode("ascii"),
        "type": type_name(value),
        "repr": short_repr(value),
    }
    ok, as_json = _json_form(value)
    if ok:
        encoded["json"] = as_json
    return encoded


def decode_value(encoded: PythonValue) -> Any:
    """The value back from its journal form; a value without pickle (edited by hand) is JSON."""
    if not encoded.get("pickle"):
        return encoded.get("json")
    return cloudpickle.loads(base64.b64decode(encoded["pickle"]))


def encode_error(error: BaseException) -> PythonError:
    """The journal form of an exception; one that does not pickle keeps its type and message."""
    try:
        exception: PythonValue | None = encode_value(error)
    except Exception:  # noqa: BLE001 - the readable form is still worth keeping
        exception = None
    return {
        "exception": exception,
        "type": type_name(error),
        "message": str(error),
        "traceback": "".join(traceback.format_exception(error)),
    }


class ReplayedError(Exception):
    """Raised on replay for a failure whose exception could not be pickled when it happened."""


def decode_error(error: PythonError) -> BaseException:
    """The exception to raise again: the original one when it was pickled."""
    if error.get("exception") is not None:
        try:
            value = decode_value(error["exception"])  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - e.g. an __init__ that pickle cannot call again
            value = None
        if isinstance(value, BaseException):
            return value
    return ReplayedError(f"{error['type']}: {error['message']}")

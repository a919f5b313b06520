"""One-shot re-encoding for state surgery: ``python -m durable_run_host encode``.

A person edits a Python slot's result or error as JSON or a message; only this package pickles,
so the Node side hands the request here on stdin and writes what comes back into the journal.
Request: ``{"value": JSON}`` or ``{"error": {"message": str, "type": "module.qualname" | null}}``.
Reply: ``{"ok": true, "value": PythonValue}`` or ``{"ok": true, "exception": PythonValue,
"type": str}``, or ``{"ok": false, "message": str}`` saying what was wrong with the request.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

from .payload import encode_value, type_name

FALLBACK = RuntimeError


def exception_type(name: str | None) -> type[BaseException]:
    """The exception class ``module.qualname`` names, when it is importable; else RuntimeError."""
    if not name or "." not in name:
        return FALLBACK
    # A nested class: import the longest importable module prefix, then walk the attributes.
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except Exception:  # noqa: BLE001 - an unimportable module means "use the fallback"
            continue
        try:
            for attr in parts[cut:]:
                found = getattr(found, attr)
        except AttributeError:
            return FALLBACK
        if isinstance(found, type) and issubclass(found, BaseException):
            return found
        return FALLBACK
    return FALLBACK


def make_exception(message: str, name: str | None) -> BaseException:
    """An exception of the named type carrying the message; RuntimeError when it cannot be built."""
    kind = exception_type(name)
    try:
        error = kind(message)
        if str(error) == message:
            return error
    except Exception:  # noqa: BLE001 - e.g. an __init__ that needs more arguments
        pass
    return FALLBACK(message)


def encode_request(request: Any) -> dict[str, Any]:
    """The reply to one request (see the module docstring)."""
    if isinstance(request, dict) and "value" in request:
        return {"ok": True, "value": encode_value(request["value"])}
    error = request.get("error") if isinstance(request, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        wanted = error.get("type")
        exception = make_exception(error["message"], wanted if isinstance(wanted, str) else None)
        return {"ok": True, "exception": encode_value(exception), "type": type_name(exception)}
    return {
        "ok": False,
        "message": 'the encode request must be {"value": JSON} or '
        '{"error": {"message": "text", "type": "module.Class" or null}}',
    }


def main() -> int:
    try:
        request = json.loads(sys.stdin.read())
    except json.JSONDecodeError as error:
        reply: dict[str, Any] = {"ok": False, "message": f"the request is not JSON ({error})"}
    else:
        reply = encode_request(request)
    sys.stdout.write(json.dumps(reply) + "\n")
    return 0 if reply["ok"] else 2

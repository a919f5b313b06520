"""Call identity as Flink Agents computes it: function id, args digest, reconciler check.

The values must equal the reference's, so that a slot written here names the same call the
reference would name (spec section 6.1).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from typing import Any

import cloudpickle


def function_id(func: Callable[..., Any]) -> str:
    """``module.qualname`` of a callable; the receiver of a bound method is not part of it."""
    module_obj = inspect.getmodule(func)
    if module_obj is not None:
        module = module_obj.__name__
    else:
        module = getattr(func, "__module__", None) or "<unknown>"
    qualname = getattr(func, "__qualname__", None) or getattr(func, "__name__", "<unknown>")
    return f"{module}.{qualname}"


def args_digest(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """First 16 hex chars of SHA-256 over the pickled (args, kwargs), else over their str()."""
    try:
        data = cloudpickle.dumps((args, kwargs))
    except Exception:  # noqa: BLE001 - any pickling failure falls back, as the reference does
        data = str((args, kwargs)).encode()
    return hashlib.sha256(data).hexdigest()[:16]


def _binds_without_arguments(func: Callable[..., Any]) -> bool:
    try:
        inspect.signature(func).bind()
    except (TypeError, ValueError):
        return False
    return True


def validate_reconciler(
    reconciler: Callable[[], Any] | None,
) -> Callable[[], Any] | None:
    """None, or a callable that can be called with no arguments; else the reference's TypeError."""
    if reconciler is None:
        return None
    if not callable(reconciler):
        msg = "reconciler must be callable"
        raise TypeError(msg)
    if not _binds_without_arguments(reconciler):
        msg = "reconciler must be a callable that takes no arguments"
        raise TypeError(msg)
    return reconciler

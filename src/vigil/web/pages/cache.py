"""Short-lived per-app caches for figures that are costly over a large store and change slowly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request

T = TypeVar("T")
_LOCK = threading.Lock()


def cached(request: Request, key: str, ttl_seconds: float, compute: Callable[[], T]) -> T:
    """``compute()``, reused for ``ttl_seconds`` by every request to the same app."""
    state: dict[str, tuple[float, Any]] = getattr(request.app.state, "page_cache", None) or {}
    request.app.state.page_cache = state
    now = time.monotonic()
    with _LOCK:
        found = state.get(key)
    if found is not None and now - found[0] < ttl_seconds:
        value: T = found[1]
        return value
    made = compute()
    with _LOCK:
        state[key] = (now, made)
    return made

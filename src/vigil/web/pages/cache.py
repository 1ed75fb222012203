"""Short-lived per-app caches for figures that are costly over a large store and change slowly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request

T = TypeVar("T")
_LOCK = threading.Lock()


def cached(request: Request, key: str, ttl_seconds: float, compute: Callable[[], T]) -> T:
    """``compute()``, reused for ``ttl_seconds`` by every request to the same app."""
    return cached_on(request.app, key, ttl_seconds, compute)


def cached_on(app: FastAPI, key: str, ttl_seconds: float, compute: Callable[[], T]) -> T:
    """:func:`cached` for ``app`` itself (its start-up fills what the first request would compute)."""
    state: dict[str, tuple[float, Any]] = getattr(app.state, "page_cache", None) or {}
    app.state.page_cache = state
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

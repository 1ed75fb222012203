"""The unit of work both engines ship to a worker: apply a function to one partition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def apply_partition(fn: Callable[[Any], Any], partition: list[Any]) -> list[Any]:
    return [fn(item) for item in partition]

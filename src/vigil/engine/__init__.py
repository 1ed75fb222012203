"""The batch engine: run a pure per-document function over partitions of documents.

Two implementations of one small interface:

- :class:`LocalEngine` runs in-process (one worker) or on a process pool;
- :class:`DaskEngine` runs on Dask's distributed scheduler: a ``LocalCluster`` on this
  machine, or the scheduler at ``settings.dask_scheduler`` for a real cluster.

Both return results partition by partition in input order, so output is identical
whichever engine ran it. The function must be picklable (a module-level function or an
object such as :class:`vigil.pipeline.Pipeline`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from vigil.engine.dask import DaskEngine
from vigil.engine.local import LocalEngine
from vigil.errors import ConfigError
from vigil.settings import Settings

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    """Runs ``fn`` over every item of every partition; yields result partitions in order."""

    name: str

    def map_partitions(self, fn: Callable[[Any], Any], partitions: Iterable[list[Any]]) -> Iterator[list[Any]]: ...

    def close(self) -> None: ...


def create_engine(settings: Settings, name: str | None = None, workers: int | None = None) -> Engine:
    """The engine chosen by ``name`` (or ``settings.engine``)."""
    chosen = name or settings.engine
    count = settings.workers if workers is None else workers
    if chosen == "local":
        return LocalEngine(workers=count)
    if chosen == "dask":
        return DaskEngine(scheduler=settings.dask_scheduler, workers=count)
    raise ConfigError(f"unknown engine {chosen!r}; use 'local' or 'dask'")


def partitioned(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Cut a stream into lists of at most ``size`` items, keeping order."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


__all__ = ["DaskEngine", "Engine", "LocalEngine", "create_engine", "partitioned"]

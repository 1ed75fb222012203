"""In-process and process-pool execution."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from vigil.engine.work import apply_partition
from vigil.errors import EngineError


class LocalEngine:
    """``workers`` 1 runs in this process; more use a pool; 0 means one per core."""

    name = "local"

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def map_partitions(self, fn: Callable[[Any], Any], partitions: Iterable[list[Any]]) -> Iterator[list[Any]]:
        if self.workers == 1:
            for partition in partitions:
                yield apply_partition(fn, partition)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        # A bounded window of partitions in flight keeps memory flat on endless input.
        window: deque[Future[list[Any]]] = deque()
        try:
            for partition in partitions:
                window.append(self._pool.submit(apply_partition, fn, partition))
                if len(window) >= 2 * self.workers:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        except BrokenProcessPool as exc:
            raise EngineError("a worker process died (out of memory?)") from exc
        finally:
            for future in window:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

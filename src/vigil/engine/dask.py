"""Execution on Dask's distributed scheduler (``LocalCluster`` or a remote scheduler)."""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from vigil.engine.work import apply_partition
from vigil.errors import EngineError

if TYPE_CHECKING:
    from vigil.contract import Analysis
    from vigil.documents import Document
    from vigil.settings import Settings


class DaskEngine:
    """Partitions go to Dask workers as tasks; the function is sent once and shared."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int = 0) -> None:
        self.scheduler = scheduler
        self.workers = workers or os.cpu_count() or 1
        self._client: Any = None
        self._cluster: Any = None

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        import dask
        from distributed import Client, LocalCluster

        try:
            if self.scheduler:
                self._client = Client(self.scheduler, timeout="30s")  # type: ignore[no-untyped-call]
            else:
                # the scheduler runs in this process: its INFO lines would bury a command's progress
                logging.getLogger("distributed").setLevel(max(logging.WARNING, logging.getLogger("distributed").level))
                # the workers' stack sampler only feeds a dashboard, and costs CPU on every worker
                with dask.config.set({"distributed.worker.profile.enabled": False}):
                    self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=True,
                        # the scheduler's HTTP server starts even without a dashboard; on a fixed port a
                        # second cluster on this machine got a "port in use" warning (an error in the tests)
                        dashboard_address=":0",
                        silence_logs=40,
                    )
                self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise EngineError(f"cannot reach the Dask scheduler {self.scheduler or '(local cluster)'}: {exc}") from exc
        return self._client

    def client(self) -> Any:
        """The ``distributed`` client, connecting on first use: for work that is more than a map (linking)."""
        return self._connect()

    def map_partitions(self, fn: Callable[[Any], Any], partitions: Iterable[list[Any]]) -> Iterator[list[Any]]:
        client = self._connect()
        [shared_fn] = client.scatter([fn], broadcast=True)
        window: deque[Any] = deque()
        limit = 2 * max(1, len(client.scheduler_info().get("workers", {})) or self.workers)
        try:
            for partition in partitions:
                window.append(client.submit(apply_partition, shared_fn, partition, pure=False))
                if len(window) >= limit:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        except (OSError, TimeoutError) as exc:
            raise EngineError(f"Dask execution failed: {exc}") from exc
        finally:
            for future in window:
                future.cancel()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            # the work is done: a worker slow to exit on a busy machine is killed, which loses
            # nothing, but its nanny's warning would end a command's output
            nanny = logging.getLogger("distributed.nanny")
            level = nanny.level
            nanny.setLevel(logging.ERROR)
            try:
                self._cluster.close()
            finally:
                nanny.setLevel(level)
            self._cluster = None


class WorkerPipeline:
    """The pipeline as a Dask worker gets it: built there, on first use, by :func:`vigil.pipeline.shared_pipeline`.

    A Dask worker is a spawned process or another machine and inherits nothing from this
    one, so building the pipeline here would only cost the time to load it. The settings it
    carries leave out the store's and the webhook's addresses (they may hold credentials,
    and the pipeline needs neither).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.model_copy(update={"database_url": None, "webhook_url": None})
        self._pipeline: Callable[[Document], Analysis] | None = None

    def __reduce__(self) -> tuple[type[WorkerPipeline], tuple[Settings]]:
        return (WorkerPipeline, (self.settings,))

    def __call__(self, document: Document) -> Analysis:
        if self._pipeline is None:
            from vigil.pipeline import shared_pipeline

            self._pipeline = shared_pipeline(self.settings)
        return self._pipeline(document)

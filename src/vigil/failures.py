"""Per-record isolation: a document that makes a stage raise is recorded and skipped.

Every batch path (ingest, analyze, link, trends, process, demo, the Dask engine) runs each
document's work through :func:`guarded`. Ad text is hostile input and the pipeline is large:
a bug that one document triggers must cost that document, never the run. The failure keeps
the error class and message so a person can reproduce it; the run reports it and exits 1.

Catching ``Exception`` here is deliberate and the only such place: it is the isolation
boundary. ``KeyboardInterrupt`` and ``SystemExit`` still stop the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeVar

import structlog

from vigil.errors import VigilError

T = TypeVar("T")

#: Longest error message kept per failure (messages may quote the document).
MAX_MESSAGE: Final = 500

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RecordFailure:
    """Why one record could not be processed: the error's class and message."""

    error: str
    message: str

    @classmethod
    def of(cls, exc: BaseException) -> RecordFailure:
        message = exc.message if isinstance(exc, VigilError) and exc.message else str(exc)
        return cls(exc.__class__.__name__, message[:MAX_MESSAGE])

    @property
    def reason(self) -> str:
        return f"{self.error}: {self.message}" if self.message else self.error

    def to_json(self) -> dict[str, str]:
        return {"error": self.error, "message": self.message}


def guarded(step: Callable[..., T], *args: object) -> T | RecordFailure:
    """``step(*args)``, or the :class:`RecordFailure` it raised."""
    try:
        return step(*args)
    except Exception as exc:
        if not isinstance(exc, VigilError):
            log.warning("record failed", error=exc.__class__.__name__, message=str(exc)[:MAX_MESSAGE], exc_info=True)
        return RecordFailure.of(exc)

"""Vigil: find and reduce human-trafficking risk online.

Importing the package does no I/O; :func:`analyze` builds the default pipeline on first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigil.documents import Document

__version__ = "0.1.0"


def analyze(document: Document | Mapping[str, Any]) -> dict[str, Any]:
    """Analyse one document (the Analysis contract of ``DESIGN.md``)."""
    from vigil.pipeline import analyze as _analyze

    return _analyze(document)


__all__ = ["__version__", "analyze"]

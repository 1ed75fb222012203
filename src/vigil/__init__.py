"""Vigil: find and reduce human-trafficking risk online.

Importing the package does no I/O and loads no tables: :func:`analyze` builds the default
pipeline on first use, and the other public names are imported when first asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigil.contract import Analysis, Entities, IndicatorHit, Risk
    from vigil.documents import Document
    from vigil.pipeline import build_pipeline

__version__ = "0.1.0"

#: Public names imported on first use, and the module each comes from.
_LAZY: dict[str, str] = {
    "Analysis": "vigil.contract",
    "Entities": "vigil.contract",
    "IndicatorHit": "vigil.contract",
    "Risk": "vigil.contract",
    "Document": "vigil.documents",
    "build_pipeline": "vigil.pipeline",
}


def analyze(document: Document | Mapping[str, Any]) -> Analysis:
    """Analyse one document (the Analysis contract of ``DESIGN.md``)."""
    from vigil.pipeline import analyze as _analyze

    return _analyze(document)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vigil' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Analysis",
    "Document",
    "Entities",
    "IndicatorHit",
    "Risk",
    "__version__",
    "analyze",
    "build_pipeline",
]

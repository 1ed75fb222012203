"""Which pipeline an analysis came from: code version plus a digest of every table it loads.

An analysis records :func:`pipeline_version`; ``vigil process`` re-analyses documents whose
analysis came from another version, so a lexicon edit, a new gazetteer or a retrained model
reaches every stored document. The digest covers the data files shipped with the
extraction, recognizer and scoring packages (lexicons, gazetteer, catalogue, model files);
code changes are covered by the package version.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Final

from vigil import __version__

#: Packages whose data files change what an analysis says.
DATA_PACKAGES: Final = ("vigil.extract", "vigil.recognizers", "vigil.scoring")
#: File suffixes that are data (code is versioned by the package version).
DATA_SUFFIXES: Final = (".yaml", ".yml", ".tsv", ".json", ".txt", ".csv")
#: Hex digits of the data digest kept in the version string.
DIGEST_CHARS: Final = 12


def _data_files(root: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in root.iterdir():
        name = f"{prefix}/{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                found.extend(_data_files(entry, name))
        elif entry.name.endswith(DATA_SUFFIXES):
            found.append((name, entry))
    return found


@cache
def data_digest() -> str:
    """SHA-256 over the names and bytes of every shipped data file the pipeline reads."""
    digest = hashlib.sha256()
    for package in DATA_PACKAGES:
        for name, entry in sorted(_data_files(resources.files(package)), key=lambda item: item[0]):
            digest.update(f"{package}{name}\0".encode())
            digest.update(entry.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def pipeline_version() -> str:
    """``<package version>+<data digest>``, e.g. ``0.1.0+3f9a0c6e1b2d``."""
    return f"{__version__}+{data_digest()[:DIGEST_CHARS]}"

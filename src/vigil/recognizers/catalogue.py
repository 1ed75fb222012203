"""The indicator catalogue (``catalogue.yaml``): what each indicator means and where it comes from.

``docs/indicators.md`` is the same catalogue for people; a test keeps the two, the
recognizers and the indicator ids of DESIGN.md consistent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from vigil.errors import ConfigError
from vigil.recognizers.lexicon import SAFE_LOADER

CATALOGUE_PATH: Final = Path(__file__).parent / "catalogue.yaml"
GROUPS: Final = ("sex", "jobs", "network")


@dataclass(frozen=True)
class IndicatorInfo:
    """One catalogue entry; ``measured`` holds precision/recall/F1 per evaluation set."""

    id: str
    group: str
    title: str
    definition: str
    source: str
    provenance: tuple[str, ...]
    evidence: str
    examples: tuple[str, ...]
    false_positives: tuple[str, ...]
    measured: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _entry(ident: str, raw: Any) -> IndicatorInfo:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"catalogue entry {ident!r} must be a mapping")
    group = raw.get("group")
    if group not in GROUPS:
        raise ConfigError(f"catalogue entry {ident!r}: group must be one of {GROUPS}")
    for key in ("title", "definition", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"catalogue entry {ident!r}: {key} is required")
    measured = raw.get("measured") or {}
    if not isinstance(measured, Mapping):
        raise ConfigError(f"catalogue entry {ident!r}: measured must be a mapping")
    return IndicatorInfo(
        id=ident,
        group=str(group),
        title=raw["title"].strip(),
        definition=" ".join(raw["definition"].split()),
        source=raw["source"].strip(),
        provenance=_strings(raw.get("provenance"), f"{ident}.provenance"),
        evidence=" ".join(str(raw.get("evidence") or "").split()),
        examples=_strings(raw.get("examples"), f"{ident}.examples"),
        false_positives=_strings(raw.get("false_positives"), f"{ident}.false_positives"),
        measured={str(k): dict(v) for k, v in measured.items()},
    )


def load_catalogue(path: Path = CATALOGUE_PATH) -> dict[str, IndicatorInfo]:
    """Every indicator of the catalogue, in file order."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read indicator catalogue {path}: {exc}") from exc
    if not isinstance(data, Mapping) or not isinstance(data.get("indicators"), Mapping):
        raise ConfigError(f"{path}: expected a mapping with 'indicators'")
    return {str(ident): _entry(str(ident), raw) for ident, raw in data["indicators"].items()}


@lru_cache(maxsize=1)
def _shipped_catalogue() -> Mapping[str, IndicatorInfo]:
    return load_catalogue()


def indicator_info(ident: str) -> IndicatorInfo:
    """The shipped catalogue's entry for ``ident`` (read once per process, on first use)."""
    catalogue = _shipped_catalogue()
    if ident not in catalogue:
        raise ConfigError(f"indicator {ident!r} has no entry in {CATALOGUE_PATH.name}")
    return catalogue[ident]


def indicator_ids(group: str) -> tuple[str, ...]:
    """Ids of one group (``sex``, ``jobs``, ``network``) in catalogue order."""
    return tuple(ident for ident, info in _shipped_catalogue().items() if info.group == group)

"""Public texts of the report form, status page and e-mails, one YAML file per language.

Language is data: ``data/messages/<lang>.yaml`` holds every text of one language, and a
test checks each file has every key the English one has. Emergency numbers shown with
"someone is in immediate danger" are the sourced help lines of :mod:`vigil.safeguard`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Final

import yaml

from vigil.errors import ConfigError

FALLBACK: Final = "en"
#: Help lines shown at once when someone is in immediate danger (ids in safeguard's helplines.yaml).
EMERGENCY_LINES: Final = ("eu_112", "ua_102", "ua_1547", "ua_1547_abroad", "ua_527", "eu_116006")


@cache
def catalogue() -> Mapping[str, Mapping[str, Any]]:
    folder = resources.files("vigil.reports") / "data" / "messages"
    texts: dict[str, Mapping[str, Any]] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("lang") != entry.name.removesuffix(".yaml"):
                raise ConfigError(f"report texts {entry.name} must be a mapping whose lang matches its file name")
            texts[data["lang"]] = data
    if FALLBACK not in texts:
        raise ConfigError("the English report texts are missing")
    return texts


def languages() -> tuple[str, ...]:
    return (FALLBACK, *sorted(lang for lang in catalogue() if lang != FALLBACK))


def resolve(lang: str | None) -> str:
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in catalogue() else FALLBACK


def texts(lang: str) -> Mapping[str, Any]:
    """Every text of ``lang``, English where the language has no text for a key."""
    english = catalogue()[FALLBACK]
    chosen = catalogue()[resolve(lang)]
    return {**english, **chosen}


def emergency_lines() -> list[dict[str, Any]]:
    """The sourced numbers shown when someone is in immediate danger (112 first)."""
    from vigil.safeguard.messages import load_default_catalog

    lines = load_default_catalog().helplines
    return [lines[line_id].as_dict() for line_id in EMERGENCY_LINES if line_id in lines]

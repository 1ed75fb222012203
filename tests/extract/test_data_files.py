"""The shipped word lists: every entry is text (YAML would silently turn ``no``, ``on`` or
``null`` into booleans and None), and the gazetteer is well formed."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
import yaml

from vigil.extract.entities.locations import _load_gazetteer
from vigil.extract.language import SUPPORTED_LANGUAGES

DATA = resources.files("vigil.extract").joinpath("data")
YAML_FILES = sorted(p.name for p in DATA.iterdir() if p.name.endswith(".yaml"))


def _scalars(node: Any, path: str) -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [item for key, value in node.items() for item in [(f"{path}/{key!r}", key), *_scalars(value, f"{path}/{key}")]]
    if isinstance(node, list):
        return [item for value in node for item in _scalars(value, path)]
    return [(path, node)]


@pytest.mark.parametrize("name", YAML_FILES)
def test_word_lists_hold_only_text(name: str) -> None:
    data = yaml.safe_load(DATA.joinpath(name).read_text(encoding="utf-8"))
    bad = [(path, value) for path, value in _scalars(data, name) if not isinstance(value, str | int) or isinstance(value, bool)]
    assert not bad, f"non-text entries (quote them): {bad}"


@pytest.mark.parametrize("name", ["ages.yaml", "names.yaml", "contacts.yaml"])
def test_per_language_lists_cover_the_supported_languages(name: str) -> None:
    data = yaml.safe_load(DATA.joinpath(name).read_text(encoding="utf-8"))
    for key, table in data.items():
        if isinstance(table, dict) and {"en", "ru"} <= set(table):
            assert set(SUPPORTED_LANGUAGES) <= set(table), f"{name}:{key} lacks {set(SUPPORTED_LANGUAGES) - set(table)}"


def test_number_words_cover_the_supported_languages() -> None:
    data = yaml.safe_load(DATA.joinpath("number_words.yaml").read_text(encoding="utf-8"))
    for lang in SUPPORTED_LANGUAGES:
        assert sorted(data["digits"][lang]) == [str(d) for d in range(10)], lang


def test_gazetteer_is_well_formed() -> None:
    places = _load_gazetteer()
    assert len(places) > 10_000
    assert places["warszawa"].canonical == "Warsaw" and places["warszawa"].country == "PL"
    assert places["італія"].canonical == "Italy" and places["італія"].kind == "country"
    assert all(surface == surface.casefold() for surface in places)

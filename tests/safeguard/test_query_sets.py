"""Goals of the issue, asserted on the labelled set and on the held-out set."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from vigil.safeguard.classifier import default_classifier
from vigil.safeguard.evaluation import GOALS, evaluate, read_labelled

DATA = Path(__file__).resolve().parents[1] / "data"
SETS = ["queries_labelled.jsonl", "queries_heldout.jsonl"]
LANGUAGES = {"uk", "ru", "en", "pl", "de", "cs", "sk", "ro", "hu", "fr", "it", "es", "nl", "pt", "tr", "lt"}


def test_sets_are_big_enough_and_disjoint() -> None:
    rows = {name: read_labelled(DATA / name) for name in SETS}
    everything = [row for name in SETS for row in rows[name]]
    assert len(everything) >= 600
    per_lang = Counter(row["lang"] for row in everything)
    assert set(per_lang) == LANGUAGES
    assert min(per_lang.values()) >= 30
    dev = {row["query"] for row in rows["queries_labelled.jsonl"]}
    held = {row["query"] for row in rows["queries_heldout.jsonl"]}
    assert not dev & held
    assert 0.25 <= len(held) / len(everything) <= 0.35


@pytest.mark.parametrize("name", SETS)
def test_goals(name: str) -> None:
    report = evaluate(default_classifier(), read_labelled(DATA / name))
    assert report["exploitation_recall"] >= GOALS["exploitation_recall"], report["errors"]
    assert report["neutral_as_exploitation"] <= GOALS["neutral_as_exploitation"], report["errors"]
    assert report["at_risk_recall"] >= GOALS["at_risk_recall"], report["errors"]
    assert report["neutral_touched"] <= GOALS["neutral_touched"], report["errors"]
    unmet = {check["goal"] for check in report["goal_checks"] if not check["met"]}
    assert not unmet, report["errors"]
    assert report["goals_met"]


def test_every_category_and_trick_is_represented() -> None:
    rows = [json.loads(line) for name in SETS for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    categories = Counter(row["category"] for row in rows)
    assert min(categories.values()) >= 100
    tags = Counter(tag for row in rows for tag in row.get("tags", []))
    for tag in ("lookalike", "translit", "typo", "leet", "emoji", "minor", "case"):
        assert tags[tag] >= 1, tag

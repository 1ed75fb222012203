"""The fresh-ads corpus (bench/data/ads_fresh): well-formed labels, and the held-out test set kept apart.

``test.jsonl`` was the first test set; it is development data now, like the training files,
and the held-out test set is ``test2_a.jsonl`` with ``test2_b.jsonl`` (see the folder's README).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from vigil.recognizers import load_recognizers
from vigil.recognizers.clauses import load_clause_model

ROOT = Path(__file__).resolve().parents[2] / "bench" / "data" / "ads_fresh"
RETIRED_TEST = ROOT / "test.jsonl"
TEST = [ROOT / "test2_a.jsonl", ROOT / "test2_b.jsonl"]
TRAINING = sorted(ROOT.glob("train_*.jsonl"))
DEVELOPMENT = [*TRAINING, RETIRED_TEST]
LANGUAGES = {"uk", "ru", "en", "pl", "cs", "sk", "de", "nl", "fr", "ro", "hu", "it", "es"}
LABEL_KEYS = {"indicators", "phones", "ages", "names", "network", "risk"}
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _words(record: dict[str, Any]) -> frozenset[str]:
    text = unicodedata.normalize("NFKD", f"{record.get('title') or ''} {record['text']}".casefold())
    return frozenset(re.findall(r"\w+", "".join(ch for ch in text if not unicodedata.combining(ch))))


def test_the_corpus_has_its_files() -> None:
    assert RETIRED_TEST.is_file()
    assert len(TRAINING) == 6  # tr5 and tr6 are development data the shipped model does not use (TRAIN.md)
    assert sum(len(_read(p)) for p in TRAINING) >= 2000
    assert sum(len(_read(p)) for p in TEST) >= 400
    assert {r["lang"] for p in TEST for r in _read(p)} == LANGUAGES


@pytest.mark.parametrize("path", [*DEVELOPMENT, *TEST], ids=lambda p: p.name)
def test_every_record_is_a_labelled_document(path: Path) -> None:
    recognizers = load_recognizers()
    by_kind = {
        kind: {rec.INDICATOR for rec in recognizers.recognizers if rec.applies_to(kind)}
        for kind in ("sex_ad", "job_ad")
    }
    seen: set[str] = set()
    for record in _read(path):
        assert record["id"] not in seen
        seen.add(record["id"])
        assert record["lang"] in LANGUAGES
        assert record["kind"] in by_kind
        labels = record["labels"]
        assert set(labels) == LABEL_KEYS, record["id"]
        assert set(labels["indicators"]) <= by_kind[record["kind"]], record["id"]
        assert all(E164.match(phone) for phone in labels["phones"]), record["id"]
        assert all(isinstance(age, int) and 10 <= age <= 90 for age in labels["ages"]), record["id"]
        assert labels["risk"] in ("high", "low")


def test_no_development_ad_is_a_near_copy_of_a_test_ad() -> None:
    test: dict[str, list[frozenset[str]]] = {}
    for record in (r for p in TEST for r in _read(p)):
        test.setdefault(record["lang"], []).append(_words(record))
    for path in DEVELOPMENT:
        for record in _read(path):
            words = _words(record)
            for other in test.get(record["lang"], ()):
                assert len(words & other) / len(words | other) < 0.5, record["id"]


def test_the_shipped_clause_model_never_saw_the_test_set() -> None:
    files = [entry["path"] for entry in load_clause_model().meta["training"]["files"]]
    assert files
    assert not {Path(f).name for f in files} & {p.name for p in TEST}

"""``vigil eval indicators``: figures as a table or JSON, clear errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from vigil.cli import app
from vigil.errors import DocumentError

CORPUS = [
    {
        "id": "a",
        "text": "Urgent! Registration fee 250 EUR.",
        "kind": "job_ad",
        "lang": "en",
        "labels": {"indicators": ["urgency", "upfront_fee"]},
    },
    {
        "id": "b",
        "text": "We never charge fees. Apply online.",
        "kind": "job_ad",
        "lang": "en",
        "labels": {"indicators": []},
    },
    {
        "id": "c",
        "text": "Новенька в місті, цілодобово.",
        "kind": "sex_ad",
        "lang": "uk",
        "labels": {"indicators": ["new_arrival", "youth"]},
    },
]


def _write(tmp_path: Path, records: list[dict[str, object]]) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_json_output_counts_every_decision(tmp_path: Path):
    # The lexicons alone: the counts below are the lexicons' decisions on this corpus.
    result = CliRunner().invoke(app, ["eval", "indicators", str(_write(tmp_path, CORPUS)), "--json", "--lexicons-only"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["documents"] == 3
    assert figures["per_indicator"]["upfront_fee"] == {**figures["per_indicator"]["upfront_fee"], "tp": 1, "fp": 0}
    # "youth" is labelled but absent from the text: one miss; "always_available" is found but unlabelled.
    assert figures["per_indicator"]["youth"]["fn"] == 1
    assert figures["per_indicator"]["always_available"]["fp"] == 1
    assert set(figures["per_language"]) == {"en", "uk"}
    micro = figures["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (3, 1, 1)


def test_table_output_names_indicators_and_languages(tmp_path: Path):
    result = CliRunner().invoke(app, ["eval", "indicators", str(_write(tmp_path, CORPUS)), "--errors"])
    assert result.exit_code == 0, result.output
    for word in ("upfront_fee", "Per language", "micro", "missed=['youth']"):
        assert word in result.stdout


def test_missing_corpus_is_a_one_line_error(tmp_path: Path):
    args = ["eval", "indicators", str(tmp_path / "missing.jsonl")]
    result = subprocess.run(
        [sys.executable, "-m", "vigil.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2, result.stderr
    assert "vigil: error: no such corpus" in result.stderr
    assert "Traceback" not in result.stderr


def test_unlabelled_record_is_rejected_with_its_line(tmp_path: Path):
    unlabelled = _write(tmp_path, [CORPUS[0], {"id": "x", "text": "hello"}])
    result = CliRunner().invoke(app, ["eval", "indicators", str(unlabelled)])
    assert isinstance(result.exception, DocumentError)
    assert result.exception.line == 2

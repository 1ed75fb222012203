"""``vigil link``: one line per input document, in input order, null for singletons; --clusters; --store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.link.synthetic import generate_corpus

TEMPLATE = "{n}, quiet apartment near the old bridge, tea and music in the evening, parking behind the green gate. Call {p}"


def _records() -> list[dict[str, Any]]:
    def doc(i: str, text: str, **entities: Any) -> dict[str, Any]:
        base = {"phones": [], "emails": [], "handles": [], "urls": [], "ages": [], "names": [], "locations": []}
        return {"id": i, "text": text, "posted_at": f"2026-01-0{len(i)}", "entities": {**base, **entities}}

    return [
        doc("z-3", "Completely unrelated words here only", phones=["+48501234999"]),
        doc("b-1", "Lamp towel sofa", phones=["+48501234000"], names=["Anna"]),
        doc("a-2", "Garden window river", phones=["+48501234000"], names=["Olga"]),
        doc("t-1", TEMPLATE.format(n="Anna", p="+44 7400 111 222"), names=["Anna"], phones=["+447400111222"]),
        doc("t-2", TEMPLATE.format(n="Vika", p="+44 7400 333 444"), names=["Vika"], phones=["+447400333444"]),
    ]


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _invoke(args: list[str], tmp_path: Path, stdin: str | None = None) -> Any:
    runner = CliRunner()
    return runner.invoke(app, ["--data-dir", str(tmp_path / "data"), *args], input=stdin)


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_one_line_per_document_in_input_order(tmp_path: Path) -> None:
    records = _records()
    result = _invoke(["link", str(_write(tmp_path / "in.jsonl", records))], tmp_path)
    assert result.exit_code == 0, result.stderr
    lines = _lines(result.stdout)
    assert [line["id"] for line in lines] == [r["id"] for r in records]
    assert all(set(line) == {"id", "cluster"} for line in lines)
    cluster = {line["id"]: line["cluster"] for line in lines}
    assert cluster["z-3"] is None
    assert cluster["b-1"] == cluster["a-2"] is not None
    assert cluster["t-1"] == cluster["t-2"] is not None
    assert cluster["t-1"] != cluster["a-2"]


def test_stdin_and_output_file(tmp_path: Path) -> None:
    text = "".join(json.dumps(r) + "\n" for r in _records())
    out = tmp_path / "out.jsonl"
    result = _invoke(["link", "-", "-o", str(out)], tmp_path, stdin=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert len(_lines(out.read_text(encoding="utf-8"))) == len(_records())


def test_rejected_record_is_reported_and_the_rest_linked(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    _write(path, _records())
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"text": "no id"}\nnot json\n')
    result = _invoke(["link", str(path)], tmp_path)
    assert result.exit_code == 1
    assert len(_lines(result.stdout)) == len(_records())
    assert "line 6" in result.stderr and "line 7" in result.stderr


def test_clusters_lines(tmp_path: Path) -> None:
    result = _invoke(["link", "--clusters", str(_write(tmp_path / "in.jsonl", _records()))], tmp_path)
    assert result.exit_code == 0, result.stderr
    clusters = _lines(result.stdout)
    assert len(clusters) == 2
    by_members = {tuple(c["members"]): c for c in clusters}
    phone = by_members[("a-2", "b-1")]
    assert phone["identifiers"] == [{"identifier": "phone:+48501234000", "kind": "phone", "docs": 2}]
    assert {i["id"] for i in phone["indicators"]} >= {"shared_contact", "alias_inconsistency"}
    template = by_members[("t-1", "t-2")]
    assert template["template"]["text"].startswith("{slot1}, quiet apartment")
    assert {i["id"] for i in template["indicators"]} == {"template_reuse"}
    for cluster in clusters:
        assert set(cluster) >= {"cluster", "members", "identifiers", "template", "indicators", "timeline"}


def test_store_joins_new_documents_to_existing_clusters(tmp_path: Path) -> None:
    records = _records()
    first = _invoke(["link", "--store", str(_write(tmp_path / "a.jsonl", records[:2]))], tmp_path)
    assert first.exit_code == 0, first.stderr
    assert [line["cluster"] for line in _lines(first.stdout)] == [None, None]
    second = _invoke(["link", "--store", str(_write(tmp_path / "b.jsonl", records[2:]))], tmp_path)
    assert second.exit_code == 0, second.stderr
    lines = {line["id"]: line["cluster"] for line in _lines(second.stdout)}
    assert lines["a-2"] is not None and lines["t-1"] == lines["t-2"] is not None
    clusters = _invoke(["link", "--store", "--clusters", str(tmp_path / "a.jsonl")], tmp_path)
    assert [c["members"] for c in _lines(clusters.stdout)] == [["a-2", "b-1"]]


@pytest.mark.parametrize("seed", [3])
def test_cli_on_planted_corpus_matches_library(tmp_path: Path, seed: int) -> None:
    corpus = generate_corpus(200, seed=seed, with_entities=True)
    result = _invoke(["link", str(_write(tmp_path / "in.jsonl", corpus.documents))], tmp_path)
    assert result.exit_code == 0, result.stderr
    lines = _lines(result.stdout)
    assert [line["id"] for line in lines] == [d["id"] for d in corpus.documents]
    assert any(line["cluster"] for line in lines) and any(line["cluster"] is None for line in lines)


def test_help_lists_options(tmp_path: Path) -> None:
    result = _invoke(["link", "--help"], tmp_path)
    assert result.exit_code == 0
    for option in ("--output", "--clusters", "--store"):
        assert option in result.stdout


def test_analysis_lines_without_text_link_by_identifiers(tmp_path: Path) -> None:
    """``vigil analyze`` output (entities, no text) links through its identifiers alone."""

    def analysis(i: str, phones: list[str]) -> dict[str, Any]:
        entities = {"phones": phones, "emails": [], "handles": [], "urls": [], "ages": [], "names": [], "locations": []}
        return {"id": i, "lang": "pl", "kind": "sex_ad", "risk": None, "indicators": [], "entities": entities}

    records = [analysis("x1", ["+48501234000"]), analysis("x2", ["+48501234000"]), analysis("x3", [])]
    result = _invoke(["link", str(_write(tmp_path / "in.jsonl", records))], tmp_path)
    assert result.exit_code == 0, result.stderr
    lines = _lines(result.stdout)
    assert lines[0]["cluster"] == lines[1]["cluster"] is not None
    assert lines[2]["cluster"] is None

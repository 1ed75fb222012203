"""The ``vigil trends`` command contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.settings import Settings
from vigil.trends.synthetic import START_DAY

ALERT_KEYS = {"segment", "period_start", "observed", "expected", "ratio", "p_value", "q_value", "direction"}


def _docs(path: Path, *, weeks: int = 16, rise_week: int = 12) -> Path:
    from datetime import date, timedelta

    start = date(1970, 1, 1) + timedelta(days=START_DAY)
    lines = []
    n = 0
    for week in range(weeks):
        for i in range(60):
            n += 1
            day = start + timedelta(days=7 * week + i % 7)
            ukrainian = i < (15 if week >= rise_week else 3)
            text = "Нова українка в місті" if ukrainian else "Independent companion, discreet"
            lines.append(json.dumps({"id": f"d{n}", "text": text, "kind": "sex_ad", "platform": "board.example",
                                     "lang": "uk" if ukrainian else "en", "posted_at": f"{day.isoformat()}T12:00:00Z"},
                                    ensure_ascii=False))
    lines.append(json.dumps({"id": "undated", "text": "no date"}))
    lines.append("{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(args: list[str], settings: Settings | None = None) -> Any:
    runner = CliRunner()
    base = ["--data-dir", str(settings.data_dir), "--database-url", settings.resolved_database_url] if settings else []
    return runner.invoke(app, [*base, "trends", *args], catch_exceptions=False)


def test_alerts_jsonl_contract(tmp_path: Path) -> None:
    result = _run([str(_docs(tmp_path / "d.jsonl")), "--no-analyze"])
    assert result.exit_code == 1, result.stderr  # the file holds one rejected line: it is counted and said
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    assert alerts, result.stderr
    for alert in alerts:
        assert set(alert) >= ALERT_KEYS
        assert alert["direction"] in {"up", "down"}
    rise = [a for a in alerts if a["segment"] == "term:ukrainian" and a["direction"] == "up"]
    assert rise and rise[0]["period_start"] == "2024-03-25"  # week 12 after Monday 2024-01-01
    summary = json.loads(result.stderr.strip().splitlines()[-1])
    assert (summary["undated"], summary["rejected"]) == (1, 1)
    assert "line" in result.stderr


def test_series_output_and_daily(tmp_path: Path) -> None:
    docs = _docs(tmp_path / "d.jsonl")
    out = tmp_path / "series.jsonl"
    result = _run([str(docs), "--no-analyze", "--series", "--freq", "D", "-o", str(out)])
    assert result.exit_code == 1, result.stderr  # one rejected line in the file
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    term = [r for r in rows if r["segment"] == "term:ukrainian"]
    assert len(term) == 16 * 7
    assert {"segment", "freq", "period_start", "count", "total", "share", "expected", "level", "change_point", "alert"} <= set(term[0])
    assert term[0]["freq"] == "D" and term[0]["period_start"] == "2024-01-01"
    assert sum(r["change_point"] for r in term) >= 1


def test_search_csv_and_plots(tmp_path: Path) -> None:
    docs = _docs(tmp_path / "d.jsonl")
    csv = tmp_path / "gt.csv"
    rows = "\n".join(f"2023-12-{d:02d},{v}" for d, v in ((31, 10),))
    weeks = "\n".join(f"{(__import__('datetime').date(2024, 1, 7) + __import__('datetime').timedelta(days=7 * w)).isoformat()},{10 if w < 11 else 60}" for w in range(15))
    csv.write_text(f"Category: All categories\n\nWeek,ukrainian escorts: (Worldwide)\n{rows}\n{weeks}\n", encoding="utf-8")
    plots = tmp_path / "plots"
    result = _run([str(docs), "--no-analyze", "--search", str(csv), "--series", "--plot", str(plots)])
    assert result.exit_code == 1, result.stderr  # one rejected line in the file
    segments = {json.loads(line)["segment"] for line in result.stdout.splitlines()}
    assert "search:ukrainian escorts" in segments
    svgs = sorted(p.name for p in plots.iterdir())
    assert "term_ukrainian.svg" in svgs
    svg = (plots / "term_ukrainian.svg").read_text()
    assert svg.startswith("<?xml") and "<image" not in svg


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--freq", "M", "X"], "--freq must be W or D"),
        ([], "give a documents file"),
        (["missing.jsonl"], "no such file"),
    ],
)
def test_errors_are_vigil_input_errors(tmp_path: Path, args: list[str], message: str) -> None:
    # ``vigil.cli.main`` prints an InputError as one line with exit status 2 (tested with the foundation).
    from vigil.errors import InputError

    args = [str(_docs(tmp_path / "d.jsonl")) if a == "X" else str(tmp_path / a) if a.endswith(".jsonl") else a for a in args]
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "trends", *args])
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)
    assert result.exception.exit_code == 2


def test_store_mode_saves_alerts_once(tmp_path: Path, settings: Settings) -> None:
    from vigil.store import Store
    from vigil.trends.alert_store import list_alerts

    docs = _docs(tmp_path / "d.jsonl")
    first = _run([str(docs), "--no-analyze", "--save"], settings)
    assert first.exit_code == 1, first.stderr  # one rejected line in the file
    second = _run([str(docs), "--no-analyze", "--save"], settings)
    assert "(0 new)" in second.stderr
    with Store.open(settings) as store:
        rows = list_alerts(store)
    assert len(rows) == len(first.stdout.splitlines())
    assert any(r.segment == "term:ukrainian" for r in rows)


def test_help() -> None:
    result = CliRunner().invoke(app, ["trends", "--help"])
    assert result.exit_code == 0 and "--series" in result.stdout and "--search" in result.stdout


def test_store_run_notifies_the_webhook_once(tmp_path: Path, settings: Settings, receiver: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_WEBHOOK_URL", receiver.url)
    docs = _docs(tmp_path / "d.jsonl")
    first = _run([str(docs), "--no-analyze", "--save"], settings)
    assert first.exit_code == 1, first.stderr  # one rejected line in the file
    alerts = [json.loads(line) for line in first.stdout.splitlines()]
    assert "delivered" in first.stderr
    assert sorted((m["segment"], m["period_start"]) for m in receiver.received) == sorted(
        (a["segment"], a["period_start"]) for a in alerts
    )
    again = _run([str(docs), "--no-analyze", "--save"], settings)
    assert again.exit_code == 1
    assert len(receiver.received) == len(alerts)  # already known alerts are not sent again


def test_render_chart_from_series_rows(tmp_path: Path) -> None:
    from vigil.trends.chart import ChartSeries, render_chart

    docs = _docs(tmp_path / "d.jsonl")
    result = _run([str(docs), "--no-analyze", "--series"])
    rows = [r for r in map(json.loads, result.stdout.splitlines()) if r["segment"] == "term:ukrainian"]
    alerts = [r for r in rows if r["alert"]]
    svg = render_chart(ChartSeries.from_rows(rows), alerts)
    assert svg.startswith(b"<?xml") and b"<svg" in svg and b"<image" not in svg
    assert b"term:ukrainian" in svg

"""``vigil platforms`` end to end: seed, add, import (refused whole on error), export, rank, audit."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from platforms_support import Doc, put_documents
from typer.testing import CliRunner

from vigil.cli import app
from vigil.errors import VigilError
from vigil.settings import Settings
from vigil.store import Store

POOR = resources.files("vigil.platforms").joinpath("data", "examples", "poorly-configured.yaml")


def _run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--data-dir", str(data_dir), "--database-url", "", "platforms", *args])
    error = str(result.exception) if isinstance(result.exception, VigilError) else result.stderr
    return result.exit_code, result.stdout, error


@pytest.fixture
def data_dir(settings: Settings) -> Path:
    return settings.data_dir


def test_build_rank_and_audit_the_map(data_dir: Path, settings: Settings, tmp_path: Path) -> None:
    assert _run(data_dir, "import", "--seed")[0] == 0
    code, out, _ = _run(data_dir, "add", "Example Open Board", "--category", "job_classified", "--domain", "open-board.test",
                        "--source", "synthetic entry", "--no-reporting", "--json")
    assert code == 0 and json.loads(out)["domains"] == ["open-board.test"]
    with Store.open(settings) as store:
        put_documents(store, [Doc(f"d{i}", url=f"https://open-board.test/{i}", level="high", indicators=("urgency",))
                              for i in range(6)])
    code, out, err = _run(data_dir, "audit", str(POOR), "--json")
    assert code == 0, err
    audit = json.loads(out)
    assert audit["platform"] == "Example Open Board"
    assert {c["result"] for c in audit["checks"]} == {"pass", "fail", "unknown"}
    code, out, _ = _run(data_dir, "rank", "--json")
    ranked = [json.loads(line) for line in out.splitlines()]
    assert ranked[0]["name"] == "Example Open Board"
    assert ranked[0]["observed"]["high_risk"] == 6 and ranked[0]["audit"]["failed"] > 0
    code, out, _ = _run(data_dir, "rank", "--explain", "Telegram", "Example Open Board")
    assert out.startswith("Example Open Board ranks above Telegram by ") and "high-risk leads" in out
    code, out, _ = _run(data_dir, "show", "Open Board", "--json")
    assert code != 0  # not a name on the map
    code, out, _ = _run(data_dir, "show", "example open board", "--json")
    shown = json.loads(out)
    assert {"fact": "domains", "value": ["open-board.test"], "source": "synthetic entry"} in shown["facts"]
    assert shown["audit"]["checks"][0]["requirement"]
    exported = tmp_path / "map.csv"
    assert _run(data_dir, "export", "-o", str(exported))[0] == 0
    assert exported.read_text(encoding="utf-8").startswith("name,category,")
    code, out, _ = _run(data_dir, "list", "--json")
    assert len(out.splitlines()) == 15


def test_a_bad_import_is_refused_whole_and_the_store_kept(data_dir: Path, tmp_path: Path) -> None:
    assert _run(data_dir, "add", "Kept", "--category", "escort", "--domain", "kept.test", "--source", "synthetic")[0] == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("platforms:\n  - name: Fine\n    category: escort\n    source: s\n"
                   "  - name: Clash\n    category: escort\n    domains: [kept.test]\n    source: s\n", encoding="utf-8")
    code, _, err = _run(data_dir, "import", str(bad))
    assert code != 0
    assert "line 7, field domains: domain kept.test already belongs to Kept" in err
    _, out, _ = _run(data_dir, "list")
    assert [line.split("\t")[1] for line in out.splitlines()] == ["Kept"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("add", "X", "--category", "casino", "--source", "s"), "unknown category"),
        (("add", "X", "--category", "escort", "--source", " "), "field source"),
        (("import",), "give a catalogue file or --seed"),
        (("export", "--format", "xml"), "unknown format"),
        (("audit", str(POOR), "--platform", "Nowhere"), "no platform 'Nowhere'"),
        (("show", "Nowhere"), "no platform 'Nowhere'"),
    ],
)
def test_wrong_input_is_one_clear_error(data_dir: Path, args: tuple[str, ...], words: str) -> None:
    code, _, err = _run(data_dir, *args)
    assert code != 0
    assert words in err

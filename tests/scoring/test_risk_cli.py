"""`vigil eval risk` and `vigil train jobs` as a user runs them (real subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

VIGIL = [sys.executable, "-m", "vigil.cli"]
LABELLED = Path(__file__).resolve().parents[1] / "data" / "risk_labelled.jsonl"


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VIGIL, "--data-dir", str(tmp_path / "data"), *args],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.slow
def test_eval_risk_reports_ranking_calibration_and_bias(tmp_path: Path) -> None:
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    # Two languages, both kinds, both labels: small enough to run fast.
    subset = [line for line in lines if json.loads(line)["lang"] in {"pl", "fr"}]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(subset) + "\n", encoding="utf-8")
    result = run(["eval", "risk", str(path), "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["overall"]["n"] == len(subset)
    assert set(report["by_lang"]) == {"pl", "fr"}
    assert set(report["by_kind"]) == {"sex_ad", "job_ad"}
    assert 0.5 < report["overall"]["roc_auc"] <= 1.0
    assert "accuracy" not in json.dumps(report)
    assert len(report["reliability"]) == 10
    assert sum(row["count"] for row in report["reliability"]) == len(subset)
    assert set(report["score_by_nationality"]) == {
        "benign/no_nationality",
        "benign/nationality",
        "suspicious/no_nationality",
        "suspicious/nationality",
    }


def test_eval_risk_rejects_unlabelled_input_with_a_line_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"id": "a", "text": "x", "labels": {"suspicious": true}}\n{"id": "b", "text": "y"}\n', encoding="utf-8"
    )
    result = run(["eval", "risk", str(path)], tmp_path)
    assert result.returncode != 0
    assert ":2:" in result.stderr and "Traceback" not in result.stderr


def test_train_jobs_without_data_is_a_clear_error(tmp_path: Path) -> None:
    result = run(["train", "jobs", "--data-dir", str(tmp_path / "nowhere"), "-o", str(tmp_path / "m.json")], tmp_path)
    assert result.returncode != 0
    assert "EMSCAD data not found" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "m.json").exists()

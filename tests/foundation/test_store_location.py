"""Which store a command uses: the nearest ``vigil-data/`` upwards, else one per-user store; always said on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vigil.settings import default_data_dir


@pytest.mark.parametrize(
    ("store_at", "run_in", "expected"),
    [
        pytest.param("project", "project", "project/vigil-data", id="same-folder"),
        pytest.param("project", "project/src/deep", "project/vigil-data", id="from-a-subfolder"),
        pytest.param("project/src", "project/src/deep", "project/src/vigil-data", id="nearest-wins"),
        pytest.param(None, "elsewhere", "user/vigil", id="none-found-per-user"),
    ],
)
def test_default_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_at: str | None, run_in: str, expected: str
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user"))
    if store_at is not None:
        (tmp_path / store_at / "vigil-data").mkdir(parents=True)
    if store_at == "project/src":
        (tmp_path / "project" / "vigil-data").mkdir(parents=True)
    folder = tmp_path / run_in
    folder.mkdir(parents=True, exist_ok=True)
    assert default_data_dir(folder) == (tmp_path / expected).resolve()


def test_cli_from_another_folder_reaches_the_same_store(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "user")
    ads = tmp_path / "ads.jsonl"
    ads.write_text('{"id": "s1", "text": "Praca w magazynie, tel 501 234 567"}\n', encoding="utf-8")
    elsewhere = tmp_path / "a" / "b"
    elsewhere.mkdir(parents=True)

    def vigil(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "vigil.cli", *args], capture_output=True, text=True, env=env, cwd=cwd,
            timeout=300, check=False,
        )

    stored = vigil(["ingest", str(ads), "--json"], tmp_path)
    assert stored.returncode == 0, stored.stderr
    user_store = (tmp_path / "user" / "vigil" / "vigil.db").as_posix()
    assert f"store: sqlite:///{user_store}" in stored.stderr
    shown = vigil(["show", "s1", "--json"], elsewhere)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["document"]["id"] == "s1"
    assert not (elsewhere / "vigil-data").exists()

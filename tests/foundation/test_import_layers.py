"""The import graph keeps Vigil's layers: core -> store -> engine -> feature packages -> cli / web.

The contracts live in ``.importlinter`` at the repository root; this runs them (as
``lint-imports`` would) and checks every top-level package is named in them.
"""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import pytest

import vigil

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"
#: import-linter's command, installed next to the interpreter by the dev extras.
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))
#: Packages the last contract leaves out because they are the top layer.
TOP_LAYER = {"vigil.cli", "vigil.web"}


def _run(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(config), "--no-cache"], capture_output=True, text=True, cwd=ROOT, check=False
    )


def _contracts() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(CONFIG, encoding="utf-8")
    return parser


def test_layer_contracts_are_kept() -> None:
    result = _run(CONFIG)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "0 broken" in result.stdout


def test_every_top_level_package_is_below_the_cli_and_web_or_is_them() -> None:
    package_dir = Path(vigil.__file__).parent
    top = {
        f"vigil.{p.stem if p.is_file() else p.name}"
        for p in package_dir.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.stem != "__init__")
    }
    named = set(_contracts()["importlinter:contract:top"]["source_modules"].split())
    assert top - TOP_LAYER - named == set(), "name the new package in .importlinter's last contract"


@pytest.mark.parametrize(
    ("source", "forbidden", "kept"),
    [
        ("vigil.cli", "vigil.settings", False),  # the CLI reads settings: a contract forbidding it breaks
        ("vigil.settings", "vigil.cli", True),
    ],
)
def test_a_broken_layer_is_reported(tmp_path: Path, source: str, forbidden: str, kept: bool) -> None:
    config = tmp_path / "contracts.ini"
    config.write_text(
        "[importlinter]\nroot_package = vigil\n\n"
        f"[importlinter:contract:probe]\nname = probe\ntype = forbidden\nsource_modules =\n    {source}\n"
        f"forbidden_modules =\n    {forbidden}\n",
        encoding="utf-8",
    )
    assert (_run(config).returncode == 0) is kept

"""Running ``vigil`` against one instance's data directory, as the casework tests do."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from vigil.cli import app
from vigil.errors import VigilError


def run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr (a Vigil error's message, as ``vigil.cli.main`` prints it)."""
    result = CliRunner().invoke(app, ["--data-dir", str(data_dir), "--database-url", "", *args])
    if isinstance(result.exception, VigilError):
        return result.exception.exit_code, result.stdout, str(result.exception)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def ok(data_dir: Path, *args: str) -> str:
    code, out, err = run(data_dir, *args)
    assert code == 0, err
    return out

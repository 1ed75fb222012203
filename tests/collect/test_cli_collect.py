"""``vigil collect`` end to end: collect the local site, then analyse and link what came in."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from collect_site import LocalSite, write_profile
from typer.testing import CliRunner, Result

from vigil.cli import app
from vigil.errors import InputError, NotFoundError
from vigil.settings import Settings
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow


def _invoke(settings: Settings, *args: str) -> Result:
    env = {"VIGIL_COLLECT_CONTACT": "collect-tests@vigil.invalid", "VIGIL_COLLECT_PROFILES_DIR": str(settings.resolved_collect_profiles_dir)}
    return CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), "--database-url", "", "collect", *args], env=env)


def _run(settings: Settings, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = _invoke(settings, *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_collect_stores_analyses_and_links(site: LocalSite, collect_settings: Settings) -> None:
    write_profile(collect_settings, site)
    code, lines = _run(collect_settings, "--profile", "test-board", "--json")
    assert code == 1  # the site's broken pages are failures, and the exit status says so
    summary, processing = lines
    assert summary["profile"] == "test-board" and summary["errors"] == {"http_500": 1, "redirect_loop": 1, "too_large": 1}
    assert processing["processing"]["analysed"] == 8 and processing["processing"]["failed"] == 0
    with Store.open(collect_settings) as store, store.session() as session:
        documents = session.scalar(sa.select(sa.func.count()).select_from(DocumentRow))
        analysed = session.scalar(sa.select(sa.func.count()).select_from(AnalysisRow))
    assert documents == analysed == 8


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((), InputError, "name profiles with --profile NAME"),
        (("--all", "--profile", "test-board"), InputError, "name profiles with --profile NAME"),
        (("--profile", "nowhere"), NotFoundError, "no profile 'nowhere'"),
        (("--profile", "../etc/passwd"), InputError, "is not a profile name"),
        (("--all",), NotFoundError, "no profiles folder"),
    ],
)
def test_collect_refuses_unclear_requests(collect_settings: Settings, args: tuple[str, ...], error: type[Exception], message: str) -> None:
    result = _invoke(collect_settings, *args)
    assert isinstance(result.exception, error) and message in str(result.exception)

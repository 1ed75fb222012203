"""``vigil watch`` as a user runs it: add, list, remove (audited), deliver; wrong input is one line on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from vigil.cli import app
from vigil.errors import VigilError
from vigil.settings import Settings
from vigil.store import Store
from vigil.web.models import AuditEntry, User


@pytest.fixture
def data_dir(settings: Settings) -> Path:
    with Store.open(settings) as store, store.session() as session:
        session.add(User(name="ana", password_hash="not-a-password", role="analyst", active=True))
    return settings.data_dir


def _run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--data-dir", str(data_dir), "--database-url", "", "watch", *args])
    # ``vigil`` (main) prints a VigilError as one line on stderr; the runner hands it back raised.
    error = str(result.exception) if isinstance(result.exception, VigilError) else result.stderr
    return result.exit_code, result.stdout, error


def test_add_list_remove_and_audit(data_dir: Path, settings: Settings) -> None:
    code, out, _ = _run(data_dir, "add", "--user", "ana", "--identifier", "+48 501 234 567",
                        "--webhook", "https://hooks.example.org/vigil", "--json")
    assert code == 0
    added = json.loads(out)
    assert (added["kind"], added["target"], added["user"]) == ("identifier", "phone:+48501234567", "ana")
    code, out, _ = _run(data_dir, "add", "--user", "ana", "--search", "zakwaterowanie", "--json")
    assert code == 0
    code, out, _ = _run(data_dir, "list", "--json")
    assert [json.loads(line)["kind"] for line in out.splitlines()] == ["identifier", "search"]
    code, _, _ = _run(data_dir, "remove", str(added["id"]))
    assert code == 0
    code, out, _ = _run(data_dir, "list", "--json")
    assert [json.loads(line)["kind"] for line in out.splitlines()] == ["search"]
    with Store.open(settings) as store, store.session() as session:
        actions = list(session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions == ["watch.add", "watch.add", "watch.remove"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "--user", "ana"], "exactly one of"),
        (["add", "--user", "ana", "--identifier", "x", "--search", "y"], "exactly one of"),
        (["add", "--user", "nobody", "--search", "y"], "no account"),
        (["add", "--user", "ana", "--identifier", "nothing here"], "no phone, e-mail"),
        (["add", "--user", "ana", "--search", "y", "--webhook", "ftp://example.org"], "http:// or https://"),
        (["add", "--user", "ana", "--network", "c-0"], "no network"),
        (["remove", "99"], "no watch 99"),
    ],
)
def test_wrong_input_is_refused(data_dir: Path, args: list[str], message: str) -> None:
    code, out, err = _run(data_dir, *args)
    assert code != 0 and out == ""
    assert message in err


def test_deliver_reports_what_it_sent(data_dir: Path) -> None:
    code, out, _ = _run(data_dir, "deliver")
    assert code == 0
    assert json.loads(out) == {
        "notifications": {"delivered": 0, "failed": 0, "expired": 0},
        "trend_alerts": {"delivered": 0, "failed": 0, "expired": 0},
    }

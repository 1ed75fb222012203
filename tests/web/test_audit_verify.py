"""``verify`` names the first corrupted entry whatever was written into it, never crashes, and
reports the log's append-only triggers when they are dropped or disabled."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from web_support import TestClient

from vigil.store import Store
from vigil.web.audit import SQLITE_GUARDS, missing_triggers, record, verify
from vigil.web.permissions import Principal, Role

ANALYST = Principal(7, "olena", Role.ANALYST, "session", csrf_token="t")


def _append(store: Store, count: int) -> None:
    for n in range(count):
        with store.session() as session:
            record(session, ANALYST, "document.view", "document", f"doc-{n}", details={"n": n})


def _drop_guards(conn: sa.Connection, dialect: str) -> None:
    if dialect == "sqlite":
        for name in SQLITE_GUARDS:
            conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {name}"))
    else:
        conn.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))


def _restore_guards(conn: sa.Connection, dialect: str) -> None:
    if dialect == "sqlite":
        from vigil.store.migrations.versions.web_0001_auth_audit import SQLITE_TRIGGERS

        for statement in SQLITE_TRIGGERS:
            conn.execute(sa.text(statement))
    else:
        conn.execute(sa.text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change"))


def _corrupt(store: Store, statement: str) -> None:
    """Edit the log behind the application's back, then put the guards back so only the edit shows."""
    with store.engine.begin() as conn:
        _drop_guards(conn, store.dialect)
        conn.execute(sa.text(statement))
        _restore_guards(conn, store.dialect)


# Rows marked SQLITE_ONLY write values PostgreSQL's column types refuse to store at all.
SQLITE_ONLY = True
CORRUPTIONS = [
    pytest.param("UPDATE audit_log SET details = 'not json {' WHERE seq = 3", "corrupted", SQLITE_ONLY, id="garbage-json"),
    pytest.param("UPDATE audit_log SET at = 'yesterday-ish' WHERE seq = 3", "corrupted", SQLITE_ONLY, id="garbage-time"),
    pytest.param("UPDATE audit_log SET at = 17 WHERE seq = 3", "corrupted", SQLITE_ONLY, id="number-as-time"),
    pytest.param("UPDATE audit_log SET details = '[1, 2]' WHERE seq = 3", "edited", False, id="json-not-object"),
    pytest.param("UPDATE audit_log SET entry_hash = 'zz' WHERE seq = 3", "edited", False, id="garbage-hash"),
    pytest.param("UPDATE audit_log SET target_id = NULL WHERE seq = 3", "edited", False, id="null-target"),
    pytest.param("UPDATE audit_log SET prev_hash = '' WHERE seq = 3", "previous-hash", False, id="empty-link"),
]  # fmt: skip


@pytest.mark.parametrize(("statement", "reason", "sqlite_only"), CORRUPTIONS)
def test_corrupted_entry_is_named_not_a_crash(store: Store, statement: str, reason: str, sqlite_only: bool) -> None:
    if sqlite_only and store.dialect != "sqlite":
        pytest.skip("writes a value PostgreSQL's column types refuse to store")
    _append(store, 5)
    _corrupt(store, statement)
    result = verify(store)
    assert not result.ok
    assert result.broken_seq == 3
    assert reason in (result.reason or "")
    assert result.missing_triggers == ()


def test_missing_first_entry_after_unreadable_second(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("writes a value PostgreSQL refuses")
    _append(store, 4)
    _corrupt(store, "DELETE FROM audit_log WHERE seq = 1")
    _corrupt(store, "UPDATE audit_log SET details = 'x' WHERE seq = 2")
    result = verify(store)
    assert not result.ok and result.broken_seq == 1 and "missing" in (result.reason or "")


def test_dropped_triggers_are_reported(store: Store) -> None:
    _append(store, 3)
    assert missing_triggers_now(store) == []
    with store.engine.begin() as conn:
        _drop_guards(conn, store.dialect)
    result = verify(store)
    assert not result.ok
    assert result.broken_seq is None and result.checked == 3
    assert result.missing_triggers and "no longer refuses changes" in (result.reason or "")


def test_a_trigger_that_no_longer_refuses_is_reported(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("SQLite trigger text")
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(sa.text("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END"))
    assert missing_triggers_now(store) == ["audit_log_no_delete"]


def missing_triggers_now(store: Store) -> list[str]:
    with store.session() as session:
        return missing_triggers(session)


def test_api_and_cli_report_corruption_without_a_500(
    logged_in: Callable[[Role | str], TestClient], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client = logged_in(Role.ADMIN)
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    _append(store, 3)
    _corrupt(store, "UPDATE audit_log SET details = 'not json {' WHERE seq = 2")
    response = client.get("/api/v1/audit/verify")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is False and body["broken_seq"] == 2 and body["missing_triggers"] == []

    from vigil.cli import main

    monkeypatch.setenv("VIGIL_DATABASE_URL", store.settings.resolved_database_url)
    monkeypatch.setenv("VIGIL_DATA_DIR", str(store.settings.data_dir))
    monkeypatch.setattr(sys, "argv", ["vigil", "audit", "verify"])
    with pytest.raises(SystemExit) as stopped:
        main()
    err = capsys.readouterr().err
    assert stopped.value.code == 4
    assert "entry 2" in err and "Traceback" not in err

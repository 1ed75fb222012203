"""The audit log: appended in order, chained by hash; any edit, removal or cut is found."""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from web_support import TestClient

from vigil.errors import StoreError
from vigil.store import Store
from vigil.web import audit
from vigil.web.audit import GENESIS_HASH, Actor, record, verify
from vigil.web.models import AuditEntry
from vigil.web.permissions import Principal, Role

ANALYST = Principal(7, "olena", Role.ANALYST, "session", csrf_token="t")
KEY_CLIENT = Principal(8, "partner-ngo", Role.PARTNER, "api_key", api_key_id=3)


def _append(store: Store, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        with store.session() as session:
            record(session, ANALYST if n % 2 else KEY_CLIENT, "document.view", "document", f"doc-{n}", details={"n": n})


def _tamper(store: Store, statement: str, **params: object) -> None:
    """Change the log behind the application's back, as a database owner could."""
    with store.engine.begin() as conn:
        if store.dialect == "sqlite":
            conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        else:
            conn.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
        conn.execute(sa.text(statement), params)


def test_entries_chain_in_order(store: Store) -> None:
    empty = verify(store)
    assert empty.ok and empty.checked == 0 and empty.head_hash == GENESIS_HASH
    _append(store, 5)
    with store.session() as session:
        entries = session.execute(sa.select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
        assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
        assert entries[0].prev_hash == GENESIS_HASH
        for before, after in itertools.pairwise(entries):
            assert after.prev_hash == before.entry_hash
        assert entries[1].actor_name == "olena" and entries[1].actor_role == "analyst"
        assert entries[0].actor_type == "api_key" and "key 3" in entries[0].actor_name
        assert entries[3].target_id == "doc-3" and entries[3].details == {"n": 3}
        newest = audit.page(session, limit=3)
        assert [e.seq for e in newest] == [5, 4, 3]
        assert [e.seq for e in audit.page(session, before=newest[-1].seq, limit=3)] == [2, 1]
    result = verify(store)
    assert result.ok and result.checked == 5 and result.head_seq == 5


def test_entry_is_not_written_when_the_transaction_fails(store: Store) -> None:
    with pytest.raises(RuntimeError), store.session() as session:
        record(session, ANALYST, "document.view", "document", "x")
        raise RuntimeError("the view failed")
    assert verify(store).checked == 0
    _append(store, 1)
    assert verify(store).ok


def test_edited_entry_is_found(store: Store) -> None:
    _append(store, 6)
    _tamper(store, "UPDATE audit_log SET target_id = 'doc-other' WHERE seq = 4")
    result = verify(store)
    assert not result.ok
    assert result.broken_seq == 4
    assert "edited" in (result.reason or "")


@pytest.mark.parametrize(
    ("column", "value"),
    [("actor_name", "somebody-else"), ("action", "document.export"), ("ip", "10.6.6.6"), ("at", "2020-01-01 00:00:00")],
)
def test_every_field_is_covered_by_the_hash(web_app: FastAPI, column: str, value: str) -> None:
    store: Store = web_app.state.store
    _append(store, 3)
    _tamper(store, f"UPDATE audit_log SET {column} = :value WHERE seq = 2", value=value)
    result = verify(store)
    assert not result.ok and result.broken_seq == 2


def test_edited_entry_with_recomputed_hash_breaks_the_next_link(store: Store) -> None:
    _append(store, 6)
    with store.session() as session:
        entry = session.get(AuditEntry, 3)
        assert entry is not None
        entry.target_id = "doc-forged"
        forged_hash = audit.compute_hash(entry)
        session.expunge(entry)
    _tamper(store, "UPDATE audit_log SET target_id = 'doc-forged', entry_hash = :h WHERE seq = 3", h=forged_hash)
    result = verify(store)
    assert not result.ok and result.broken_seq == 4


def test_removed_entry_is_found(store: Store) -> None:
    _append(store, 6)
    _tamper(store, "DELETE FROM audit_log WHERE seq = 3")
    result = verify(store)
    assert not result.ok
    assert result.broken_seq == 3
    assert "missing" in (result.reason or "")


def test_cut_tail_is_found(store: Store) -> None:
    _append(store, 6)
    _tamper(store, "DELETE FROM audit_log WHERE seq >= 5")
    result = verify(store)
    assert not result.ok
    assert result.broken_seq == 5


def test_database_refuses_changes_to_the_log(store: Store) -> None:
    _append(store, 2)
    for statement in ("UPDATE audit_log SET action = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1"):
        with pytest.raises(StoreError), store.session() as session:
            session.execute(sa.text(statement))
    assert verify(store).ok


def test_concurrent_writers_keep_one_chain(store: Store) -> None:
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for n in range(5):
                with store.session() as session:
                    record(session, Actor("system", None, f"worker-{worker}", "system"), "case.view", "case", n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    result = verify(store)
    assert result.ok and result.checked == 20


def _cli(store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the real entry point in-process: its exit status and stderr."""
    from vigil.cli import main

    monkeypatch.setenv("VIGIL_DATABASE_URL", store.settings.resolved_database_url)
    monkeypatch.setenv("VIGIL_DATA_DIR", str(store.settings.data_dir))
    monkeypatch.setattr(sys, "argv", ["vigil", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    code = stopped.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


def test_cli_verify_exits_non_zero_and_names_the_entry(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _append(store, 4)
    code, err = _cli(store, monkeypatch, capsys, "audit", "verify")
    assert code == 0, err
    assert "4 entries" in err
    _tamper(store, "UPDATE audit_log SET target_id = 'doc-x' WHERE seq = 2")
    code, err = _cli(store, monkeypatch, capsys, "audit", "verify")
    assert code == 4
    assert "entry 2" in err
    assert "Traceback" not in err


def test_web_actions_are_audited_with_who_and_where(
    logged_in: Callable[[Role | str], TestClient], web_app: FastAPI
) -> None:
    client = logged_in(Role.ADMIN)
    response = client.get("/api/v1/audit", params={"limit": 500})
    assert response.status_code == 200
    entries = response.json()["entries"]
    actions = [e["action"] for e in entries]
    assert "user.create" in actions and "login" in actions
    login_entry = next(e for e in entries if e["action"] == "login")
    assert login_entry["actor_name"] == "admin-0"
    assert login_entry["ip"] == "testclient"
    verified = client.get("/api/v1/audit/verify").json()
    assert verified["ok"] is True and verified["checked"] == len(entries)
    page = client.get("/audit")
    assert page.status_code == 200 and "login" in page.text


def test_failed_login_is_audited(web_app: FastAPI, client: TestClient) -> None:
    from web_support import login

    login(client, "nobody", "wrong-password-1")
    store: Store = web_app.state.store
    with store.session() as session:
        entry = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "login.failed")).scalar_one()
        assert entry.details["name"] == "nobody"

"""``vigil users ...`` at the terminal: accounts and keys that then work in the app."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from web_support import PASSWORD, login, new_client

from vigil.settings import Settings
from vigil.store import Store
from vigil.web import auth


def _run(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from vigil.cli import main

    monkeypatch.setenv("VIGIL_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("VIGIL_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setattr(sys, "argv", ["vigil", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    captured = capsys.readouterr()
    code = stopped.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


def test_users_create_set_and_apikey(
    web_app: FastAPI, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    code, _out, err = _run(settings, monkeypatch, capsys, "users", "create", "olena", "--role", "analyst", "--password-file", str(password_file))
    assert code == 0, err
    assert login(new_client(web_app), "olena", PASSWORD).status_code == 303

    code, out, err = _run(settings, monkeypatch, capsys, "users", "apikey", "olena", "--label", "sync")
    assert code == 0, err
    key = out.strip()
    assert key.startswith("vgl_")
    me = new_client(web_app).get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.json()["role"] == "analyst"

    code, _out, err = _run(settings, monkeypatch, capsys, "users", "set", "olena", "--role", "viewer", "--disable")
    assert code == 0, err
    assert new_client(web_app).get("/api/v1/me", headers={"X-API-Key": key}).status_code == 401
    store: Store = web_app.state.store
    with store.session() as session:
        user = auth.find_user(session, "olena")
        assert user is not None and user.role == "viewer" and not user.active


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "create", "x", "--role", "emperor", "--password-file", "-"], "unknown role"),
        (["users", "apikey", "ghost"], "no user named"),
        (["users", "set", "ghost", "--disable"], "no user named"),
    ],
)
def test_users_commands_fail_with_one_line(
    web_app: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD))
    code, _out, err = _run(settings, monkeypatch, capsys, *args)
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_audit_export_writes_every_entry_with_its_hashes(
    web_app: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store: Store = web_app.state.store
    for name in ("a-user", "b-user", "c-user"):
        with store.session() as session:
            auth.create_user(session, name, "viewer", PASSWORD)
    code, out, err = _run(settings, monkeypatch, capsys, "audit", "export")
    assert code == 0, err
    entries = [json.loads(line) for line in out.splitlines()]
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[1]["prev_hash"] == entries[0]["entry_hash"]
    code, out, err = _run(settings, monkeypatch, capsys, "audit", "export", "--since", "2")
    assert [json.loads(line)["seq"] for line in out.splitlines()] == [3]

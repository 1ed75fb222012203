"""User names are unique whatever their case, in the code and in the database; login ignores case."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from web_support import Account, login, new_client

from vigil.errors import InputError
from vigil.store import Store
from vigil.web import auth
from vigil.web.permissions import Role


@pytest.mark.parametrize(
    ("existing", "new", "allowed"),
    [
        ("admin", "ADMIN", False),
        ("admin", "Admin", False),
        ("Olena.K", "olena.k", False),
        ("admin", "admin2", True),
        ("olena", "olena-k", True),
    ],
)
def test_names_unique_case_insensitively(store: Store, existing: str, new: str, allowed: bool) -> None:
    with store.session() as session:
        auth.create_user(session, existing, Role.ADMIN, "correct-horse-battery")
    with store.session() as session:
        if allowed:
            auth.create_user(session, new, Role.VIEWER, "correct-horse-battery")
        else:
            with pytest.raises(InputError, match="already exists"):
                auth.create_user(session, new, Role.VIEWER, "correct-horse-battery")


def test_database_refuses_a_name_differing_only_in_case(store: Store) -> None:
    """The unique index on lower(name) holds even for writes that bypass the checks."""
    with store.session() as session:
        auth.create_user(session, "admin", Role.ADMIN, "correct-horse-battery")
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (name, password_hash, role, active, created_at) "
                "VALUES ('ADMIN', 'x', 'admin', true, CURRENT_TIMESTAMP)"
            )
        )


@pytest.mark.parametrize("typed", ["olena", "OLENA", "Olena"])
def test_login_ignores_case(web_app: FastAPI, make_account: Callable[..., Account], typed: str) -> None:
    account = make_account(Role.ANALYST, name="Olena")
    assert login(new_client(web_app), typed, account.password).status_code == 303


def test_login_with_another_name_fails(web_app: FastAPI, make_account: Callable[..., Account]) -> None:
    account = make_account(Role.ANALYST, name="olena")
    assert login(new_client(web_app), "olena2", account.password).status_code == 401

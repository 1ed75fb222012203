"""Login throttling: per account-and-address refusals, per-address refusals, per-account slowdown,
kept in the database and pruned; nobody can lock another person out of their account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from web_support import BASE_URL, Account, TestClient, login, new_client

from vigil.errors import RateLimited
from vigil.settings import Settings
from vigil.store import Store
from vigil.web.models import LoginFailure
from vigil.web.permissions import Role
from vigil.web.throttle import LoginThrottle

ATTACKER = "203.0.113.7"
ANALYST_DESK = "198.51.100.20"


class Clock:
    """A settable clock, so the window can pass without waiting for it."""

    def __init__(self) -> None:
        self.now = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _throttle(store: Store, clock: Clock, slept: list[float] | None = None, **limits: int) -> LoginThrottle:
    values = {"max_pair": 3, "max_address": 10, "max_account": 6, **limits}
    return LoginThrottle(
        store,
        window=timedelta(minutes=15),
        slowdown=0.5,
        clock=clock,
        sleep=(slept.append if slept is not None else lambda _s: None),
        **values,
    )


@pytest.mark.parametrize(
    ("failures", "ip", "name", "refused"),
    [
        # (address, account) of each earlier failure; then the attempt checked.
        ([(ATTACKER, "olena")] * 3, ATTACKER, "olena", True),
        ([(ATTACKER, "olena")] * 3, ATTACKER, "OLENA", True),  # names compare case-insensitively
        ([(ATTACKER, "olena")] * 3, ANALYST_DESK, "olena", False),  # the real user elsewhere is not locked out
        ([(ATTACKER, "olena")] * 3, ATTACKER, "taras", False),  # the pair limit is per account
        ([(ATTACKER, "olena")] * 2, ATTACKER, "olena", False),
        ([(ATTACKER, f"user{n}") for n in range(10)], ATTACKER, "someone", True),  # spraying accounts
        ([(ATTACKER, f"user{n}") for n in range(10)], ANALYST_DESK, "someone", False),
        ([(f"203.0.113.{n}", "olena") for n in range(50)], ANALYST_DESK, "olena", False),  # many addresses: slowed only
    ],
)
def test_who_is_refused(
    store: Store, failures: list[tuple[str, str]], ip: str, name: str, refused: bool
) -> None:
    throttle = _throttle(store, Clock())
    for address, account in failures:
        throttle.failed(address, account)
    if refused:
        with pytest.raises(RateLimited) as raised:
            throttle.check(ip, name)
        assert 0 < int(str(raised.value.details["retry_after"])) <= 15 * 60 + 1
    else:
        throttle.check(ip, name)


def test_account_under_wide_attack_is_slowed_not_locked(store: Store) -> None:
    slept: list[float] = []
    throttle = _throttle(store, Clock(), slept)
    for n in range(5):
        throttle.failed(f"203.0.113.{n}", "olena")
    throttle.check(ANALYST_DESK, "olena")
    assert slept == []
    throttle.failed("203.0.113.99", "olena")
    throttle.check(ANALYST_DESK, "olena")
    assert slept == [0.5]


def test_failures_leave_the_window_and_are_pruned(store: Store) -> None:
    clock = Clock()
    throttle = _throttle(store, clock)
    for _ in range(3):
        throttle.failed(ATTACKER, "olena")
    with pytest.raises(RateLimited):
        throttle.check(ATTACKER, "olena")
    clock.now += timedelta(minutes=15, seconds=1)
    throttle.check(ATTACKER, "olena")
    throttle.failed(ATTACKER, "taras")  # recording a failure prunes the expired ones
    with store.session() as session:
        left = session.execute(sa.select(LoginFailure.account)).scalars().all()
    assert left == ["taras"]


def test_success_forgives_that_address_only(store: Store) -> None:
    throttle = _throttle(store, Clock())
    for _ in range(2):
        throttle.failed(ANALYST_DESK, "olena")
        throttle.failed(ATTACKER, "olena")
    throttle.succeeded(ANALYST_DESK, "Olena")
    with store.session() as session:
        rows = session.execute(sa.select(LoginFailure.address)).scalars().all()
    assert rows == [ATTACKER, ATTACKER]


def test_counts_are_shared_between_processes(settings: Settings) -> None:
    """Two app processes mean two throttles on one database: both see every failure."""
    with Store.open(settings) as first_store, Store.open(settings) as second_store:
        clock = Clock()
        first, second = _throttle(first_store, clock), _throttle(second_store, clock)
        for throttle in (first, second, first):
            throttle.failed(ATTACKER, "olena")
        with pytest.raises(RateLimited):
            second.check(ATTACKER, "olena")


def test_attacker_cannot_lock_the_user_out_over_http(
    web_app: FastAPI, make_account: Callable[..., Account]
) -> None:
    """Through the app: the attacker's address is refused, the analyst's own address still logs in."""
    account = make_account(Role.ANALYST, name="olena")
    attacker = new_client(web_app)
    for _ in range(web_app.state.settings.login_max_failures):
        assert login(attacker, account.name, "wrong-password-xyz").status_code == 401
    assert login(attacker, account.name, account.password).status_code == 429
    analyst = TestClient(web_app, base_url=BASE_URL, raise_server_exceptions=False, client=(ANALYST_DESK, 50000))
    assert login(analyst, "OLENA", account.password).status_code == 303


def test_throttle_settings_reach_the_app(web_app: FastAPI) -> None:
    throttle: LoginThrottle = web_app.state.login_throttle
    settings: Settings = web_app.state.settings
    assert throttle.max_pair == settings.login_max_failures
    assert throttle.max_address == settings.login_max_address_failures
    assert throttle.window == timedelta(seconds=settings.login_window_seconds)

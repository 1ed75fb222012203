"""Login throttling that slows guessing without letting anyone lock a user out.

Failed logins are rows in ``login_failures`` (account name case-folded, client address,
time), so every worker process sees the same counts. Three limits, each over the last
``window`` seconds:

- **account from address**: ``max_pair`` failures for one account from one address refuse
  further attempts on that account *from that address* (429). The same person logging in
  from anywhere else is not affected, so an attacker cannot lock an analyst out.
- **address**: ``max_address`` failures from one address, over all accounts, refuse that
  address (429): one machine cannot spray guesses across every account.
- **account**: past ``max_account`` failures for one account, over all addresses, every
  attempt on it waits ``slowdown`` seconds before its password is checked. This bounds a
  distributed guess rate while never refusing the real user.

The first two limits rely on real client addresses: behind a reverse proxy, start
``vigil serve`` with ``--forwarded-allow-ips``, otherwise every client has the proxy's
address and one guesser's failures count against all of them.

A success clears the failures of that account from that address. Rows older than the
window are deleted whenever a failure is recorded, so the table holds at most one
window's worth of failures.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from vigil.errors import RateLimited
from vigil.settings import Settings
from vigil.store import Store
from vigil.web.models import LoginFailure

Clock = Callable[[], datetime]
ACCOUNT_CHARS = 100
ADDRESS_CHARS = 64


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def account_key(name: str) -> str:
    return name.casefold()[:ACCOUNT_CHARS]


@dataclass
class LoginThrottle:
    """Counts failed logins in the store; see the module docstring for the three limits."""

    store: Store
    max_pair: int = 5
    max_address: int = 50
    max_account: int = 100
    window: timedelta = timedelta(minutes=15)
    slowdown: float = 1.0
    clock: Clock = _utcnow
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    @classmethod
    def from_settings(cls, store: Store, settings: Settings) -> LoginThrottle:
        return cls(
            store,
            max_pair=settings.login_max_failures,
            max_address=settings.login_max_address_failures,
            max_account=settings.login_max_account_failures,
            window=timedelta(seconds=settings.login_window_seconds),
            slowdown=settings.login_slowdown_seconds,
        )

    @property
    def window_seconds(self) -> int:
        return int(self.window.total_seconds())

    def check(self, ip: str, name: str) -> None:
        """Raise :class:`RateLimited` when this address may not try this account now; wait if the
        account is under attack from many addresses."""
        now = self.clock()
        since = now - self.window
        account, address = account_key(name), ip[:ADDRESS_CHARS]
        table = LoginFailure
        recent = table.at > since
        limits = (
            (self.max_pair, sa.and_(recent, table.account == account, table.address == address)),
            (self.max_address, sa.and_(recent, table.address == address)),
        )
        with self.store.session() as session:
            for limit, where in limits:
                count, oldest = session.execute(sa.select(sa.func.count(), sa.func.min(table.at)).where(where)).one()
                if count >= limit:
                    retry_after = int((_aware(oldest) + self.window - now).total_seconds()) + 1
                    raise RateLimited("too many failed logins; wait and try again", retry_after=max(retry_after, 1))
            on_account = session.execute(
                sa.select(sa.func.count()).where(recent, table.account == account)
            ).scalar_one()
        if on_account >= self.max_account and self.slowdown > 0:
            self.sleep(self.slowdown)

    def failed(self, ip: str, name: str) -> None:
        """Record one failure, and prune failures that have left the window."""
        now = self.clock()
        with self.store.session() as session:
            session.execute(sa.delete(LoginFailure).where(LoginFailure.at <= now - self.window))
            session.add(LoginFailure(at=now, account=account_key(name), address=ip[:ADDRESS_CHARS]))

    def succeeded(self, ip: str, name: str) -> None:
        """The right password from this address: its earlier slips on this account are forgiven."""
        with self.store.session() as session:
            session.execute(
                sa.delete(LoginFailure).where(
                    LoginFailure.account == account_key(name), LoginFailure.address == ip[:ADDRESS_CHARS]
                )
            )

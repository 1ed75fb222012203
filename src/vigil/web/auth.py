"""Accounts, API keys and login sessions, and how a request is tied to a :class:`Principal`.

Passwords are argon2id hashes. A session cookie carries a random token signed with the app's
key; the database keeps only the token's SHA-256, so logging out (or disabling the account)
ends the session everywhere. Machine clients send an API key as ``Authorization: Bearer``
or ``X-API-Key``; keys act with their owner's role and are stored as SHA-256 only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vigil.errors import AuthError, InputError, NotFoundError
from vigil.store import Store
from vigil.web import security
from vigil.web.audit import SYSTEM, Actor, change_recorder, record
from vigil.web.models import ApiKey, User, WebSession
from vigil.web.permissions import Principal, Role
from vigil.web.throttle import LoginThrottle

if TYPE_CHECKING:
    from vigil.demo.load import DemoAccounts

SESSION_COOKIE = "vigil_session"
LOGIN_CSRF_COOKIE = "vigil_login_csrf"
SESSION_LIFETIME = timedelta(hours=12)
LOGIN_FORM_LIFETIME = timedelta(hours=1)
MIN_PASSWORD_LENGTH = 12
DEMO_ADMIN = "admin"
ANONYMOUS = Actor("anonymous", None, "anonymous", "none")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
# Writing last-use on every request would make each API call a write; once a while is enough.
KEY_TOUCH_INTERVAL = timedelta(minutes=5)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise InputError("a user name is 1-100 letters, digits, '.', '_', '@' or '-', starting with a letter or digit")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 1024:
        raise InputError("a password may have at most 1024 characters")
    return password


def parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise InputError(f"unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}") from exc


def find_user(session: Session, name: str) -> User | None:
    """The account called ``name``, whatever its case: names are unique case-insensitively."""
    return session.execute(sa.select(User).where(sa.func.lower(User.name) == name.lower())).scalar_one_or_none()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user with id {user_id}")
    return user


def create_user(
    session: Session, name: str, role: Role | str, password: str, actor: Principal | Actor = SYSTEM
) -> User:
    """Create an account; the name must be new. Recorded in the audit log."""
    check_name(name)
    role = parse_role(str(role))
    check_password(password)
    if find_user(session, name) is not None:
        raise InputError(f"user {name!r} already exists")
    user = User(name=name, role=role.value, password_hash=security.hash_password(password), active=True)
    session.add(user)
    session.flush()
    record(session, actor, "user.create", "user", user.id, details={"name": name, "role": role.value})
    return user


def set_role(session: Session, user: User, role: Role | str, actor: Principal | Actor = SYSTEM) -> None:
    new = parse_role(str(role))
    old = user.role
    user.role = new.value
    record(session, actor, "user.set_role", "user", user.id, details={"from": old, "to": new.value})


def set_active(session: Session, user: User, active: bool, actor: Principal | Actor = SYSTEM) -> None:
    user.active = active
    if not active:
        session.execute(sa.delete(WebSession).where(WebSession.user_id == user.id))
    record(session, actor, "user.enable" if active else "user.disable", "user", user.id)


def set_password(session: Session, user: User, password: str, actor: Principal | Actor = SYSTEM) -> None:
    user.password_hash = security.hash_password(check_password(password))
    session.execute(sa.delete(WebSession).where(WebSession.user_id == user.id))
    record(session, actor, "user.set_password", "user", user.id)


def create_api_key(session: Session, user: User, name: str, actor: Principal | Actor = SYSTEM) -> tuple[ApiKey, str]:
    """A new key for ``user``; the key itself is returned once and never stored."""
    label = name.strip()[:100] or "key"
    key, prefix = security.new_api_key()
    row = ApiKey(user_id=user.id, name=label, prefix=prefix, key_hash=security.token_hash(key))
    session.add(row)
    session.flush()
    record(session, actor, "api_key.create", "api_key", row.id, details={"user": user.name, "name": label})
    return row, key


def revoke_api_key(session: Session, key_id: int, actor: Principal | Actor = SYSTEM) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFoundError(f"no API key with id {key_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record(session, actor, "api_key.revoke", "api_key", row.id)
    return row


def ensure_demo_admin(store: Store) -> str | None:
    """Create the ``admin`` account with a random one-time password, returned; None if it exists."""
    password = security.new_password()
    with store.session() as session:
        if find_user(session, DEMO_ADMIN) is not None:
            return None
        create_user(session, DEMO_ADMIN, Role.ADMIN, password)
    return password


def demo_accounts() -> DemoAccounts:
    """The demo's admin account and its campaign audit, as ``vigil.demo.load`` takes them."""
    from vigil.demo.load import DemoAccounts

    return DemoAccounts(audit=change_recorder(SYSTEM, "campaign"), ensure_admin=ensure_demo_admin)


@dataclass(frozen=True)
class LoginResult:
    token: str
    principal: Principal


def login(store: Store, throttle: LoginThrottle, name: str, password: str, ip: str) -> LoginResult:
    """Check a name and password; start a session. Failures count towards the login throttle."""
    throttle.check(ip, name)
    started: tuple[str, Principal] | None = None
    with store.session() as session:
        user = find_user(session, name)
        ok = security.verify_password(user.password_hash if user else None, password)
        if user is not None and ok and user.active:
            started = _start_session(session, user, password, ip)
    if started is None:
        throttle.failed(ip, name)
        with store.session() as session:
            record(session, ANONYMOUS, "login.failed", "user", None, details={"name": name[:100]}, ip=ip)
        raise AuthError("wrong user name or password")
    throttle.succeeded(ip, name)
    return LoginResult(*started)


def _start_session(session: Session, user: User, password: str, ip: str) -> tuple[str, Principal]:
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    now = utcnow()
    user.last_login_at = now
    session.execute(sa.delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at < now))
    token = security.new_token()
    row = WebSession(
        token_hash=security.token_hash(token),
        user_id=user.id,
        csrf_token=security.new_token(),
        expires_at=now + SESSION_LIFETIME,
        ip=ip[:64],
    )
    session.add(row)
    principal = Principal(user.id, user.name, Role(user.role), "session", csrf_token=row.csrf_token)
    record(session, principal, "login", "user", user.id, ip=ip)
    return token, principal


def logout(store: Store, principal: Principal, token: str | None, ip: str | None = None) -> None:
    with store.session() as session:
        if token:
            session.execute(sa.delete(WebSession).where(WebSession.token_hash == security.token_hash(token)))
        record(session, principal, "logout", "user", principal.user_id, ip=ip)


def principal_for_session(store: Store, token: str) -> Principal | None:
    with store.session() as session:
        row = session.execute(
            sa.select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == security.token_hash(token))
        ).one_or_none()
        if row is None:
            return None
        web_session, user = row
        if not user.active or _aware(web_session.expires_at) <= utcnow():
            return None
        return Principal(user.id, user.name, Role(user.role), "session", csrf_token=web_session.csrf_token)


def principal_for_api_key(store: Store, key: str) -> Principal | None:
    with store.session() as session:
        row = session.execute(
            sa.select(ApiKey, User)
            .join(User, User.id == ApiKey.user_id)
            .where(ApiKey.key_hash == security.token_hash(key), ApiKey.revoked_at.is_(None))
        ).one_or_none()
        if row is None:
            return None
        api_key, user = row
        if not user.active:
            return None
        now = utcnow()
        if api_key.last_used_at is None or _aware(api_key.last_used_at) < now - KEY_TOUCH_INTERVAL:
            api_key.last_used_at = now
        return Principal(user.id, user.name, Role(user.role), "api_key", api_key_id=api_key.id)


def presented_api_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    key = request.headers.get("x-api-key", "").strip()
    return key or None


def session_token(request: Request) -> str | None:
    signed = request.cookies.get(SESSION_COOKIE)
    if not signed:
        return None
    signer: security.CookieSigner = request.app.state.session_signer
    return signer.unsign(signed, max_age=int(SESSION_LIFETIME.total_seconds()))


async def authenticate(request: Request) -> Principal | None:
    """The principal of a request: an API key if one is presented (and must be valid), else the session."""
    store: Store = request.app.state.store
    key = presented_api_key(request)
    if key is not None:
        principal = await run_in_threadpool(principal_for_api_key, store, key)
        if principal is None:
            raise AuthError("the API key is not valid or has been revoked")
        return principal
    token = session_token(request)
    if token is None:
        return None
    return await run_in_threadpool(principal_for_session, store, token)

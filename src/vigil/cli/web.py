"""Web commands: ``vigil serve``, ``vigil users ...`` and ``vigil audit verify``."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
import typer

from vigil.cli.common import get_settings, open_output, write_jsonl
from vigil.cli.groups import audit_app
from vigil.errors import AuditError, ConfigError, InputError, NotFoundError
from vigil.store import Store

if TYPE_CHECKING:
    from vigil.web.audit import Actor

users_app = typer.Typer(help="Manage analyst accounts and API keys from the terminal.", no_args_is_help=True)


def _terminal() -> Actor:
    """Changes made at the terminal are recorded as made by the machine's operator."""
    from vigil.web.audit import Actor

    return Actor("terminal", None, "terminal", "admin")


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to listen on. [env: VIGIL_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on. [env: VIGIL_PORT]")] = None,
    insecure_cookies: Annotated[
        bool,
        typer.Option(help="Send session cookies over plain HTTP (local use without TLS). [env: VIGIL_COOKIE_SECURE=false]"),
    ] = False,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help=(
                "Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed (comma-separated), "
                "so login throttling and the audit log see the client's address, not the proxy's."
            )
        ),
    ] = None,
) -> None:
    """Serve the analyst web app and the JSON API (``/api/v1``)."""
    import uvicorn

    from vigil.web.app import create_app

    settings = get_settings(ctx)
    updates: dict[str, object] = {}
    if host is not None:
        updates["host"] = host
    if port is not None:
        updates["port"] = port
    if insecure_cookies:
        updates["cookie_secure"] = False
    if updates:
        settings = settings.model_copy(update=updates)
    check_port(settings.host, settings.port)
    app = create_app(settings)
    print(f"Vigil is serving on http://{settings.host}:{settings.port}", file=sys.stderr)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
    )


def port_problem(host: str, port: int) -> str | None:
    """Why Vigil cannot listen on ``host:port`` and how to pick another port, or None when it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            other = port + 1 if port < 65535 else 8000
            return (
                f"cannot listen on {host}:{port} ({exc.strerror or exc}): another program is using it. "
                f"Pick another port with --port {other} or VIGIL_PORT={other} (VIGIL_PORT={other} make run)."
            )
    return None


def check_port(host: str, port: int) -> None:
    """Refuse to start (before saying "serving on") when ``host:port`` is taken."""
    if (problem := port_problem(host, port)) is not None:
        raise ConfigError(problem)


def _read_password(password_file: Path | None) -> str:
    if password_file is None:
        password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
        return password
    try:
        text = sys.stdin.read() if str(password_file) == "-" else password_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {password_file}: {exc.strerror}") from exc
    return text.rstrip("\r\n")


def users_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name (letters, digits, '.', '_', '@', '-').")],
    role: Annotated[str, typer.Option(help="admin, analyst, moderator, partner or viewer.")] = "viewer",
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file ('-' for stdin); default: prompt.")
    ] = None,
) -> None:
    """Create an account."""
    from vigil.web import auth

    password = _read_password(password_file)
    with Store.open(get_settings(ctx)) as store, store.session() as session:
        user = auth.create_user(session, name, role, password, actor=_terminal())
        print(f"created user {user.name} ({user.role})", file=sys.stderr)


def users_list(ctx: typer.Context) -> None:
    """List accounts as JSONL: name, role, active, last login."""
    from vigil.web.models import User

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        for user in session.execute(sa.select(User).order_by(User.name)).scalars():
            record = {
                "name": user.name,
                "role": user.role,
                "active": user.active,
                "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
            }
            sys.stdout.write(json.dumps(record) + "\n")


def users_set(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str | None, typer.Option(help="New role.")] = None,
    active: Annotated[bool | None, typer.Option("--enable/--disable", help="Enable or disable the account.")] = None,
    password_file: Annotated[
        Path | None, typer.Option(help="Set a new password read from this file ('-' for stdin).")
    ] = None,
) -> None:
    """Change an account's role, state or password."""
    from vigil.web import auth

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        user = auth.find_user(session, name)
        if user is None:
            raise NotFoundError(f"no user named {name!r}")
        if role is not None:
            auth.set_role(session, user, role, actor=_terminal())
        if active is not None:
            auth.set_active(session, user, active, actor=_terminal())
        if password_file is not None:
            auth.set_password(session, user, _read_password(password_file), actor=_terminal())
        print(f"updated user {user.name} ({user.role}, {'active' if user.active else 'disabled'})", file=sys.stderr)


def users_apikey(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User the key acts for (with that user's role).")],
    label: Annotated[str, typer.Option("--label", help="A name to tell the key apart.")] = "cli",
) -> None:
    """Create an API key for a user and print it once on stdout (it is stored only as a hash)."""
    from vigil.web import auth

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        user = auth.find_user(session, name)
        if user is None:
            raise NotFoundError(f"no user named {name!r}")
        _row, key = auth.create_api_key(session, user, label, actor=_terminal())
    print(key)
    print("store this key now: it cannot be shown again", file=sys.stderr)


def audit_verify(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
) -> None:
    """Check the audit hash chain and its database guards; exit non-zero and name the first bad entry."""
    from vigil.web.audit import verify

    with Store.open(get_settings(ctx)) as store:
        result = verify(store)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json()) + "\n")
    if not result.ok and result.broken_seq is None:
        raise AuditError(f"audit log unprotected: {result.reason}")
    if not result.ok:
        raise AuditError(f"audit log broken at entry {result.broken_seq}: {result.reason}")
    if not as_json:
        print(f"audit log intact: {result.checked} entries, head {result.head_hash}", file=sys.stderr)


def audit_export(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write JSONL here instead of stdout.")] = None,
    since: Annotated[int, typer.Option(help="Only entries after this entry number.", min=0)] = 0,
) -> None:
    """Write the audit log as JSONL, oldest first, each entry with its hashes (for archiving elsewhere)."""
    from vigil.web.audit import entry_json, iter_entries

    with Store.open(get_settings(ctx)) as store, store.session() as session, open_output(output) as out:
        for entry in iter_entries(session, after=since):
            write_jsonl(out, entry_json(entry))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    users_app.command("create")(users_create)
    users_app.command("list")(users_list)
    users_app.command("set")(users_set)
    users_app.command("apikey")(users_apikey)
    app.add_typer(users_app, name="users")
    audit_app.command("verify")(audit_verify)
    audit_app.command("export")(audit_export)

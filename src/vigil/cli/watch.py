"""``vigil watch``: add, list and remove analysts' watches, and send the webhook notices that are due."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
import typer

from vigil.cli.common import get_settings
from vigil.errors import InputError, NotFoundError
from vigil.store import Store

if TYPE_CHECKING:
    from vigil.web.audit import Actor

watch_app = typer.Typer(
    help="Watch identifiers, networks, templates and saved searches; new matching documents notify.",
    no_args_is_help=True,
)


def _terminal() -> Actor:
    """Changes made at the terminal are recorded as made by the machine's operator."""
    from vigil.web.audit import Actor

    return Actor("terminal", None, "terminal", "admin")


def add(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--user", help="Account the watch belongs to (its notifications go there).")],
    identifier: Annotated[str | None, typer.Option(help="A phone, e-mail, handle or URL, in any written form.")] = None,
    network: Annotated[str | None, typer.Option(help="A network (cluster) id.")] = None,
    template: Annotated[str | None, typer.Option(help="Id of a document whose text template to watch.")] = None,
    search: Annotated[str | None, typer.Option(help="A search, as typed in the search box.")] = None,
    webhook: Annotated[str | None, typer.Option(help="http(s) URL that also receives each notification as JSON.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the watch as JSON.")] = False,
) -> None:
    """Add a watch (exactly one of --identifier, --network, --template, --search)."""
    from vigil.watch.watches import new_watch, watch_json
    from vigil.web import audit
    from vigil.web.models import User

    given = {"identifier": identifier, "network": network, "template": template, "search": search}
    chosen = [(kind, value) for kind, value in given.items() if value is not None]
    if len(chosen) != 1:
        raise InputError("give exactly one of --identifier, --network, --template, --search")
    kind, value = chosen[0]
    with Store.open(get_settings(ctx)) as store, store.session() as session:
        account = session.scalars(sa.select(User).where(User.name == user)).first()
        if account is None:
            raise NotFoundError(f"no account {user!r}")
        watch = new_watch(session, account.id, kind, value, webhook)
        out = watch_json(watch, account.name)
        audit.record(session, _terminal(), "watch.add", "watch", watch.id,
                     details={"user": account.name, "kind": kind, "label": watch.label[:200], "webhook": bool(webhook)})
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(f"watch {out['id']}: {kind} {out['label']} for {account.name}", file=sys.stderr)


def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List every watch, oldest first."""
    from vigil.watch.watches import list_watches, watch_json
    from vigil.web.models import User

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        names = dict(session.execute(sa.select(User.id, User.name)).tuples().all())
        rows = [watch_json(w, names.get(w.user_id, "?")) for w in list_watches(session)]
    for row in rows:
        if as_json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            hook = f"  -> {row['webhook_url']}" if row["webhook_url"] else ""
            print(f"{row['id']}\t{row['user']}\t{row['kind']}\t{row['label']}{hook}")


def remove(ctx: typer.Context, watch_id: Annotated[int, typer.Argument(help="Id of the watch.", min=1)]) -> None:
    """Remove a watch; its notifications stay, its undelivered webhook notices are cancelled."""
    from vigil.watch.watches import remove_watch
    from vigil.web import audit

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        watch = remove_watch(session, watch_id)
        audit.record(session, _terminal(), "watch.remove", "watch", watch_id,
                     details={"user_id": watch.user_id, "kind": watch.kind, "label": watch.label[:200]})
    print(f"removed watch {watch_id}", file=sys.stderr)


def deliver(ctx: typer.Context) -> None:
    """Send the webhook notices that are due (watch notifications, trend alerts); prints what was sent as JSON."""
    from vigil.watch.delivery import deliver_due

    with Store.open(get_settings(ctx)) as store:
        report = deliver_due(store)
    print(json.dumps(report.to_json()))


def register(app: typer.Typer) -> None:
    watch_app.command("add")(add)
    watch_app.command("list")(list_)
    watch_app.command("remove")(remove)
    watch_app.command("deliver")(deliver)
    app.add_typer(watch_app, name="watch")

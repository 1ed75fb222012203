"""``vigil partners`` and ``vigil share``: partner organisations, what is shared with them, signing
keys, HTCDS export, k-anonymous statistics, and keyed-hash identifier matching.

Changes are written to the audit log as made by the terminal's operator on behalf of
``--user``. Secrets (signing keys, partnership secrets) are files under the partners folder
(setting ``partners_dir``), never printed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vigil.cli.common import TERMINAL, get_settings, print_json_line, terminal_audit
from vigil.errors import InputError, NotFoundError
from vigil.store import Store

if TYPE_CHECKING:
    pass

partners_app = typer.Typer(help="Partner organisations: members, org-scoped API keys, grants, signing keys, HTCDS, statistics.",
                           no_args_is_help=True)
share_app = typer.Typer(help="Match identifiers with a partner as keyed hashes (HMAC-SHA256), never in the clear.",
                        no_args_is_help=True)

UserOption = Annotated[str, typer.Option("--user", help="Who acts (an account name); recorded with the change.")]
OrgArgument = Annotated[str, typer.Argument(metavar="ORG", help="The organisation's short name.")]
CaseArgument = Annotated[int, typer.Argument(metavar="CASE", help="The case's id.", min=1)]


_audit = terminal_audit
_print = print_json_line


def _write_json(data: dict[str, Any], output: Path | None) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _fields(values: list[str] | None) -> dict[str, str]:
    out = {}
    for value in values or []:
        name, eq, given = value.partition("=")
        if not eq:
            raise InputError(f"--field {value!r}: write NAME=VALUE (several values of a list separated by ';')")
        out[name.strip()] = given
    return out


def create(
    ctx: typer.Context,
    name: OrgArgument,
    kind: Annotated[str, typer.Option(help="police_unit, ngo, platform or search_provider.")],
    title: Annotated[str, typer.Option(help="The organisation's full name.")] = "",
    own: Annotated[bool, typer.Option("--own", help="This instance's own organisation: an Ed25519 signing key is made for it.")] = False,
    user: UserOption = TERMINAL,
) -> None:
    """Add an organisation (a partner's, or with --own ours, which signs referral packages)."""
    from vigil.partners.orgs import create_org
    from vigil.partners.signing import generate_signing_key

    settings = get_settings(ctx)
    hook = _audit(user)
    with Store.open(settings) as store, store.session() as session:
        org = create_org(session, name, kind, title, user, hook, own=own)
        found = generate_signing_key(session, org, settings.resolved_partners_dir, user, hook) if own else None
    print(f"organisation {name} added" + (f"; signing key {found}" if found else ""), file=sys.stderr)


def list_(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False
) -> None:
    """List organisations with what is shared with each."""
    from vigil.partners.orgs import grants_of, list_orgs, org_json

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        rows = [org_json(o, grants_of(session, o)) for o in list_orgs(session)]
    for row in rows:
        if as_json:
            _print(row)
        else:
            shared = ", ".join(f"{g['kind']}{' ' + g['target'] if g['target'] else ''}" for g in row["grants"]) or "nothing"
            print(f"{row['name']}\t{row['kind']}\t{'own' if row['own'] else 'partner'}\tshared: {shared}")


def public_key(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the PEM here (default stdout).")] = None,
) -> None:
    """Print our organisation's public signing key (PEM), for partners to add with `vigil partners add-key`."""
    from vigil.partners.orgs import own_org
    from vigil.partners.signing import fingerprint, public_pem, signing_key

    settings = get_settings(ctx)
    with Store.open(settings) as store, store.session() as session:
        key = signing_key(own_org(session), settings.resolved_partners_dir).public_key()
    pem = public_pem(key)
    if output is None:
        sys.stdout.write(pem.decode("ascii"))
    else:
        output.write_bytes(pem)
    print(f"fingerprint {fingerprint(key)}", file=sys.stderr)


def add_key(
    ctx: typer.Context,
    org: OrgArgument,
    key_file: Annotated[Path, typer.Argument(metavar="PUBLIC_KEY_FILE", help="The partner's Ed25519 public key (PEM).")],
    user: UserOption = TERMINAL,
) -> None:
    """Trust a partner's public key for the referral packages it signs; check its fingerprint with them."""
    from vigil.partners.orgs import get_org
    from vigil.partners.signing import add_public_key

    try:
        data = key_file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {key_file}: {exc.strerror}") from exc
    with Store.open(get_settings(ctx)) as store, store.session() as session:
        found = add_public_key(session, get_org(session, org), data, user, _audit(user))
    print(f"{org}: key {found} trusted", file=sys.stderr)


def member(ctx: typer.Context, org: OrgArgument, account: Annotated[str, typer.Argument(metavar="USER")], user: UserOption = TERMINAL) -> None:
    """Make an account a member of an organisation (it sees what is shared with the organisation)."""
    from vigil.partners.orgs import add_member, get_org
    from vigil.web.auth import find_user

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        found = find_user(session, account)
        if found is None:
            raise NotFoundError(f"no account {account!r}")
        add_member(session, get_org(session, org), found.id, found.name, user, _audit(user))
    print(f"{account} is a member of {org}", file=sys.stderr)


def api_key(
    ctx: typer.Context,
    org: OrgArgument,
    account: Annotated[str, typer.Argument(metavar="USER", help="A member of the organisation who owns the key.")],
    name: Annotated[str, typer.Option(help="A label for the key.")] = "partner",
    user: UserOption = TERMINAL,
) -> None:
    """Make an API key that acts for ORG only; the key is printed once, on stdout."""
    from vigil.partners.models import PartnerMember
    from vigil.partners.orgs import get_org, scope_key
    from vigil.web.audit import Actor
    from vigil.web.auth import create_api_key, find_user

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        chosen = get_org(session, org)
        found = find_user(session, account)
        membership = session.get(PartnerMember, found.id) if found is not None else None
        if found is None or membership is None or membership.org_id != chosen.id:
            raise InputError(f"{account!r} is not a member of {org}: vigil partners member {org} {account}")
        row, key = create_api_key(session, found, name, Actor("terminal", None, TERMINAL, "admin"))
        scope_key(session, chosen, row.id, user, _audit(user))
    print(key)


def _grant_target(case: int | None, stats: bool) -> tuple[str, str]:
    if (case is None) == (not stats):
        raise InputError("give --case CASE or --stats")
    return ("stats", "") if stats else ("case", str(case))


def grant(
    ctx: typer.Context,
    org: OrgArgument,
    case: Annotated[int | None, typer.Option("--case", help="Share this case.", min=1)] = None,
    stats: Annotated[bool, typer.Option("--stats", help="Share the k-anonymous monitoring statistics.")] = False,
    user: UserOption = TERMINAL,
) -> None:
    """Share a case, or the statistics, with an organisation."""
    from vigil.partners import orgs

    kind, target = _grant_target(case, stats)
    with Store.open(get_settings(ctx)) as store, store.session() as session:
        orgs.grant(session, orgs.get_org(session, org), kind, target, user, _audit(user))
    print(f"{org}: {kind} {target} shared".rstrip(), file=sys.stderr)


def revoke(
    ctx: typer.Context,
    org: OrgArgument,
    case: Annotated[int | None, typer.Option("--case", help="Stop sharing this case.", min=1)] = None,
    stats: Annotated[bool, typer.Option("--stats", help="Stop sharing the statistics.")] = False,
    user: UserOption = TERMINAL,
) -> None:
    """Stop sharing a case, or the statistics, with an organisation."""
    from vigil.partners import orgs

    kind, target = _grant_target(case, stats)
    with Store.open(get_settings(ctx)) as store, store.session() as session:
        orgs.revoke(session, orgs.get_org(session, org), kind, target, user, _audit(user))
    print(f"{org}: {kind} {target} no longer shared".rstrip(), file=sys.stderr)


def partnership(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The partnership's short name, the same on both sides.")],
    org: Annotated[str, typer.Option("--org", help="The partner's organisation.")],
    secret_file: Annotated[Path | None, typer.Option(help="The secret agreed with the partner; default: make a new one.")] = None,
    user: UserOption = TERMINAL,
) -> None:
    """Set up identifier matching with a partner; the secret is kept as a file under the partners folder."""
    from vigil.partners.matching import create_partnership
    from vigil.partners.orgs import get_org

    settings = get_settings(ctx)
    try:
        secret = secret_file.read_bytes() if secret_file is not None else None
    except OSError as exc:
        raise InputError(f"cannot read {secret_file}: {exc.strerror}") from exc
    with Store.open(settings) as store, store.session() as session:
        row = create_partnership(session, name, get_org(session, org), settings.resolved_partners_dir, user, _audit(user), secret)
        where = settings.resolved_partners_dir / row.secret_ref
    print(f"partnership {name} with {org}; secret in {where} (give the partner a copy by a safe channel)", file=sys.stderr)


def person(
    ctx: typer.Context,
    case_id: CaseArgument,
    role: Annotated[str, typer.Option(help="victim or perpetrator.")],
    field: Annotated[list[str] | None, typer.Option("--field", help="An HTCDS v2.0 field, NAME=VALUE (repeatable).")] = None,
    user: UserOption = TERMINAL,
) -> None:
    """Record a person in a case, in HTCDS v2.0 fields (prs_, and vic_ or per_)."""
    from vigil.casework.cases import get_case
    from vigil.partners.htcds import add_person

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        add_person(session, get_case(session, case_id), role, _fields(field), user, _audit(user))
    print(f"case {case_id}: {role} recorded", file=sys.stderr)


def event(
    ctx: typer.Context,
    case_id: CaseArgument,
    field: Annotated[list[str] | None, typer.Option("--field", help="An HTCDS v2.0 hte_ field, NAME=VALUE (repeatable).")] = None,
    user: UserOption = TERMINAL,
) -> None:
    """Record a trafficking event (recruitment, transit, exploitation) in a case, in HTCDS v2.0 fields."""
    from vigil.casework.cases import get_case
    from vigil.partners.htcds import add_event

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        add_event(session, get_case(session, case_id), _fields(field), user, _audit(user))
    print(f"case {case_id}: event recorded", file=sys.stderr)


def htcds(
    ctx: typer.Context,
    case_id: CaseArgument,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the JSON here (default stdout).")] = None,
    user: UserOption = TERMINAL,
) -> None:
    """Export a case's people and events in HTCDS v2.0 fields (JSON)."""
    from vigil.casework.cases import get_case
    from vigil.partners.htcds import case_htcds
    from vigil.partners.orgs import own_org

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        case = get_case(session, case_id)
        try:
            ours = own_org(session)
        except NotFoundError:
            ours = None  # no organisation recorded yet: the export names none
        data = case_htcds(session, case, ours, contacts=True)
        _audit(user)(session, "case.htcds_export", "case", str(case_id), {"persons": len(data["persons"]), "events": len(data["events"])})
    _write_json(data, output)


def stats(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the JSON here (default stdout).")] = None,
) -> None:
    """Monitoring statistics by country, platform category and month, counts below k suppressed."""
    from vigil.partners.aggregates import monitoring_statistics

    settings = get_settings(ctx)
    with Store.open(settings) as store, store.session() as session:
        data = monitoring_statistics(session, settings.partners_min_cell_count)
    _write_json(data, output)


def share_export(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--partnership", help="The partnership whose secret keys the hashes.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to hand to the partner.")],
    user: UserOption = TERMINAL,
) -> None:
    """Write our phones, e-mails and handles as HMAC-SHA256 hashes under the partnership's secret."""
    from vigil.partners.matching import get_partnership, our_hashes, partnership_secret, write_hashes

    settings = get_settings(ctx)
    with Store.open(settings) as store, store.session() as session:
        row = get_partnership(session, name)
        hashes = our_hashes(session, partnership_secret(row, settings.resolved_partners_dir))
        with output.open("w", encoding="utf-8") as out:
            count = write_hashes(out, row.name, hashes)
        _audit(user)(session, "share.export", "partnership", row.name, {"hashes": count})
    print(f"{count} hashed identifier(s) written to {output}", file=sys.stderr)


def share_match(
    ctx: typer.Context,
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="The partner's file from `vigil share export`.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per matched identifier.")] = False,
    user: UserOption = TERMINAL,
) -> None:
    """Which of our identifiers, documents and networks the partner's hashes match. Exit 1 if a line was rejected."""
    from vigil.partners.matching import (
        get_partnership,
        intersect,
        matched_leads,
        our_hashes,
        partnership_secret,
        read_hash_file,
    )

    settings = get_settings(ctx)
    found = read_hash_file(theirs)
    with Store.open(settings) as store, store.session() as session:
        row = get_partnership(session, found.partnership)
        ours = our_hashes(session, partnership_secret(row, settings.resolved_partners_dir))
        leads = matched_leads(session, ours, intersect(ours, found.hashes))
        _audit(user)(session, "share.match", "partnership", row.name,
                     {"theirs": len(found.hashes), "ours": len(ours), "matched": len(leads)})
    for lead in leads:
        if as_json:
            _print(lead)
        else:
            docs = ", ".join(d["id"] for d in lead["documents"])
            print(f"{lead['kind']}\t{lead['identifier']}\tdocuments: {docs}\tnetworks: {', '.join(lead['networks']) or '-'}")
    for error in found.rejected[:50]:
        print(f"rejected line {error['line']}: {error['reason']}", file=sys.stderr)
    networks = {n for lead in leads for n in lead["networks"]}
    print(f"{len(leads)} of our {len(ours)} identifier(s) match the partner's {len(found.hashes)}; "
          f"{len(networks)} network(s)", file=sys.stderr)
    if found.rejected:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    partners_app.command("create")(create)
    partners_app.command("list")(list_)
    partners_app.command("public-key")(public_key)
    partners_app.command("add-key")(add_key)
    partners_app.command("member")(member)
    partners_app.command("api-key")(api_key)
    partners_app.command("grant")(grant)
    partners_app.command("revoke")(revoke)
    partners_app.command("partnership")(partnership)
    partners_app.command("person")(person)
    partners_app.command("event")(event)
    partners_app.command("htcds")(htcds)
    partners_app.command("stats")(stats)
    share_app.command("export")(share_export)
    share_app.command("match")(share_match)
    app.add_typer(partners_app, name="partners")
    app.add_typer(share_app, name="share")

"""``vigil cases`` and ``vigil review``: build cases from leads, export case files, review leads at the terminal.

Changes made here are written to the audit log as made by the terminal's operator, on
behalf of the user named with ``--user`` (who becomes the case's owner or the review's author).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import sqlalchemy as sa
import typer

from vigil.cli.common import TERMINAL, get_settings, print_json_line, terminal_audit
from vigil.errors import InputError, NotFoundError
from vigil.store import Store

if TYPE_CHECKING:
    pass

cases_app = typer.Typer(help="Cases: group documents, networks and identifiers; export verifiable case files.", no_args_is_help=True)
review_app = typer.Typer(help="Review leads (documents, networks, identifiers): state, notes, assignment, labels.", no_args_is_help=True)

UserOption = Annotated[str, typer.Option("--user", help="Who acts (an account name); recorded with the change.")]


_audit = terminal_audit
_print = print_json_line


def create(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What the case is about.")],
    user: UserOption = TERMINAL,
    member: Annotated[list[str] | None, typer.Option("--member", help="Another user working on the case (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"id": ...} as JSON.')] = False,
) -> None:
    """Open a new case (status Active) owned by --user."""
    from vigil.casework.cases import create_case

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        case = create_case(session, title, user, _audit(user), member or [])
        case_id = case.id
    if as_json:
        _print({"id": case_id})
    else:
        print(case_id)
        print(f"case {case_id} opened", file=sys.stderr)


def add(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(metavar="CASE", help="The case's id.", min=1)],
    document: Annotated[list[str] | None, typer.Option("--document", help="A stored document's id or key (repeatable).")] = None,
    network: Annotated[list[str] | None, typer.Option("--network", help="A network (cluster) id (repeatable).")] = None,
    identifier: Annotated[list[str] | None, typer.Option("--identifier", help="A phone, e-mail, handle or URL (repeatable).")] = None,
    note: Annotated[list[str] | None, typer.Option("--note", help="A note for the case (repeatable).")] = None,
    user: UserOption = TERMINAL,
) -> None:
    """Add documents, networks, identifiers and notes to a case; all or nothing."""
    from vigil.casework.cases import add_item, add_note, get_case

    wanted = [("document", v) for v in document or []] + [("network", v) for v in network or []]
    wanted += [("identifier", v) for v in identifier or []]
    if not wanted and not note:
        raise InputError("give at least one --document, --network, --identifier or --note")
    hook = _audit(user)
    with Store.open(get_settings(ctx)) as store, store.session() as session:
        case = get_case(session, case_id)
        for kind, value in wanted:
            add_item(session, case, kind, value, user, hook)
        for text in note or []:
            add_note(session, case, text, user, hook)
    print(f"case {case_id}: added {len(wanted)} item(s) and {len(note or [])} note(s)", file=sys.stderr)


def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only cases in this status (Active, FollowUp, Closed, ClosedReferred).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List cases, most recently changed first."""
    from vigil.casework.cases import case_json, list_cases

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        rows = [case_json(c) for c in list_cases(session, status=status)]
    for row in rows:
        if as_json:
            _print(row)
        else:
            print(f"{row['id']}\t{row['status']}\t{row['owner']}\t{row['title']}")


def show(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(metavar="CASE", help="The case's id.", min=1)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the case, its items, timeline and evidence as JSON.")] = False,
) -> None:
    """Show a case: items, timeline, evidence list (contacts in clear: the command line is for operators of the store)."""
    from vigil.casework.cases import case_documents, case_json, evidence_list, get_case, items_of, timeline

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        case = get_case(session, case_id)
        items = items_of(session, case.id)
        documents = case_documents(session, items)
        out = {**case_json(case, items, with_items=True), "documents": [d.pk for d in documents],
               "timeline": timeline(session, case, documents), "evidence": evidence_list(session, documents)}
    if as_json:
        _print(out)
        return
    print(f"case {out['id']}: {out['title']}  [{out['status']}]  owner {out['owner']}")
    for item in out["items"]:
        print(f"  {item['kind']}\t{item['text'] if item['kind'] == 'note' else item['label']}")
    print(f"documents: {len(out['documents'])}; evidence items: {len(out['evidence'])}")


def status(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(metavar="CASE", help="The case's id.", min=1)],
    new_status: Annotated[str, typer.Argument(metavar="STATUS", help="Active, FollowUp, Closed or ClosedReferred.")],
    user: UserOption = TERMINAL,
) -> None:
    """Set a case's status (HTCDS v2.0 case statuses)."""
    from vigil.casework.cases import get_case, update_case

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        update_case(session, get_case(session, case_id), user, _audit(user), status=new_status)
    print(f"case {case_id}: {new_status}", file=sys.stderr)


def export(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(metavar="CASE", help="The case's id.", min=1)],
    output: Annotated[Path, typer.Option("-o", "--output", help="A new or empty directory for the case file (with --sign: the package file).")],
    user: Annotated[str | None, typer.Option("--user", help="Export as this account: contacts masked unless its role may see them.")] = None,
    sign: Annotated[bool, typer.Option("--sign", help="Write one referral package (zip) signed with our organisation's Ed25519 key.")] = False,
) -> None:
    """Write the case file: report.html, data.jsonl, evidence/ and manifest.json (SHA-256 of every other file)."""
    from vigil.casework.export import export_case
    from vigil.redaction import ContactRedactor
    from vigil.web.models import User
    from vigil.web.permissions import allowed

    with Store.open(get_settings(ctx)) as store:
        show_contacts = True
        if user is not None:
            with store.session() as session:
                role = session.scalars(sa.select(User.role).where(User.name == user)).first()
            if role is None:
                raise NotFoundError(f"no account {user!r}")
            show_contacts = allowed(role, "documents:contacts")
        redactor = None if show_contacts else ContactRedactor.build()
        if sign:
            from vigil.partners.referral import write_package

            package = write_package(store, case_id, output, exported_by=user or TERMINAL, audit=_audit(user or TERMINAL), redactor=redactor)
            masked = ", contacts masked" if package.contacts_masked else ""
            print(f"case {case_id}: {package.documents} document(s), {package.files} file(s) in {output}, "
                  f"signed with key {package.fingerprint}{masked}", file=sys.stderr)
            return
        result = export_case(store, case_id, output, exported_by=user or TERMINAL, redactor=redactor, audit=_audit(user or TERMINAL))
    masked = ", contacts masked" if result.contacts_masked else ""
    print(f"case {case_id}: {result.documents} document(s), {len(result.files)} file(s) in {output}{masked}", file=sys.stderr)


def import_(
    ctx: typer.Context,
    package: Annotated[Path, typer.Argument(metavar="FILE", help="A referral package from `vigil cases export CASE --sign`.")],
    user: UserOption = TERMINAL,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"id", "from", "their_case", "documents", "sha256"} as JSON.')] = False,
    analyze: Annotated[bool, typer.Option("--analyze/--no-analyze", help="Analyse, link and count the received documents (default).")] = True,
) -> None:
    """Verify a partner's signed referral package (signature and every hash) and open a case from it.

    A package signed with a key not added by `vigil partners add-key`, or with any file changed,
    is refused with the file and the reason; nothing is stored then.
    """
    from vigil.partners.referral import import_package

    settings = get_settings(ctx)
    with Store.open(settings) as store:
        result = import_package(store, package, imported_by=user, audit=_audit(user))
        if analyze:
            from vigil.processing import process_store

            process_store(store, settings)
    if as_json:
        _print({"id": result.case_id, "from": result.org, "their_case": result.their_case,
                "documents": result.documents, "sha256": result.sha256})
    else:
        print(result.case_id)
    print(f"case {result.case_id}: referral from {result.org} (their case {result.their_case}), "
          f"{result.documents} document(s); signature and every hash verified", file=sys.stderr)


def review_set(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="document, network or identifier.")],
    value: Annotated[str, typer.Argument(help="A document's id or key, a network id, or an identifier as written.")],
    state: Annotated[str, typer.Argument(help="new, in_review, escalated, dismissed or actioned.")],
    reason: Annotated[str | None, typer.Option(help="Why (required to dismiss).")] = None,
    note: Annotated[str | None, typer.Option(help="A note on the lead.")] = None,
    assign: Annotated[str | None, typer.Option(help="Assign the lead to this user ('' to unassign).")] = None,
    label: Annotated[list[str] | None, typer.Option("--label", help="A label (repeatable); replaces the lead's labels.")] = None,
    user: UserOption = TERMINAL,
    as_json: Annotated[bool, typer.Option("--json", help="Print the lead's review as JSON.")] = False,
) -> None:
    """Set a lead's review state, with a reason, a note, an assignee and labels."""
    from vigil.casework.reviews import ReviewChange, lead_target, notes_of, review_json, set_review

    change = ReviewChange(state=state, reason=reason, assignee=assign, labels=label, note=note)
    with Store.open(get_settings(ctx)) as store, store.session() as session:
        target = lead_target(session, kind, value)
        review = set_review(session, kind, target, change, user, _audit(user))
        out = review_json(kind, target, review, notes_of(session, kind, target))
    if as_json:
        _print(out)
    else:
        print(f"{kind} {target}: {out['state']}", file=sys.stderr)


def review_show(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="document, network or identifier.")],
    value: Annotated[str, typer.Argument(help="A document's id or key, a network id, or an identifier as written.")],
) -> None:
    """Print a lead's review (state, reason, assignee, labels, notes) as JSON."""
    from vigil.casework.reviews import get_review, lead_target, notes_of, review_json

    with Store.open(get_settings(ctx)) as store, store.session() as session:
        target = lead_target(session, kind, value)
        _print(review_json(kind, target, get_review(session, kind, target), notes_of(session, kind, target)))


def register(app: typer.Typer) -> None:
    cases_app.command("create")(create)
    cases_app.command("add")(add)
    cases_app.command("list")(list_)
    cases_app.command("show")(show)
    cases_app.command("status")(status)
    cases_app.command("export")(export)
    cases_app.command("import")(import_)
    review_app.command("set")(review_set)
    review_app.command("show")(review_show)
    app.add_typer(cases_app, name="cases")
    app.add_typer(review_app, name="review")

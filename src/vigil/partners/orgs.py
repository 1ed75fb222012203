"""Organisations, their members and org-scoped API keys, and what is shared with each (grants).

What a partner's member sees is decided here: :func:`org_of` says which organisation a
request acts for (an org-scoped key must agree with its owner's membership), and
:func:`shared_case_ids` / :func:`may_see_stats` say what that organisation was granted.
Every change is handed to the caller's audit hook.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.casework.models import Case
from vigil.casework.reviews import AuditHook
from vigil.errors import InputError, NotFoundError
from vigil.partners.models import (
    GRANT_CASE,
    GRANT_KINDS,
    GRANT_STATS,
    ORG_KINDS,
    PartnerApiKey,
    PartnerGrant,
    PartnerMember,
    PartnerOrg,
)
from vigil.store.models import utcnow

ORG_NAME: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
SECRET_BYTES: Final = 32
SECRET_FILE_MODE: Final = 0o600


def check_org_name(name: str) -> str:
    if not ORG_NAME.fullmatch(name):
        raise InputError("an organisation name is 1-100 lower-case letters, digits, '.', '_' or '-'")
    return name


def create_org(session: Session, name: str, kind: str, title: str, actor: str, audit: AuditHook, *, own: bool = False) -> PartnerOrg:
    """A new organisation; ``own`` marks this instance's own organisation (the one that signs referrals)."""
    check_org_name(name)
    if kind not in ORG_KINDS:
        raise InputError(f"an organisation is one of {', '.join(ORG_KINDS)}")
    if session.scalars(sa.select(PartnerOrg.id).where(PartnerOrg.name == name)).first() is not None:
        raise InputError(f"organisation {name!r} already exists")
    org = PartnerOrg(name=name, kind=kind, title=(title.strip() or name)[:300], own=own)
    session.add(org)
    session.flush()
    audit(session, "partner.org_create", "partner_org", str(org.id), {"name": name, "kind": kind, "own": own, "by": actor})
    return org


def get_org(session: Session, name: str) -> PartnerOrg:
    org = session.scalars(sa.select(PartnerOrg).where(PartnerOrg.name == name)).first()
    if org is None:
        raise NotFoundError(f"no organisation {name[:100]!r}")
    return org


def list_orgs(session: Session) -> list[PartnerOrg]:
    return list(session.scalars(sa.select(PartnerOrg).order_by(PartnerOrg.name)).all())


def own_org(session: Session) -> PartnerOrg:
    org = session.scalars(sa.select(PartnerOrg).where(PartnerOrg.own.is_(True)).order_by(PartnerOrg.id)).first()
    if org is None:
        raise NotFoundError("this instance has no organisation of its own yet: vigil partners create NAME --kind KIND --own")
    return org


def add_member(session: Session, org: PartnerOrg, user_id: int, user_name: str, actor: str, audit: AuditHook) -> None:
    """Make an account a member of ``org`` (it leaves any other organisation)."""
    row = session.get(PartnerMember, user_id)
    if row is None:
        session.add(PartnerMember(user_id=user_id, org_id=org.id, added_by=actor[:100]))
    else:
        row.org_id, row.added_by, row.added_at = org.id, actor[:100], utcnow()
    audit(session, "partner.member_add", "partner_org", str(org.id), {"user": user_name, "by": actor})


def scope_key(session: Session, org: PartnerOrg, api_key_id: int, actor: str, audit: AuditHook) -> None:
    """Tie an API key to ``org``: it acts for that organisation and no other."""
    session.merge(PartnerApiKey(api_key_id=api_key_id, org_id=org.id))
    audit(session, "partner.key_scope", "partner_org", str(org.id), {"api_key": api_key_id, "by": actor})


def org_of(session: Session, user_id: int, api_key_id: int | None) -> PartnerOrg | None:
    """The organisation a request acts for: its member's organisation, which an org-scoped key must name."""
    member = session.get(PartnerMember, user_id)
    if member is None:
        return None
    if api_key_id is not None:
        scoped = session.get(PartnerApiKey, api_key_id)
        if scoped is not None and scoped.org_id != member.org_id:
            return None  # a key issued for one organisation never acts for another
    return session.get(PartnerOrg, member.org_id)


def grant(session: Session, org: PartnerOrg, kind: str, target: str, actor: str, audit: AuditHook) -> PartnerGrant:
    """Share a case (``target`` its id) or the statistics (``target`` empty) with ``org``."""
    if kind not in GRANT_KINDS:
        raise InputError(f"a grant shares one of {', '.join(GRANT_KINDS)}")
    if kind == GRANT_CASE:
        if not target.isdigit() or session.get(Case, int(target)) is None:
            raise NotFoundError(f"no case {target[:40]!r}")
    else:
        target = ""
    row = session.scalars(sa.select(PartnerGrant).where(
        PartnerGrant.org_id == org.id, PartnerGrant.kind == kind, PartnerGrant.target == target)).first()
    if row is None:
        row = PartnerGrant(org_id=org.id, kind=kind, target=target, granted_by=actor[:100])
        session.add(row)
    else:
        row.revoked_at, row.granted_by, row.granted_at = None, actor[:100], utcnow()
    session.flush()
    audit(session, "partner.grant", "partner_org", str(org.id), {"kind": kind, "target": target, "by": actor})
    return row


def revoke(session: Session, org: PartnerOrg, kind: str, target: str, actor: str, audit: AuditHook) -> None:
    rows = session.scalars(sa.select(PartnerGrant).where(
        PartnerGrant.org_id == org.id, PartnerGrant.kind == kind, PartnerGrant.target == target,
        PartnerGrant.revoked_at.is_(None))).all()
    if not rows:
        raise NotFoundError(f"{org.name} holds no such grant")
    for row in rows:
        row.revoked_at = utcnow()
    audit(session, "partner.revoke", "partner_org", str(org.id), {"kind": kind, "target": target, "by": actor})


def grants_of(session: Session, org: PartnerOrg) -> list[PartnerGrant]:
    return list(session.scalars(sa.select(PartnerGrant).where(
        PartnerGrant.org_id == org.id, PartnerGrant.revoked_at.is_(None)).order_by(PartnerGrant.id)).all())


def shared_case_ids(session: Session, org: PartnerOrg) -> list[int]:
    return sorted(int(g.target) for g in grants_of(session, org) if g.kind == GRANT_CASE)


def shared_case(session: Session, org: PartnerOrg, case_id: int) -> Case:
    """A case shared with ``org``; any other case is "not found", so ids of unshared cases leak nothing."""
    case = session.get(Case, case_id) if case_id in shared_case_ids(session, org) else None
    if case is None:
        raise NotFoundError(f"no case {case_id}")
    return case


def may_see_stats(session: Session, org: PartnerOrg) -> bool:
    return any(g.kind == GRANT_STATS for g in grants_of(session, org))


def org_json(org: PartnerOrg, grants: list[PartnerGrant] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": org.name, "kind": org.kind, "title": org.title, "own": org.own}
    if grants is not None:
        out["grants"] = [{"kind": g.kind, "target": g.target or None, "granted_by": g.granted_by,
                          "granted_at": g.granted_at.isoformat()} for g in grants]
    return out


# ---- secrets kept by reference ------------------------------------------------------------------


def secret_path(folder: Path, ref: str) -> Path:
    """The file a reference names, which must stay inside the partners folder."""
    path = (folder / ref).resolve()
    if folder.resolve() not in path.parents:
        raise InputError(f"secret reference {ref!r} leaves the partners folder")
    return path


def write_secret(folder: Path, ref: str, data: bytes) -> None:
    """Write a secret readable by its owner only; an existing secret is never overwritten."""
    path = secret_path(folder, ref)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SECRET_FILE_MODE)
    except FileExistsError as exc:
        raise InputError(f"{ref} exists already; remove it by hand if it is to be replaced") from exc
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def read_secret(folder: Path, ref: str) -> bytes:
    path = secret_path(folder, ref)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise NotFoundError(f"secret {ref} is missing from {folder}") from exc


def new_secret() -> bytes:
    """A partnership secret as hex text: it survives being copied, mailed and stripped of
    whitespace (random raw bytes that began or ended with a whitespace byte did not)."""
    return secrets.token_hex(SECRET_BYTES).encode("ascii")

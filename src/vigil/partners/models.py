"""Tables of partnerships: partner organisations, their members and org-scoped API keys, what is
shared with each, trusted signing keys, matching partnerships, received referrals, and the
people and trafficking events a case records in HTCDS v2.0 terms.

Secrets (our signing key, a partnership's matching secret) are files under the partners
folder; the tables name them by reference and never hold their bytes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.models import Base, utcnow

#: Kinds of organisation Vigil serves (DESIGN.md, users), with their HTCDS v2.0 ``org_Type``.
ORG_KINDS: Final = {
    "police_unit": "LawEnforcement",
    "ngo": "NGO",
    "platform": "CorporateBusiness",
    "search_provider": "CorporateBusiness",
}
#: What a grant shares: one case, or the aggregate monitoring statistics.
GRANT_CASE: Final = "case"
GRANT_STATS: Final = "stats"
GRANT_KINDS: Final = (GRANT_CASE, GRANT_STATS)
NAME_CHARS: Final = 100


class PartnerOrg(Base):
    """An organisation: ours (``own``, holding a signing key) or a partner's."""

    __tablename__ = "partner_orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_CHARS), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(300))
    own: Mapped[bool] = mapped_column(default=False)
    #: Our private signing key's file, relative to the partners folder (None for a partner's org).
    signing_key_ref: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartnerMember(Base):
    """An account that belongs to an organisation; an account belongs to one organisation at most."""

    __tablename__ = "partner_members"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), index=True)
    added_by: Mapped[str] = mapped_column(sa.String(NAME_CHARS))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartnerApiKey(Base):
    """An API key that acts for an organisation only (its owner must still be a member of it)."""

    __tablename__ = "partner_api_keys"

    api_key_id: Mapped[int] = mapped_column(sa.ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), index=True)


class PartnerGrant(Base):
    """Something shared with an organisation: a case (``target`` its id) or the statistics (``target`` empty)."""

    __tablename__ = "partner_grants"
    __table_args__ = (sa.UniqueConstraint("org_id", "kind", "target", name="uq_partner_grants_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    target: Mapped[str] = mapped_column(sa.String(40), default="")
    granted_by: Mapped[str] = mapped_column(sa.String(NAME_CHARS))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()


class PartnerPublicKey(Base):
    """A partner's Ed25519 public key this instance trusts for referral packages."""

    __tablename__ = "partner_public_keys"

    fingerprint: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), index=True)
    public_key: Mapped[str] = mapped_column(sa.String(64))
    added_by: Mapped[str] = mapped_column(sa.String(NAME_CHARS))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class Partnership(Base):
    """Identifier matching agreed with one organisation; the shared secret is a file (``secret_ref``)."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_CHARS), unique=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), index=True)
    secret_ref: Mapped[str] = mapped_column(sa.String(300))
    created_by: Mapped[str] = mapped_column(sa.String(NAME_CHARS))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReceivedReferral(Base):
    """A referral package accepted from a partner: who signed it, its hash, and the case it became."""

    __tablename__ = "partner_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_orgs.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    their_case: Mapped[str] = mapped_column(sa.String(40))
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    stored_ref: Mapped[str] = mapped_column(sa.String(300))
    imported_by: Mapped[str] = mapped_column(sa.String(NAME_CHARS))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class CasePerson(Base):
    """A person a case records, in HTCDS v2.0 fields (``prs_``, and ``vic_`` or ``per_`` by role)."""

    __tablename__ = "case_persons"
    __table_args__ = (sa.Index("ix_case_persons_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(16))
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    added_by: Mapped[str] = mapped_column(sa.String(NAME_CHARS))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseTraffickingEvent(Base):
    """A historic trafficking event a case records (HTCDS v2.0 ``hte_``: recruitment, transit, exploitation)."""

    __tablename__ = "case_trafficking_events"
    __table_args__ = (sa.Index("ix_case_trafficking_events_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    added_by: Mapped[str] = mapped_column(sa.String(NAME_CHARS))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

"""The identifier index: one row per contact identifier a stored document carries.

``value`` is the normalized form of the Analysis contract (E.164 phones, lower-cased
e-mails, ``platform:name`` handles, URLs as ``host/path``); ``bare`` is the same identifier
without what a person may leave out when typing it: the national significant number of a
phone (no country code, no trunk zero), the name of a handle (no platform), the host of a
URL (no path). Lookups match on ``value`` when the query says everything, on ``bare``
otherwise.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vigil.identifier_keys import MAX_VALUE
from vigil.store.models import Base


class DocumentIdentifier(Base):
    """One identifier of one stored document, replaced whenever its analysis is saved."""

    __tablename__ = "document_identifiers"
    __table_args__ = (
        sa.Index("ix_document_identifiers_value", "kind", "value"),
        sa.Index("ix_document_identifiers_bare", "kind", "bare"),
    )

    document_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("documents.pk", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(MAX_VALUE), primary_key=True)
    bare: Mapped[str] = mapped_column(sa.String(MAX_VALUE))

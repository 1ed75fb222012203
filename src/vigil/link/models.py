"""Tables of the persistent link index: documents, identifiers, links, LSH buckets, clusters.

Documents are numbered in arrival order (``idx``); links point from a later document to
an earlier one. The shingle frequency sketch and the index layout live in ``link_meta``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vigil.store.models import Base, utcnow


class LinkDocument(Base):
    __tablename__ = "link_documents"
    #: By cluster, then id: a cluster's members, and its smallest member in one lookup.
    __table_args__ = (sa.Index("ix_link_documents_cluster_doc_id", "cluster", "doc_id"),)

    idx: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    doc_id: Mapped[str] = mapped_column(sa.String(512), unique=True)
    text: Mapped[str] = mapped_column(sa.Text)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    signature: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    cluster: Mapped[str | None] = mapped_column(sa.String(40))
    linked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: The stored document this entry links (None for ``vigil link --store`` input that is not stored).
    document_pk: Mapped[int | None] = mapped_column(
        sa.ForeignKey("documents.pk", ondelete="SET NULL"), unique=True, index=True
    )


class LinkIdentifier(Base):
    __tablename__ = "link_identifiers"

    key: Mapped[str] = mapped_column(sa.String(600), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    docs: Mapped[int] = mapped_column(sa.Integer)
    first: Mapped[int] = mapped_column(sa.Integer)
    common: Mapped[bool] = mapped_column(sa.Boolean, default=False)


class LinkEdge(Base):
    __tablename__ = "link_edges"
    __table_args__ = (
        sa.Index("ix_link_edges_key", "key"),
        sa.Index("ix_link_edges_left", "left"),
        sa.Index("ix_link_edges_right", "right"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    left: Mapped[int] = mapped_column(sa.Integer)
    right: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[int] = mapped_column(sa.SmallInteger)
    score: Mapped[float] = mapped_column(sa.Float)
    key: Mapped[str | None] = mapped_column(sa.String(600))


class LinkBucket(Base):
    """One representative of an LSH bucket; a bucket's earliest members are its representatives."""

    __tablename__ = "link_buckets"

    band: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    key: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)


class LinkCluster(Base):
    __tablename__ = "link_clusters"

    cluster: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    size: Mapped[int] = mapped_column(sa.Integer)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class LinkMeta(Base):
    __tablename__ = "link_meta"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(sa.LargeBinary)


def linked_entry(document_pk: Any, doc_id: Any) -> sa.ColumnElement[bool]:
    """The condition joining a stored document (its pk and id columns) to its link entry.

    Entries written by processing carry the document's pk; entries written before that
    (or by ``vigil link --store`` for documents stored later) are matched by id.
    """
    return sa.or_(
        LinkDocument.document_pk == document_pk,
        sa.and_(LinkDocument.document_pk.is_(None), LinkDocument.doc_id == doc_id),
    )

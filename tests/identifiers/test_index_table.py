"""The store writes the identifier index through a bare table; it must name the model's columns."""

from __future__ import annotations

from vigil.identifiers.models import DocumentIdentifier
from vigil.store.analyses import IDENTIFIER_INDEX


def test_the_stores_identifier_table_matches_the_model() -> None:
    assert IDENTIFIER_INDEX.name == DocumentIdentifier.__tablename__
    assert [c.name for c in IDENTIFIER_INDEX.columns] == [c.name for c in DocumentIdentifier.__table__.columns]

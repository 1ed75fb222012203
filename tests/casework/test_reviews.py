"""Review of leads: states, reasons, notes, assignment and labels, each change audited; refusals as a table."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from casework_support import PHONE, PHONE_WRITTEN, Corpus
from sqlalchemy.orm import Session

from vigil.casework.reviews import (
    ReviewChange,
    get_review,
    lead_target,
    notes_of,
    review_json,
    set_review,
    set_reviews,
)
from vigil.errors import InputError, NotFoundError
from vigil.store import Store
from vigil.web.audit import SYSTEM, record, verify
from vigil.web.models import AuditEntry


def _hook(session: Session, action: str, target_type: str, target_id: str, details: dict[str, Any]) -> None:
    record(session, SYSTEM, action, target_type, target_id, details=details)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("document", "ad-1", "pk:ad-1"),
        ("document", "pk", "pk:ad-1"),
        ("network", "net", "net"),
        ("identifier", PHONE_WRITTEN, f"phone:{PHONE}"),
        ("identifier", PHONE, f"phone:{PHONE}"),
    ],
)
def test_leads_are_named_as_analysts_write_them(case_store: Store, corpus: Corpus, kind: str, value: str, expected: str) -> None:
    value = {"pk": str(corpus.pks["ad-1"]), "net": corpus.network}.get(value, value)
    expected = {"pk:ad-1": str(corpus.pks["ad-1"]), "net": corpus.network}.get(expected, expected)
    with case_store.session() as session:
        assert lead_target(session, kind, value) == expected


@pytest.mark.parametrize(
    ("kind", "value", "error"),
    [
        ("document", "no-such-ad", NotFoundError),
        ("document", "999999", NotFoundError),
        ("network", "c-0000", NotFoundError),
        ("network", "", NotFoundError),
        ("identifier", "", InputError),
        ("colour", "red", InputError),
    ],
)
def test_unknown_leads_are_refused(case_store: Store, kind: str, value: str, error: type[Exception]) -> None:
    with case_store.session() as session, pytest.raises(error):
        lead_target(session, kind, value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (ReviewChange(state="dismissed"), "say why"),
        (ReviewChange(state="dismissed", reason="   "), "say why"),
        (ReviewChange(state="closed"), "review state is one of"),
        (ReviewChange(), "nothing to change"),
        (ReviewChange(note="   "), "nothing to change"),
        (ReviewChange(labels=["x" * 65]), "at most 64"),
        (ReviewChange(labels=[f"l{n}" for n in range(21)]), "at most 20 labels"),
        (ReviewChange(assignee="x" * 101), "1 to 100"),
    ],
)
def test_changes_that_cannot_hold_are_refused_and_nothing_is_written(
    case_store: Store, corpus: Corpus, change: ReviewChange, message: str
) -> None:
    target = str(corpus.pks["ad-1"])
    with pytest.raises(InputError, match=message), case_store.session() as session:
        set_review(session, "document", target, change, "ana", _hook)
    with case_store.session() as session:
        assert get_review(session, "document", target) is None
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_a_lead_moves_through_review_with_notes_and_every_change_is_audited(case_store: Store, corpus: Corpus) -> None:
    target = str(corpus.pks["ad-1"])
    steps = [
        ReviewChange(state="in_review", assignee="bo", labels=["kraków", " ", "kraków", "priority"]),
        ReviewChange(note="Same phone as the Warsaw ad."),
        ReviewChange(state="dismissed", reason="consensual adult work, checked with the NGO"),
        ReviewChange(state="escalated", assignee=""),
    ]
    with case_store.session() as session:
        for step in steps:
            set_review(session, "document", target, step, "ana", _hook)
    with case_store.session() as session:
        review = get_review(session, "document", target)
        shown = review_json("document", target, review, notes_of(session, "document", target))
        entries = session.execute(sa.select(AuditEntry.action, AuditEntry.target_type, AuditEntry.target_id, AuditEntry.details)
                                  .order_by(AuditEntry.seq)).all()
    assert shown["state"] == "escalated" and shown["reason"] is None and shown["assignee"] is None
    assert shown["labels"] == ["kraków", "priority"] and shown["updated_by"] == "ana"
    assert [(n["author"], n["text"]) for n in shown["notes"]] == [("ana", "Same phone as the Warsaw ad.")]
    assert [(a, t, i) for a, t, i, _ in entries] == [("review.set", "document", target)] * 4
    assert entries[0].details["state"] == ["new", "in_review"] and entries[0].details["assignee"] == [None, "bo"]
    assert entries[2].details["reason"] == "consensual adult work, checked with the NGO"
    assert verify(case_store).ok


def test_bulk_review_sets_each_lead_once_and_refuses_empty_or_oversized_batches(case_store: Store, corpus: Corpus) -> None:
    targets = [str(corpus.pks["ad-1"]), str(corpus.pks["ad-2"]), str(corpus.pks["ad-1"])]
    with case_store.session() as session:
        done = set_reviews(session, "document", targets, ReviewChange(state="dismissed", reason="duplicate"), "ana", _hook)
        assert sorted(r.target for r in done) == sorted(set(targets))
        with pytest.raises(InputError):
            set_reviews(session, "document", [], ReviewChange(state="new"), "ana", _hook)
        with pytest.raises(InputError):
            set_reviews(session, "document", ["1"] * 501, ReviewChange(state="new"), "ana", _hook)

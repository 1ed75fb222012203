"""Statements of reasons (DSA article 17) in the Transparency Database's submission format.

Field names and allowed values are those of the database's validation rules
(``StatementStoreRequest``, schema of 1 July 2025). Statements go in batches of at most 100
as ``{"statements": [...]}``, the body of ``POST /api/v1/statements``. No personal data
(article 24(5)): ``decision_facts`` is composed only from structured facts (category,
number of notices, source, action), never from free text; the moderator's explanation, which
goes into the explanation field, has contact identifiers masked.

The Transparency Database has no category for human trafficking, and the Commission has
published no mapping of keywords to categories; :data:`CATEGORY_MAP` is Vigil's choice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from vigil.reports.intake import _aware
from vigil.reports.models import Report, ReportDecision, ReportedItem, ReportItemLink
from vigil.reports.notice import SOURCE_TRUSTED_FLAGGER
from vigil.reports.triage import RESTRICTING
from vigil.store.models import AnalysisRow, DocumentRow

BATCH_SIZE: Final = 100
VISIBILITY: Final = {
    "remove": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "disable": "DECISION_VISIBILITY_CONTENT_DISABLED",
    "demote": "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "age_restrict": "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "label": "DECISION_VISIBILITY_CONTENT_LABELLED",
}
#: Report category -> (Transparency Database ``category``, ``category_specification`` keywords).
CATEGORY_MAP: Final = {
    "trafficking": ("STATEMENT_CATEGORY_VIOLENCE", ["KEYWORD_HUMAN_TRAFFICKING"]),
    "sexual_exploitation": ("STATEMENT_CATEGORY_VIOLENCE", ["KEYWORD_HUMAN_EXPLOITATION", "KEYWORD_HUMAN_TRAFFICKING"]),
    "child_sexual_exploitation": ("STATEMENT_CATEGORY_PROTECTION_OF_MINORS", ["KEYWORD_HUMAN_EXPLOITATION"]),
    "forced_labour": ("STATEMENT_CATEGORY_VIOLENCE", ["KEYWORD_HUMAN_EXPLOITATION"]),
    "other": ("STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", ["KEYWORD_OTHER"]),
}
CATEGORY_WORDS: Final = {
    "trafficking": "human trafficking",
    "sexual_exploitation": "sexual exploitation",
    "child_sexual_exploitation": "sexual exploitation of a child",
    "forced_labour": "forced labour or a suspicious job offer",
    "other": "other illegal or harmful content",
}
ACTION_WORDS: Final = {
    "remove": "removed", "disable": "disabled access to", "demote": "demoted",
    "age_restrict": "age-restricted", "label": "labelled",
}
DATE_MIN: Final = date(2000, 1, 1)
DATE_MAX: Final = date(2038, 1, 1)


@cache
def _redactor() -> Any:
    from vigil.redaction import ContactRedactor

    return ContactRedactor.build()


def mask_contacts(text: str) -> str:
    result: str = _redactor().redact(text)
    return result


def _day(value: datetime | None) -> str | None:
    if value is None:
        return None
    day = _aware(value).date()
    return min(max(day, DATE_MIN), DATE_MAX).isoformat()


def statement_of_reasons(
    decision: ReportDecision, item: ReportedItem, reports: Sequence[Report], document: DocumentRow | None
) -> dict[str, Any]:
    """The statement for one restricting decision, in the Transparency Database's fields."""
    if decision.action not in RESTRICTING:
        raise ValueError("only a restriction owes a statement of reasons")
    categories = [r.category for r in reports] or ["other"]
    main = min(categories, key=lambda c: list(CATEGORY_MAP).index(c))
    category, keywords = CATEGORY_MAP[main]
    trusted = any(r.source == SOURCE_TRUSTED_FLAGGER for r in reports)
    notices = len(reports)
    facts = (
        f"The content was reported to us in {notices} notice{'s' if notices != 1 else ''} "
        f"{'from a trusted flagger' if trusted else 'under Article 16 DSA'} as {CATEGORY_WORDS[main]}. "
        f"A moderator reviewed the content and the notice{'s' if notices != 1 else ''} and {ACTION_WORDS[decision.action]} it. "
        "No automated means were used to detect the content or to take the decision."
    )
    statement: dict[str, Any] = {
        "decision_visibility": [VISIBILITY[decision.action]],
        "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT" if decision.ground == "illegal" else "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    }
    explanation = mask_contacts(decision.explanation)[:2000]
    if decision.ground == "illegal":
        statement["illegal_content_legal_ground"] = decision.ground_reference[:500]
        statement["illegal_content_explanation"] = explanation
    else:
        statement["incompatible_content_ground"] = decision.ground_reference[:500]
        statement["incompatible_content_explanation"] = explanation
    if decision.ground_url:
        statement["decision_ground_reference_url"] = decision.ground_url[:500]
    statement["content_type"] = ["CONTENT_TYPE_TEXT"]
    statement["category"] = category
    statement["category_specification"] = list(keywords)
    if decision.territorial_scope:
        statement["territorial_scope"] = list(decision.territorial_scope)
    language = (document.lang if document is not None else None) or next((r.content_language for r in reports if r.content_language), None)
    if language and len(language) == 2 and language.isalpha():
        statement["content_language"] = language.upper()
    posted = document.posted_at if document is not None else None
    statement["content_date"] = _day(posted or item.first_reported_at)
    statement["application_date"] = _day(decision.decided_at)
    statement["decision_facts"] = facts
    statement["source_type"] = "SOURCE_TRUSTED_FLAGGER" if trusted else "SOURCE_ARTICLE_16"
    statement["automated_detection"] = "No"
    statement["automated_decision"] = "AUTOMATED_DECISION_NOT_AUTOMATED"
    statement["puid"] = decision.puid
    return statement


def statements(session: Session) -> Iterator[dict[str, Any]]:
    """A statement for every restricting decision still in force, oldest first."""
    decisions = session.scalars(
        sa.select(ReportDecision).where(ReportDecision.action.in_(sorted(RESTRICTING)), ReportDecision.reversed_at.is_(None))
        .order_by(ReportDecision.id)
    ).all()
    for decision in decisions:
        item = session.get(ReportedItem, decision.item_id)
        assert item is not None  # foreign key with cascade
        reports = session.scalars(
            sa.select(Report).join(ReportItemLink, ReportItemLink.report_id == Report.id).where(ReportItemLink.item_id == item.id)
        ).all()
        document = session.get(DocumentRow, item.document_pk) if item.document_pk is not None else None
        yield statement_of_reasons(decision, item, reports, document)


def batches(items: Sequence[dict[str, Any]], size: int = BATCH_SIZE) -> list[dict[str, list[dict[str, Any]]]]:
    """``{"statements": [...]}`` bodies of at most ``size`` statements each."""
    return [{"statements": list(items[i : i + size])} for i in range(0, len(items), size)]


def analysis_summary(analysis: AnalysisRow | None) -> dict[str, Any] | None:
    """The parts of an analysis a moderator or partner needs: risk, and the indicators with their evidence."""
    if analysis is None:
        return None
    indicators = [
        {"id": hit.get("id"), "evidence": hit.get("evidence"), "source": hit.get("source")}
        for hit in (analysis.result or {}).get("indicators", [])
        if isinstance(hit, dict)
    ]
    return {"risk_score": analysis.risk_score, "risk_level": analysis.risk_level, "model": analysis.model, "indicators": indicators}

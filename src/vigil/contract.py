"""The Analysis contract of ``DESIGN.md`` as types: what ``vigil analyze`` writes per document.

Defined once here and used by the pipeline, the scorer and everything that reads an analysis
back (the store, linking, cases, the web app). They are ``TypedDict``s, so an analysis is a
plain JSON object at run time and a checked shape for mypy; a key marked ``NotRequired``
appears only when it has something to say.

Core layer: imports nothing from Vigil. No ``from __future__ import annotations`` here: with
string annotations Python 3.11 cannot see ``NotRequired``, and the types' run-time
``__required_keys__`` would name every key.
"""

from typing import NotRequired, TypedDict

__all__ = ["Analysis", "Contribution", "Entities", "IndicatorHit", "Price", "Risk"]


class Contribution(TypedDict):
    """One feature that moved the score, in log-odds, and where its weight comes from."""

    feature: str
    contribution: float
    source: str


class Risk(TypedDict):
    """The ``risk`` object: a calibrated score, its level and the model that gave it.

    The scorer adds its reasons: ``baseline`` (the model's intercept) plus the
    ``contributions`` is exactly ``logit``, the log-odds of ``score``.
    """

    score: float
    level: str  # "high", "medium" or "low"
    model: str
    baseline: NotRequired[float]
    logit: NotRequired[float]
    contributions: NotRequired[list[Contribution]]


class IndicatorHit(TypedDict):
    """One indicator found in a document, with its evidence and provenance.

    ``start``/``end`` are offsets into the original ``text``, or into the title when
    ``field`` is ``"title"`` (the key is absent for hits in the text).
    """

    id: str
    evidence: str
    start: int
    end: int
    confidence: float
    source: str
    field: NotRequired[str]


class Price(TypedDict):
    """An amount with its ISO 4217 currency."""

    amount: int | float
    currency: str


class Entities(TypedDict):
    """Values per entity kind, de-duplicated, in the order found (phones are E.164)."""

    phones: list[str]
    emails: list[str]
    handles: list[str]
    urls: list[str]
    ages: list[int]
    prices: list[Price]
    locations: list[str]
    names: list[str]


class Analysis(TypedDict):
    """One line of ``vigil analyze``: the document's risk, indicators and entities.

    ``risk`` is ``None`` only from a pipeline built without a scorer. ``phone_alternates``
    (``{e164: [other readings, best first]}``) appears when a phone written without its
    country code is valid in several countries.
    """

    id: str
    lang: str
    kind: str
    risk: Risk | None
    indicators: list[IndicatorHit]
    entities: Entities
    phone_alternates: NotRequired[dict[str, list[str]]]

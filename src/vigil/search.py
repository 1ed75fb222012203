"""Full-text search over stored documents, with filters and paging.

One query language for both databases: words (all required), ``"quoted phrases"``,
``-excluded`` words and ``prefix*``. It is parsed here into terms, then written as an FTS5
``MATCH`` expression (SQLite, table ``documents_fts``) or a ``tsquery`` (PostgreSQL, over the
stored ``search_vector`` column and its GIN index). Only letters and digits reach
either engine, so no input can break the query syntax.

:func:`search_documents` is the one entry point; the web pages and the JSON API both call it.
Totals are counted up to :data:`COUNT_CAP` so a query matching most of a large store still
answers quickly; the page then says "more than".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final, Literal

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from vigil.casework.models import DOCUMENT, ReviewState
from vigil.casework.reviews import ReviewFilter, last_review_join, review_condition
from vigil.errors import InputError
from vigil.redaction import ContactRedactor, TextContext, document_context
from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentIndicator, DocumentRow

#: ``newest``: most recently collected first (the order the full-text index streams in, so the
#: first page of a query matching most of the store costs no more than one matching a handful);
#: ``posted``: by the date the ad was posted; ``risk``: by risk score; ``relevance``: by rank;
#: ``reviewed``: by the last change of the review (state, assignee, labels, note), never reviewed last.
SortOrder = Literal["newest", "posted", "risk", "relevance", "reviewed"]
SORT_ORDERS: Final[tuple[str, ...]] = ("newest", "posted", "risk", "relevance", "reviewed")
RISK_LEVELS: Final[tuple[str, ...]] = ("high", "medium", "low")
KINDS: Final[tuple[str, ...]] = ("sex_ad", "job_ad", "forum_post", "social_post", "classified", "other")

MAX_QUERY_CHARS: Final = 500
MAX_TERMS: Final = 16
MAX_PER_PAGE: Final = 100
#: Deep offsets cost a scan of everything before them; past this, narrow the search instead.
MAX_RESULT_DEPTH: Final = 1_000
#: Counting stops here: with filters on a query that matches most of a large store, counting
#: every match is what would cost seconds; "more than 1,000" is all an analyst needs to narrow down.
COUNT_CAP: Final = 1_000
SNIPPET_CHARS: Final = 240

#: Letters and digits: the same split FTS5's unicode61 tokenizer and PostgreSQL's parser make.
TOKEN_RE: Final = re.compile(r"[^\W_]+")
_TERM_RE: Final = re.compile(r'(-?)"([^"]*)"?|(\S+)')
#: PostgreSQL refuses NUL in text; no filter value legitimately holds a control character.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: The stored, GIN-indexed ``to_tsvector('simple', title || text)`` column made by migration ``search_0002``.
PG_DOCUMENT_VECTOR: Final = "documents.search_vector"


@dataclass(frozen=True)
class Term:
    """One query term: a word (one token) or a phrase (several), maybe excluded or a prefix."""

    tokens: tuple[str, ...]
    negated: bool = False
    prefix: bool = False


def parse_query(text: str) -> tuple[Term, ...]:
    """Split a user's query into terms; punctuation and operators other than ``-``, ``"`` and ``*`` are ignored."""
    if len(text) > MAX_QUERY_CHARS:
        raise InputError(f"search text is longer than {MAX_QUERY_CHARS} characters")
    terms: list[Term] = []
    for match in _TERM_RE.finditer(text):
        quoted_neg, phrase, bare = match.groups()
        if phrase is not None:
            negated, body, prefix = bool(quoted_neg), phrase, False
        else:
            negated = bare.startswith("-") and len(bare) > 1
            body = bare[1:] if negated else bare
            prefix = body.endswith("*")
        tokens = tuple(token.lower() for token in TOKEN_RE.findall(body))
        if tokens:
            terms.append(Term(tokens=tokens, negated=negated, prefix=prefix))
    if len(terms) > MAX_TERMS:
        raise InputError(f"a search takes at most {MAX_TERMS} words or phrases")
    if terms and all(term.negated for term in terms):
        raise InputError("a search needs at least one word that is not excluded")
    return tuple(terms)


def fts5_expression(terms: Sequence[Term]) -> str:
    """The FTS5 MATCH expression for ``terms`` (tokens are letters and digits only, so quoting is safe)."""

    def one(term: Term) -> str:
        return '"' + " ".join(term.tokens) + '"' + ("*" if term.prefix else "")

    positive = " AND ".join(one(t) for t in terms if not t.negated)
    negative = "".join(f" NOT {one(t)}" for t in terms if t.negated)
    return f"({positive}){negative}"


def tsquery_expression(terms: Sequence[Term]) -> str:
    """The PostgreSQL ``to_tsquery`` text for ``terms``."""

    def one(term: Term) -> str:
        lexemes = [f"'{token}'" for token in term.tokens]
        if term.prefix:
            lexemes[-1] += ":*"
        body = " <-> ".join(lexemes)
        body = f"({body})" if len(lexemes) > 1 else body
        return f"!{body}" if term.negated else body

    return " & ".join(one(t) for t in terms)


@dataclass(frozen=True)
class SearchQuery:
    """What to search for; every field but ``text`` is an exact-match filter, ``None`` for any."""

    text: str = ""
    platform: str | None = None
    kind: str | None = None
    lang: str | None = None
    indicator: str | None = None
    risk_level: str | None = None
    posted_from: date | None = None
    posted_to: date | None = None
    #: Review states, any of them ("new": never reviewed, or set back to new); empty for any.
    review_states: tuple[str, ...] = ()
    #: The user a document is assigned to (a name, already resolved from "me").
    assignee: str | None = None
    #: A label the document's review carries.
    label: str | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        if self.sort not in SORT_ORDERS:
            raise InputError(f"sort must be one of {', '.join(SORT_ORDERS)}")
        if self.risk_level is not None and self.risk_level not in RISK_LEVELS:
            raise InputError(f"risk level must be one of {', '.join(RISK_LEVELS)}")
        if self.kind is not None and self.kind not in KINDS:
            raise InputError(f"kind must be one of {', '.join(KINDS)}")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InputError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.page < 1:
            raise InputError("page must be 1 or more")
        if self.page * self.per_page > MAX_RESULT_DEPTH:
            raise InputError(f"results past the first {MAX_RESULT_DEPTH} are not paged; narrow the search")
        _ = self.review  # raises InputError for an unknown state, an overlong name or label
        for name in ("text", "platform", "lang", "indicator", "assignee", "label"):
            value = getattr(self, name)
            if value is not None and _CONTROL.search(value):
                raise InputError(f"{name} contains control characters")
        if self.posted_from and self.posted_to and self.posted_from > self.posted_to:
            raise InputError("the start date is after the end date")
        parse_query(self.text)

    @property
    def terms(self) -> tuple[Term, ...]:
        return parse_query(self.text)

    @property
    def review(self) -> ReviewFilter:
        return ReviewFilter(tuple(dict.fromkeys(self.review_states)), self.assignee, self.label)

    @property
    def uses_review(self) -> bool:
        """Whether the query filters or sorts on review fields (which only reviewers may do)."""
        return bool(self.review) or self.sort == "reviewed"


@dataclass(frozen=True)
class HitReview:
    """Where a result stands in review; a document nobody reviewed is ``new`` with nothing else set."""

    state: str = "new"
    assignee: str | None = None
    labels: tuple[str, ...] = ()
    updated_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "assignee": self.assignee,
            "labels": list(self.labels),
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


@dataclass(frozen=True)
class SearchHit:
    """One document on a result page. ``snippet`` is text pieces, ``True`` where a query word matched."""

    pk: int
    doc_id: str
    title: str | None
    kind: str
    platform: str | None
    lang: str | None
    location: str | None
    posted_at: datetime | None
    risk_score: float | None
    risk_level: str | None
    indicators: tuple[str, ...]
    snippet: tuple[tuple[str, bool], ...]
    #: The document's review (state, assignee, labels, last change) when the reader may see reviews.
    review: HitReview | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "pk": self.pk,
            "id": self.doc_id,
            "title": self.title,
            "kind": self.kind,
            "platform": self.platform,
            "lang": self.lang,
            "location": self.location,
            "posted_at": self.posted_at.isoformat() if self.posted_at else None,
            "risk": {"score": self.risk_score, "level": self.risk_level},
            "indicators": list(self.indicators),
            "snippet": "".join(piece for piece, _ in self.snippet),
            "highlights": [[piece, hit] for piece, hit in self.snippet],
            "review": self.review.to_json() if self.review is not None else None,
        }


@dataclass(frozen=True)
class SearchPage:
    """One page of results. ``total`` is exact unless ``total_capped`` (then it is a lower bound)."""

    query: SearchQuery
    items: tuple[SearchHit, ...]
    total: int
    total_capped: bool
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", max(1, -(-min(self.total, MAX_RESULT_DEPTH) // self.query.per_page)))

    @property
    def has_next(self) -> bool:
        return self.query.page < self.pages

    def to_json(self) -> dict[str, Any]:
        return {
            "items": [hit.to_json() for hit in self.items],
            "total": self.total,
            "total_capped": self.total_capped,
            "page": self.query.page,
            "per_page": self.query.per_page,
            "pages": self.pages,
        }


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filters(query: SearchQuery, dialect: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for column, value in (
        (DocumentRow.platform, query.platform),
        (DocumentRow.kind, query.kind),
        (DocumentRow.lang, query.lang),
    ):
        if value is not None:
            conditions.append(column == value)
    if query.risk_level is not None:
        conditions.append(AnalysisRow.risk_level == query.risk_level)
    if query.indicator is not None:
        # IN, not EXISTS: lets SQLite start from the indicator's index instead of probing every document.
        conditions.append(
            DocumentRow.pk.in_(sa.select(DocumentIndicator.document_pk).where(DocumentIndicator.indicator == query.indicator))
        )
    if query.posted_from is not None:
        conditions.append(DocumentRow.posted_at >= _day_start(query.posted_from))
    if query.posted_to is not None:
        conditions.append(DocumentRow.posted_at < _day_start(query.posted_to + timedelta(days=1)))
    # One semi-join on the review table (its (kind, state) index), never a query per document.
    if (reviewed := review_condition(dialect, DOCUMENT, DocumentRow.pk.expression, query.review)) is not None:
        conditions.append(reviewed)
    return conditions


@dataclass(frozen=True)
class _Plan:
    """How the store's dialect matches text: the join, the condition, the rank and the collection order."""

    joined: sa.Join
    condition: ColumnElement[bool] | None
    relevance: ColumnElement[Any] | None
    newest: ColumnElement[Any] | InstrumentedAttribute[int]


def _plan(dialect: str, terms: Sequence[Term], joined: sa.Join) -> _Plan:
    if not terms:
        return _Plan(joined, None, None, DocumentRow.pk)
    if dialect == "postgresql":
        vector: ColumnElement[Any] = sa.literal_column(PG_DOCUMENT_VECTOR)
        tsquery = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), tsquery_expression(terms))
        return _Plan(joined, vector.op("@@")(tsquery), sa.func.ts_rank(vector, tsquery), DocumentRow.pk)
    if dialect == "sqlite":
        fts = sa.table("documents_fts", sa.column("rowid"), sa.column("rank"))
        match = sa.literal_column("documents_fts").op("MATCH")(fts5_expression(terms))
        # FTS5's rank is bm25, where lower is better. Ordering by the FTS table's own rowid (not
        # documents.pk, the same value) lets FTS5 stream matches in order instead of sorting them all.
        return _Plan(joined.join(fts, fts.c.rowid == DocumentRow.pk), match, -fts.c.rank, fts.c.rowid)
    raise InputError(f"full-text search is not available on the {dialect} database")


def _order(query: SearchQuery, plan: _Plan) -> list[ColumnElement[Any]]:
    if query.sort == "relevance" and plan.relevance is not None:
        return [plan.relevance.desc(), DocumentRow.pk.desc()]
    if query.sort == "risk":
        return [AnalysisRow.risk_score.desc().nulls_last(), DocumentRow.pk.desc()]
    if query.sort == "posted":
        return [DocumentRow.posted_at.desc().nulls_last(), DocumentRow.pk.desc()]
    if query.sort == "reviewed":
        return [ReviewState.updated_at.desc().nulls_last(), DocumentRow.pk.desc()]
    return [plan.newest.desc()]


def _snippet(
    title: str | None,
    text: str,
    terms: Sequence[Term],
    redactor: ContactRedactor | None = None,
    context: TextContext | None = None,
) -> tuple[tuple[str, bool], ...]:
    """A window of the text around the first query word, split into plain and matching pieces.

    With a ``redactor``, contacts in the window are masked (read with what surrounds the window,
    so a number cut by its edge is masked too) before query words are marked.
    """
    words = [token for term in terms if not term.negated for token in term.tokens]
    body = text if text.strip() else (title or "")
    pattern = (
        re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")", re.IGNORECASE)
        if words
        else None
    )
    first = pattern.search(body) if pattern is not None else None
    start = max(0, (first.start() if first else 0) - SNIPPET_CHARS // 3) if pattern is not None else 0
    if redactor is not None:
        window = redactor.redact_window(body, start, start + SNIPPET_CHARS, context or TextContext())
    else:
        window = body[start : start + SNIPPET_CHARS]
    if pattern is None:
        return ((window + ("…" if len(body) > SNIPPET_CHARS else ""), False),)
    pieces: list[tuple[str, bool]] = []
    if start > 0:
        pieces.append(("…", False))
    position = 0
    for hit in pattern.finditer(window):
        if hit.start() > position:
            pieces.append((window[position : hit.start()], False))
        pieces.append((hit.group(0), True))
        position = hit.end()
    if position < len(window):
        pieces.append((window[position:], False))
    if start + SNIPPET_CHARS < len(body):
        pieces.append(("…", False))
    return tuple(pieces)


_PAGE_COLUMNS: Final = (
    DocumentRow.pk,
    DocumentRow.doc_id,
    DocumentRow.title,
    DocumentRow.kind,
    DocumentRow.platform,
    DocumentRow.lang,
    DocumentRow.location,
    DocumentRow.posted_at,
    AnalysisRow.risk_score,
    AnalysisRow.risk_level,
)


def _page_statement(query: SearchQuery, plan: _Plan, conditions: Sequence[ColumnElement[bool]]) -> sa.Select[Any]:
    return (
        sa.select(*_PAGE_COLUMNS)
        .select_from(plan.joined)
        .where(*conditions)
        .order_by(*_order(query, plan))
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    )


def _risk_page_statement(query: SearchQuery, plan: _Plan, conditions: Sequence[ColumnElement[bool]]) -> sa.Select[Any]:
    """The risk order on PostgreSQL, in two ordered parts merged: scored documents read off the score
    index (an inner join, so the planner may start from ``analyses``), then unscored ones newest first.

    One statement ordering the outer join by score sorts every document the filters keep (50,000 for
    a platform at a million documents); each part here stops at the page. The merged order is the same.
    """
    depth = query.page * query.per_page
    scored = (
        sa.select(*_PAGE_COLUMNS)
        .select_from(plan.joined)
        .where(*conditions, AnalysisRow.risk_score.is_not(None))
        .order_by(AnalysisRow.risk_score.desc().nulls_last(), AnalysisRow.document_pk.desc())
        .limit(depth)
    )
    # "No scored analysis" as an anti-join, not "score IS NULL" after the outer join: the planner
    # estimates that at one row and hashes every analysis to find it.
    scores = aliased(AnalysisRow)
    has_score = sa.exists().where(scores.document_pk == DocumentRow.pk, scores.risk_score.is_not(None))
    unscored = (
        sa.select(*_PAGE_COLUMNS)
        .select_from(plan.joined)
        .where(*conditions, ~has_score)
        .order_by(DocumentRow.pk.desc())
        .limit(depth)
    )
    both = sa.union_all(scored, unscored).subquery()
    return (
        sa.select(both)
        .order_by(both.c.risk_score.desc().nulls_last(), both.c.pk.desc())
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    )


#: Per search transaction on PostgreSQL. The best plan depends on how many documents hold the words
#: (a prefix in a third of the store against a rare name), so each statement is planned for its own
#: values: the driver prepares a statement run often, and the server's generic plan for it (blind to
#: the words) built the GIN bitmap of every match, seconds for a short prefix. A page is a few index
#: walks of milliseconds: starting parallel workers or compiling with JIT (both chosen by cost on a
#: million rows) costs more than the work itself, 100 to 200 ms on a busy machine. The store's indexes
#: are read from memory, so a random page costs about what a sequential one does; at the default of 4
#: the planner sorts every match of a word rather than walk a filter's index newest first.
_PG_SEARCH_SETTINGS: Final = (
    "SET LOCAL plan_cache_mode = force_custom_plan",
    "SET LOCAL jit = off",
    "SET LOCAL max_parallel_workers_per_gather = 0",
    "SET LOCAL random_page_cost = 1.1",
)


def _base(query: SearchQuery) -> sa.Join:
    """Documents with their analysis, and with their review when the order needs its last change."""
    base = sa.outerjoin(DocumentRow, AnalysisRow, AnalysisRow.document_pk == DocumentRow.pk)
    if query.sort == "reviewed":
        base = base.outerjoin(*last_review_join(DOCUMENT, DocumentRow.pk.expression))
    return base


def search_documents(
    store: Store,
    query: SearchQuery,
    *,
    count_cap: int = COUNT_CAP,
    redactor: ContactRedactor | None = None,
    reviews: bool = False,
) -> SearchPage:
    """The page of documents matching ``query``, most recently collected first unless asked otherwise.

    Matches are counted up to ``count_cap``; past it the page says so (``total_capped``). With a
    ``redactor`` (for a reader who may not see contacts), titles and snippets come with contacts masked.
    With ``reviews``, each hit carries its review (one more statement for the page, not one per hit).
    """
    terms = query.terms
    base = _base(query)
    plan = _plan(store.dialect, terms, base)
    conditions = _filters(query, store.dialect) + ([plan.condition] if plan.condition is not None else [])
    capped = sa.select(DocumentRow.pk).select_from(plan.joined).where(*conditions).limit(count_cap + 1)
    postgres = store.dialect == "postgresql"
    if postgres:
        # Newest first, the planner may count by walking the primary key (or a filter's (column, pk)
        # index) and stop at the cap, where a word in a third of the store would otherwise cost its
        # whole GIN bitmap; for a rare word it still reads the bitmap, and sorts the few.
        capped = capped.order_by(DocumentRow.pk.desc())
    count = sa.select(sa.func.count()).select_from(capped.subquery())
    # Ranking reads every match anyway: on PostgreSQL the page statement counts them as it goes
    # (a window over the matches), instead of a count statement reading them all once more.
    ranked = postgres and bool(terms) and query.sort == "relevance"
    with store.session() as session:
        for setting in _PG_SEARCH_SETTINGS if postgres else ():
            session.execute(sa.text(setting))
        total = 0 if ranked else int(session.scalar(count) or 0)
        if total > count_cap and query.sort == "posted" and store.dialect == "sqlite" and terms:
            # Many matches: walk the posted-date index and ask the full-text index about each row,
            # which finds a page at once, instead of collecting and sorting every match.
            fts = sa.table("documents_fts", sa.column("rowid"))
            probe = sa.exists().where(
                sa.literal_column("documents_fts").op("MATCH")(fts5_expression(terms)), fts.c.rowid == DocumentRow.pk
            )
            plan = _Plan(base, probe, None, DocumentRow.pk)
            conditions = [*_filters(query, store.dialect), probe]
        if total <= count_cap and store.dialect == "postgresql" and terms:
            # Few matches: "pk + 0" keeps the planner off a backward walk of the primary key
            # (filtering row after row for a rare word) and on the GIN index, then it sorts the few.
            plan = _Plan(plan.joined, plan.condition, plan.relevance, DocumentRow.pk + 0)
        page = _risk_page_statement if postgres and query.sort == "risk" else _page_statement
        statement = page(query, plan, conditions)
        if ranked:
            statement = statement.add_columns(sa.func.count().over().label("matched"))
        rows = session.execute(statement).all()
        if ranked:
            total = min(int(rows[0].matched), count_cap + 1) if rows else int(session.scalar(count) or 0)
        pks = [row.pk for row in rows]
        texts = dict(session.execute(sa.select(DocumentRow.pk, DocumentRow.text).where(DocumentRow.pk.in_(pks))).tuples().all()) if pks else {}
        places: dict[int, TextContext] = {}
        if pks and redactor is not None:
            hints = sa.select(DocumentRow.pk, DocumentRow.lang, DocumentRow.location, DocumentRow.platform, DocumentRow.url)
            for pk, lang, location, platform, url in session.execute(hints.where(DocumentRow.pk.in_(pks))).tuples():
                places[pk] = document_context(lang, location, platform, url)
        indicators: dict[int, list[str]] = {}
        if pks:
            found = session.execute(
                sa.select(DocumentIndicator.document_pk, DocumentIndicator.indicator)
                .where(DocumentIndicator.document_pk.in_(pks))
                .order_by(DocumentIndicator.indicator)
            )
            for pk, indicator in found.tuples():
                indicators.setdefault(pk, []).append(indicator)
        reviewed = _reviews(session, pks) if reviews else {}
    items = tuple(
        SearchHit(
            pk=row.pk,
            doc_id=row.doc_id,
            title=redactor.redact(row.title, places[row.pk]) if redactor is not None and row.title else row.title,
            kind=row.kind,
            platform=row.platform,
            lang=row.lang,
            location=row.location,
            posted_at=_aware(row.posted_at),
            risk_score=row.risk_score,
            risk_level=row.risk_level,
            indicators=tuple(indicators.get(row.pk, ())),
            snippet=_snippet(row.title, texts.get(row.pk, ""), terms, redactor, places.get(row.pk)),
            review=reviewed.get(row.pk, HitReview()) if reviews else None,
        )
        for row in rows
    )
    return SearchPage(query=query, items=items, total=min(total, count_cap), total_capped=total > count_cap)


def _reviews(session: Session, pks: Sequence[int]) -> dict[int, HitReview]:
    if not pks:
        return {}
    found = session.scalars(
        sa.select(ReviewState).where(ReviewState.kind == DOCUMENT, ReviewState.target.in_([str(pk) for pk in pks]))
    )
    return {
        int(r.target): HitReview(r.state, r.assignee, tuple(r.labels or ()), _aware(r.updated_at)) for r in found
    }


#: Documents asked about per statement by :func:`matching_documents`.
MATCH_CHUNK: Final = 500


def matching_documents(store: Store, query: SearchQuery, among: Sequence[int]) -> set[int]:
    """Which of the documents ``among`` (primary keys) match ``query``'s words and filters (saved searches).

    The same matching as :func:`search_documents`; order and paging do not apply.
    """
    if not among:
        return set()
    plan = _plan(store.dialect, query.terms, _base(query))
    conditions = _filters(query, store.dialect) + ([plan.condition] if plan.condition is not None else [])
    found: set[int] = set()
    pks = sorted(set(among))
    with store.session() as session:
        for start in range(0, len(pks), MATCH_CHUNK):
            chunk = pks[start : start + MATCH_CHUNK]
            statement = sa.select(DocumentRow.pk).select_from(plan.joined).where(*conditions, DocumentRow.pk.in_(chunk))
            found.update(session.scalars(statement))
    return found


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands datetimes back without their zone; Vigil stores UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass(frozen=True)
class FilterOptions:
    """Values the search filters can take, as stored."""

    platforms: tuple[str, ...]
    langs: tuple[str, ...]
    indicators: tuple[str, ...]
    kinds: tuple[str, ...] = KINDS
    risk_levels: tuple[str, ...] = RISK_LEVELS


def filter_options(store: Store, limit: int = 200) -> FilterOptions:
    """Distinct platforms, languages and indicators in the store (each list at most ``limit`` long)."""
    with store.session() as session:

        def distinct(column: Any) -> tuple[str, ...]:
            stmt = sa.select(column).where(column.is_not(None)).distinct().order_by(column).limit(limit)
            return tuple(str(v) for v in session.scalars(stmt))

        return FilterOptions(
            platforms=distinct(DocumentRow.platform),
            langs=distinct(DocumentRow.lang),
            indicators=distinct(DocumentIndicator.indicator),
        )

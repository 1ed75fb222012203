from __future__ import annotations

from collections import Counter

from vigil.demo import LANGUAGES, generate_corpus
from vigil.documents import parse_document


def test_demo_corpus_is_deterministic_and_valid() -> None:
    first = generate_corpus(weeks=8)
    second = generate_corpus(weeks=8)
    assert first.documents == second.documents
    assert generate_corpus(seed=1, weeks=8).documents != first.documents
    ids = [d["id"] for d in first.documents]
    assert len(ids) == len(set(ids))
    for record in first.documents:
        parse_document(record)


def test_demo_corpus_covers_languages_kinds_networks_and_trend() -> None:
    corpus = generate_corpus()
    assert corpus.truth is not None
    langs = Counter(d["lang"] for d in corpus.documents)
    kinds = Counter(d["kind"] for d in corpus.documents)
    assert set(langs) == set(LANGUAGES)
    assert {"sex_ad", "job_ad", "forum_post", "social_post"} <= set(kinds)
    by_id = {d["id"]: d for d in corpus.documents}
    assert len(corpus.truth.networks) == 10
    for members in corpus.truth.networks.values():
        assert len(members) >= 6
        assert all(by_id[m]["kind"] == "sex_ad" for m in members)
    # The trend: the share of origin mentions among sex ads rises after its start.
    before = [d for d in corpus.documents if d["kind"] == "sex_ad" and d["posted_at"] < corpus.truth.trend_start.isoformat()]
    after = [d for d in corpus.documents if d["kind"] == "sex_ad" and d["posted_at"] >= corpus.truth.trend_start.isoformat()]
    share = lambda docs: sum(d["id"] in corpus.truth.trend_documents for d in docs) / len(docs)  # noqa: E731
    assert share(after) > 2 * share(before)

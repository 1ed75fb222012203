"""Matching new documents against each kind of watch, with the negatives beside each match."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
import sqlalchemy as sa

from vigil.errors import InputError, NotFoundError
from vigil.link.models import LinkDocument
from vigil.store import Store
from vigil.watch import match_new_documents
from vigil.watch.models import WatchNotification
from vigil.watch.watches import identifier_key, new_watch, remove_watch

JOB = (
    "Praca w Niemczech dla kobiet, zakwaterowanie zapewnione, wysokie zarobki od zaraz "
    "bez doświadczenia i bez języka, wyjazd w każdy piątek busem z Warszawy, kontakt {contact}"
)
UNRELATED = "Korepetycje z matematyki dla licealistów, przygotowanie do matury, pierwsza lekcja gratis {contact}"
Ingest = Callable[[Sequence[dict[str, Any]]], list[int]]
MakeUser = Callable[[str], int]
OTHER = "Sprzedam rower górski w dobrym stanie, mało używany, odbiór osobisty w centrum miasta {contact}"


def _notified(store: Store) -> list[tuple[int | None, int]]:
    with store.session() as session:
        rows = session.execute(sa.select(WatchNotification.watch_id, WatchNotification.document_pk)).tuples().all()
    return sorted(rows)


def _doc(doc_id: str, text: str, lang: str) -> dict[str, Any]:
    return {"id": doc_id, "text": text, "lang": lang}


@pytest.mark.parametrize(
    ("lang", "watched", "written", "other"),
    [
        # spaced, trunk zero, spelled out: each must find the number watched in another form
        ("en", "+447911123456", "Call 07911 123456 for details", "Call 07911 123457 for details"),
        ("en", "+44 7911 123 456", "Phone: zero seven nine one one one two three four five six", "Phone: zero seven nine"),
        ("uk", "+380 67 123 45 67", "Тел. нуль шість сім один два три чотири п'ять шість сім", "Тел. 067 765 43 21"),
        ("pl", "+48-501-234-567", "Tel. pięć zero jeden dwa trzy cztery pięć sześć siedem", "Tel. 501 234 568"),
        ("pl", "+48 501 234 567", "Dzwoń 501 234 567 po 18", "Dzwoń po 18"),
        ("en", "Anna.V@Example.org", "mail anna.v@example.org today", "mail anna.w@example.org today"),
        ("en", "@italia_robota", "write on telegram @italia_robota", "write on telegram @italia_lavoro"),
        ("en", "https://www.example.org/ads/17/", "see http://example.org/ads/17 now", "see http://example.org/ads/18 now"),
    ],
)
def test_identifier_watch_matches_any_written_form(
    store: Store, ingest: Ingest, make_user: MakeUser, lang: str, watched: str, written: str, other: str
) -> None:
    user = make_user("ana")
    with store.session() as session:
        watch = new_watch(session, user, "identifier", watched)
    pks = ingest([_doc("match", written, lang), _doc("other", other, lang)])
    assert match_new_documents(store, pks) == 1
    assert _notified(store) == [(watch.id, pks[0])]


def test_identifier_watch_normalizes_the_value_as_extraction_does() -> None:
    assert identifier_key("+48 501-234-567") == identifier_key("+48501234567") == "phone:+48501234567"
    assert identifier_key("t.me/italia_robota") == "handle:telegram:italia_robota"  # a handle before its URL
    assert identifier_key("example.org") == "domain:example.org"


@pytest.mark.parametrize("value", ["", "nothing to see here", "0501 234", "x" * 501])
def test_identifier_watch_refuses_values_without_an_identifier(value: str) -> None:
    with pytest.raises(InputError):
        identifier_key(value)


def test_network_watch_matches_documents_joining_the_network(store: Store, ingest: Ingest, make_user: MakeUser) -> None:
    user = make_user("ana")
    first = ingest([_doc("a1", JOB.format(contact="+48 501 234 567"), "pl"), _doc("a2", OTHER.format(contact="+48 501 234 567"), "pl")])
    with store.session() as session:
        cluster = session.scalar(sa.select(LinkDocument.cluster).where(LinkDocument.document_pk == first[0]))
        assert cluster is not None
        watch = new_watch(session, user, "network", cluster)
    new = ingest([_doc("a3", OTHER.format(contact="tel 501234567"), "pl"), _doc("a4", UNRELATED.format(contact="tel 601 111 222"), "pl")])
    assert match_new_documents(store, new) == 1
    assert _notified(store) == [(watch.id, new[0])]


def test_template_watch_matches_the_template_with_other_contacts(store: Store, ingest: Ingest, make_user: MakeUser) -> None:
    user = make_user("ana")
    ingest([_doc("t1", JOB.format(contact="+48 501 234 567"), "pl")])
    with store.session() as session:
        watch = new_watch(session, user, "template", "t1")
    new = ingest([
        _doc("t2", JOB.format(contact="+48 699 888 777").replace("piątek", "wtorek"), "pl"),
        _doc("t3", OTHER.format(contact="+48 501 234 567"), "pl"),
    ])
    assert match_new_documents(store, new) == 1
    assert _notified(store) == [(watch.id, new[0])]


@pytest.mark.parametrize(
    ("fields", "matches"),
    [
        ({"q": "zakwaterowanie"}, [0]),
        ({"q": "zakwaterowanie -piątek"}, []),
        ({"q": "rower OR zakwaterowanie"}, []),  # words are all required
        ({"q": "zakwat*"}, [0]),
        ({"q": "rower", "lang": "pl"}, [1]),
        ({"q": "rower", "lang": "uk"}, []),
        ({"kind": "job_ad"}, [0]),
    ],
)
def test_search_watch_matches_what_the_search_finds(
    store: Store, ingest: Ingest, make_user: MakeUser, fields: dict[str, str], matches: list[int]
) -> None:
    user = make_user("ana")
    with store.session() as session:
        watch = new_watch(session, user, "search", fields)
    job = {**_doc("s1", JOB.format(contact=""), "pl"), "kind": "job_ad"}
    pks = ingest([job, _doc("s2", OTHER.format(contact=""), "pl")])
    assert match_new_documents(store, pks) == len(matches)
    assert _notified(store) == [(watch.id, pks[i]) for i in matches]


@pytest.mark.parametrize(
    ("kind", "value", "error"),
    [
        ("search", {}, InputError),
        ("search", {"q": "x", "sort": "risk"}, InputError),
        ("search", {"kind": "not_a_kind"}, InputError),
        ("network", "c-0000000000000000", NotFoundError),
        ("template", "never-linked", NotFoundError),
        ("colour", "red", InputError),
        ("identifier", "+48 501 234 567 ftp", None),
    ],
)
def test_watches_refuse_what_cannot_match(store: Store, make_user: MakeUser, kind: str, value: Any, error: type[Exception] | None) -> None:
    user = make_user("ana")
    with store.session() as session:
        if error is None:
            assert new_watch(session, user, kind, value).target == "phone:+48501234567"
            return
        with pytest.raises(error):
            new_watch(session, user, kind, value)


@pytest.mark.parametrize("url", ["ftp://example.org/hook", "file:///etc/passwd", "example.org/hook", "http://", "https://u:p@example.org/"])
def test_webhook_must_be_http_or_https(store: Store, make_user: MakeUser, url: str) -> None:
    user = make_user("ana")
    with store.session() as session, pytest.raises(InputError):
        new_watch(session, user, "identifier", "+48 501 234 567", webhook_url=url)


def test_each_document_notifies_once_per_watch_and_per_user(store: Store, ingest: Ingest, make_user: MakeUser) -> None:
    ana, bo = make_user("ana"), make_user("bo")
    with store.session() as session:
        first = new_watch(session, ana, "identifier", "+48 501 234 567")
        again = new_watch(session, ana, "identifier", "+48501234567")
        theirs = new_watch(session, bo, "identifier", "+48501234567")
        gone = new_watch(session, bo, "search", "zakwaterowanie")
        remove_watch(session, gone.id, bo)
    assert again.id == first.id
    pks = ingest([_doc("d1", JOB.format(contact="+48 501 234 567"), "pl")])
    assert match_new_documents(store, pks) == 2
    assert match_new_documents(store, pks) == 0  # processing the same batch again raises nothing new
    assert _notified(store) == [(first.id, pks[0]), (theirs.id, pks[0])]
    assert match_new_documents(store, []) == 0


def test_a_watch_can_be_removed_only_by_its_owner(store: Store, make_user: MakeUser) -> None:
    ana, bo = make_user("ana"), make_user("bo")
    with store.session() as session:
        watch = new_watch(session, ana, "identifier", "+48 501 234 567")
    with store.session() as session, pytest.raises(NotFoundError):
        remove_watch(session, watch.id, bo)
    with store.session() as session:
        remove_watch(session, watch.id, ana)
    with store.session() as session, pytest.raises(NotFoundError):
        remove_watch(session, watch.id)

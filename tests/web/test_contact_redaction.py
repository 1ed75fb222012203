"""Contacts never leak: every route that returns document text, for every role, over contacts in every written form.

Two synthetic ads carry a phone number in each form the extractor reads (E.164, spaced,
dotted, spelled out, keycap digits, letter O for zero), messenger handles (Telegram, Viber,
WhatsApp), e-mails written plainly and with "at"/"dot", and links, in the title, the text and
the URL. One is analysed by the real pipeline (stored entities, indicator evidence, a
network with the other), one is not (its contacts are found on the fly). Roles without
``documents:contacts`` must find none of them in any response; roles with it see them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pages_support import backend_store
from web_support import TestClient, create_account, login, new_client

from vigil.documents import parse_document
from vigil.link import LinkConfig, build_features
from vigil.link.models import LinkDocument
from vigil.link.state import StoredLinks
from vigil.pipeline import build_pipeline
from vigil.redaction import MASK_CHAR, ContactRedactor, TextContext, mask_spans
from vigil.search import _snippet, parse_query
from vigil.store import Store
from vigil.store.analyses import save_analyses
from vigil.store.models import DocumentRow, Source
from vigil.web.app import create_app
from vigil.web.models import AuditEntry
from vigil.web.permissions import Role, allowed

#: Each contact as written in the ad, and what must never show for a role without contact access.
#: Needles are the written form and the value the extractor reads from it.
CONTACT_FORMS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "e164": ("+48501234000", ("+48501234000", "501234000")),
    "spaced": ("+48 502 345 111", ("+48 502 345 111", "502345111", "+48502345111")),
    "dotted": ("0048.503.456.222", ("0048.503.456.222", "503456222")),
    "spelled": ("five zero four one two three four five six", ("five zero four one two three four five six", "504123456")),
    "keycap": ("5️⃣0️⃣5️⃣ 1️⃣2️⃣3️⃣ 4️⃣5️⃣6️⃣", ("5️⃣0️⃣5️⃣", "1️⃣2️⃣3️⃣ 4️⃣5️⃣6️⃣", "505123456")),
    "letter_o": ("+48 5O6 l23 4OO", ("5O6 l23 4OO", "506123400")),
    "telegram": ("@anna_vip", ("anna_vip",)),
    "viber": ("kasia_vb", ("kasia_vb",)),
    "whatsapp": ("+48 509 222 444", ("509 222 444", "509222444")),
    "email": ("zofia.n@example.com", ("zofia.n@example.com", "zofia.n")),
    "email_at_dot": ("ola.k at example dot com", ("ola.k at example dot com", "ola.k@example.com")),
    "email_brackets": ("marta(at)mail(dot)pl", ("marta(at)mail(dot)pl", "marta@mail.pl")),
    "url": ("https://escort.example/anna-vip-page", ("escort.example/anna-vip-page", "anna-vip-page")),
    "t_me": ("t.me/lena_vip", ("lena_vip",)),
}
TITLE: Final = "Nowa dziewczyna w Warszawie, dzwoń +48 601 777 888"
TITLE_NEEDLES: Final = ("601 777 888", "601777888")
URL: Final = "https://ads.example/profile/anna_vip_ads"
URL_NEEDLES: Final = ("anna_vip_ads",)


def ad_text(variant: str) -> str:
    """A synthetic sex-work ad with every contact form, written the way ads write them."""
    forms = {name: written for name, (written, _) in CONTACT_FORMS.items()}
    return (
        f"New girl {variant} in town, 19 years old, only for you. "
        f"Call {forms['e164']} or {forms['spaced']}, or tel {forms['dotted']}. "
        f"Or call {forms['spelled']}. Dzwoń {forms['keycap']}. Tel {forms['letter_o']}. "
        f"Telegram: {forms['telegram']}, Viber: {forms['viber']}, WhatsApp: {forms['whatsapp']}. "
        f"Write to {forms['email']} or {forms['email_at_dot']} or {forms['email_brackets']}. "
        f"Photos: {forms['url']} and {forms['t_me']}. Price 150 euro, available 24/7, warehouse district."
    )


NEEDLES: Final = tuple(n for _, needles in CONTACT_FORMS.values() for n in needles) + TITLE_NEEDLES + URL_NEEDLES
#: Phone digits with the separators people put between them removed, to catch a number shown in pieces.
_BETWEEN_DIGITS: Final = re.compile(r"(?<=\d)[\s.\-/()]+(?=\d)")


def leaked(body: str) -> list[str]:
    """Needles found in ``body`` (as written, or as digits once separators are dropped)."""
    joined = _BETWEEN_DIGITS.sub("", body)
    return [n for n in NEEDLES if n in body or (n.isdigit() and n in joined)]


@dataclass
class Site:
    app: FastAPI
    pks: dict[str, int]
    cluster: str
    clients: dict[Role, TestClient]

    def client(self, role: Role) -> TestClient:
        if role not in self.clients:
            account = create_account(self.app, role, name=f"redaction-{role.value}")
            client = new_client(self.app)
            assert login(client, account.name, account.password).status_code == 303
            self.clients[role] = client
        return self.clients[role]


def seed(store: Store) -> tuple[dict[str, int], str]:
    """The analysed ad, its analysed twin (so they form a network), and an ad never analysed."""
    documents = {
        "analysed": {"id": "red-1", "title": TITLE, "text": ad_text("Anna"), "kind": "sex_ad", "lang": "en",
                     "platform": "ads.example", "url": URL, "location": "Warsaw"},
        "twin": {"id": "red-2", "title": TITLE, "text": ad_text("Ania"), "kind": "sex_ad", "lang": "en",
                 "platform": "ads.example", "url": URL + "2", "location": "Krakow"},
        "unanalysed": {"id": "red-3", "title": TITLE, "text": ad_text("Ola"), "kind": "sex_ad", "lang": "en",
                       "platform": "ads.example", "url": URL + "3"},
    }
    pks: dict[str, int] = {}
    with store.session() as session:
        source = Source(name="redaction-synthetic")
        session.add(source)
        session.flush()
        for i, (name, doc) in enumerate(documents.items()):
            row = DocumentRow(source_id=source.id, doc_id=doc["id"], title=doc["title"], text=doc["text"], kind=doc["kind"],
                              platform=doc["platform"], url=doc["url"], lang=doc["lang"], location=doc.get("location"),
                              posted_at=datetime(2026, 3, 10 + i, 20, tzinfo=UTC), images=[], meta={})
            session.add(row)
            session.flush()
            pks[name] = row.pk
    pipeline = build_pipeline(store.settings)
    analysed = [(pks[name], pipeline(documents[name])) for name in ("analysed", "twin")]
    save_analyses(store, analysed)
    features = [build_features(parse_document(documents[name]), result["entities"]) for name, (_, result) in
                zip(("analysed", "twin"), analysed, strict=True)]
    StoredLinks(store, LinkConfig()).add(features, [pks["analysed"], pks["twin"]])
    with store.session() as session:
        cluster = session.scalar(sa.select(LinkDocument.cluster).where(LinkDocument.doc_id == "red-1"))
    assert cluster is not None, "the two ads share every contact, so they form a network"
    return pks, cluster


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with backend_store("sqlite", tmp_path_factory.mktemp("redaction") / "vigil-data") as store:
        pks, cluster = seed(store)
        made = Site(create_app(store.settings, store=store), pks, cluster, {})
        yield made
        for client in made.clients.values():
            client.close()


def text_routes(site: Site) -> list[str]:
    """Every GET route that returns document text, titles, evidence, identifiers or URLs."""
    pk, twin, bare = site.pks["analysed"], site.pks["twin"], site.pks["unanalysed"]
    return [
        "/",
        "/documents",
        "/documents?q=warehouse",
        "/documents?q=call&sort=relevance",
        "/documents?q=dziewczyna",
        f"/documents/{pk}",
        f"/documents/{twin}",
        f"/documents/{bare}",
        "/api/v1/documents",
        "/api/v1/documents?q=warehouse",
        "/api/v1/documents?q=telegram&per_page=100",
        f"/api/v1/documents/{pk}",
        f"/api/v1/documents/{bare}",
        "/networks",
        f"/networks/{site.cluster}",
        f"/api/v1/networks/{site.cluster}",
    ]


ROLES: Final = tuple(Role)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_no_route_shows_contacts_to_a_role_without_contact_access(site: Site, role: Role) -> None:
    client = site.client(role)
    sees = allowed(role, "documents:contacts")
    answered = 0
    for path in text_routes(site):
        response = client.get(path)
        headers = {"HX-Request": "true", "HX-Target": "results"} if path.startswith("/documents?") else {}
        partial = client.get(path, headers=headers) if headers else None
        assert response.status_code in (200, 403), (path, response.status_code)
        if response.status_code != 200:
            continue
        answered += 1
        for body in (response.text, partial.text if partial is not None else ""):
            found = leaked(body)
            if not sees:
                assert found == [], f"{role.value} sees {found} on {path}"
    if role is not Role.PARTNER:
        assert answered >= 10  # the walk really read the corpus


@pytest.mark.parametrize("role", [r for r in ROLES if allowed(r, "documents:contacts")], ids=lambda r: r.value)
@pytest.mark.parametrize("doc", ["analysed", "unanalysed"])
def test_roles_with_contact_access_see_every_form(site: Site, role: Role, doc: str) -> None:
    client = site.client(role)
    page = client.get(f"/documents/{site.pks[doc]}").text
    api = client.get(f"/api/v1/documents/{site.pks[doc]}").json()
    for name, (written, _) in CONTACT_FORMS.items():
        assert written in api["text"], name
        assert written.replace("&", "&amp;") in page, name
    assert api["title"] == TITLE and api["url"].startswith(URL) and api["contacts_masked"] is False


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MODERATOR])
@pytest.mark.parametrize("doc", ["analysed", "unanalysed"])
def test_masking_keeps_offsets_and_letters(site: Site, role: Role, doc: str) -> None:
    api = site.client(role).get(f"/api/v1/documents/{site.pks[doc]}").json()
    original = ad_text("Anna" if doc == "analysed" else "Ola")
    assert api["contacts_masked"] is True and len(api["text"]) == len(original) and len(api["title"]) == len(TITLE)
    assert api["text"].count(MASK_CHAR) >= sum(len(w.replace(" ", "")) for w, _ in CONTACT_FORMS.values())
    # Every character is either as written or blotted out, never shifted; words around contacts survive.
    assert all(shown in (kept, MASK_CHAR) or (shown == kept == " ") for shown, kept in zip(api["text"], original, strict=True))
    for word in ("Call", " or ", "Or call", "Telegram:", "Viber:", "WhatsApp:", "Write to", "Price 150 euro", "available 24/7"):
        assert word in api["text"], word
    assert api["title"].startswith("Nowa dziewczyna w Warszawie, dzwoń ") and api["url"] == MASK_CHAR * 4
    if doc == "analysed":
        analysis = api["analysis"]
        assert analysis["entities"]["phones"] and all(MASK_CHAR in p for p in analysis["entities"]["phones"])
        for hit in analysis["indicators"]:
            field = api["title"] if hit.get("field") == "title" else api["text"]
            assert hit["evidence"] == field[hit["start"] : hit["end"]]


# ---- the snippet window never shows part of a number cut by its edge ---------------------------


@pytest.fixture(scope="module")
def redactor() -> ContactRedactor:
    return ContactRedactor.build()


@pytest.mark.parametrize("gap", [60, 70, 75, 78, 80, 85])
def test_snippet_masks_a_number_cut_by_the_window_edge(redactor: ContactRedactor, gap: int) -> None:
    body = "Filler words here. " * 10 + "Call +48 601 234 567 " + "y" * (gap - 1) + " warehouse work"
    terms = parse_query("warehouse")
    plain = "".join(piece for piece, _ in _snippet(None, body, terms))
    masked = "".join(piece for piece, _ in _snippet(None, body, terms, redactor, TextContext(lang="pl")))
    assert len(plain) == len(masked)
    assert "567" not in masked and "234" not in masked
    assert "warehouse" in masked


def test_window_redaction_matches_whole_text_redaction(redactor: ContactRedactor) -> None:
    text = ad_text("Anna") * 40  # long enough to be read in several chunks
    whole = redactor.redact(text, TextContext(lang="en"))
    assert leaked(whole) == []
    for start in range(0, len(text), 997):
        assert redactor.redact_window(text, start, start + 240, TextContext(lang="en")) == whole[start : start + 240]


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("call 123 now", [(5, 8)], "call ••• now"),
        ("or 1 2", [(3, 6)], "or • •"),
        ("ab", [(1, 5), (0, 1)], "••"),
        ("abc", [], "abc"),
        ("abc", [(2, 1)], "abc"),
    ],
)
def test_mask_spans(text: str, spans: list[tuple[int, int]], expected: str) -> None:
    assert mask_spans(text, spans) == expected


# ---- audit: searches, and contacts shown in the clear ------------------------------------------


def _entries_after(store: Store, seq: int, action: str) -> list[AuditEntry]:
    with store.session() as session:
        return list(session.scalars(sa.select(AuditEntry).where(AuditEntry.seq > seq, AuditEntry.action == action).order_by(AuditEntry.seq)))


def _head(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(sa.select(sa.func.max(AuditEntry.seq))) or 0)


def test_searches_are_audited(site: Site) -> None:
    store: Store = site.app.state.store
    before = _head(store)
    viewer = site.client(Role.VIEWER)
    viewer.get("/documents", params={"q": "warehouse", "kind": "sex_ad"})
    viewer.get("/api/v1/documents", params={"q": "telegram", "risk": "high"})
    searches = _entries_after(store, before, "document.search")
    assert [(e.actor_role, e.details["q"]) for e in searches] == [("viewer", "warehouse"), ("viewer", "telegram")]
    assert searches[0].details["filters"] == {"kind": "sex_ad"} and searches[1].details["filters"] == {"risk": "high"}
    assert searches[0].details["contacts_shown"] is False


@pytest.mark.parametrize(("role", "audited"), [(Role.ANALYST, True), (Role.ADMIN, True), (Role.VIEWER, False), (Role.MODERATOR, False)])
def test_contact_views_are_audited(site: Site, role: Role, audited: bool) -> None:
    store: Store = site.app.state.store
    before = _head(store)
    client = site.client(role)
    client.get(f"/documents/{site.pks['analysed']}")
    client.get(f"/api/v1/documents/{site.pks['unanalysed']}")
    shown = _entries_after(store, before, "document.contacts.view")
    if not audited:
        assert shown == []
        return
    assert [(e.target_id, e.actor_role) for e in shown] == [
        (str(site.pks["analysed"]), role.value), (str(site.pks["unanalysed"]), role.value)
    ]
    counts = shown[0].details["contacts"]
    assert counts["phones"] >= 6 and counts["emails"] == 3 and counts["handles"] >= 3 and counts["urls"] >= 1
    assert shown[1].details["analysed"] is False
    assert not leaked(str(shown[0].details))  # counts, never values


def test_redactor_is_built_once_per_app(site: Site) -> None:
    site.client(Role.VIEWER).get(f"/documents/{site.pks['unanalysed']}")
    first = site.app.state.contact_redactor
    site.client(Role.VIEWER).get(f"/documents/{site.pks['analysed']}")
    assert site.app.state.contact_redactor is first


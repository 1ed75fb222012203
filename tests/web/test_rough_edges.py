"""Rough edges of issue 14 item 6: filter vs interface language, scores, full stops, favicon, busy port, raw codes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from web_support import TestClient, create_account, login, new_client

from vigil.cli.web import port_problem
from vigil.settings import load_settings
from vigil.store import Store
from vigil.web.app import create_app
from vigil.web.i18n import LANGUAGE_COOKIE, Localizer
from vigil.web.pages.codes import audience_label, indicator_label, segment_label
from vigil.web.permissions import Role


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    store = Store.open(load_settings(data_dir=tmp_path_factory.mktemp("edges") / "vigil-data", database_url=""))
    try:
        yield create_app(store.settings, store=store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def analyst(app: FastAPI) -> TestClient:
    account = create_account(app, Role.ANALYST)
    client = new_client(app)
    assert login(client, account.name, account.password).status_code == 303
    return client


def test_document_language_filter_leaves_the_interface_language(analyst: TestClient) -> None:
    page = analyst.get("/documents", params={"doc_lang": "uk"})
    assert '<html lang="en">' in page.text
    assert '<option value="uk" selected>' in page.text or 'name="doc_lang"' in page.text
    assert not any(c.startswith(f"{LANGUAGE_COOKIE}=") for c in page.headers.get_list("set-cookie"))
    assert '<html lang="en">' in analyst.get("/documents").text
    # the interface's own switch still works, and does not filter documents
    switched = analyst.get("/documents", params={"lang": "uk"})
    assert '<html lang="uk">' in switched.text
    analyst.get("/documents", params={"lang": "en"})


@pytest.mark.parametrize(
    ("lang", "score", "shown"),
    [("en", 1, "1.00"), ("en", 0.8712, "0.87"), ("en", 0.006, "0.01"), ("uk", 0.8712, "0,87"), ("uk", 0, "0,00"), ("en", None, "")],
)
def test_scores_always_show_two_decimals(lang: str, score: float | None, shown: str) -> None:
    assert Localizer(lang).format_score(score) == shown


@pytest.mark.parametrize(
    ("lang", "message", "values", "expected"),
    [
        ("uk", "Posted between %(first)s and %(last)s.", {"first": date(2026, 3, 1), "last": date(2026, 4, 1)}, "р."),
        ("en", "Posted between %(first)s and %(last)s.", {"first": date(2026, 3, 1), "last": date(2026, 4, 1)}, "2026."),
    ],
)
def test_a_date_ending_a_sentence_has_one_full_stop(lang: str, message: str, values: dict[str, date], expected: str) -> None:
    localizer = Localizer(lang)
    text = localizer.gettext(message, **{k: localizer.format_date(v) for k, v in values.items()})
    assert ".." not in text
    assert text.endswith(expected)


def test_favicon(analyst: TestClient) -> None:
    assert 'rel="icon" href="/static/favicon.svg"' in analyst.get("/account").text
    icon = analyst.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")


def test_a_busy_port_is_refused_with_how_to_pick_another() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        problem = port_problem("127.0.0.1", port)
    assert problem is not None and f"VIGIL_PORT={port + 1}" in problem and f"--port {port + 1}" in problem
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        unused = free.getsockname()[1]
    assert port_problem("127.0.0.1", unused) is None


@pytest.mark.parametrize(
    ("render", "code", "uk", "en"),
    [
        (indicator_label, "multi_city", "Кілька міст", "Multiple cities"),
        (indicator_label, "no_such_indicator", "no_such_indicator", "no_such_indicator"),
        (segment_label, "indicator:always_available", "індикатор: Завжди доступна", "indicator: Always available"),
        (segment_label, "kind:sex_ad", "вид: ", "kind: sex-service ad"),
        (segment_label, "platform:ads.example", "платформа: ads.example", "platform: ads.example"),
        (segment_label, "nonsense", "nonsense", "nonsense"),
        (audience_label, "job_seekers", "шукачі роботи", "job seekers"),
        (audience_label, "someone_else", "someone_else", "someone_else"),
    ],
)
def test_raw_codes_read_in_the_interface_language(render: object, code: str, uk: str, en: str) -> None:
    for lang, expected in (("uk", uk), ("en", en)):
        shown = render({"_": Localizer(lang).gettext}, code)  # type: ignore[operator]
        assert shown.startswith(expected)
        assert "_" not in shown or shown == code or lang == "en"

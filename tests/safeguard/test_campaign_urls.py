"""Campaign URLs are web addresses only: refused on the way in, never served or linked otherwise."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from web_support import TestClient

from vigil.errors import InputError
from vigil.safeguard import campaigns as cs
from vigil.safeguard.messages import load_default_catalog
from vigil.safeguard.models import Campaign
from vigil.store import Store
from vigil.urls import is_web_url
from vigil.web.app import web_link
from vigil.web.audit import SYSTEM, change_recorder

AS_SYSTEM = change_recorder(SYSTEM, "campaign")

URLS = [
    ("https://help.example.org/work-abroad", True),
    ("http://help.example.org/", True),
    ("HTTPS://help.example.org/uk", True),
    ("javascript:alert(3)", False),
    ("JavaScript:alert(3)", False),
    ("java\tscript:alert(3)", False),
    (" javascript:alert(3)", False),
    ("data:text/html,<script>alert(3)</script>", False),
    ("vbscript:msgbox(3)", False),
    ("//help.example.org/", False),  # no scheme: would take the page's
    ("https://", False),
    ("https:///path-only", False),
    ("https://help.example.org/\nx", False),
    ("https://" + "a" * 3000 + ".org/", False),
    ("ftp://files.example.org/", False),
]


@pytest.mark.parametrize(("url", "ok"), URLS)
def test_only_web_urls_count(url: str, ok: bool) -> None:
    assert is_web_url(url) is ok


def _campaign(url: str) -> dict[str, object]:
    return {"name": "Work abroad", "messages": {"en": {"title": "Check first", "body": "Keep your passport.", "url": url}}}


@pytest.mark.parametrize(("url", "ok"), URLS)
def test_store_refuses_non_web_urls(store: Store, url: str, ok: bool) -> None:
    if ok:
        spec = cs.create_campaign(store, _campaign(url), load_default_catalog(), audit=AS_SYSTEM)
        assert spec.messages["en"]["url"] == url
    else:
        with pytest.raises(InputError, match="http"):
            cs.create_campaign(store, _campaign(url), load_default_catalog(), audit=AS_SYSTEM)


@pytest.mark.parametrize(("url", "status"), [("javascript:alert(3)", 422), ("https://help.example.org/", 201), ("", 201)])
def test_api_refuses_non_web_urls(client: TestClient, api_key: Callable[[str], dict[str, str]], url: str, status: int) -> None:
    response = client.post("/api/v1/campaigns", json=_campaign(url), headers=api_key("admin"))
    assert response.status_code == status, response.text
    if status == 422:
        assert response.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize(
    ("url", "linked"),
    [("https://help.example.org/", True), ("javascript:alert(3)", False), ("data:text/html,x", False)],
)
def test_stored_url_is_served_and_linked_only_when_web(
    web_app: FastAPI, client: TestClient, api_key: Callable[[str], dict[str, str]], url: str, linked: bool
) -> None:
    """A campaign written before URLs were checked (or behind the app's back) still cannot serve a script."""
    store: Store = web_app.state.store
    with store.session() as session:
        row = Campaign(name="Old campaign", messages=_campaign(url)["messages"], languages=["en"])
        session.add(row)
        session.flush()
        campaign_id = row.id
    headers = api_key("admin")
    served = client.get("/api/v1/campaigns/match", params={"lang": "en"}, headers=headers).json()
    assert served["campaign"]["id"] == campaign_id
    assert ("url" in served["message"]) is linked
    page = client.get(f"/safeguard/campaigns/{campaign_id}", headers=headers)
    assert page.status_code == 200
    assert (f'href="{url}"' in page.text) is linked
    if not linked:
        assert 'href="javascript' not in page.text.lower() and 'href="data' not in page.text.lower()


@pytest.mark.parametrize(
    ("url", "html"),
    [
        ("https://help.example.org/?a=1&b=2", '<a href="https://help.example.org/?a=1&amp;b=2" rel="noopener noreferrer nofollow">https://help.example.org/?a=1&amp;b=2</a>'),
        ("javascript:alert(3)", '<span class="url">javascript:alert(3)</span>'),
        ('https://x.org/"><script>', '<a href="https://x.org/&#34;&gt;&lt;script&gt;" rel="noopener noreferrer nofollow">https://x.org/&#34;&gt;&lt;script&gt;</a>'),
        (None, '<span class="url"></span>'),
    ],
)  # fmt: skip
def test_web_link_filter(url: str | None, html: str) -> None:
    assert str(web_link(url)) == html


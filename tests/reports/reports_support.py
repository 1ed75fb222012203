"""Helpers shared by the notice-and-action tests (a module of its own: test files never import conftest)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import Message
from typing import Any

from fastapi import FastAPI
from web_support import TestClient, create_account, login, new_client

from vigil.store import Store
from vigil.store.models import AnalysisRow, DocumentRow, Source
from vigil.web.permissions import Role

DOCUMENT_URL = "https://ads.example.org/job/4711"


class Mailbox:
    """aiosmtpd handler: every message the server accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def logged_in_client(app: FastAPI, role: Role, name: str) -> TestClient:
    account = create_account(app, role, name=name)
    test_client = new_client(app)
    assert login(test_client, account.name, account.password).status_code == 303
    return test_client


def add_document(store: Store, url: str = DOCUMENT_URL, *, level: str = "high", lang: str = "uk") -> int:
    """A stored, analysed job ad (synthetic) at ``url``."""
    text = "Робота в Італії, житло безкоштовно, оплата за оформлення документів 150 євро"
    with store.session() as session:
        source = Source(name=f"test-{url}")
        session.add(source)
        session.flush()
        doc = DocumentRow(source_id=source.id, doc_id=f"ad-{abs(hash(url)) % 10000}", text=text, kind="job_ad", platform="ads",
                          url=url, lang=lang)
        session.add(doc)
        session.flush()
        session.add(AnalysisRow(document_pk=doc.pk, lang=lang, risk_score=0.87, risk_level=level, model="job-v3", result={
            "indicators": [{"id": "upfront_fee", "evidence": "оплата за оформлення документів 150 євро", "start": 41, "end": 80,
                            "confidence": 0.9, "source": "OSCE-2022/rec3"}]}))
        return doc.pk

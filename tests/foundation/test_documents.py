from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from vigil.documents import EXTRA_FIELDS_KEY, parse_document
from vigil.errors import DocumentError


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ([], "must be a JSON object"),
        ("text", "must be a JSON object"),
        ({"text": "x"}, "missing required field 'id'"),
        ({"id": None, "text": "x"}, "missing required field 'id'"),
        ({"id": "1"}, "missing required field 'text'"),
        ({"id": 1, "text": "x"}, "'id' must be a string, not number"),
        ({"id": "", "text": "x"}, "'id' must not be empty"),
        ({"id": "1", "text": ["x"]}, "'text' must be a string, not array"),
        ({"id": "1", "text": "x", "kind": "escort"}, "field 'kind' must be one of"),
        ({"id": "1", "text": "x", "kind": 3}, "'kind' must be a string"),
        ({"id": "1", "text": "x", "lang": "ukr"}, "ISO 639-1"),
        ({"id": "1", "text": "x", "posted_at": "yesterday"}, "not an ISO 8601"),
        ({"id": "1", "text": "x", "posted_at": 1700000000}, "'posted_at' must be a string"),
        ({"id": "1", "text": "x", "images": "abc"}, "'images' must be an array"),
        ({"id": "1", "text": "x", "images": [1]}, "'images[]' must be a string"),
        ({"id": "1", "text": "x", "meta": []}, "'meta' must be an object"),
        ({"id": "1", "text": "a\x00b"}, "NUL character"),
        ({"id": "1", "text": "\ud800"}, "lone surrogate"),
        ({"id": "x" * 600, "text": "x"}, "longer than"),
    ],
)
def test_invalid_records_are_rejected_with_a_reason(record: Any, reason: str) -> None:
    with pytest.raises(DocumentError, match=re.escape(reason)):
        parse_document(record)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("uk", "Робота в Польщі, житло безкоштовно"),
        ("ru", "Работа в Польше, жильё бесплатно"),
        ("en", "Work in Poland, free housing"),
        ("pl", "Praca w Niemczech, darmowe mieszkanie"),
        ("de", "Arbeit in Polen, freie Unterkunft"),
        ("cs", "Práce v Polsku, ubytování zdarma"),
        ("ro", "Muncă în Polonia, cazare gratuită"),
    ],
)
def test_valid_documents_keep_every_field(lang: str, text: str) -> None:
    doc = parse_document(
        {
            "id": "ad-1",
            "text": text,
            "title": "t",
            "kind": "job_ad",
            "platform": "p",
            "url": "https://jobs.example/1",
            "lang": lang.upper(),
            "posted_at": "2024-03-01T10:00:00Z",
            "captured_at": "2024-03-02",
            "location": "Kraków",
            "images": ["phash:00ff"],
            "meta": {"salary": "1000"},
            "unexpected": 5,
        }
    )
    assert doc.text == text
    assert doc.lang == lang
    assert doc.posted_at == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert doc.captured_at == datetime(2024, 3, 2, tzinfo=UTC)
    assert doc.images == ("phash:00ff",)
    assert doc.meta == {"salary": "1000", EXTRA_FIELDS_KEY: {"unexpected": 5}}
    assert doc.to_json()["posted_at"] == "2024-03-01T10:00:00+00:00"


def test_defaults() -> None:
    doc = parse_document({"id": "1", "text": "", "title": None, "kind": None, "lang": ""})
    assert (doc.kind, doc.lang, doc.title, doc.images, doc.meta) == ("other", None, None, (), {})

"""``parse_document`` (checked inline for speed) accepts, refuses and reports exactly as the field-by-field version.

The reference below is the validation as it was written field by field before ingest's speed
work; both must give the same :class:`Document` or the same reason for every record, including
records with several faults at once (the first fault in contract order is the one reported).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.documents import (
    _FIELD_SET,
    DEFAULT_KIND,
    EXTRA_FIELDS_KEY,
    KINDS,
    MAX_ID_LENGTH,
    OPTIONAL_STRINGS,
    Document,
    _check_json_value,
    _check_string,
    _type_name,
    parse_document,
    parse_timestamp,
)
from vigil.errors import DocumentError


def reference_parse_document(record: object) -> Document:
    """The contract's validation, field by field (the code before the inline checks)."""
    if not isinstance(record, Mapping):
        raise DocumentError(f"record must be a JSON object, not {_type_name(record)}")
    if "id" not in record or record["id"] is None:
        raise DocumentError("missing required field 'id'")
    if "text" not in record or record["text"] is None:
        raise DocumentError("missing required field 'text'")
    doc_id = _check_string("id", record["id"])
    if not doc_id.strip():
        raise DocumentError("field 'id' must not be empty")
    if len(doc_id) > MAX_ID_LENGTH:
        raise DocumentError(f"field 'id' is longer than {MAX_ID_LENGTH} characters")
    text = _check_string("text", record["text"])
    optional: dict[str, str | None] = {}
    for name in OPTIONAL_STRINGS:
        value = record.get(name)
        optional[name] = None if value is None else _check_string(name, value)
    kind = record.get("kind")
    if kind is None or kind == "":
        kind = DEFAULT_KIND
    else:
        kind = _check_string("kind", kind)
        if kind not in KINDS:
            raise DocumentError(f"field 'kind' must be one of {', '.join(KINDS)}; got {kind[:40]!r}")
    lang = record.get("lang")
    if lang is not None and lang != "":
        lang = _check_string("lang", lang).strip().lower()
        if len(lang) != 2 or not lang.isascii() or not lang.isalpha():
            raise DocumentError(f"field 'lang' must be an ISO 639-1 code such as 'uk'; got {lang[:20]!r}")
    else:
        lang = None
    images_value = record.get("images")
    images: tuple[str, ...] = ()
    if images_value is not None:
        if not isinstance(images_value, list):
            raise DocumentError(f"field 'images' must be an array of strings, not {_type_name(images_value)}")
        images = tuple(_check_string("images[]", item) for item in images_value)
    meta_value = record.get("meta")
    if meta_value is None:
        meta: dict[str, Any] = {}
    elif isinstance(meta_value, dict):
        meta = dict(meta_value)
    else:
        raise DocumentError(f"field 'meta' must be an object, not {_type_name(meta_value)}")
    if not _FIELD_SET.issuperset(record):
        meta[EXTRA_FIELDS_KEY] = {k: v for k, v in record.items() if k not in _FIELD_SET}
    _check_json_value("meta", meta)
    return Document(
        id=doc_id,
        text=text,
        title=optional["title"],
        kind=kind,
        platform=optional["platform"],
        url=optional["url"],
        lang=lang,
        posted_at=parse_timestamp("posted_at", record.get("posted_at")),
        captured_at=parse_timestamp("captured_at", record.get("captured_at")),
        location=optional["location"],
        images=images,
        meta=meta,
    )


def outcome(parse: Any, record: object) -> tuple[str, str]:
    try:
        return ("document", repr(parse(record)))
    except DocumentError as exc:
        return ("error", str(exc))


#: Values a field may hold: good and bad strings (NUL, lone surrogate, blank, non-ASCII), other JSON types.
ODD_VALUES = st.sampled_from(
    [
        None, "", " ", "x", "ad-1", "Київ", "a\x00b", "bad \ud800", "x" * 600, 7, 1.5, math.inf, True, [], ["a"], [1],
        ["ok", "\x00"], {}, {"a": 1}, {"deep": [[[]]]}, {1: "a"}, "sex_ad", "job_ad", "weird", "UK", "uk ", "ukr", "u1",
        "2026-01-02", "2026-01-02T03:04:05+02:00", "2026-01-02T03:04:05", "not a date", {"n": math.nan}, {"s": "\ud800"},
    ]
)
FIELD_NAMES = st.sampled_from(
    ["id", "text", "title", "kind", "platform", "url", "lang", "posted_at", "captured_at", "location", "images", "meta",
     "extra", "seller"]
)


@settings(max_examples=1500, deadline=None)
@given(record=st.dictionaries(FIELD_NAMES, ODD_VALUES, max_size=14))
def test_any_record_is_parsed_or_refused_as_by_the_field_by_field_version(record: dict[str, Any]) -> None:
    assert outcome(parse_document, record) == outcome(reference_parse_document, record)


@settings(max_examples=300, deadline=None)
@given(record=st.dictionaries(FIELD_NAMES, ODD_VALUES, max_size=14))
def test_a_record_with_an_id_and_text_is_parsed_or_refused_as_by_the_field_by_field_version(
    record: dict[str, Any],
) -> None:
    record = {"id": "ad-1", "text": "Київ, робота", **{k: v for k, v in record.items() if k not in ("id", "text")}}
    assert outcome(parse_document, record) == outcome(reference_parse_document, record)


class _Record(Mapping[str, Any]):
    """A mapping that is not a dict (a mapped CSV row may be one)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Any:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


@pytest.mark.parametrize(
    "record",
    [
        {"id": "a", "text": "b"},
        {"id": "a", "text": "b", "kind": "sex_ad", "lang": " UK", "images": ["i"], "meta": {"x": [1, {"y": None}]}},
        {"id": "a", "text": "b", "posted_at": "2026-01-02T03:04:05+02:00", "other": 1},
        {"id": "a", "text": None},
        {"id": 3, "text": "b"},
        {"text": "b", "kind": "nope"},
        {"id": "a", "text": "b", "kind": ["sex_ad"]},
        {"id": "a", "text": "b", "kind": {"sex_ad": 1}},
        {"id": "a", "text": "b", "meta": {"n": math.inf}},
        ["not", "an", "object"],
        "text",
        None,
    ],
)
@pytest.mark.parametrize("as_mapping", [False, True])
def test_table_of_records(record: Any, as_mapping: bool) -> None:
    if as_mapping and isinstance(record, dict):
        record = _Record(record)
    assert outcome(parse_document, record) == outcome(reference_parse_document, record)

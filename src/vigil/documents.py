"""The document contract (``DESIGN.md``): validation of one input record.

:func:`parse_document` turns a decoded JSON object (or a mapped CSV row) into a
:class:`Document`, or raises :class:`~vigil.errors.DocumentError` with a reason a person
can act on. Validation is hand-written rather than model-driven because ingest runs it
on every line and its messages are part of the contract (they are reported per line).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from vigil.errors import DocumentError

KINDS: Final = ("sex_ad", "job_ad", "forum_post", "social_post", "classified", "other")
DEFAULT_KIND: Final = "other"
OPTIONAL_STRINGS: Final = ("title", "platform", "url", "location")
TIMESTAMPS: Final = ("posted_at", "captured_at")
FIELDS: Final = (
    "id",
    "text",
    "title",
    "kind",
    "platform",
    "url",
    "lang",
    "posted_at",
    "captured_at",
    "location",
    "images",
    "meta",
)
#: The same, for membership tests (every record's keys are looked up in it).
_FIELD_SET: Final = frozenset(FIELDS)
MAX_ID_LENGTH: Final = 512
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
#: Key under ``meta`` that keeps top-level fields the contract does not name, so nothing is lost.
EXTRA_FIELDS_KEY: Final = "extra_fields"
#: Longest integer kept in ``meta``: far beyond any identifier, well below Python's 4300-digit
#: conversion limit, so a stored record can always be written and read back.
MAX_INTEGER_DIGITS: Final = 1000
_INTEGER_BOUND: Final = 10**MAX_INTEGER_DIGITS
#: Deepest nesting kept in ``meta``; deeper structures are hostile, not metadata.
MAX_META_DEPTH: Final = 64
_BOM: Final = "\ufeff"


@dataclass(frozen=True, slots=True)
class Document:
    """One validated input document. Timestamps are timezone-aware (UTC if none was given)."""

    id: str
    text: str
    title: str | None = None
    kind: str = DEFAULT_KIND
    platform: str | None = None
    url: str | None = None
    lang: str | None = None
    posted_at: datetime | None = None
    captured_at: datetime | None = None
    location: str | None = None
    images: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The document as a JSON-ready dict in the contract's shape (ISO 8601 timestamps)."""
        out = asdict(self)
        out["images"] = list(self.images)
        for key in TIMESTAMPS:
            value = getattr(self, key)
            out[key] = value.isoformat() if value is not None else None
        return out


def _check_string(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise DocumentError(f"field '{name}' must be a string, not {_type_name(value)}")
    if "\x00" in value:
        raise DocumentError(f"field '{name}' contains a NUL character (U+0000)")
    if not value.isascii() and _SURROGATE.search(value):
        raise DocumentError(f"field '{name}' is not valid Unicode (lone surrogate)")
    return value


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise DocumentError(f"a number has more than {MAX_INTEGER_DIGITS} digits")
    return int(digits)


def _json_float(digits: str) -> float:
    value = float(digits)
    if not math.isfinite(value):
        raise DocumentError(f"a number is too large: {digits[:20]}")
    return value


def _json_constant(name: str) -> float:
    # json accepts NaN and Infinity, which are not JSON and which PostgreSQL refuses to store
    raise DocumentError(f"not valid JSON: {name} is not a JSON value")


#: One decoder for every line: ``json.loads`` with these hooks builds a new decoder (and its
#: scanner) per call, which cost a sixth of decoding a short ad.
_DECODER: Final = json.JSONDecoder(parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)


def parse_json_line(raw: bytes | str) -> object:
    """One line of JSONL decoded; raises :class:`DocumentError` with the reason a person can act on.

    A leading byte-order mark is dropped (editors on Windows write one). Numbers that could not
    be stored (NaN, Infinity, integers over :data:`MAX_INTEGER_DIGITS` digits) reject the line
    here, so one such record never stops a batch.

    ``orjson`` decodes first (about half the cost of the standard library's decoder); a line it
    refuses, or whose result holds a float, is decoded again by the standard library, which
    gives the reason (or accepts a byte-order mark and escaped lone surrogates) and reads
    integers of any length exactly where ``orjson`` rounds those beyond 64 bits to a float. So
    every line decodes to the same value, or fails with the same reason, either way.
    """
    try:
        fast = orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    else:
        if not _holds_float(fast):
            return fast
    return decode_json_line_exactly(raw)


def decode_json_line_exactly(raw: bytes | str) -> object:
    """:func:`parse_json_line` by the standard library's decoder alone (the reference it keeps to)."""
    if isinstance(raw, bytes):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError("line is not valid UTF-8") from exc
    else:
        line = raw
    try:
        return _DECODER.decode(line.removeprefix(_BOM))
    except json.JSONDecodeError as exc:
        raise DocumentError(f"not valid JSON: {exc.msg} at column {exc.colno}") from exc
    except RecursionError as exc:
        raise DocumentError("not valid JSON: nested too deeply") from exc
    except ValueError as exc:  # any other limit of the decoder
        raise DocumentError(f"not valid JSON: {str(exc)[:80]}") from exc


def _holds_float(value: object) -> bool:
    """Whether a decoded JSON value has a float anywhere in it (strings, most of a record, skipped first)."""
    items: Iterable[object]
    if type(value) is dict:
        items = value.values()
    elif type(value) is list:
        items = value
    else:
        return type(value) is float
    for item in items:  # a loop, not any() over a generator: half the cost, on every ingested line
        kind = type(item)
        if kind is str:
            continue
        if kind is float or ((kind is dict or kind is list) and _holds_float(item)):
            return True
    return False


def iter_json_records(handle: Iterable[bytes]) -> Iterator[tuple[int, object]]:
    """``(line_number, object)`` or ``(line_number, DocumentError)`` for each non-blank line of JSONL.

    Line numbers are 1-based physical lines. A blank line is skipped, not an error. The one
    JSONL record reader: the command line and the indicator evaluation read through it.
    """
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        try:
            record = parse_json_line(raw)
        except DocumentError as exc:
            yield number, exc
            continue
        yield number, record


def _check_json_value(name: str, value: object, depth: int = 0) -> None:
    """``value`` can be stored as JSON and read back on every backend."""
    if depth > MAX_META_DEPTH:
        raise DocumentError(f"field '{name}' is nested more than {MAX_META_DEPTH} levels deep")
    if value is None or isinstance(value, bool):
        return
    if type(value) is dict:  # the usual ``meta``: checked before the slower ABC test below
        _check_json_mapping(name, value, depth)
        return
    if isinstance(value, str):
        if not value.isascii() and _SURROGATE.search(value):
            raise DocumentError(f"field '{name}' is not valid Unicode (lone surrogate)")
    elif isinstance(value, int):
        if not -_INTEGER_BOUND < value < _INTEGER_BOUND:
            raise DocumentError(f"field '{name}' holds a number with more than {MAX_INTEGER_DIGITS} digits")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise DocumentError(f"field '{name}' holds {value}, which is not a JSON number")
    elif isinstance(value, list | tuple):
        for item in value:
            _check_json_value(name, item, depth + 1)
    elif isinstance(value, Mapping):
        _check_json_mapping(name, value, depth)
    else:
        raise DocumentError(f"field '{name}' holds a {_type_name(value)}, which is not a JSON value")


def _check_json_mapping(name: str, value: Mapping[Any, Any], depth: int) -> None:
    """A JSON object: string keys, every key and value storable (:func:`_check_json_value`)."""
    for key, item in value.items():
        if not isinstance(key, str):
            raise DocumentError(f"field '{name}' has a key that is not a string: {_type_name(key)}")
        _check_json_value(name, key, depth + 1)
        _check_json_value(name, item, depth + 1)


def _type_name(value: object) -> str:
    return {
        type(None): "null",
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(value), type(value).__name__)


def parse_timestamp(name: str, value: object) -> datetime | None:
    """Parse an ISO 8601 date or date-time; naive values are taken as UTC."""
    if value is None:
        return None
    text = _check_string(name, value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise DocumentError(f"field '{name}' is not an ISO 8601 date or time: {text[:40]!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


#: A valid document's fields in :class:`Document`'s order, as :func:`document_fields` gives them.
DocumentFields = tuple[
    str,
    str,
    str | None,
    str,
    str | None,
    str | None,
    str | None,
    datetime | None,
    datetime | None,
    str | None,
    tuple[str, ...],
    dict[str, Any],
]


def parse_document(record: object) -> Document:
    """Validate one record against the document contract (:func:`document_fields`) and make its :class:`Document`."""
    return Document(*document_fields(record))


def document_fields(record: object) -> DocumentFields:
    """Validate one record against the document contract: its fields in :class:`Document`'s order.

    Ingest runs this on every line, so the usual case (a dict of plain strings) is checked
    inline and :func:`_check_string` is called only for a value that may be refused; the
    checks and their order (so the reason given for a record with several faults) are those of
    the field-by-field version, which a test keeps beside it. The JSONL decoder formats a
    PostgreSQL row straight from these fields (a frozen :class:`Document` costs a third as
    much again to make).
    """
    if type(record) is not dict and not isinstance(record, Mapping):
        raise DocumentError(f"record must be a JSON object, not {_type_name(record)}")
    get = record.get
    doc_id = get("id")
    if doc_id is None:
        raise DocumentError("missing required field 'id'")
    text = get("text")
    if text is None:
        raise DocumentError("missing required field 'text'")
    if _needs_check(doc_id):
        _check_string("id", doc_id)
    if not doc_id.strip():
        raise DocumentError("field 'id' must not be empty")
    if len(doc_id) > MAX_ID_LENGTH:
        raise DocumentError(f"field 'id' is longer than {MAX_ID_LENGTH} characters")
    if _needs_check(text):
        _check_string("text", text)

    title, platform, url, location = [_optional_string(name, get(name)) for name in OPTIONAL_STRINGS]

    kind = get("kind")
    if kind is None or kind == "":
        kind = DEFAULT_KIND
    elif kind not in KINDS:
        kind = _check_string("kind", kind)
        raise DocumentError(f"field 'kind' must be one of {', '.join(KINDS)}; got {kind[:40]!r}")

    lang = get("lang")
    if lang is not None and lang != "":
        lang = _check_string("lang", lang).strip().lower()
        if len(lang) != 2 or not lang.isascii() or not lang.isalpha():
            raise DocumentError(f"field 'lang' must be an ISO 639-1 code such as 'uk'; got {lang[:20]!r}")
    else:
        lang = None

    images_value = get("images")
    images: tuple[str, ...] = ()
    if images_value is not None:
        if not isinstance(images_value, list):
            raise DocumentError(f"field 'images' must be an array of strings, not {_type_name(images_value)}")
        if images_value:
            images = tuple(_check_string("images[]", item) for item in images_value)

    meta_value = get("meta")
    if meta_value is None:
        meta: dict[str, Any] = {}
    elif isinstance(meta_value, dict):
        meta = dict(meta_value)
    else:
        raise DocumentError(f"field 'meta' must be an object, not {_type_name(meta_value)}")
    if not _FIELD_SET.issuperset(record):  # (one pass in C: a record rarely has other fields)
        meta[EXTRA_FIELDS_KEY] = {k: v for k, v in record.items() if k not in _FIELD_SET}
    if meta:
        _check_json_mapping("meta", meta, 0)

    return (
        doc_id,
        text,
        title,
        kind,
        platform,
        url,
        lang,
        parse_timestamp("posted_at", get("posted_at")),
        parse_timestamp("captured_at", get("captured_at")),
        location,
        images,
        meta,
    )


def _optional_string(name: str, value: object) -> str | None:
    if value is not None and _needs_check(value):
        _check_string(name, value)
    return value  # type: ignore[return-value]  # (None, or a string that passed the check)


def _needs_check(value: object) -> bool:
    """False for a string :func:`_check_string` would pass as it is without searching it (ASCII, no NUL)."""
    return type(value) is not str or not value.isascii() or "\x00" in value

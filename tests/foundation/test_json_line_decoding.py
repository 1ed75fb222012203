"""The fast JSONL decoder (orjson first) gives what the standard library's decoder gives, line for line.

``parse_json_line`` decodes with orjson and falls back to ``decode_json_line_exactly`` (the
standard library with Vigil's number hooks) when orjson refuses a line or its result holds a
float. These tests hold the two to the same outcome: the same value with the same types and key
order, or a ``DocumentError`` with the same reason.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.documents import decode_json_line_exactly, parse_json_line
from vigil.errors import DocumentError


def typed(value: Any) -> Any:
    """``value`` with every type spelled out, so 1, 1.0 and True (equal in Python) stay apart."""
    if isinstance(value, dict):
        return ("dict", [(key, typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    return (type(value).__name__, repr(value))


def outcome(decode: Any, raw: bytes | str) -> Any:
    try:
        return ("value", typed(decode(raw)))
    except DocumentError as exc:
        return ("error", str(exc))


LINES = [
    # (line, expected: a value, or the reason of the DocumentError)
    (b'{"id": "a", "text": "b"}', {"id": "a", "text": "b"}),
    ('{"id": "a", "text": "Київ"}', {"id": "a", "text": "Київ"}),
    (b'\xef\xbb\xbf{"id": "a"}', {"id": "a"}),  # a byte-order mark, which orjson refuses
    (b'{"n": 123456789012345678901234567890}', {"n": 123456789012345678901234567890}),  # orjson: a float
    (b'{"n": -9223372036854775809}', {"n": -9223372036854775809}),
    (b'{"n": 18446744073709551615}', {"n": 18446744073709551615}),
    (b'{"n": 1.5, "m": [0.1, 2]}', {"n": 1.5, "m": [0.1, 2]}),
    (b'{"n": 1E2}', {"n": 100.0}),
    (b'{"n": -0}', {"n": 0}),
    (b'{"t": true, "f": false, "z": null}', {"t": True, "f": False, "z": None}),
    (b'{"a": 1, "b": 2, "a": 3}', {"a": 3, "b": 2}),  # the last value, at the first key's place
    (b'{"s": "\\ud83d\\ude00 \\u00e9"}', {"s": "\U0001f600 \u00e9"}),
    (b'{"s": "\\ud800"}', {"s": "\ud800"}),  # a lone surrogate: parse_document refuses it later
    (b" \t[1, 2]\r\n", [1, 2]),
    (b'"just a string"', "just a string"),
    (b"NaN", "not valid JSON: NaN is not a JSON value"),
    (b'{"n": Infinity}', "not valid JSON: Infinity is not a JSON value"),
    (b"[1e999]", "a number is too large: 1e999"),
    (b"\xff{}", "line is not valid UTF-8"),
    (b'{"a": 1,}', "not valid JSON: Expecting property name enclosed in double quotes at column 9"),
    (b"{} x", "not valid JSON: Extra data at column 4"),
    (b'{"s": "a\tb"}', "not valid JSON: Invalid control character at at column 9"),
    (b"", "not valid JSON: Expecting value at column 1"),
    (b"[" * 2000 + b"]" * 2000, "not valid JSON: nested too deeply"),
    (("[" + "1" * 1001 + "]").encode(), "a number has more than 1000 digits"),
]


@pytest.mark.parametrize(("raw", "expected"), LINES, ids=[f"line{i}" for i in range(len(LINES))])
def test_each_line_decodes_as_the_standard_library_decodes_it(raw: bytes | str, expected: Any) -> None:
    reference = outcome(decode_json_line_exactly, raw)
    assert outcome(parse_json_line, raw) == reference
    if isinstance(expected, str) and reference[0] == "error":
        assert reference == ("error", expected)
    else:
        assert reference == ("value", typed(expected))


def test_a_float_or_an_integer_beyond_64_bits_takes_the_exact_path() -> None:
    # the only values orjson would give differently: a huge integer comes back as a float
    huge = 2**64
    assert parse_json_line(json.dumps({"meta": {"n": [huge]}}).encode()) == {"meta": {"n": [huge]}}
    assert type(parse_json_line(json.dumps({"n": huge}).encode())["n"]) is int  # type: ignore[index]


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(value=JSON_VALUES, ascii_only=st.booleans(), as_bytes=st.booleans())
def test_any_json_text_decodes_as_the_standard_library_decodes_it(value: Any, ascii_only: bool, as_bytes: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    raw: bytes | str = text.encode("utf-8", "surrogatepass") if as_bytes else text
    assert outcome(parse_json_line, raw) == outcome(decode_json_line_exactly, raw)


@settings(max_examples=400, deadline=None)
@given(raw=st.binary(max_size=40) | st.text(alphabet='{}[]",:0123456789.eE+- tnrufalsNI\\\ufeff', max_size=30))
def test_any_bytes_fail_or_decode_as_with_the_standard_library(raw: bytes | str) -> None:
    assert outcome(parse_json_line, raw) == outcome(decode_json_line_exactly, raw)

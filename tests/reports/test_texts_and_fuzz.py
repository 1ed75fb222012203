"""Every language of the report form says everything the English one says; emergency numbers carry
their source; and no input to the public reports API answers with a server error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_support import new_client

from vigil.reports import texts

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
LANGUAGES = ["uk", "ru", "en", "pl", "de", "cs", "ro"]


def _keys(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        return {k for key, inner in value.items() for k in _keys(inner, f"{prefix}{key}.")} | {prefix.rstrip(".")}
    return {prefix.rstrip(".")}


def test_every_required_language_has_a_catalogue() -> None:
    assert set(LANGUAGES) <= set(texts.languages())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_every_text_with_the_same_placeholders(lang: str) -> None:
    english, own = texts.catalogue()["en"], texts.catalogue()[lang]
    assert _keys(own) == _keys(english)
    for key, value in english.items():
        if isinstance(value, str):
            assert sorted(PLACEHOLDER.findall(own[key])) == sorted(PLACEHOLDER.findall(value)), key
            if lang != "en" and key not in {"lang", "optional"} and len(value) > 12:
                assert own[key] != value, f"{lang}.{key} is still English"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_texts_name_no_phone_number_but_112(lang: str) -> None:
    for value in texts.catalogue()[lang].values():
        for number in re.findall(r"\d(?:[\d ]*\d){2,}", str(value)):
            assert number == "112", f"{lang}: only sourced help lines are shown, and they come from helplines.yaml"


def test_emergency_numbers_come_with_their_source() -> None:
    lines = texts.emergency_lines()
    assert lines[0]["number"] == "112"
    assert all(line["source"].startswith("https://") for line in lines)


@pytest.mark.parametrize(("given_lang", "expected"), [("uk", "uk"), ("UK-ua", "uk"), ("ro_RO", "ro"), ("xx", "en"), (None, "en"), ("", "en")])
def test_language_resolution(given_lang: str | None, expected: str) -> None:
    assert texts.resolve(given_lang) == expected


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
FIELDS = st.sampled_from(["category", "urls", "explanation", "reporter_name", "reporter_email", "good_faith", "platform",
                          "country", "language", "immediate_danger", "location_details", "extra"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(FIELDS, JSON_VALUES, max_size=8) | JSON_VALUES)
def test_no_input_is_a_server_error(web_app: FastAPI, body: Any) -> None:
    client = new_client(web_app)
    response = client.post("/api/v1/reports", json=body)
    assert response.status_code in (201, 422, 429), response.text
    assert "error" in response.json() or "receipt" in response.json()

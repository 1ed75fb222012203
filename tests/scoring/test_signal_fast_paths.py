"""The obscured-phone signal reads the separator-free text only when a phone's last digits
are not written in one run; the answers are those of the plain rule."""

from __future__ import annotations

import re
from typing import Any

import pytest

from vigil.documents import Document
from vigil.scoring.signals import obscured_phone

_SEPARATORS = re.compile(r"(?<=\d)[\s\-().+/]+(?=\d)")


def _plain_rule(text: str, phones: list[Any]) -> bool:
    plain = _SEPARATORS.sub("", text)
    tails = [re.sub(r"\D", "", p)[-7:] for p in phones if isinstance(p, str) and len(re.sub(r"\D", "", p)) >= 7]
    return any(tail not in plain for tail in tails)


@pytest.mark.parametrize(
    ("text", "phones", "expected"),
    [
        ("Call 07700900412", ["+447700900412"], False),
        ("Call 07700 900 412", ["+447700900412"], False),
        ("Call 07700 900 412 or 0721 234 567", ["+447700900412", "+40721234567"], False),
        ("Call 07700900412, or seven two one two three four five six seven", ["+447700900412", "+40721234567"], True),
        ("Call zero seven seven 900412", ["+447700900412"], True),
        ("Call 412", ["+412"], False),  # too short to say
        ("Call 07700 900 412", [None, 5, "+447700900412"], False),
        ("", ["+447700900412"], True),
    ],
)
def test_obscured_phone_is_the_plain_rule(text: str, phones: list[Any], expected: bool) -> None:
    document = Document(id="x", text=text)
    assert obscured_phone(document, phones) is expected
    assert _plain_rule(f"\n{text}", phones) is expected

"""Messenger and social handles."""

from __future__ import annotations

import pytest
from extract_support import values_of

from vigil.extract.entities import EntityExtractor


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("uk", "Пишіть у телеграм @italia_robota", ["telegram:italia_robota"]),
        ("en", "Telegram: @Anna_VIP", ["telegram:anna_vip"]),
        ("en", "join t.me/work_abroad_eu now", ["telegram:work_abroad_eu"]),
        ("en", "https://t.me/anna_vip", ["telegram:anna_vip"]),
        ("pl", "kontakt @praca_de", ["telegram:praca_de"]),  # no messenger named: Telegram
        ("en", "insta @anna.model", ["instagram:anna.model"]),
        ("en", "instagram.com/anna.model", ["instagram:anna.model"]),
        ("en", "wa.me/48501234567", ["whatsapp:+48501234567"]),
        ("pl", "WhatsApp/Viber: +48 501 234 567", ["whatsapp:+48501234567", "viber:+48501234567"]),
        ("ru", "Вайбер 050 123 45 67", ["viber:+380501234567"]),
        ("de", "Signal: 0151 23456789", ["signal:+4915123456789"]),
        ("en", "+44 7911 123456 (WhatsApp only)", ["whatsapp:+447911123456"]),
        ("en", "tg: anna_vip22", ["telegram:anna_vip22"]),
        # a platform named without a colon
        ("en", "Telegram (anna_v)", ["telegram:anna_v"]),
        ("en", "Telegram anna_v", ["telegram:anna_v"]),
        ("en", "viber anna_v", ["viber:anna_v"]),
        ("en", "TG: @anna_v", ["telegram:anna_v"]),
        ("uk", "пишіть у телеграм anna_v", ["telegram:anna_v"]),
        ("ru", "Телеграм (anna_v)", ["telegram:anna_v"]),
        ("pl", "Pisz na telegramie anna_v", ["telegram:anna_v"]),
        ("en", "insta anna.model", ["instagram:anna.model"]),
        # links
        ("en", "tg://resolve?domain=anna_vip", ["telegram:anna_vip"]),
        ("en", "telegram.me/anna_vip", ["telegram:anna_vip"]),
        ("en", "WhatsApp: +48 501 234 567", ["whatsapp:+48501234567"]),
        ("uk", "Вайбер: +380 50 123 45 67", ["viber:+380501234567"]),
    ],
)
def test_finds_handles(extractor: EntityExtractor, lang: str, text: str, expected: list[str]) -> None:
    assert values_of(extractor, text, lang, "handles") == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "mail anna@gmail.com"),  # an e-mail address, not a handle
        ("en", "Tel +44 7911 123456, Telegram @anna_vip"),  # Telegram has its own contact
        ("pl", "Viber: napisz"),  # an instruction, not a username
        ("en", "meet @ 10"),
        ("en", "Telegram only"),  # no name after the platform
        ("en", "viber anytime"),
        ("uk", "телеграм пишіть"),
        ("en", ""),
    ],
)
def test_handle_negatives(extractor: EntityExtractor, lang: str, text: str) -> None:
    values = values_of(extractor, text, lang, "handles")
    assert not any(str(v).startswith(("telegram:+", "viber:", "whatsapp:")) for v in values)
    assert "telegram:gmail.com" not in values and "telegram:napisz" not in values and "viber:napisz" not in values
    assert not any(str(v) in ("telegram:only", "viber:anytime", "telegram:пишіть") for v in values)


def test_the_at_name_scan_reads_as_the_look_behind_first_pattern() -> None:
    import random
    import re

    from vigil.extract.entities.handles import _AT_NAME

    plain = re.compile(r"(?<![\w.+\-@/])@([a-z0-9_](?:[a-z0-9_.]{0,30}[a-z0-9_])?)(?![\w@])")
    rng = random.Random(4)
    alphabet = list("ab_1.@/+- xé\n")
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        found = [(m.span(), m.group(1)) for m in _AT_NAME.finditer(text)]
        assert found == [(m.span(), m.group(1)) for m in plain.finditer(text)], text

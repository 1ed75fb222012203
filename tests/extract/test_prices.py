"""Prices with their ISO currency, one row per currency."""

from __future__ import annotations

import pytest
from extract_support import values_of

from vigil.extract.entities import EntityExtractor


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("150 €", 150, "EUR"),
        ("€150 per hour", 150, "EUR"),
        ("Оплата 150 євро", 150, "EUR"),
        ("2000 EUR netto", 2000, "EUR"),
        ("200 zł/h", 200, "PLN"),
        ("4 500 PLN", 4500, "PLN"),
        ("3 tys. zł", 3000, "PLN"),
        ("15 000 грн", 15000, "UAH"),
        ("15 тис. грн", 15000, "UAH"),
        ("1000 UAH", 1000, "UAH"),
        ("2 000 Kč", 2000, "CZK"),
        ("500 CZK", 500, "CZK"),
        ("300 lei", 300, "RON"),
        ("250 RON", 250, "RON"),
        ("20 000 Ft", 20000, "HUF"),
        ("£100", 100, "GBP"),
        ("$200", 200, "USD"),
        ("100 CHF", 100, "CHF"),
        ("3000 руб", 3000, "RUB"),
        ("500 TL", 500, "TRY"),
        ("1.500,50 €", 1500.5, "EUR"),
        ("2k EUR", 2000, "EUR"),
        ("12,50 EUR", 12.5, "EUR"),
    ],
)
def test_finds_prices(extractor: EntityExtractor, text: str, amount: float, currency: str) -> None:
    assert values_of(extractor, text, "en", "prices") == [{"amount": amount, "currency": currency}]


@pytest.mark.parametrize(
    "text",
    [
        "150 girls",
        "room 12, floor 3",
        "call 501 234 567",
        "e-mail euro@mail.com",
        "",
    ],
)
def test_not_prices(extractor: EntityExtractor, text: str) -> None:
    assert values_of(extractor, text, "en", "prices") == []

"""Synthetic ads for casework tests, and where the prepared store keeps them."""

from __future__ import annotations

from dataclasses import dataclass

PHONE_WRITTEN = "+48 501 234 567"
PHONE = "+48501234567"
#: Synthetic ads: two share a phone and a template (one network), a third stands alone.
ADS = [
    {"id": "ad-1", "text": f"Nowe dziewczyny z Ukrainy, tylko dziś w Krakowie, dzwoń {PHONE_WRITTEN}, zawsze dostępna 24/7",
     "kind": "sex_ad", "platform": "example-board", "lang": "pl", "location": "Kraków", "posted_at": "2026-05-01T10:00:00Z"},
    {"id": "ad-2", "text": f"Nowe dziewczyny z Ukrainy, tylko dziś w Warszawie, dzwoń {PHONE_WRITTEN}, zawsze dostępna 24/7",
     "kind": "sex_ad", "platform": "example-board", "lang": "pl", "location": "Warszawa", "posted_at": "2026-05-03T10:00:00Z"},
    {"id": "ad-3", "text": "Praca w magazynie w Poznaniu, umowa o pracę, wymagane doświadczenie, aplikuj przez formularz na stronie firmy.",
     "kind": "job_ad", "platform": "jobs-example", "lang": "pl", "location": "Poznań", "posted_at": "2026-05-02T10:00:00Z"},
]


@dataclass(frozen=True)
class Corpus:
    """Where things are in the prepared store."""

    pks: dict[str, int]
    network: str

"""Synthetic ads of two Vigil instances (an NGO's and a police unit's) with planted shared contacts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from vigil.settings import Settings


@dataclass(frozen=True)
class Instance:
    """One Vigil instance of a test: its own data directory and settings."""

    data_dir: Path
    settings: Settings


def no_audit(_session: Session, _action: str, _type: str, _id: str, _details: dict[str, Any]) -> None:
    """For bookkeeping tests that do not look at the audit log."""

SHARED_PHONE = "+48501234567"
SHARED_EMAIL = "rekrutacja.praca@example.org"
#: What each side holds alone: matching must never report these.
ONLY_A = {("phone", "+48600700800"), ("email", "tylko.nasz@example.net")}
ONLY_B = {("phone", "+380671234567"), ("email", "tylko.ich@example.com")}
SHARED = {("phone", SHARED_PHONE), ("email", SHARED_EMAIL)}

ADS_A: list[dict[str, Any]] = [
    {"id": "a-1", "text": "Nowe dziewczyny z Ukrainy, tylko dziś w Krakowie, dzwoń +48 501 234 567, zawsze dostępna 24/7",
     "kind": "sex_ad", "platform": "example-board", "lang": "pl", "location": "Kraków", "posted_at": "2026-05-01T10:00:00Z"},
    {"id": "a-2", "text": "Nowe dziewczyny z Ukrainy, tylko dziś w Warszawie, dzwoń +48 501 234 567, zawsze dostępna 24/7",
     "kind": "sex_ad", "platform": "example-board", "lang": "pl", "location": "Warszawa", "posted_at": "2026-05-03T10:00:00Z"},
    {"id": "a-3", "text": "Praca w Niemczech dla pań, wysokie zarobki, zakwaterowanie zapewnione, pisz: rekrutacja.praca@example.org",
     "kind": "job_ad", "platform": "jobs-example", "lang": "pl", "location": "Poznań", "posted_at": "2026-05-02T10:00:00Z"},
    {"id": "a-4", "text": "Praca w magazynie, umowa o pracę, kontakt +48 600 700 800 lub tylko.nasz@example.net",
     "kind": "job_ad", "platform": "jobs-example", "lang": "pl", "location": "Gdańsk", "posted_at": "2026-05-04T10:00:00Z"},
]
ADS_B: list[dict[str, Any]] = [
    {"id": "b-1", "text": "Masaż, nowa w mieście, tel. +48 501-234-567, dyskretnie",
     "kind": "sex_ad", "platform": "other-board", "lang": "pl", "location": "Łódź", "posted_at": "2026-04-20T10:00:00Z"},
    {"id": "b-2", "text": "Job in Germany for women, high pay, housing provided, write to Rekrutacja.Praca@example.org",
     "kind": "job_ad", "platform": "jobs-elsewhere", "lang": "en", "location": "Berlin", "posted_at": "2026-04-22T10:00:00Z"},
    {"id": "b-3", "text": "Робота в Польщі, дзвоніть +380 67 123 4567 або пишіть tylko.ich@example.com",
     "kind": "job_ad", "platform": "jobs-elsewhere", "lang": "uk", "location": "Львів", "posted_at": "2026-04-25T10:00:00Z"},
]

"""The planted corpus of the identifier tests, and running the command line as a user does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

VIGIL = [sys.executable, "-m", "vigil.cli"]

ADS: list[dict[str, Any]] = [
    {"id": "uk-1", "kind": "sex_ad", "lang": "en", "platform": "ads.example", "location": "Leeds",
     "posted_at": "2026-02-01T10:00:00Z", "title": "New girl Anna",
     "text": "I am Anna, age 21, new in Leeds. Call +44 740 012 345 6 or Telegram @anna_vip. Photos at www.Example.com/Anna"},
    {"id": "uk-2", "kind": "sex_ad", "lang": "en", "platform": "escorts.example", "location": "York",
     "posted_at": "2026-02-05T10:00:00Z",
     "text": "Anna 22 now in York for a few days. Tel 07400 123456 or write anna.k at gmail dot com"},
    {"id": "uk-3", "kind": "sex_ad", "lang": "en", "platform": "escorts.example", "location": "Manchester",
     "posted_at": "2026-02-09T10:00:00Z",
     "text": "Sweet Bella, 21, arrived in Manchester. WhatsApp +44 7400 123 456, Telegram @anna_vip"},
    {"id": "pl-1", "kind": "job_ad", "lang": "uk", "platform": "jobs.example", "posted_at": "2026-01-05T09:00:00Z",
     "text": "Робота в Польщі на складі, житло надаємо. Пишіть у вайбер +48 501 234 000"},
    {"id": "pl-2", "kind": "job_ad", "lang": "pl", "platform": "jobs.example", "posted_at": "2026-01-08T09:00:00Z",
     "text": "Praca w Niemczech od zaraz, zakwaterowanie zapewnione. Zadzwoń 501 234 000"},
    {"id": "decoy", "kind": "sex_ad", "lang": "en", "platform": "ads.example", "location": "Leeds",
     "posted_at": "2026-02-02T10:00:00Z", "text": "Massage studio in Leeds, call +44 7400 123457"},
    {"id": "plain", "kind": "other", "lang": "en", "text": "Nothing to reach anyone by here."},
]


def run_vigil(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VIGIL, "--data-dir", str(data_dir), *args], capture_output=True, text=True, timeout=180, check=False
    )

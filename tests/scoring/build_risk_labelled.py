"""Build tests/data/risk_labelled.jsonl from tests/data/risk_fragments.yaml (seeded, synthetic).

    .venv/bin/python tests/scoring/build_risk_labelled.py

Each ad joins 2-5 fragments of one language. It is labelled suspicious when it holds a
"strong" fragment. Hard cases: lures that name a registered-looking company, lawful
employers reached only on WhatsApp, benign sex-work ads with a nationality or touring. Benign ads often carry "weak" fragments (a nationality, touring, 24/7,
employer housing, "Ukrainians welcome") so the set tests that those alone do not rank an ad
high. Phone numbers come from the UK range reserved for fiction (07700 900000-900999).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[1] / "data"
SEED = 4242
PER_CELL = 5


def _phone(rng: random.Random, obscured: bool) -> str:
    tail = f"{rng.randrange(1000):03d}"
    if obscured:
        return f"O77OO 9OO {tail}"
    return f"07700 900{tail}"


def _fill(text: str, spec: dict[str, Any], rng: random.Random) -> str:
    return text.format(city=rng.choice(spec["city"]), company=rng.choice(spec["company"]))


def build() -> list[dict[str, Any]]:
    fragments = yaml.safe_load((DATA / "risk_fragments.yaml").read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    rows: list[dict[str, Any]] = []
    for lang, spec in fragments.items():
        number = 0
        for kind, group in (("sex_ad", "sex"), ("job_ad", "job")):
            for suspicious in (True, False):
                for i in range(PER_CELL):
                    parts: list[str] = []
                    if suspicious:
                        parts += rng.sample(spec[f"{group}_strong"], rng.choice((1, 1, 2)))
                        parts += rng.sample(spec[f"{group}_weak"], rng.choice((0, 1, 2)))
                    else:
                        if group == "job":
                            parts.append(spec["job_benign"][0])
                            parts += rng.sample(spec["job_benign"][1:], rng.choice((1, 2, 3)))
                        else:
                            parts += rng.sample(spec["sex_benign"], rng.choice((1, 2, 3)))
                        # Most benign ads carry weak signs: the hard cases of the set.
                        parts += rng.sample(spec[f"{group}_weak"], (0, 1, 1, 2, 2)[i])
                    rng.shuffle(parts)
                    if group == "job" and suspicious and i < 2:
                        # Hard case: a lure that names a (made-up) registered company.
                        parts.append(spec["job_benign"][0])
                    if group == "job":
                        # The employer line opens the ad.
                        parts.sort(key=lambda p: p != spec["job_benign"][0])
                    text = " ".join(_fill(p, spec, rng) for p in parts)
                    if group == "sex":
                        text += f" {_phone(rng, obscured=suspicious and rng.random() < 0.4)}"
                    elif suspicious:
                        text += f" @{rng.choice(('work', 'job', 'vakansii'))}_{rng.randrange(100, 999)}"
                    elif i >= 3:
                        # Hard case: small lawful employers also take applications on WhatsApp.
                        text += f" WhatsApp: {_phone(rng, obscured=False)}"
                    number += 1
                    rows.append(
                        {
                            "id": f"risk-{lang}-{number:03d}",
                            "text": text,
                            "kind": kind,
                            "lang": lang,
                            "labels": {"suspicious": suspicious},
                        }
                    )
    return rows


def main() -> None:
    rows = build()
    with (DATA / "risk_labelled.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} documents")


if __name__ == "__main__":
    main()

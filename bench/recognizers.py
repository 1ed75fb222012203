"""Indicator recognizers: throughput on the labelled corpora and per-recognizer cost on hostile text.

    .venv/bin/python bench/recognizers.py                  # golden + held-out corpora, 20 rounds
    .venv/bin/python bench/recognizers.py --rounds 5

Figures are CPU seconds of this process (``time.process_time``), because other jobs on a
shared machine stretch wall time. Normalization is timed apart from recognition, so the
recognizer figure is what indicators add on top of the shared normalized text.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from vigil.extract.normalize import normalize
from vigil.recognizers import load_recognizers

CORPORA = (Path("tests/data/indicators_golden.jsonl"), Path("tests/data/indicators_heldout.jsonl"))
HOSTILE = {
    "1 MB line of lexicon words": ("new in town agency 24/7 bez gumki без досвіду " * 22_000)[:1_000_000],
    "100,000 emoji": "💗👑🇺🇦🌹✈️" * 20_000,
    "500,000 letters, no spaces": "a" * 500_000,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the corpora")
    args = parser.parse_args()

    start = time.process_time()
    recognizers = load_recognizers()
    print(f"load_recognizers: {time.process_time() - start:.2f} CPU s")

    docs = [json.loads(line) for path in CORPORA for line in path.read_text(encoding="utf-8").splitlines() if line]
    start = time.process_time()
    prepared = [(normalize(d["text"]), d.get("lang"), d.get("kind", "other")) for d in docs * args.rounds]
    normalize_s = time.process_time() - start
    for label, known in (("language given", True), ("language unknown", False)):
        start = time.process_time()
        for nt, lang, kind in prepared:
            recognizers.find(nt, lang if known else None, kind)
        spent = time.process_time() - start
        print(f"find ({label}): {len(prepared) / spent:,.0f} docs per CPU second ({len(prepared)} docs)")
    print(f"normalize: {len(prepared) / normalize_s:,.0f} docs per CPU second")

    print("per recognizer on hostile text (CPU s, language unknown):")
    for name, text in HOSTILE.items():
        nt = normalize(text)
        worst = max(
            ((_cpu(rec.find, nt, sorted(rec.KINDS)[0]), rec.INDICATOR) for rec in recognizers.recognizers),
        )
        whole = _cpu(recognizers.find, nt, "other")
        print(f"  {name}: slowest recognizer {worst[1]} {worst[0]:.3f}; whole set {whole:.3f}")


def _cpu(find: object, nt: object, kind: str) -> float:
    start = time.process_time()
    find(nt, None, kind)  # type: ignore[operator]
    return time.process_time() - start


if __name__ == "__main__":
    main()

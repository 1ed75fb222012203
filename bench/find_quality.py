"""Quality of ``vigil find``: precision, recall and F1 of identifier lookups against planted truth.

    .venv/bin/python bench/find_quality.py                               # bench/data/find_eval
    .venv/bin/python bench/find_quality.py --data DIR --misses 20        # another set; list misses

The set (``ads.jsonl`` and ``lookups.jsonl`` with ``{"query", "kind", "expected": [ids]}``)
is ingested into a temporary store, analysed with the default pipeline, and every query is
looked up exactly as ``vigil find`` does. Scores are micro-averaged over (lookup, document)
pairs; a lookup the reader refuses as "not an identifier" counts as finding nothing.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from vigil.engine import create_engine
from vigil.errors import InputError
from vigil.identifiers.lookup import find_documents
from vigil.identifiers.query import IdentifierReader
from vigil.ingest import ingest_input
from vigil.pipeline import build_pipeline
from vigil.settings import load_settings
from vigil.store import Store
from vigil.store.analyses import analyze_store

DEFAULT_DATA = Path(__file__).parent / "data" / "find_eval"


def _scores(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "tp": tp, "fp": fp, "fn": fn}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--misses", type=int, default=0, help="print up to this many lookups that went wrong")
    args = parser.parse_args()

    lookups = [json.loads(line) for line in (args.data / "lookups.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "vigil-data", database_url="")
        with Store.open(settings) as store:
            started = time.perf_counter()
            report = ingest_input(store, args.data / "ads.jsonl", fmt="jsonl", source="find_eval")
            engine = create_engine(settings, name="local", workers=1)
            try:
                analyze_store(store, build_pipeline(settings), engine)
            finally:
                engine.close()
            loaded = time.perf_counter()
            reader = IdentifierReader()
            totals = [0, 0, 0]
            by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
            refused: list[str] = []
            wrong: list[dict[str, Any]] = []
            for lookup in lookups:
                expected = set(lookup["expected"])
                try:
                    found = {m.id for m in find_documents(store, reader(lookup["query"]))}
                except InputError:
                    refused.append(lookup["query"])
                    found = set()
                counts = (len(found & expected), len(found - expected), len(expected - found))
                for i, n in enumerate(counts):
                    totals[i] += n
                    by_kind[lookup["kind"]][i] += n
                if counts[1] or counts[2]:
                    wrong.append({"query": lookup["query"], "kind": lookup["kind"], "missed": sorted(expected - found), "extra": sorted(found - expected)})
            looked_up = time.perf_counter()
    print(json.dumps({
        "data": str(args.data),
        "ads": report.accepted,
        "rejected": report.rejected,
        "lookups": len(lookups),
        "micro": _scores(*totals),
        "by_kind": {kind: _scores(*counts) for kind, counts in sorted(by_kind.items())},
        "lookups_fully_right": len(lookups) - len(wrong),
        "refused_as_not_identifier": len(refused),
        "seconds": {"ingest_and_analyse": round(loaded - started, 2), "lookups": round(looked_up - loaded, 3)},
    }, indent=2))
    for item in wrong[: args.misses]:
        print(json.dumps(item, ensure_ascii=False))


if __name__ == "__main__":
    main()

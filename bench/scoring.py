"""What risk scoring adds to the time of `vigil analyze`: the same documents with scoring on and off.

    .venv/bin/python bench/scoring.py [--repeat 3] [--emscad N]

Documents: the labelled multilingual set (short ads) plus N EMSCAD job ads (long English
ads, where the text model does the most work) when the EMSCAD copy is present. Each pass
runs the full pipeline (normalization, language, entities, indicators), alternating with
and without scoring in chunks of 20 documents so a busy shared machine slows both alike;
reported as the median of ``--repeat`` passes in CPU seconds, both as the whole pipeline with
and without scoring and as the scorer calls alone. Goal: scoring adds at most 20%.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def documents(emscad_rows: int) -> list[object]:
    from vigil.scoring.emscad import load_examples
    from vigil.scoring.evaluate import read_labelled

    docs: list[object] = [doc for doc, _ in read_labelled(ROOT / "tests" / "data" / "risk_labelled.jsonl")]
    emscad = ROOT.parent / "shared" / "data" / "emscad"
    if emscad_rows and emscad.is_dir():
        docs.extend(ex.document for ex in load_examples(emscad)[:emscad_rows])
    return docs


CHUNK = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--emscad", type=int, default=300, help="EMSCAD rows to add (0 for none)")
    args = parser.parse_args()

    from vigil.pipeline import build_pipeline

    docs = documents(args.emscad)
    with_scoring = build_pipeline()
    scorer = with_scoring.scorer
    if scorer is None:
        sys.exit("the pipeline has no scorer: nothing to compare")
    without = copy.copy(with_scoring)
    without.scorer = None
    analyses = [without.run(doc) for doc in docs]  # warm caches; inputs of the scorer-only pass
    contracts = [a.to_contract() for a in analyses]

    off_runs: list[float] = []
    on_runs: list[float] = []
    score_runs: list[float] = []
    for _ in range(args.repeat):
        off = on = alone = 0.0
        # Alternate in small chunks so a burst of load on the shared machine hits both sides.
        for start in range(0, len(docs), CHUNK):
            chunk = docs[start : start + CHUNK]
            t = time.process_time()
            for doc in chunk:
                without.run(doc)
            off += time.process_time() - t
            t = time.process_time()
            for doc in chunk:
                with_scoring.run(doc)
            on += time.process_time() - t
            t = time.process_time()
            for doc, contract, analysis in zip(chunk, contracts[start:], analyses[start:], strict=False):
                scorer.score(doc, contract["indicators"], contract["entities"], analysis.lang)
            alone += time.process_time() - t
        off_runs.append(off)
        on_runs.append(on)
        score_runs.append(alone)
    off_s, on_s, alone_s = statistics.median(off_runs), statistics.median(on_runs), statistics.median(score_runs)
    print(
        f"documents: {len(docs)} (labelled multilingual ads, plus up to {args.emscad} EMSCAD job ads); median of {args.repeat} passes, CPU seconds"
    )
    print(f"analyze without scoring: {off_s:.2f} s ({1000 * off_s / len(docs):.2f} ms/doc)")
    print(
        f"analyze with scoring:    {on_s:.2f} s ({1000 * on_s / len(docs):.2f} ms/doc): {100 * (on_s / off_s - 1):+.1f}%"
    )
    print(
        f"scorer calls alone:      {alone_s:.2f} s ({1000 * alone_s / len(docs):.2f} ms/doc): {100 * alone_s / off_s:+.1f}% of analyze"
    )
    print("goal: scoring adds at most 20%")


if __name__ == "__main__":
    main()

"""Byte-identical output before and after a speed-up: analyses and query checks.

    .venv/bin/python bench/same_output.py save /tmp/vigil-before     # on the code before the change
    .venv/bin/python bench/same_output.py compare /tmp/vigil-before  # on the code after it

Writes (or compares against) one JSON line per input for:
- ``analysis.jsonl``: ``vigil.analyze`` over the ``vigil demo`` corpus, the planted linking
  corpus (``vigil.link.synthetic``), the golden test corpora (``tests/data``) and the
  independent ads of ``bench/data/find_eval``; each document once with its ``lang`` and
  once without it (language detection), and its title and text swapped;
- ``queries.jsonl``: the query check (``QueryChecker.check``, the JSON that ``vigil
  query-check`` prints) plus the classifier's full result (unrounded model scores, tokens)
  over ``bench/data/queries_fresh``, the labelled test queries and 100,000 distinct
  queries built from their words, each one on a fresh classifier's cold caches and again
  on warm ones.

``compare`` prints the first differing line of each file and exits non-zero on any.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = (
    "tests/data/indicators_golden.jsonl",
    "tests/data/indicators_heldout.jsonl",
    "tests/data/phones_golden.jsonl",
    "tests/data/risk_labelled.jsonl",
    "bench/data/find_eval/ads.jsonl",
)
QUERY_FILES = (
    "bench/data/queries_fresh/train.jsonl",
    "bench/data/queries_fresh/test.jsonl",
    "tests/data/queries_labelled.jsonl",
    "tests/data/queries_heldout.jsonl",
)
DOCUMENT_FIELDS = ("id", "text", "title", "kind", "platform", "url", "lang", "posted_at", "location")


def _jsonl(path: Path) -> list[Any]:
    # split on "\n" only: a JSON string written with ensure_ascii=False may hold U+2028
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def documents() -> Iterator[dict[str, Any]]:
    from vigil.demo import generate_corpus as demo_corpus
    from vigil.link.synthetic import generate_corpus as planted_corpus

    base: list[dict[str, Any]] = list(demo_corpus().documents)
    base += planted_corpus(3000, seed=11).documents
    for name in DOC_FILES:
        for row in _jsonl(ROOT / name):
            base.append({k: v for k, v in row.items() if k in DOCUMENT_FIELDS})
    for doc in base:
        yield doc
        if doc.get("lang"):
            yield {k: v for k, v in doc.items() if k != "lang"}
        if doc.get("title"):
            yield {**doc, "title": doc["text"], "text": doc["title"]}


def queries() -> list[str]:
    rows = [str(row["query"]) for name in QUERY_FILES for row in _jsonl(ROOT / name)]
    rng = random.Random(21)
    words = [w for q in rows for w in q.split()]
    made = {" ".join(rng.choice(words) for _ in range(rng.randint(1, 5))) for _ in range(110_000)}
    return rows + sorted(made)[:100_000]


def analysis_lines(docs: list[dict[str, Any]]) -> Iterator[str]:
    from vigil.pipeline import build_pipeline

    pipeline = build_pipeline(None)
    for doc in docs:
        yield json.dumps(pipeline(doc), ensure_ascii=False, sort_keys=True)


def query_lines(items: list[str]) -> Iterator[str]:
    from vigil.safeguard.classifier import QueryClassifier, load_default_rules
    from vigil.safeguard.decision import QueryChecker
    from vigil.safeguard.lexicon import load_default_lexicons
    from vigil.safeguard.model import load_default_model

    checker = QueryChecker(QueryClassifier(load_default_lexicons(), load_default_rules(), model=load_default_model()))
    for _round in ("cold", "warm"):
        for query in items:
            check = json.dumps(checker.check(query), ensure_ascii=False, sort_keys=True)
            yield f"{check}\t{checker.classifier.classify(query)!r}"


def save(folder: Path) -> None:
    """Write the inputs too: ``compare`` reads them back, so a later change to a corpus
    generator does not read as a change of output."""
    folder.mkdir(parents=True, exist_ok=True)
    inputs = {"documents.jsonl": list(documents()), "query_inputs.jsonl": queries()}
    for name, items in inputs.items():
        with (folder / name).open("w", encoding="utf-8", newline="\n") as out:
            out.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    for name, lines in _outputs(folder).items():
        digest = hashlib.sha256()
        count = 0
        with (folder / name).open("w", encoding="utf-8", newline="\n") as out:
            for line in lines:
                out.write(line + "\n")
                digest.update(line.encode("utf-8"))
                count += 1
        print(f"{name}: {count:,} lines, sha256 {digest.hexdigest()[:16]}")


def _outputs(folder: Path) -> dict[str, Iterator[str]]:
    docs = _jsonl(folder / "documents.jsonl")
    items = [str(query) for query in _jsonl(folder / "query_inputs.jsonl")]
    return {"analysis.jsonl": analysis_lines(docs), "queries.jsonl": query_lines(items)}


def compare(folder: Path, only: str | None = None) -> bool:
    same = True
    for name, lines in _outputs(folder).items():
        if only is not None and not name.startswith(only):
            continue
        with (folder / name).open(encoding="utf-8", newline="\n") as before:
            count = 0
            for count, (old, new) in enumerate(zip(before, lines, strict=True), start=1):
                if old.rstrip("\n") != new:
                    print(f"{name} line {count} differs:\n  before {old.rstrip()[:400]}\n  after  {new[:400]}")
                    same = False
                    break
            else:
                print(f"{name}: {count:,} lines identical")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--only", choices=("analysis", "queries"), help="compare one of the two outputs")
    args = parser.parse_args()
    if args.action == "save":
        save(args.folder)
    elif not compare(args.folder, args.only):
        sys.exit(1)


if __name__ == "__main__":
    main()

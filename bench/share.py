"""Identifier matching cost: 1,000,000 hashed identifiers against 1,000,000 (goal: under 10 seconds).

    .venv/bin/python bench/share.py [--size 1000000] [--overlap 1000] [--seed 7]

Both sides hold ``--size`` synthetic phones, e-mails and handles, ``--overlap`` of them in
common. The partner's side is hashed and written in the exchange format; the timed match
is what ``vigil share match`` does after reading our index: read and check the partner's
file, hash our identifiers under the secret, intersect. The floor is merely reading the
same file's lines; the figure is reported as a ratio to it. Exits 1 when the match finds
anything but exactly the planted overlap, or misses the goal.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from vigil.partners.matching import identifier_hash, intersect, read_hash_file, write_hashes

GOAL_SECONDS = 10.0
SECRET = b"bench-partnership-secret-32bytes"


def identifiers(rng: random.Random, count: int, tag: str) -> list[tuple[str, str]]:
    """Synthetic identifiers in the index's normal form, distinct within and across tags."""
    out: list[tuple[str, str]] = []
    for number in range(count):
        kind = ("phone", "email", "handle")[number % 3]
        if kind == "phone":
            value = f"+4{tag}{number:011d}"
        elif kind == "email":
            value = f"user{number}.{tag}@example.org"
        else:
            value = f"telegram:{tag}_{number}"
        out.append((kind, value))
    return out


def run(size: int, overlap: int, seed: int) -> dict[str, float | int | bool]:
    rng = random.Random(seed)
    common = identifiers(rng, overlap, "9")
    ours = identifiers(rng, size - overlap, "1") + common
    theirs = identifiers(rng, size - overlap, "2") + common
    with tempfile.TemporaryDirectory(prefix="vigil-share-bench-") as tmp:
        path = Path(tmp) / "theirs.hashes"
        with path.open("w", encoding="utf-8") as out:
            write_hashes(out, "bench", (identifier_hash(SECRET, k, v) for k, v in theirs))
        started = time.perf_counter()
        with path.open(encoding="utf-8") as lines:
            floor_lines = sum(1 for _ in lines)
        floor = time.perf_counter() - started

        started = time.perf_counter()
        cpu_started = time.process_time()
        found = read_hash_file(path)
        read = time.perf_counter() - started
        hashed_at = time.perf_counter()
        our_hashes = {identifier_hash(SECRET, k, v): (k, v) for k, v in ours}
        hashing = time.perf_counter() - hashed_at
        matched_at = time.perf_counter()
        matched = intersect(our_hashes, found.hashes)
        matching = time.perf_counter() - matched_at
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    exact = {our_hashes[h] for h in matched} == set(common) and not found.rejected
    return {"size": size, "overlap": overlap, "matched": len(matched), "exact": exact, "floor_lines": floor_lines,
            "floor_seconds": round(floor, 3), "read_seconds": round(read, 3), "hash_ours_seconds": round(hashing, 3),
            "intersect_seconds": round(matching, 3), "total_seconds": round(total, 3), "cpu_seconds": round(cpu, 3),
            "ratio_to_floor": round(total / floor, 1) if floor else 0.0, "goal_seconds": GOAL_SECONDS,
            "within_goal": total < GOAL_SECONDS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--overlap", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    result = run(args.size, min(args.overlap, args.size), args.seed)
    print(json.dumps(result))
    return 0 if result["exact"] and result["within_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())

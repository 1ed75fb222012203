"""MinHash signatures: datasketch (one document at a time) against Vigil's vectorised numpy version.

    .venv/bin/python bench/link_minhash.py --docs 5000 --shingles 60
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from datasketch import MinHash

from vigil.link.config import PERMUTATIONS
from vigil.link.minhash import ShingleBatch, signatures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--shingles", type=int, default=60)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    words = rng.integers(0, 10**9, size=(args.docs, args.shingles, 3))
    texts = [[" ".join(f"w{w}" for w in shingle).encode() for shingle in doc] for doc in words]

    started = time.process_time()
    for shingles in texts:
        sketch = MinHash(num_perm=PERMUTATIONS)
        sketch.update_batch(shingles)
    datasketch_s = time.process_time() - started

    hashes = rng.integers(0, 2**63, size=args.docs * args.shingles, dtype=np.uint64)
    doc = np.repeat(np.arange(args.docs, dtype=np.int32), args.shingles)
    started = time.process_time()
    signatures(ShingleBatch(args.docs, doc, hashes), 1)
    vectorised_s = time.process_time() - started

    print(json.dumps({
        "docs": args.docs,
        "shingles_per_doc": args.shingles,
        "permutations": PERMUTATIONS,
        "datasketch_us_per_doc": round(datasketch_s / args.docs * 1e6, 1),
        "vectorised_us_per_doc": round(vectorised_s / args.docs * 1e6, 1),
        "speedup": round(datasketch_s / vectorised_s, 1),
    }))


if __name__ == "__main__":
    main()

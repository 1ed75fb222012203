"""EMSCAD (Vidros et al. 2017) as labelled Vigil documents, merged, de-duplicated and grouped.

The mapping from a row to a document is the one the evaluation of Vigil uses: ``kind``
``job_ad``, ``lang`` ``en``, ``title``, ``text`` = company_profile, description,
requirements and benefits joined by blank lines (empty ones skipped), ``location``, and
``meta`` = the remaining columns, plus ``has_company_profile`` ("1" or "0"), since the
profile itself is merged into the text.

Families matter more than rows: EMSCAD frauds are heavily templated and one company's
legitimate ads share a profile, so a row split puts near-copies on both sides and
overstates quality. :func:`families` groups rows that share a company profile or whose
texts are near-duplicates (MinHash over word 5-shingles), and every split in Vigil is
by family.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from vigil.documents import Document
from vigil.errors import InputError
from vigil.link import minhash
from vigil.link.features import TokenHasher
from vigil.link.minhash import U32
from vigil.scoring.jobtext import mask_contacts

FRAUD_FILE: Final = "emscad_fraudulent.csv"
SAMPLE_FILE: Final = "emscad_sample_raw.csv"
#: Lower-cased, stop-word-stripped copy; not used for training (see docs/model-card-jobs.md).
PREPROCESSED_FILE: Final = "emscad_balanced_preprocessed.csv"
TEXT_COLUMNS: Final = ("company_profile", "description", "requirements", "benefits")
META_COLUMNS: Final = (
    "department",
    "salary_range",
    "telecommuting",
    "has_company_logo",
    "has_questions",
    "employment_type",
    "required_experience",
    "required_education",
    "industry",
    "function",
)
#: Share of fraudulent ads in the full EMSCAD (866 of 17,880), the base rate scores are shifted to.
EMSCAD_FRAUD_RATE: Final = 866 / 17880
_SHINGLE: Final = 5
#: EMSCAD has no slot tokens: every word shingle counts.
_NO_SLOTS: Final = np.zeros(0, dtype=np.uint32)
_SPACE: Final = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled document and the family it belongs to (filled by :func:`families`)."""

    document: Document
    fraudulent: bool
    company_profile: str


def row_to_document(row: dict[str, str], doc_id: str) -> Document:
    """Map one EMSCAD row to a document (the shared evaluation mapping)."""
    parts = [(row.get(col) or "").strip() for col in TEXT_COLUMNS]
    text = "\n\n".join(p for p in parts if p)
    meta = {col: row.get(col, "") for col in META_COLUMNS}
    meta["has_company_profile"] = "1" if (row.get("company_profile") or "").strip() else "0"
    return Document(
        id=doc_id,
        text=text,
        title=(row.get("title") or None),
        kind="job_ad",
        lang="en",
        location=(row.get("location") or None),
        meta=meta,
    )


def _read_rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(min(sys.maxsize, 1 << 30))
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)
    except FileNotFoundError as exc:
        raise InputError(f"EMSCAD file missing: {path}") from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read EMSCAD file {path}: {exc}") from exc


def _content_key(row: dict[str, str]) -> str:
    joined = "\x1f".join(_SPACE.sub(" ", (row.get(c) or "")).strip() for c in ("title", *TEXT_COLUMNS))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def load_examples(data_dir: Path) -> list[Example]:
    """All usable labelled rows: the fraud file, plus the raw sample without its repeated frauds.

    Exact repeats (same title and texts after whitespace folding) are kept once; the
    sample's frauds are all in the fraud file, so a sample fraud is kept only if its
    content is new.
    """
    if not data_dir.is_dir():
        raise InputError(f"EMSCAD data directory not found: {data_dir} (pass --data-dir, or set VIGIL_EMSCAD_DIR)")
    seen: set[str] = set()
    examples: list[Example] = []
    for row in _read_rows(data_dir / FRAUD_FILE):
        if row.get("fraudulent", "1").strip() != "1":
            continue
        key = _content_key(row)
        if key in seen:
            continue
        seen.add(key)
        examples.append(
            Example(row_to_document(row, f"emscad-f{row['source_row_id']}"), True, row.get("company_profile", ""))
        )
    for row in _read_rows(data_dir / SAMPLE_FILE):
        key = _content_key(row)
        if key in seen:
            continue
        seen.add(key)
        label = row.get("fraudulent", "0").strip() == "1"
        examples.append(
            Example(row_to_document(row, f"emscad-j{row['job_id']}"), label, row.get("company_profile", ""))
        )
    if not examples:
        raise InputError(f"no EMSCAD rows found in {data_dir}")
    return examples


def _word_tokens(text: str, hasher: TokenHasher) -> U32:
    return hasher.hash_all(mask_contacts(text).lower().split())


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def families(examples: Sequence[Example]) -> list[int]:
    """Family id per example: connected components of shared profile or near-duplicate text.

    Near-duplicates come from linking's MinHash LSH (word 5-shingles of the ad without its
    company profile; documents sharing a band key, the 16 x 4 layout whose knee is near
    Jaccard 0.5), so the grouping is not all-pairs.
    """
    uf = _UnionFind(len(examples))
    by_profile: dict[str, int] = {}
    for i, ex in enumerate(examples):
        profile = _SPACE.sub(" ", ex.company_profile).strip().lower()
        if profile:
            if profile in by_profile:
                uf.union(by_profile[profile], i)
            else:
                by_profile[profile] = i
    hasher = TokenHasher()
    tokens = []
    for ex in examples:
        body = ex.document.text
        if ex.company_profile.strip():
            body = body.replace(ex.company_profile.strip(), " ")
        tokens.append(_word_tokens(f"{ex.document.title or ''} {body}", hasher))
    batch = minhash.shingle_batch(tokens, _NO_SLOTS, _SHINGLE)
    positions, sigs = minhash.signatures(batch, 1)
    keys = minhash.band_keys(sigs)
    for band in range(keys.shape[1]):
        order = np.argsort(keys[:, band], kind="stable")
        ordered = keys[order, band]
        # one bucket is one run of equal keys; joining neighbours joins the whole run
        for at in np.flatnonzero(ordered[1:] == ordered[:-1]):
            uf.union(int(positions[order[at]]), int(positions[order[at + 1]]))
    roots: dict[int, int] = {}
    return [roots.setdefault(uf.find(i), len(roots)) for i in range(len(examples))]

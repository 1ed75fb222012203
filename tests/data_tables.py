"""The shipped data tables as rows, for the sweeps that run every row through analysis and the pages."""

from __future__ import annotations

from pathlib import Path

import yaml

from vigil.extract.language import SUPPORTED_LANGUAGES
from vigil.extract.resources import read_data_text

LEXICON_DIR = Path(__file__).resolve().parents[1] / "src" / "vigil" / "recognizers" / "lexicons"


def gazetteer_surfaces() -> list[str]:
    rows = (line.split("\t", 1)[0] for line in read_data_text("gazetteer.tsv").splitlines())
    return [row for row in rows if row and not row.startswith("#")]


def lexicon_terms() -> list[tuple[str, str]]:
    """``(language, literal text)`` for every phrase of every lexicon file (syntax made literal)."""
    out: list[tuple[str, str]] = []
    for path in sorted(LEXICON_DIR.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        lang = path.stem if path.stem in SUPPORTED_LANGUAGES else "en"
        for key in ("terms", "negations", "negations_after", "exclude", "context"):
            for entry in data.get(key) or ():
                phrase = entry.get("term") if isinstance(entry, dict) else entry
                if isinstance(phrase, str):
                    out.append((lang, _literal(phrase)))
        for pair in data.get("near") or ():
            words = [w for side in ("a", "b") for w in pair.get(side, ())]
            out.append((lang, _literal(" ".join(str(w) for w in words))))
    return out


def _literal(phrase: str) -> str:
    return phrase.replace("*", "").replace("~", " ").replace("#", "25").strip()



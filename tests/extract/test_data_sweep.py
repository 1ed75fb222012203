"""Every row of the shipped data tables goes through ``analyze``, in title and text, in every language.

One city name ("Bristol", through a gazetteer surface with a trailing apostrophe) once
crashed whole runs while every hand-picked test passed. These sweeps feed each place name of
the gazetteer and each lexicon term to the full pipeline at the start, middle and end of
the text and as the title (also upper-cased, where case folding can change lengths), and
check that nothing raises and that every piece of evidence is exactly the original text at
its offsets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from data_tables import gazetteer_surfaces, lexicon_terms
from vigil.extract.language import SUPPORTED_LANGUAGES
from vigil.pipeline import Pipeline

#: Places per sweep test: the gazetteer is cut into slices so a failure names its slice.
SLICES = 8


def _documents(values: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    for n, (lang, value) in enumerate(values):
        yield {
            "id": str(n),
            "title": value.upper() if n % 2 else value,
            "text": f"{value}, {value}. Kontakt {value}",
            "lang": lang,
            "kind": ("sex_ad", "job_ad", "other")[n % 3],
        }


def _check(pipeline: Pipeline, document: dict[str, Any]) -> None:
    try:
        analysis = pipeline(document)
    except Exception as exc:  # report the row that failed, not just the exception
        pytest.fail(f"analyze raised {exc.__class__.__name__} on {document!r}: {exc}")
    for hit in analysis["indicators"]:
        source = document["title"] if hit.get("field") == "title" else document["text"]
        assert source[hit["start"] : hit["end"]] == hit["evidence"], (document, hit)


@pytest.mark.parametrize("part", range(SLICES))
def test_every_place_name_analyses(pipeline: Pipeline, part: int) -> None:
    surfaces = gazetteer_surfaces()
    chosen = surfaces[part::SLICES]
    langs = SUPPORTED_LANGUAGES
    values = [(langs[(n * SLICES + part) % len(langs)], s) for n, s in enumerate(chosen)]
    for document in _documents(values):
        _check(pipeline, document)
    # The same names once more without a declared language (detection runs on them).
    for document in _documents(values[:: len(langs)]):
        document.pop("lang")
        _check(pipeline, document)


def test_every_lexicon_term_analyses_in_every_language(pipeline: Pipeline) -> None:
    terms = lexicon_terms()
    assert len(terms) > 5000, "the lexicon sweep found too few terms; has the layout changed?"
    for document in _documents(terms):
        _check(pipeline, document)
    langs = SUPPORTED_LANGUAGES
    others = [(langs[n % len(langs)], term) for n, (_lang, term) in enumerate(terms)]
    for document in _documents(others):
        _check(pipeline, document)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Girls in Bristol", id="bristol-end"),
        pytest.param("Irpin", id="irpin-alone"),
        pytest.param("Робота Бориспіль", id="boryspil-uk"),
        pytest.param("Arbeit in Kassel", id="kassel-de"),
        pytest.param("Lyon 3", id="lyon-digit"),
        pytest.param("Praca Toruń", id="torun-pl"),
        pytest.param("Работа Мариуполь", id="mariupol-ru"),
        pytest.param("Bristol'", id="apostrophe-surface"),
    ],
)
def test_place_at_end_of_text_keeps_exact_span(pipeline: Pipeline, text: str) -> None:
    result = pipeline.run({"id": "p", "text": text})
    places = [e for e in result.entities if e.kind == "locations"]
    assert places, text
    for place in places:
        assert text[place.start : place.end] == place.evidence
        assert place.evidence.strip() == place.evidence

from __future__ import annotations

from datetime import date

import pytest

from vigil.documents import parse_document
from vigil.trends.periods import Freq
from vigil.trends.report import collect_records
from vigil.trends.segments import build_segmenter, document_day


@pytest.fixture(scope="module")
def segmenter():  # type: ignore[no-untyped-def]
    return build_segmenter()


def test_segments_of_an_analysed_job_ad(segmenter) -> None:  # type: ignore[no-untyped-def]
    doc = parse_document(
        {
            "id": "1",
            "text": "Praca na budowie w Niemczech dla Ukrainek, zakwaterowanie zapewnione",
            "kind": "job_ad",
            "platform": " WorkBoard.example ",
            "lang": "pl",
            "posted_at": "2024-03-05T10:00:00Z",
            "location": "Kraków",
        }
    )
    analysis = {
        "lang": "pl",
        "kind": "job_ad",
        "indicators": [{"id": "travel_housing_provided"}, {"id": "targets_ukrainians"}, {"id": "targets_ukrainians"}],
        "entities": {"locations": ["Germany", "Berlin"]},
    }
    assert segmenter.segments(doc, analysis) == (
        "city:Berlin",
        "city:Kraków",
        "country:DE",
        "country:PL",
        "indicator:targets_ukrainians",
        "indicator:travel_housing_provided",
        "kind:job_ad",
        "lang:pl",
        "platform:workboard.example",
        "sector:construction",
        "term:ukrainian",
    )


def test_sectors_only_for_job_ads(segmenter) -> None:  # type: ignore[no-untyped-def]
    doc = parse_document({"id": "1", "text": "Hotel escort, models", "kind": "sex_ad", "lang": "en"})
    assert not [s for s in segmenter.segments(doc, None) if s.startswith("sector:")]


def test_posted_at_then_captured_at_then_undated() -> None:
    assert document_day(parse_document({"id": "a", "text": "t", "posted_at": "2024-01-02", "captured_at": "2024-02-01"})) == 19724
    assert document_day(parse_document({"id": "a", "text": "t", "captured_at": "2024-02-01T00:00:00+00:00"})) == 19754
    assert document_day(parse_document({"id": "a", "text": "t"})) is None


def test_collect_counts_undated_and_rejected(segmenter) -> None:  # type: ignore[no-untyped-def]
    from vigil.errors import InputError

    records = [
        (1, {"id": "a", "text": "Ukrainian girl", "posted_at": "2024-01-01", "kind": "sex_ad"}),
        (2, {"id": "b", "text": "no date"}),
        (3, InputError("not valid JSON")),
        (4, {"id": "c"}),
        (5, {"id": "d", "text": "x", "captured_at": "2024-01-08", "analysis": {"indicators": [{"id": "youth"}]}}),
    ]
    out = collect_records(records, segmenter, analyzer=None)
    assert (out.read, out.rejected, out.undated, len(out.builder)) == (5, 2, 1, 2)
    assert out.errors[0].startswith("line 3:") and "line 4: missing required field 'text'" in out.errors[1]
    table = out.builder.build(Freq.WEEK)
    assert table.period_starts() == [date(2024, 1, 1), date(2024, 1, 8)]
    assert list(table.row("term:ukrainian")) == [1.0, 0.0]
    assert list(table.row("indicator:youth")) == [0.0, 1.0]
    assert list(table.totals) == [1.0, 1.0]
    assert table.undated == 1

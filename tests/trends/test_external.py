from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from vigil.errors import FormatError, InputError
from vigil.trends.external import BELOW_ONE, add_external, parse_search_csv, read_search_csv
from vigil.trends.periods import Freq
from vigil.trends.series import SeriesBuilder

GOOGLE = """Category: All categories

Week,ukrainian escorts: (Worldwide)
2022-01-02,12
2022-01-09,<1
2022-01-16,0
"""


def test_google_trends_export() -> None:
    (series,) = parse_search_csv(GOOGLE, "multiTimeline.csv")
    assert series.segment == "search:ukrainian escorts"
    assert series.geo == "Worldwide"
    # Google weeks start on Sunday; each goes to the ISO week of its Monday.
    assert series.points == ((date(2022, 1, 3), 12.0), (date(2022, 1, 10), BELOW_ONE), (date(2022, 1, 17), 0.0))
    assert series.aggregate == "mean"


def test_google_trends_with_several_terms_and_bom() -> None:
    text = "\ufeffCategory: All categories\n\nDay,ukrainian porn: (Germany),ukrainian escorts: (Germany)\n2022-03-01,40,<1\n2022-03-02,60,3\n"
    first, second = parse_search_csv(text, "gt.csv")
    assert (first.term, first.geo, second.term) == ("ukrainian porn", "Germany", "ukrainian escorts")
    assert [v for _, v in second.points] == [BELOW_ONE, 3.0]


def test_plain_date_value_takes_the_file_name() -> None:
    (series,) = parse_search_csv("date,value\n2024-01-01,3\n2024-01-02,4\n\n", "ukrainian_escorts.csv")
    assert series.segment == "search:ukrainian escorts"
    assert series.aggregate == "sum"


def test_plain_named_value_column() -> None:
    (series,) = parse_search_csv("date,Refugee Jobs\n2024-01-01,3\n", "x.csv")
    assert series.term == "refugee jobs"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("date,value\n2024-01-01,3\n2024-01-xx,4\n", "x.csv:3: not a date"),
        ("date,value\n2024-01-01,three\n", "x.csv:2: not a number"),
        ("date,value\n2024-01-01,-1\n", "x.csv:2: value must be"),
        ("date,value\n2024-01-01,nan\n", "x.csv:2: value must be"),
        ("date,value\n2024-01-01,3,4\n", "x.csv:2: expected 2 columns, found 3"),
        ("date,value\n", "no data rows"),
        ("when,value\n2024-01-01,3\n", "x.csv:1: first column must be 'date'"),
        ("Category: All\n\nQuarter,x: (DE)\n2024-01-01,3\n", "x.csv:3: first column must be Week"),
        ("Category: All\n\nWeek,x: (DE)\n2024-01-07,4\n2024-01-14,\n", "x.csv:5: not a number"),
        ("Category: All\n", "needs a header"),
        ("value\n", "x.csv:1: expected a header"),
    ],
)
def test_malformed_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_search_csv(text, "x.csv")


def test_read_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_search_csv(tmp_path / "nope.csv")


def test_external_rows_join_the_table_and_widen_periods() -> None:
    builder = SeriesBuilder()
    for day in (19723, 19724, 19731):  # 2024-01-01, -02, -09
        builder.add(day, ["kind:sex_ad"])
    table = builder.build(Freq.WEEK)
    (search,) = parse_search_csv("Category: x\n\nWeek,q: (UA)\n2023-12-24,10\n2024-01-07,30\n2024-01-14,<1\n", "g.csv")
    merged = add_external(table, [search])
    assert merged.period_starts()[0] == date(2023, 12, 25)
    assert merged.segments[-1] == "search:q"
    row = merged.row("search:q")
    assert list(row[[0, 2, 3]]) == [10.0, 30.0, BELOW_ONE]
    assert np.isnan(row[1])  # no value that week: a gap, not a zero
    assert list(merged.row("kind:sex_ad")) == [0.0, 2.0, 1.0, 0.0]
    assert not merged.has_share[-1]

"""Input figures enter the model only with a source; malformed files are rejected clearly."""

from __future__ import annotations

import pytest

from model.facts import COLUMNS, DATA_DIR, fact, inputs, read_facts, source

HEADER = ",".join(COLUMNS)


def _write(tmp_path, *rows: str):
    path = tmp_path / "facts.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_every_input_figure_has_a_source_and_unit():
    table = inputs()
    assert table, f"no input figures in {DATA_DIR / 'inputs.csv'}"
    for (key, year), entry in table.items():
        assert entry.source.strip(), f"{key} ({year}) has no source"
        assert entry.unit.strip(), f"{key} ({year}) has no unit"


def test_fact_reads_a_year_or_the_earliest():
    assert fact("mean_wage", 2013) == 2609, "NBS 2013 mean wage"
    assert fact("mean_wage") == 1340, "earliest mean wage on file is 2008's"
    assert source("mean_wage").startswith("http"), "mean wage must cite a URL"


def test_unknown_key_or_year_is_a_key_error():
    with pytest.raises(KeyError, match="no input figure named 'wages'"):
        fact("wages")
    with pytest.raises(KeyError, match=r"has no year 1999; years on file: \[2008"):
        fact("mean_wage", 1999)


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        (("key,year,value,unit,source",), r"missing column\(s\) \['note'\]"),
        ((HEADER, "w,20x1,1,yuan,http://x,"), r"row 2: year='20x1' is not a whole number"),
        ((HEADER, "w,2011,abc,yuan,http://x,"), r"row 2: value='abc' is not a number"),
        ((HEADER, ",2011,1,yuan,http://x,"), r"row 2: key is empty"),
        ((HEADER, "w,2011,1,yuan,,"), r"row 2: source is empty for key 'w'"),
        ((HEADER, "w,2011,1,yuan,a,", "w,2011,2,yuan,b,"), r"row 3: duplicate entry for key 'w'"),
    ],
)
def test_malformed_files_are_rejected_naming_row_and_field(tmp_path, rows, match):
    with pytest.raises(ValueError, match=match):
        read_facts(_write(tmp_path, *rows))


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="no such facts file"):
        read_facts(tmp_path / "nope.csv")

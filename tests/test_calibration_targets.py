"""The targets file: its contents match facts.md section 5; bad files are rejected clearly."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.calibration.targets import (
    FIT_SIGMA,
    TARGETS_PATH,
    fitted,
    load_targets,
    moments,
    ordering_holds,
)

HEADER = "key,year,value,unit,source,note\n"
GOOD_ROWS = "".join(
    f"coverage_{s},{y},0.1,share,https://example.org,\n"
    for s in ("pension", "injury", "medical", "unemployment", "maternity")
    for y in (2011, 2012, 2013)
) + (
    "contract_share,2012,0.439,share,https://example.org,\n"
    "firms_min_base_share,2015,0.24,share of enterprises,https://example.org,\n"
)


def _file(tmp_path, extra: str = "", rows: str = GOOD_ROWS, header: str = HEADER):
    path = tmp_path / "targets.csv"
    path.write_text(header + rows + extra, encoding="utf-8")
    return path


def test_committed_targets_match_facts_section_5():
    targets = {(t.key, t.year): t.value for t in load_targets()}
    expected = {
        "pension": (0.139, 0.143, 0.157),
        "injury": (0.236, 0.240, 0.285),
        "medical": (0.167, 0.169, 0.176),
        "unemployment": (0.080, 0.084, 0.091),
        "maternity": (0.056, 0.061, 0.066),
    }
    for scheme, values in expected.items():
        for year, value in zip((2011, 2012, 2013), values, strict=True):
            got = targets[(f"coverage_{scheme}", year)]
            assert got == pytest.approx(value), f"{scheme} {year}: {got} vs facts.md {value}"
    assert targets[("contract_share", 2012)] == pytest.approx(0.439), "C6 2012 wrong"


def test_every_committed_target_has_a_url_and_fitted_ones_have_a_sigma():
    targets = load_targets()
    assert all(t.source.startswith("http") for t in targets), "every figure needs a source URL"
    keys = {t.key for t in fitted(targets)}
    assert keys == set(FIT_SIGMA), f"fitted keys {keys} differ from FIT_SIGMA"


def test_coverage_ordering_holds_in_the_data_every_year():
    targets = load_targets()
    for year in (2011, 2012, 2013):
        coverage = {
            t.key.removeprefix("coverage_"): t.value
            for t in targets
            if t.key.startswith("coverage_") and t.year == year
        }
        assert ordering_holds(coverage), f"C5 ordering must hold in the data for {year}"
    assert not ordering_holds(
        {"injury": 0.2, "medical": 0.3, "pension": 0.1, "unemployment": 0.05, "maternity": 0.01}
    ), "a swapped pair must break the ordering"


def test_good_file_loads_with_row_numbers(tmp_path):
    targets = load_targets(_file(tmp_path))
    assert len(targets) == 17, f"expected 17 rows, got {len(targets)}"
    assert targets[0].row == 2, "first data row is row 2 (after the header)"
    assert targets[-1].model_year == 2013, "a 2015 figure is compared with 2013, the last year"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("coverage_pension,2014,abc,share,https://x,\n", r"row 19: value='abc' is not a number"),
        ("coverage_pension,20x4,0.1,share,https://x,\n", r"row 19: year='20x4' is not a whole"),
        (
            "coverage_pension,2014,13.9,share,https://x,\n",
            r"row 19: value=13\.9 .*allowed \[0, 1\]",
        ),
        ("coverage_pensoin,2014,0.1,share,https://x,\n", r"row 19: key='coverage_pensoin' is not"),
        ("coverage_pension,2014,0.1,share,,\n", r"row 19: source is empty"),
        ("coverage_pension,2014,0.1,share,facts.md,\n", r"row 19: source='facts.md' must be a URL"),
        ("coverage_pension,2011,0.1,share,https://x,\n", r"row 19: duplicate entry"),
    ],
)
def test_bad_rows_are_rejected_naming_file_row_field_and_value(tmp_path, extra, message):
    path = _file(tmp_path, extra)
    with pytest.raises(ValueError, match=message) as info:
        load_targets(path)
    assert str(path) in str(info.value), f"the message must name the file: {info.value}"


def test_missing_column_year_and_file_are_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"missing column\(s\) \['source'\]"):
        load_targets(_file(tmp_path, header="key,year,value,unit,note\n", rows=""))
    rows = GOOD_ROWS.replace("coverage_maternity,2013,0.1,share,https://example.org,\n", "")
    with pytest.raises(ValueError, match=r"'coverage_maternity' lacks year\(s\) \[2013\]"):
        load_targets(_file(tmp_path, rows=rows))
    with pytest.raises(ValueError, match="no such facts file"):
        load_targets(tmp_path / "absent.csv")


def test_moments_are_yearly_means_of_the_right_columns():
    targets = [
        t for t in load_targets(TARGETS_PATH) if t.key in ("coverage_injury", "contract_share")
    ]
    months = range(0, 37)
    frame = pd.DataFrame(
        {
            "month": list(months),
            "year": [2011 + max(m - 1, 0) // 12 for m in months],
            **{
                c: [0.0] * 37
                for c in (
                    "frac_covered_pension",
                    "frac_covered_medical",
                    "frac_covered_unemployment",
                    "frac_covered_maternity",
                    "frac_firms_min_base",
                )
            },
            "frac_covered_injury": [9.0] + [0.1 * (1 + (m - 1) // 12) for m in months[1:]],
            "frac_contract": [0.5] * 37,
        }
    )
    values = moments([frame], targets)[0]
    by_label = dict(zip([t.label for t in targets], values, strict=True))
    assert by_label["coverage_injury_2011"] == pytest.approx(0.1), "month 0 must be left out"
    assert by_label["coverage_injury_2013"] == pytest.approx(0.3), "2013 = months 25-36"
    assert by_label["contract_share_2012"] == pytest.approx(0.5), "contract share column wrong"

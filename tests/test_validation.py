"""The validation report: its tables compute what they claim, and the report is written."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from experiments.calibration.targets import ORDERING, Target
from experiments.calibration.validation import (
    group_table,
    ordering_table,
    target_table,
    validate,
    yearly,
)
from experiments.calibration.validation_report import markdown_table, write_report
from model.codes import SCHEMES


def _per_run(shift: float) -> pd.DataFrame:
    """Yearly means of one fake run: coverage in the published order, plus ``shift``."""
    base = {
        "injury": 0.25,
        "medical": 0.17,
        "pension": 0.14,
        "unemployment": 0.08,
        "maternity": 0.06,
    }
    rows = {f"frac_covered_{s}": [base[s] + shift] * 3 for s in SCHEMES}
    rows.update(frac_contract=[0.43] * 3, frac_firms_min_base=[0.2] * 3)
    rows.update(effective_rate_employer=[0.1] * 3, inspection_rate=[0.2] * 3)
    return pd.DataFrame(rows, index=pd.Index([2011, 2012, 2013], name="year"))


def _target(key: str, year: int, value: float) -> Target:
    return Target(key, year, value, "share", "https://example.org", "", 2)


def test_target_table_gives_mean_interval_and_gap():
    runs = [_per_run(s) for s in (-0.01, 0.0, 0.01, 0.02)]
    table = target_table(
        [_target("coverage_injury", 2012, 0.24), _target("audit_underreported_share", 2016, 0.05)],
        runs,
    )
    row = table.iloc[0]
    assert row["model_mean"] == pytest.approx(0.255), "mean over runs"
    assert row["model_p05"] < row["model_mean"] < row["model_p95"], "90% interval brackets mean"
    assert row["gap_pp"] == pytest.approx(1.5), "gap = 100 * (model - data)"
    assert row["within_2pp"], "a 1.5 pp gap is within 2 pp"
    assert row["role"] == "fitted", "coverage targets are fitted"
    check = table.iloc[1]
    assert np.isnan(check["model_mean"]), "no model counterpart must stay empty, not 0"
    assert check["model_quantity"] == "see published responses: audit-yield", "say where it is"


def test_target_table_flags_a_miss_and_uses_the_last_year_for_later_figures():
    table = target_table([_target("firms_min_base_share", 2015, 0.24)], [_per_run(0.0)])
    assert table.iloc[0]["model_year"] == 2013, "a 2015 figure is compared with 2013"
    assert table.iloc[0]["gap_pp"] == pytest.approx(-4.0), "0.20 vs 0.24"
    assert not table.iloc[0]["within_2pp"], "a 4 pp gap is not within 2 pp"


def test_ordering_table_counts_runs_that_break_the_order():
    good = _per_run(0.0)
    bad = _per_run(0.0)
    bad.loc[2012, "frac_covered_maternity"] = 0.5  # maternity above everything in 2012
    table = ordering_table([good, good, good, bad]).set_index("year")
    assert table.loc[2011, "share_of_runs_holding"] == 1.0, "all runs hold in 2011"
    assert table.loc[2012, "share_of_runs_holding"] == 0.75, "one of four breaks it in 2012"
    assert table.loc[2011, "model_order"] == " > ".join(ORDERING), "order text"


def test_group_table_shares_and_intervals():
    rows = []
    for seed in (1, 2, 3):
        for month in (1, 2):
            for group, n, cov in (("east", 60, 0.3), ("west", 40, 0.1)):
                rows.append(
                    {
                        "seed": seed,
                        "month": month,
                        "year": 2011,
                        "by": "region",
                        "group": group,
                        "n_workers": n,
                        "n_employed": n,
                        **{f"frac_covered_{s}": cov + 0.01 * seed for s in SCHEMES},
                    }
                )
    table = group_table(pd.DataFrame(rows))
    east = table[(table["group"] == "east") & (table["scheme"] == "pension")].iloc[0]
    assert east["mean"] == pytest.approx(0.32), "mean over seeds of monthly means"
    assert east["p05"] <= east["mean"] <= east["p95"], "interval must bracket the mean"
    assert east["employed_share"] == pytest.approx(0.6), "employment share of the group"


def test_yearly_adds_effective_rate_and_inspection_rate():
    frame = pd.DataFrame(
        {
            "month": [1, 2],
            "year": [2011, 2011],
            "employer_contributions_yuan": [10.0, 30.0],
            "wage_bill_yuan": [100.0, 100.0],
            "n_inspections": [1, 3],
            "n_active_firms": [12, 12],
            **{
                c: [0.1, 0.1]
                for c in (
                    "frac_covered_pension",
                    "frac_covered_medical",
                    "frac_covered_injury",
                    "frac_covered_unemployment",
                    "frac_covered_maternity",
                    "frac_contract",
                    "frac_firms_min_base",
                    "frac_opted_out",
                    "frac_covered_any",
                )
            },
        }
    )
    out = yearly(frame)
    assert out.loc[2011, "effective_rate_employer"] == pytest.approx(0.2), "mean of 0.1, 0.3"
    assert out.loc[2011, "inspection_rate"] == pytest.approx(2.0), "12 * mean(1, 3) / 12"


def test_markdown_table_layout():
    text = markdown_table(pd.DataFrame({"a": [1.23456, np.nan], "b": ["x", "y"]}), digits=2)
    assert text.splitlines() == ["| a | b |", "|---|---|", "| 1.23 | x |", "|  | y |"], text


@pytest.mark.slow
def test_validate_writes_the_whole_report(tmp_path):
    preset = tmp_path / "small.toml"
    preset.write_text('detection_power = 0.1\nburn_in_months = 12\n\n[meta]\ncommand = "x"\n')
    result = validate(str(preset), replications=2, n_workers=2000, root_seed=3)
    folder = write_report(result, tmp_path / "report")
    for name in (
        "report.md",
        "report.html",
        "targets.png",
        "gaps.png",
        "groups.png",
        "targets.csv",
        "ordering.csv",
        "groups.csv",
        "manifest.json",
    ):
        assert (folder / name).stat().st_size > 0, f"{name} missing or empty"
    page = (folder / "report.html").read_text()
    assert page.count("src='data:image/png;base64,") == 3, "report.html embeds its 3 charts"
    assert not re.search(r"src=['\"](?!data:)", page), "report.html links no file: self-contained"
    text = (folder / "report.md").read_text()
    for label in ("coverage_injury_2013", "contract_share_2012", "Scheme ordering", "age band"):
        assert label in text, f"report lacks {label!r}"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seeds"] == result["info"]["seeds"], "manifest must record the seeds"
    assert len(manifest["seeds"]) == 2, "two replications, two seeds"
    groups = result["groups"]
    expected = {"industry", "region", "age_band", "sex", "firm_size", "contract"}
    assert set(groups["by"]) == expected, "all six breakdowns"
    drivers = result["drivers"]
    assert set(drivers["by"]) == {"industry", "region", "firm_size", "contract", "all"}, "drivers"
    named = drivers[drivers["by"] != "all"]["reason_pension"]
    assert named.str.contains("average").all(), "every group has a reason for its pension gap"
    assert (folder / "drivers.csv").is_file(), "drivers.csv written"

"""``tools/structure_report.py``: paired differences and the regional counterfactuals."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest

from model import UptakeModel, structure
from model.presets import load_preset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import structure_report as report


@pytest.fixture(scope="module")
def runs():
    params = load_preset("calibrated")
    return [report.run_one(params, seed, 3_000, 12) for seed in (1, 2, 3)]


def test_paired_differences_are_per_seed_differences(runs):
    table = report.paired_differences(runs)
    assert len(table) == len(report.PAIRS) * len(report.SHOWN), f"rows: {len(table)}"
    shares = report.per_run_shares(runs).set_index(["by", "group", "scheme", "run"])["share"]
    d = [
        100
        * (shares[("region", "east", "pension", r)] - shares[("region", "central", "pension", r)])
        for r in range(3)
    ]
    row = table[(table["pair"] == "east - central") & (table["scheme"] == "pension")].iloc[0]
    assert row["mean"] == pytest.approx(np.mean(d)), "mean is not the mean per-seed difference"
    assert row["se"] == pytest.approx(np.std(d, ddof=1) / np.sqrt(3)), "se is not sd / sqrt(runs)"
    assert row["min"] == pytest.approx(min(d)), "min is not the smallest per-seed difference"
    assert row["sd"] == pytest.approx(np.std(d, ddof=1)), "sd is not the per-seed sd"
    z = 2 + NormalDist().inv_cdf(0.8)
    need = max(2, math.ceil((z * np.std(d, ddof=1) / abs(np.mean(d))) ** 2))
    assert row["runs_80"] == pytest.approx(need, rel=1e-6), "not the 80%-power sample size"


@pytest.mark.parametrize("name", sorted(report.COUNTERFACTUALS))
def test_counterfactual_sets_one_input_to_one_and_puts_it_back(name):
    array = getattr(structure, report.COUNTERFACTUALS[name])
    before = array.copy()
    assert not np.allclose(before, 1.0), f"{name}: the input is already national"
    with report.counterfactual(name):
        np.testing.assert_array_equal(array, 1.0, err_msg=f"{name}: not set to 1")
    np.testing.assert_array_equal(array, before, err_msg=f"{name}: not restored")


def test_equal_floors_narrow_the_easts_handicap():
    # The East's floor is the highest: on the national floor its pension lead over the
    # Centre grows (same seeds, so the difference is the floor's).
    params = load_preset("calibrated")
    gaps = {}
    for name in (None, "equal-floors"):
        with report.counterfactual(name):
            runs = [report.run_one(params, seed, 10_000, 12) for seed in (5, 6)]
        table = report.paired_differences(runs)
        row = table[(table["pair"] == "east - central") & (table["scheme"] == "pension")]
        gaps[name] = float(row["mean"].iloc[0])
    assert gaps["equal-floors"] > gaps[None] + 0.5, f"East - Centre pension, points: {gaps}"


def test_lumpiness_table_reports_each_regions_largest_firm(runs):
    table = report.lumpiness_table(runs)
    assert list(table.index) == [0, 1, 2], table
    for r, run in enumerate(runs):
        for name in ("east", "central", "west"):
            share = table.loc[r, f"largest_firm_{name}"]
            assert share == pytest.approx(100 * run["largest_firm_share"][name]), (r, name)
            assert 0 < share <= 100, f"run {r}, {name}: {share}"
    shares = report.per_run_shares(runs).set_index(["by", "group", "scheme", "run"])["share"]
    assert table.loc[1, "pension_west"] == pytest.approx(
        100 * shares[("region", "west", "pension", 1)]
    )


def test_largest_firm_share_is_the_biggest_employer_over_the_region():
    model = UptakeModel(**{**load_preset("calibrated"), "n_workers": 2_000, "seed": 4})
    model.step()
    got = report.largest_firm_share(model)
    w, f = model.workers, model.firms
    employed = w.employer >= 0
    for r, name in enumerate(("east", "central", "west")):
        in_region = employed & (f.region[np.maximum(w.employer, 0)] == r)
        counts = np.bincount(w.employer[in_region])
        assert got[name] == pytest.approx(counts.max() / in_region.sum()), name


def test_paired_differences_of_one_run_give_the_gap_without_a_spread(runs):
    table = report.paired_differences(runs[:1])
    row = table[(table["pair"] == "east - central") & (table["scheme"] == "pension")].iloc[0]
    assert row["mean"] == pytest.approx(row["min"]), "one run: the mean is that run's gap"
    assert np.isnan(row["se"]), row
    assert np.isnan(row["runs_80"]), row

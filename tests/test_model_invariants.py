"""Invariants checked after every month: bounds, conservation, stock-flow accounting."""

from __future__ import annotations

import numpy as np
import pytest
from model_support import build, check_agents, check_frame, check_month, snapshot

from model import POLICIES, make_policy, sectors
from model.codes import SCHEMES

#: Every lever at a middling strength, stacked, starting in month 4 and some ending.
ALL_LEVERS = tuple(
    make_policy(lever, strength=cls.max_strength / 2, start=4, end=None if i % 2 else 15)
    for i, (lever, cls) in enumerate(POLICIES.items())
)

CASES = {
    "baseline": ((), {}),
    "all-levers": (ALL_LEVERS, {}),
    "churn": ((), {"turnover_per_year": 0.9, "share_moves_cross_region": 0.9}),
    "old-and-aware": ((), {"mean_age": 50.0, "awareness_mean": 0.95, "dispute_propensity": 0.5}),
    "heavy-enforcement": ((), {"inspection_rate_per_year": 6.0, "detection_power": 1.0}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_invariants_hold_every_month(case):
    policies, params = CASES[case]
    model = build(policies, seed=21, n_workers=1_500, **params)
    check_agents(model)
    for _ in range(18):
        before = snapshot(model)
        model.step()
        check_agents(model)
        check_month(model, before)
    check_frame(model)


def test_month_zero_has_no_flows_of_events():
    model = build(seed=3)
    row = model.results_frame().iloc[0]
    events = [c for c in row.index if c.startswith("new_")] + ["n_inspections", "n_detections"]
    assert not row[events].any(), f"month 0 records events: {row[events][row[events] > 0]}"
    assert row["subsidy_spending_yuan"] == 0, "month 0 records subsidy spending"


def test_calendar_columns_follow_the_months():
    model = build(seed=3, start_year=2015)
    for _ in range(14):
        model.step()
    df = model.results_frame()
    assert list(df["year"].iloc[[0, 1, 12, 13]]) == [2015, 2015, 2015, 2016], "years off"
    assert list(df["month_of_year"].iloc[[0, 1, 12, 13]]) == [0, 1, 12, 1], "months off"
    assert model.date() == "2016-02", f"date() of month 14 is {model.date()}"


def test_breakdowns_add_up_to_the_whole():
    model = build(seed=4)
    for _ in range(6):
        model.step()
    row = model.current
    for by in ("industry", "region", "age_band", "sex", "education", "origin"):
        table = model.breakdown(by)
        assert table[by].is_unique, f"breakdown by {by} repeats a group"
        assert table["n_workers"].sum() == row["n_workers"], f"{by}: workers do not add up"
        assert table["n_employed"].sum() == row["n_employed"], f"{by}: employed do not add up"
        for s in SCHEMES:
            covered = (table[f"frac_covered_{s}"] * table["n_employed"]).sum()
            assert covered == pytest.approx(row[f"n_covered_{s}"]), f"{by}: {s} cover off"
            assert table[f"frac_covered_{s}"].between(0, 1).all(), f"{by}: {s} share not in [0,1]"


def test_breakdown_rejects_unknown_grouping():
    with pytest.raises(ValueError, match=r"by='province'.*allowed"):
        build(seed=4).breakdown("province")


def test_start_population_matches_its_inputs():
    """The start state reproduces the inputs it is drawn from (large-sample checks)."""
    model = build(seed=2, n_workers=20_000, mean_age=36.4, mean_wage=2049.0, share_female=0.31)
    w = model.workers
    assert abs(float(w.age.mean()) - 36.4) < 0.5, f"mean age {w.age.mean():.2f}, asked 36.4"
    assert abs(float(w.female.mean()) - 0.31) < 0.02, f"share female {w.female.mean():.3f}"
    employed = w.employer >= 0
    mean_wage = float(w.wage[employed].mean())
    assert abs(mean_wage / 2049.0 - 1) < 0.1, f"start-year mean wage {mean_wage:.0f}, asked 2049"
    np.testing.assert_allclose(
        model.breakdown("region")["n_workers"] / w.n,
        sectors.WORK_SHARE,
        atol=0.02,
        err_msg="workers by region of work off the NBS shares",
    )


def test_worker_histories_add_up_to_the_recorded_flows():
    """Without retirements, per-worker counters equal the recorded totals (burn-in excluded)."""
    model = build(seed=6, mean_age=25.0, retirement_age_women=70, retirement_age_men=70)
    assert not model.workers.n_breaks.any(), "breaks from the unrecorded burn-in kept"
    for _ in range(12):
        model.step()
    row, w = model.current, model.workers
    assert row["cum_retirements"] == 0, "the test needs a population without retirements"
    assert w.n_breaks.sum() == row["cum_breaks"], "worker break counts != cum_breaks"
    assert w.n_disputes.sum() == row["cum_disputants"], "worker dispute counts != cum_disputants"

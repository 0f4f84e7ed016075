"""Published-response experiments: each statistic is computed as defined, verdicts follow.

The statistics are checked on small cases worked out by hand; the experiments on a
small model only for what they must do whatever the calibration (not for passing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.calibration import policy_validation as pv
from experiments.calibration import response_measures as rm
from model.codes import Scheme
from model.enforcement import inspection_probability
from model.presets import load_preset
from model.simulation import simulate

SEEDS = [101, 102]
N = 3_000


@pytest.fixture(scope="module")
def params():
    return load_preset("calibrated")


def test_month_of_counts_from_january_of_the_start_year():
    assert pv.month_of(2011, 1) == 1, "January 2011 is month 1"
    assert pv.month_of(2019, 5) == 101, "May 2019 is month 101"


def test_cash_outs_per_insured_is_the_mean_of_yearly_ratios():
    frame = pd.DataFrame(
        {
            "year": [2011, 2011, 2012, 2012],
            "new_cashouts": [1, 2, 0, 4],
            "n_covered_pension": [10, 30, 40, 40],
        }
    )
    # 2011: 3 cash-outs over 20 insured on average = 0.15; 2012: 4 / 40 = 0.10.
    got = rm.cash_outs_per_insured(frame)
    assert got == pytest.approx(0.125), f"mean of 0.15 and 0.10 expected, got {got}"


def test_rise_is_last_year_mean_minus_first_in_points():
    frame = pd.DataFrame(
        {"year": [2011, 2011, 2012, 2013, 2013], "x": [0.10, 0.12, 0.5, 0.13, 0.15]}
    )
    got = rm.rise(frame, "x")
    assert got == pytest.approx(3.0), f"0.14 - 0.11 = 3 points expected, got {got}"


def test_away_measures_pool_person_months_and_read_the_last_month():
    frame = pd.DataFrame(
        {
            "away_employed": [100.0, 300.0],
            "away_pension": [10.0, 50.0],
            "away_contrib_years": [80.0, 600.0],
        }
    )
    assert rm.away_coverage(frame) == pytest.approx(60 / 400), "person-months pooled"
    assert rm.away_contrib_years(frame) == pytest.approx(2.0), "600 years over 300 workers"


def test_audit_counts_match_a_hand_count():
    # Three firms audited with chance 0.5, 0 and 1; five workers, the last one between
    # jobs; worker 1 is insured but not under-reported, worker 3 not insured.
    audited_chance = np.array([0.5, 0.0, 1.0])
    employer = np.array([0, 0, 1, 2, 2, -1])
    insured = np.array([True, True, True, False, True, True])
    under = np.array([True, False, True, True, True, True])
    found, audited = rm.audit_counts(audited_chance, 0.2, employer, insured, under)
    # Insured and employed: workers 0, 1 (firm 0), 2 (firm 1), 4 (firm 2).
    assert audited == pytest.approx(0.5 + 0.5 + 0.0 + 1.0), f"audited {audited}"
    # Under-reported among them: 0 (0.5), 2 (0.0), 4 (1.0), each found with 0.2.
    assert found == pytest.approx(0.2 * 1.5), f"found {found}"


def test_audit_yield_counts_pension_insured_above_the_floor_at_floor_payers(params):
    model = simulate((), 6, **{**params, "n_workers": N, "seed": 5})
    found, audited = rm.audit_yield(model)
    w, f, p, lev = model.workers, model.firms, model.params, model.levers
    prob = inspection_probability(
        f,
        lev,
        p.burn_in_months + model.steps,
        p.honest_months,
        p.complaint_capacity_share,
        model.firm_terms,
    )
    floor = model.floor_of_region()
    by_hand_found = by_hand_audited = 0.0
    for i in range(w.n):  # one worker at a time, as the definition reads
        firm = int(w.employer[i])
        if firm < 0 or not (int(w.covered[i]) >> int(Scheme.PENSION)) & 1:
            continue
        by_hand_audited += prob[firm]
        if not f.full_base[firm] and w.wage[i] > floor[w.region[i]]:
            by_hand_found += lev.detection_power * prob[firm]
    assert audited == pytest.approx(by_hand_audited, rel=1e-9), "insured audited differ"
    assert found == pytest.approx(by_hand_found, rel=1e-9), "under-reported found differ"
    assert 0 < found < audited, f"a yield of {found / audited} is not a share in (0, 1)"


def test_result_passes_only_when_every_verdict_given_holds():
    def result(direction, size):
        return pv.Result("k", "e", "p", "s", "m", np.zeros(2), "c", direction, size)

    assert result(True, None).passed, "the one verdict given holds: pass"
    assert result(None, True).passed, "the one verdict given holds: pass"
    assert not result(True, False).passed, "a failed size verdict fails the experiment"
    assert not result(False, None).passed, "a failed direction verdict fails the experiment"
    assert not result(None, None).passed, "no verdict at all cannot pass"
    row = result(True, None).row()
    assert (row["pass_direction"], row["pass_size"]) == ("yes", "none"), row


def test_higher_rates_lower_pension_coverage_as_in_chengdu(params):
    result = pv.chengdu(params, SEEDS, N)
    assert result.values.shape == (2,), "one paired difference per seed"
    holds = bool(result.values.mean() < 0 and np.percentile(result.values, 95) < 0)
    assert result.direction == holds, "direction verdict is the stated criterion"
    assert result.size is None, "no published size for Chengdu"


def test_a_ban_year_past_the_run_lets_movers_cash_out(params):
    ban = pv.run_months(params, [], 5, N, 24)
    never = pv.run_months({**params, "cash_out_ban_year": pv.NEVER}, [], 5, N, 24)
    assert ban["new_cashouts"].sum() == 0, "cash-outs in 2011-12 despite the 2010 ban"
    assert never["new_cashouts"].sum() > 0, "no cash-outs without the ban: lever inert"


def test_transfer_rules_verdicts_follow_their_criteria(params):
    result = pv.transfer_rules_2010(params, SEEDS, N)
    low, high = pv.PRE_RULES_CASH_OUTS
    assert result.values.min() > 0, f"no cash-outs without the rules: {result.values}"
    assert result.size == bool(low <= result.values.mean() <= high), "size verdict"
    assert result.direction is not None, "the rules' direction is always judged"


def test_law_and_audit_verdicts_follow_their_criteria(params):
    table = pv.run_all(params, SEEDS, N, only=["law-2011", "audit-yield"]).set_index("key")
    law = table.loc["law-2011"]
    holds = law["model_mean"] > 0 and law["model_p05"] > 0
    assert law["pass_direction"] == ("yes" if holds else "no"), law
    assert law["pass_size"] == ("yes" if law["model_mean"] >= 0.5 else "no"), law
    audit = table.loc["audit-yield"]
    inside = pv.AUDIT_YIELD / 2 <= audit["model_mean"] <= 2 * pv.AUDIT_YIELD
    assert audit["pass_size"] == ("yes" if inside else "no"), audit
    assert audit["pass_direction"] == "none", "C14 is a level: no direction to judge"
    assert all(table["source"].str.len() > 0), "every experiment names its source"


def test_run_all_names_unknown_experiments(params):
    with pytest.raises(ValueError, match="unknown validation experiment"):
        pv.run_all(params, SEEDS, N, only=["chengdu"])

"""Published-response experiments: each statistic is computed as defined, verdicts follow.

The statistics are checked on small cases worked out by hand, the verdict rules on
constructed measures, and the experiments on a small model for what they must do:
responses whose sign was checked over several seeds at this size, and worlds where
nothing can respond (no detection power).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.calibration import policy_validation as pv
from experiments.calibration import response_measures as rm
from experiments.calibration import response_verdicts as rv
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
    # At 3,000 workers each of seeds 101-108 gave a change of -2.0 to -5.0 points:
    # the sign does not hang on the seeds chosen.
    result = pv.chengdu(params, SEEDS, N)
    assert result.values.shape == (2,), "one paired difference per seed"
    assert (result.values < 0).all(), f"statutory rates did not lower coverage: {result.values}"
    assert result.direction is True, "a negative change in every run must pass the direction"
    assert result.size is None, "no published size for Chengdu"


def test_a_ban_year_past_the_run_lets_movers_cash_out(params):
    ban = pv.run_months(params, [], 5, N, 24)
    never = pv.run_months({**params, "cash_out_ban_year": pv.NEVER}, [], 5, N, 24)
    assert ban["new_cashouts"].sum() == 0, "cash-outs in 2011-12 despite the 2010 ban"
    assert never["new_cashouts"].sum() > 0, "no cash-outs without the ban: lever inert"


def test_transfer_rules_measure_cash_outs_without_the_rules(params):
    # At 3,000 workers each of seeds 101-108 gave the rules +0.6 to +1.4 points of
    # coverage away from home, so the direction verdict does not hang on the seeds.
    result = pv.transfer_rules_2010(params, SEEDS, N)
    assert result.values.min() > 0, f"no cash-outs without the rules: {result.values}"
    assert result.direction is True, "the rules raised coverage away from home in every run"


def test_direction_verdicts_need_the_whole_interval_on_one_side():
    assert rv.surely_positive([0.5, 1.0, 2.0]), "all positive: direction holds"
    spread = [-3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]  # mean +0.6, 5th pct < 0
    assert not rv.surely_positive(spread), "a 5th percentile below 0 must fail"
    assert not rv.surely_positive([0.0, 0.0]), "no change is not a rise"
    assert rv.surely_negative([-2.0, -1.0]), "all negative: direction holds"
    assert not rv.surely_negative([-x for x in spread]), "a 95th percentile above 0 must fail"


def test_transfer_verdicts_on_constructed_measures():
    in_range, cover_up = [0.30, 0.32], [1.0, 1.2]
    assert rv.transfer_verdicts(in_range, cover_up) == (True, True), "both hold"
    assert rv.transfer_verdicts(in_range, [-0.5, -0.1]) == (False, True), "coverage fell"
    assert rv.transfer_verdicts([0.05, 0.07], cover_up) == (True, False), "below 0.19"
    assert rv.transfer_verdicts([0.50, 0.52], cover_up) == (True, False), "above 0.38"


def test_law_and_audit_verdicts_on_constructed_measures():
    assert rv.law_verdicts([0.6, 0.7]) == (True, True), "a share of 0.65 passes both"
    assert rv.law_verdicts([0.05, 0.1]) == (True, False), "0.075 is below half"
    assert rv.law_verdicts([-0.1, 0.9]) == (False, False), "a 5th percentile < 0 fails"
    assert rv.audit_size([0.05, 0.04]), "4.5% is within a factor of 2 of 4.8%"
    assert not rv.audit_size([0.02, 0.018]), "1.9% is below 2.4%"
    assert not rv.audit_size([0.10, 0.11]), "10.5% is above 9.5%"


def test_law_share_is_zero_when_no_inspection_finds_anything(params):
    # With detection_power 0 no evasion is found or fined: the Law's fines change nothing.
    table = pv.run_all({**params, "detection_power": 0.0}, SEEDS, N, only=["law-2011"])
    law = table.iloc[0]
    assert law["model_mean"] == 0.0, f"fines that are never imposed explained {law['model_mean']}"
    assert (law["pass_direction"], law["pass"]) == ("no", False), "no response cannot pass"


def test_an_audit_without_detection_power_finds_nobody(params):
    result = pv.audit({**params, "detection_power": 0.0}, SEEDS, N)
    assert (result.values == 0).all(), f"audits with detection_power 0 found {result.values}"
    assert result.size is False, "a yield of 0 is outside C14's factor of 2"
    assert result.direction is None, "C14 is a level: no direction to judge"
    assert result.source, "the experiment names its source"


def test_run_all_records_its_size_and_seed_root(params):
    table = pv.run_all(params, SEEDS, N, only=["chengdu-2011"], root_seed=7)
    row = table.iloc[0]
    assert (row["n_runs"], row["workers"], row["seed_root"]) == (2, N, 7), row.to_dict()


def test_run_all_names_unknown_experiments(params):
    with pytest.raises(ValueError, match="unknown validation experiment"):
        pv.run_all(params, SEEDS, N, only=["chengdu"])

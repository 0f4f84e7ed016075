"""Each mechanism's direction over paired seeds, and its limit cases.

Paired comparisons use the same seeds in both arms (common random numbers), so a
difference is the lever's effect and not sampling noise; the contrasts are wide
enough that the direction must hold seed by seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from model_support import PAIRED_SEEDS, build, frame, paired_means, paired_sums, run

from model.codes import Industry, Scheme


def _each_seed(low: np.ndarray, high: np.ndarray) -> str:
    return f"per seed {np.round(low, 4)} -> {np.round(high, 4)}"


# --- directions ------------------------------------------------------------------------
def test_more_inspections_raise_coverage():
    low, high = paired_means(
        "frac_covered_any", {"inspection_rate_per_year": 0.05}, {"inspection_rate_per_year": 1.0}
    )
    assert (high > low).all(), f"more inspections, less coverage: {_each_seed(low, high)}"


def test_more_inspections_raise_perceived_risk():
    low, high = paired_means(
        "mean_perceived_risk",
        {"inspection_rate_per_year": 0.05},
        {"inspection_rate_per_year": 1.0},
    )
    assert (high > 2 * low).all(), f"firms did not learn the higher risk: {_each_seed(low, high)}"


def test_worker_subsidy_raises_pension_coverage():
    low, high = paired_means(
        "frac_covered_pension", {"worker_subsidy_share": 0.0}, {"worker_subsidy_share": 1.0}
    )
    assert (high > low).all(), f"worker subsidy lowered pension cover: {_each_seed(low, high)}"


def test_worker_subsidy_lowers_opt_outs():
    low, high = paired_means(
        "frac_opted_out", {"worker_subsidy_share": 0.0}, {"worker_subsidy_share": 1.0}
    )
    assert (high < low).all(), f"worker subsidy raised opt-outs: {_each_seed(low, high)}"


def test_firm_subsidy_raises_coverage():
    # 8,000 workers: a few large firms off the agency's roll (who pay nothing until
    # detected) make coverage lumpy in smaller runs.
    low, high = paired_means(
        "frac_covered_any",
        {"firm_subsidy_share": 0.0},
        {"firm_subsidy_share": 1.0},
        n_workers=8_000,
    )
    assert (high > low).all(), f"firm subsidy lowered coverage: {_each_seed(low, high)}"


def test_higher_turnover_means_more_breaks():
    low, high = paired_means("new_breaks", {"turnover_per_year": 0.1}, {"turnover_per_year": 0.5})
    assert (high > low).all(), f"more turnover, fewer breaks: {_each_seed(low, high)}"


def test_cash_outs_only_before_the_2010_ban_and_never_with_portable_rights():
    # From 2009: cross-region movers may cash out (退保) until the ban of 2010-01-01.
    arms = {}
    for portability in (0.0, 1.0):
        frames = [frame(seed=s, start_year=2009, portability=portability) for s in PAIRED_SEEDS]
        arms[portability] = pd.concat(frames)
    before = arms[0.0][(arms[0.0]["year"] == 2009) & (arms[0.0]["month"] >= 1)]
    after = arms[0.0][arms[0.0]["year"] >= 2010]
    assert before["new_cashouts"].sum() > 0, "no cash-outs before the ban: the test has no power"
    assert after["new_cross_region_moves"].sum() > 0, "no moves after the ban: no power"
    assert after["new_cashouts"].sum() == 0, "cash-outs after 2010-01-01, when 退保 is banned"
    assert arms[1.0]["new_cashouts"].sum() == 0, "cash-outs although rights are fully portable"


def test_portability_raises_trust_and_pension_enrolment():
    low, high = paired_means("frac_covered_pension", {"portability": 0.0}, {"portability": 1.0})
    assert (high > low).all(), f"portable rights lowered pension cover: {_each_seed(low, high)}"


def test_awareness_raises_disputes_among_the_aggrieved():
    low_filed, high_filed = paired_sums(
        "new_disputants", {"awareness_mean": 0.1}, {"awareness_mean": 0.8}
    )
    low_aggrieved, high_aggrieved = paired_sums(
        "n_aggrieved", {"awareness_mean": 0.1}, {"awareness_mean": 0.8}
    )
    low, high = low_filed / low_aggrieved, high_filed / high_aggrieved
    assert high > 1.5 * low, f"filing rate among the uninsured/aggrieved {low:.3f} -> {high:.3f}"


def test_insurance_attaches_workers_to_their_firm():
    low, high = paired_means(
        "new_separations", {"insured_attachment": 0.0}, {"insured_attachment": 0.9}
    )
    assert (high < low).all(), f"attachment did not cut separations: {_each_seed(low, high)}"


def test_present_bias_drives_opt_outs():
    biased, patient = paired_means("frac_opted_out", {"present_bias": 0.1}, {"present_bias": 1.0})
    assert (patient < biased).all(), f"patience raised opt-outs: {_each_seed(biased, patient)}"


def test_unions_cut_separations():
    low, high = paired_means(
        "new_separations", {"share_union_firms": 0.0}, {"share_union_firms": 1.0}
    )
    assert (high < low).all(), f"unions raised separations: {_each_seed(low, high)}"


# --- limit cases -----------------------------------------------------------------------
def test_no_turnover_means_no_separations():
    df = frame(seed=1, turnover_per_year=0.0, project_months=1e9)
    assert (df["new_separations"] == 0).all(), "separations without turnover"
    assert (df["new_dismissals"] == 0).all(), "dismissals without turnover"


def test_no_inspection_capacity_and_no_complaint_inspections_mean_no_inspections():
    df = frame(seed=1, inspection_rate_per_year=0.0, complaint_inspection=0.0)
    assert (df["n_inspections"] == 0).all(), "inspections with zero capacity"
    assert (df["back_payments_yuan"] == 0).all(), "arrears collected without inspections"


def test_blind_inspections_detect_nothing():
    df = frame(seed=1, detection_power=0.0, inspection_rate_per_year=2.0)
    assert df["n_inspections"].sum() > 0, "no inspections: the test has no power"
    assert (df["n_detections"] == 0).all(), "detections with zero detection power"


def test_no_fines_without_a_fine_multiple():
    df = frame(seed=1, fine_multiple=0.0, inspection_rate_per_year=2.0)
    assert df["n_detections"].sum() > 0, "no detections: the test has no power"
    assert (df["fines_yuan"] == 0).all(), "fines imposed at a zero fine multiple"


def test_no_dispute_propensity_means_no_disputes():
    df = frame(seed=1, dispute_propensity=0.0)
    assert df["n_aggrieved"].sum() > 0, "nobody aggrieved: the test has no power"
    assert (df["new_disputes"] == 0).all(), "disputes filed with zero propensity"


def test_staying_in_region_means_no_moves_and_no_cash_outs():
    df = frame(seed=1, share_moves_cross_region=0.0)
    assert (df["new_cross_region_moves"] == 0).all(), "cross-region moves with a zero share"
    assert (df["new_cashouts"] == 0).all(), "cash-outs without moves"


def test_no_women_no_births():
    df = frame(seed=1, share_female=0.0)
    assert (df["new_births"] == 0).all(), "births in an all-male population"


def test_universal_compliance_covers_everyone_employed():
    full = {f"propensity_{s}": 10.0 for s in ("pension", "medical", "injury", "unemployment")}
    full |= {"propensity_maternity": 10.0, "declare_propensity": 10.0}
    full |= {"full_base_propensity": 10.0, "cost_sensitivity": 0.0, "enrol_propensity": 2.0}
    full |= {"share_unsupervised_firms": 0.0}  # firms off the agency's roll pay nothing
    model = run(seed=1, **full)
    df = model.results_frame()
    assert (df["frac_covered_any"] > 0.99).all(), f"coverage {df['frac_covered_any'].min():.3f}"
    assert (df["frac_opted_out"] == 0).all(), "opt-outs although enrolment is valued above cost"
    # Pension is universal except at labour crews, which can register for injury only.
    w, f = model.workers, model.firms
    employed = np.flatnonzero(w.employer >= 0)
    crew = ((f.industry == Industry.CONSTRUCTION) & ~f.formal)[w.employer[employed]]
    pension = (w.covered[employed] & np.uint8(1 << Scheme.PENSION)) != 0
    assert crew.sum() > 100, f"{crew.sum()} crew workers: the test has no power"
    assert pension[~crew].mean() > 0.99, f"pension at other firms: {pension[~crew].mean():.3f}"
    assert not pension[crew].any(), "a labour crew's worker has pension"


def test_universal_evasion_covers_nobody_and_uninsured_shocks_aggrieve():
    none = {f"propensity_{s}": -10.0 for s in ("pension", "medical", "injury", "unemployment")}
    none |= {"propensity_maternity": -10.0, "cost_sensitivity": 0.0}
    df = frame(seed=1, inspection_rate_per_year=0.0, complaint_inspection=0.0, **none)
    assert (df["frac_covered_any"] == 0).all(), "coverage although no firm pays any scheme"
    shocks = df[["new_injuries", "new_illnesses", "new_births"]].sum(axis=1)
    assert (df["n_aggrieved"] >= shocks).all(), "an uninsured shock did not aggrieve"


def test_key_firm_leniency_and_unsupervised_firms_escape_routine_inspection():
    model = run(
        seed=2, key_firm_leniency=1.0, complaint_inspection=0.0, inspection_rate_per_year=3.0
    )
    firms = model.firms_frame()
    assert firms["n_inspections"].sum() > 0, "no inspections: the test has no power"
    assert firms.loc[firms["key"], "n_inspections"].sum() == 0, "fully lenient key firm inspected"
    unsupervised = ~firms["supervised"]
    assert unsupervised.any(), "no unsupervised firm: the test has no power"
    assert firms.loc[unsupervised, "n_inspections"].sum() == 0, "unsupervised firm inspected"


def test_collective_disputes_need_enough_co_workers():
    loud = {"dispute_propensity": 0.5, "arrears_per_year": 0.3}
    together = frame(seed=1, collective_threshold=2, **loud)
    apart = frame(seed=1, collective_threshold=1000, **loud)
    assert together["new_collective_disputes"].sum() > 0, "no collective case at threshold 2"
    assert (apart["new_collective_disputes"] == 0).all(), "collective case below the threshold"
    assert (apart["new_disputes"] == apart["new_disputants"]).all(), (
        "without collective cases every disputant is one case"
    )


def test_a_retiree_vests_with_fifteen_years_of_contributions():
    from model.enrolment import VESTING_MONTHS, retirement_age

    model = build(seed=3, mean_age=52.0)
    model.workers.contrib_months[::2] = VESTING_MONTHS + 5  # half the workers have 15 years
    vested_total = 0
    for _ in range(12):
        w = model.workers
        retiring = w.age + np.float32(1.0 / 12.0) >= retirement_age(model.params, w.female)
        vested = int((w.contrib_months[retiring] >= VESTING_MONTHS).sum())
        model.step()
        assert model.current["new_retirements"] == retiring.sum(), "retirements miscounted"
        assert model.current["new_retirements_vested"] == vested, (
            f"{model.current['new_retirements_vested']} vested, but {vested} retirees had 15 years"
        )
        vested_total += vested
    assert 0 < vested_total < model.results_frame()["new_retirements"].sum(), (
        "the test needs both vested and unvested retirees"
    )


def test_a_dismissed_workers_contract_raises_her_filing():
    # Only dismissals aggrieve here (no arrears, illness, births or injuries), and
    # contracts make filing far likelier: the contract she had at the firm that
    # dismissed her must count, although separation ends it.
    only_dismissals = {
        "arrears_per_year": 0.0,
        "illness_per_year": 0.0,
        "births_per_year": 0.0,
        "injury_scale": 0.0,
        "share_dismissal": 1.0,
    }
    low, high = paired_sums(
        "new_disputants",
        {**only_dismissals, "contract_dispute_gain": 0.0},
        {**only_dismissals, "contract_dispute_gain": 20.0},
    )
    assert high > 1.2 * low, f"contracts of dismissed workers ignored: {low} -> {high} filers"


def test_workers_review_their_opt_out_when_hired_and_in_their_own_month(monkeypatch):
    """Deciders: this month's hires plus the rows whose number is the month mod 12."""
    from model import enrolment

    model = build(seed=5)
    seen: list[np.ndarray] = []
    original = enrolment.enrolment_utility

    def recording(w, rows, *args, **kwargs):
        seen.append(np.array(rows))
        return original(w, rows, *args, **kwargs)

    monkeypatch.setattr(enrolment, "enrolment_utility", recording)
    for _ in range(13):
        model.step()
        t = model.params.burn_in_months + model.month
        rows, w, f = seen[-1], model.workers, model.firms
        offered = (f.offers[w.employer[rows]] & enrolment.CONTRIBUTORY_BITS) != 0
        assert (w.employer[rows] >= 0).all(), "a decider without a job"
        assert offered.all(), "a decider without a contributory scheme offered"
        hired = w.ti_hired[rows] == t
        assert (rows[~hired] % 12 == t % 12).all(), f"month {t}: a worker out of her month"
        # Everyone eligible in her month decides (none skipped).
        own = np.arange(t % 12, w.n, 12)
        eligible = own[(w.employer[own] >= 0)]
        eligible = eligible[(f.offers[w.employer[eligible]] & enrolment.CONTRIBUTORY_BITS) != 0]
        assert np.isin(eligible, rows).all(), f"month {t}: eligible workers skipped"
        assert hired.any(), f"month {t}: no hire decided"

"""Small, cached model runs shared by the model tests (a helper module, not a test file).

Runs are small (a few thousand workers, a couple of years) so that the suite stays
fast on a shared machine; results are cached per argument set, so a baseline used
by several tests is simulated once.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from model import UptakeModel
from model.codes import Industry, Scheme
from model.policies import Policy

#: Parameters of a small test population (burn-in shortened; 20-worker firms as default).
SMALL: dict[str, Any] = {"n_workers": 2_000, "burn_in_months": 12}

#: Seeds used for paired comparisons (the same seeds in both arms: common random numbers).
PAIRED_SEEDS = (11, 12, 13, 14)


def build(policies: tuple[Policy, ...] = (), **params: Any) -> UptakeModel:
    """A fresh small model (``SMALL`` overridden by ``params``)."""
    return UptakeModel(policies=policies, **{**SMALL, **params})


@functools.lru_cache(maxsize=256)
def _run(months: int, policies: tuple[Policy, ...], items: tuple[tuple[str, Any], ...]):
    model = build(policies, **dict(items))
    for _ in range(months):
        model.step()
    return model


def run(months: int = 24, policies: tuple[Policy, ...] = (), **params: Any) -> UptakeModel:
    """A small model stepped ``months`` times (cached: do not step it further)."""
    return _run(months, tuple(policies), tuple(sorted(params.items())))


def frame(months: int = 24, policies: tuple[Policy, ...] = (), **params: Any) -> pd.DataFrame:
    """The results frame of :func:`run` (a copy)."""
    return run(months, policies, **params).results_frame()


def paired_means(
    column: str, low: dict[str, Any], high: dict[str, Any], months: int = 24, **common: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``column`` over months 1..``months`` in each arm, one value per paired seed."""
    a, b = [], []
    for seed in PAIRED_SEEDS:
        a.append(frame(months, seed=seed, **common, **low)[column].iloc[1:].mean())
        b.append(frame(months, seed=seed, **common, **high)[column].iloc[1:].mean())
    return np.array(a), np.array(b)


def paired_sums(
    column: str, low: dict[str, Any], high: dict[str, Any], months: int = 24, **common: Any
) -> tuple[float, float]:
    """Total of ``column`` over months 1..``months`` and all paired seeds, in each arm."""
    a, b = paired_means(column, low, high, months, **common)
    return float(a.sum() * months), float(b.sum() * months)


# --- invariants -------------------------------------------------------------------------
def snapshot(model: UptakeModel) -> dict[str, np.ndarray]:
    """Copies of the worker columns the per-month checks compare against."""
    w = model.workers
    return {
        "age": w.age.copy(),
        "covered": w.covered.copy(),
        "employer": w.employer.copy(),
        "contrib_months": w.contrib_months.copy(),
    }


def check_agents(model: UptakeModel) -> None:
    """State invariants of every worker and firm after a month."""
    from model.enrolment import CONTRIBUTORY_BITS, retirement_age

    w, f, p = model.workers, model.firms, model.params
    employed = w.employer >= 0
    assert w.employer.max() < f.n, "a worker's employer is not a firm row"
    assert not w.covered[~employed].any(), "a worker without a job is covered"
    assert (w.wage[employed] > 0).all(), "an employed worker has no wage"
    assert not w.wage[~employed].any(), "a worker between jobs has a wage"
    t = p.burn_in_months + model.steps
    emp = w.employer[employed]
    expected_wage = p.mean_wage * model.wage_index(t) * f.wage_level[emp] * w.skill[employed]
    np.testing.assert_allclose(
        w.wage[employed], expected_wage, rtol=1e-4, err_msg="wages do not follow the wage index"
    )
    np.testing.assert_array_equal(
        f.headcount, np.bincount(emp, minlength=f.n), err_msg="firm headcount != its workers"
    )
    # A worker takes her firm's industry and region (crews' leavers are looked for among
    # construction workers only, model.projects.end_projects, which relies on it).
    np.testing.assert_array_equal(
        w.industry[employed], f.industry[emp], err_msg="a worker's industry is not her firm's"
    )
    np.testing.assert_array_equal(
        w.region[employed], f.region[emp], err_msg="a worker's region is not her firm's"
    )
    assert (w.age >= 16).all(), "a worker is younger than 16"
    assert (w.age < retirement_age(p, w.female)).all(), "a worker past retirement age works on"
    for name in ("awareness", "trust", "present_bias"):
        col = getattr(w, name)
        assert ((col >= 0) & (col <= 1)).all(), f"worker {name} outside [0, 1]"
    assert ((f.declared_share >= 0) & (f.declared_share <= 1)).all(), "declared share not in [0,1]"
    assert (f.perceived_risk >= 0).all(), "negative perceived inspection risk"
    # A firm pays the schemes it offers; a construction project insured by project pays injury.
    project = f.project_insured.view(np.uint8) * np.uint8(1 << Scheme.INJURY)
    offers = (f.offers | project)[np.maximum(w.employer, 0)]
    assert not (w.covered & ~offers).any(), "a worker is covered by a scheme her firm does not pay"
    assert not (w.covered[w.opted_out] & CONTRIBUTORY_BITS).any(), "opt-out still contributing"
    # A labour crew has no employer status: it can pay injury only (model.compliance).
    crew = (f.industry == Industry.CONSTRUCTION) & ~f.formal
    assert not (f.offers[crew] & ~np.uint8(1 << Scheme.INJURY)).any(), "a crew pays pension etc."
    assert (w.contrib_months >= 0).all(), "negative contribution months"
    assert not w.months_uncovered[~employed | (w.covered != 0)].any(), (
        "months without cover counted for a worker who is covered or not employed"
    )


def check_month(model: UptakeModel, before: dict[str, np.ndarray]) -> None:
    """Flows of the month just simulated against the state before it (see :func:`snapshot`)."""
    from model.codes import Scheme
    from model.enrolment import has

    w, row = model.workers, model.current
    replaced = w.age < before["age"]  # retirees' rows now hold young entrants
    assert row["new_retirements"] == row["new_entrants"] == replaced.sum(), (
        f"retirements {row['new_retirements']} / entrants {row['new_entrants']} != "
        f"{replaced.sum()} replaced rows"
    )
    stayed = ~replaced
    broke = stayed & (before["covered"] != 0) & (w.covered == 0)
    assert row["new_breaks"] == broke.sum(), (
        f"new_breaks={row['new_breaks']} but {broke.sum()} continuing workers lost all cover"
    )
    employed_before = before["employer"] >= 0
    expected_employed = (
        employed_before.sum()
        - (replaced & employed_before).sum()
        - row["new_separations"]
        + row["new_hires"]
    )
    assert row["n_employed"] == expected_employed, (
        f"n_employed={row['n_employed']} but stock-flow gives {expected_employed}"
    )
    paid = has(w.covered, Scheme.PENSION).astype(np.int32)
    old = before["contrib_months"].astype(np.int32)
    new = w.contrib_months.astype(np.int32)
    kept = stayed & (new == old + paid)
    cashed = stayed & ~kept & (new == paid) & (old > 0)
    assert (kept | cashed | replaced).all(), "contribution months changed by other than +1 or loss"
    assert cashed.sum() == row["new_cashouts"], (
        f"{cashed.sum()} workers lost their years but new_cashouts={row['new_cashouts']}"
    )


def check_frame(model: UptakeModel) -> None:
    """Invariants of the whole results frame (every recorded month)."""
    from model.codes import SCHEMES
    from model.outcomes import COUNTS, FLOWS, cum_name

    df = model.results_frame()
    n_firms = model.firms.n
    assert list(df["month"]) == list(range(len(df))), "months must be 0, 1, 2, ... in order"
    numeric = df.select_dtypes("number")
    assert np.isfinite(numeric.to_numpy(dtype=float)).all(), "non-finite outcome"
    for col in [c for c in df if c.startswith("frac_")]:
        assert df[col].between(0, 1).all(), (
            f"{col} outside [0, 1]: {df[col].min()}..{df[col].max()}"
        )
    assert (df["n_workers"] == model.params.n_workers).all(), "workers are not conserved"
    assert (df["n_employed"] <= df["n_workers"]).all(), "more employed than workers"
    for s in SCHEMES:
        assert (df[f"n_covered_{s}"] <= df["n_covered_any"]).all(), f"{s} covered > any covered"
    assert (df["n_covered_any"] + df["n_uncovered_employed"] == df["n_employed"]).all(), (
        "covered + uncovered employed != employed"
    )
    for k in FLOWS:
        np.testing.assert_allclose(
            df[cum_name(k)], df[k].cumsum(), rtol=1e-9, err_msg=f"{cum_name(k)} != cumsum({k})"
        )
        # firm_cost_yuan is a difference (contributions - firm subsidy + ...): with a full
        # employer subsidy it is 0 up to rounding of sums of ~1e10 yuan.
        tolerance = (
            1e-12 * df["employer_contributions_yuan"].abs().max() if k == "firm_cost_yuan" else 0
        )
        assert (df[k] >= -tolerance).all(), f"negative flow {k}: {df[k].min()}"
    for k in COUNTS:
        np.testing.assert_allclose(
            df[f"{k}_real"], df[k] * model.scale, rtol=1e-9, err_msg=f"{k}_real != {k} x scale"
        )
    chains = [
        ("new_collective_disputes", "new_disputes"),
        ("new_disputes", "new_disputants"),
        ("new_disputants", "n_aggrieved"),
        ("new_disputes_won", "new_disputants"),
        ("n_detections", "n_inspections"),
        ("new_retirements_vested", "new_retirements"),
        ("new_cashouts", "new_cross_region_moves"),
        ("new_cross_region_moves", "new_hires"),
        ("new_dismissals", "new_separations"),
    ]
    for small, big in chains:
        assert (df[small] <= df[big]).all(), f"{small} exceeds {big}"
    assert (df["n_inspections"] <= n_firms).all(), "more inspections than firms"
    assert (
        df["new_breaks"].iloc[1:].to_numpy() <= df["n_covered_any"].iloc[:-1].to_numpy()
    ).all(), "more breaks than workers covered the month before"
    parts = ["employer_contributions_yuan", "back_payments_yuan", "late_fees_yuan"]
    parts += ["fines_yuan", "compensation_yuan"]
    expected_cost = df[parts].sum(axis=1) - df["firm_subsidy_yuan"]
    np.testing.assert_allclose(
        df["firm_cost_yuan"], expected_cost, rtol=1e-9, err_msg="firm cost != its parts"
    )
    assert (df["firm_subsidy_yuan"] <= df["subsidy_spending_yuan"] * (1 + 1e-12)).all(), (
        "the firm's part of the subsidy exceeds all subsidy spending"
    )
    assert (df["employer_contributions_yuan"] <= df["contribution_income_yuan"]).all(), (
        "employer part exceeds total contributions"
    )
    dc = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    shared = [c for c in dc if c in df]
    assert len(shared) == dc.shape[1], "DataCollector has columns the results frame lacks"
    pd.testing.assert_frame_equal(
        dc[shared], df[shared], check_dtype=False, obj="DataCollector vs results_frame"
    )

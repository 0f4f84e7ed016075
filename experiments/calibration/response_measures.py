"""The statistics the published-response experiments compare with their sources.

Each function computes one quantity exactly as its source defines it, from a run's
monthly outcomes or from the agents of one month, so that the definitions can be
checked on small cases worked out by hand (``tests/test_policy_validation.py``).
The experiments themselves are in :mod:`experiments.calibration.policy_validation`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import UptakeModel
from model.codes import Scheme
from model.enforcement import inspection_probability
from model.enrolment import has


def cash_outs_per_insured(frame: pd.DataFrame) -> float:
    """Yearly cash-outs per pension-insured worker, mean over the run's years.

    Per calendar year: the year's cash-outs (``new_cashouts`` summed over its months)
    over the year's mean number of pension-insured workers (``n_covered_pension``), as
    in the published ratios (Shenzhen 2007: 830,000 cash-outs of 4.3997m participants,
    facts.md 2.4). Returns the mean of the yearly ratios.
    """
    yearly = frame.groupby("year").agg(
        cash=("new_cashouts", "sum"), insured=("n_covered_pension", "mean")
    )
    return float((yearly["cash"] / yearly["insured"]).mean())


def rise(frame: pd.DataFrame, column: str) -> float:
    """Change of ``column``'s yearly mean from the first year to the last, in points (x100)."""
    yearly = frame.groupby("year")[column].mean()
    return float(100.0 * (yearly.iloc[-1] - yearly.iloc[0]))


def away_from_home(model: UptakeModel) -> dict[str, float]:
    """Employed workers outside their region of origin: count, pension-insured, years.

    These are the workers whose pension rights must follow them when they move between
    regions (``model.enrolment``: ``portable`` applies to them only). Returns the
    number employed away (``away_employed``), how many of them have a pension paid
    this month (``away_pension``) and their contribution years in total
    (``away_contrib_years``).
    """
    w = model.workers
    away = (w.employer >= 0) & (w.region != w.origin)
    return {
        "away_employed": float(np.count_nonzero(away)),
        "away_pension": float(np.count_nonzero(away & has(w.covered, Scheme.PENSION))),
        "away_contrib_years": float(w.contrib_months[away].sum()) / 12.0,
    }


def away_coverage(frame: pd.DataFrame) -> float:
    """Pension-insured share of employed workers away from home over the run's months.

    Person-months: ``away_pension`` summed over months over ``away_employed`` summed
    over months (the columns of :func:`away_from_home`).
    """
    return float(frame["away_pension"].sum() / frame["away_employed"].sum())


def away_contrib_years(frame: pd.DataFrame) -> float:
    """Contribution years per employed worker away from home in the run's last month."""
    last = frame.iloc[-1]
    return float(last["away_contrib_years"] / last["away_employed"])


def audit_counts(
    firm_audited: np.ndarray,
    detection_power: float,
    employer: np.ndarray,
    insured: np.ndarray,
    under_reported: np.ndarray,
) -> tuple[float, float]:
    """Expected under-reported insured persons found and insured persons audited.

    C14's definition (facts.md 3.2): among the insured persons of the audited
    enterprises (141.85m in 2016), the person-times found under-reported (6.76m).
    Each insured worker of a firm counts with the chance that firm is audited; an
    under-reported one is found with ``detection_power`` more.

    Args:
        firm_audited: chance each firm is audited this month.
        detection_power: chance an audit finds the evasion it looks at.
        employer: firm row of each worker (-1 between jobs).
        insured: whether each worker is insured (counted in the denominator).
        under_reported: whether each worker's contributions are under-reported.

    Returns:
        (expected persons found under-reported, expected insured persons audited).
    """
    employed = employer >= 0
    chance = np.where(employed, firm_audited[np.maximum(employer, 0)], 0.0)
    counted = insured & employed
    audited = float(chance[counted].sum())
    found = float(detection_power * chance[counted & under_reported].sum())
    return found, audited


def audit_yield(model: UptakeModel) -> tuple[float, float]:
    """The model's C14 this month: (under-reported insured found, insured audited).

    Insured persons are the workers with a pension paid (the scheme whose contribution
    base the audits check person by person). One is under-reported when her employer
    pays on the floor base while her wage is above her region's floor: her base is
    then below her wage. (A worker on or below the floor is rightly paid on it, and an
    undeclared worker is not insured, so neither is counted as under-reported.) The
    chance a firm is audited this month is its inspection probability
    (:func:`model.enforcement.inspection_probability`).

    Called after the month has run (an ``on_month`` probe), so the month's own
    inspections are already done: firms detected this month have switched to the full
    base and count as compliant. Evasion found that month is missed, a small downward
    bias in the yield (at most this month's detections among the audited firms).
    """
    w, f, p, lev = model.workers, model.firms, model.params, model.levers
    t = p.burn_in_months + model.steps  # the internal clock of the month just run
    prob = inspection_probability(
        f, lev, t, p.honest_months, p.complaint_capacity_share, model.firm_terms
    )
    employer = w.employer
    on_floor = ~f.full_base[np.maximum(employer, 0)]
    above_floor = w.wage > model.floor_of_region()[w.region]
    under = on_floor & above_floor
    return audit_counts(prob, lev.detection_power, employer, has(w.covered, Scheme.PENSION), under)

"""Workers' enrolment choice and who is covered this month.

A worker whose employer offers and declares her may ask to opt out of the schemes
with an employee contribution (pension, medical, unemployment) for cash; injury
and maternity are employer-only and stay. She reconsiders when hired and once a
year, in her own month of the year (her row number modulo 12: rows carry no
order, so the months are spread evenly and at random over workers).
Present-biased comparison, all terms as shares of the wage:

    cost   = sum_employee_rates * base_ratio * (1 - worker subsidy)
             + cash_in_lieu_share * sum_employer_rates * base_ratio    (cash forgone)
    value  = beta * (0.3 + 0.7 * awareness) * age_factor
             * [pension_value_ratio * pension_rates * base_ratio * p_vest * (0.5 + 0.5 trust)
                + medical_value_ratio * medical_rates * base_ratio]
             + points_value * points_service_value * min(1, points / threshold)
    opt out if enrol_propensity + taste + value - cost < 0

``p_vest`` is the share of the 15 contribution years (Social Insurance Law art. 16)
reachable by retirement if half the remaining months are insured (assumption).
Coverage: bit s of ``covered`` is set when the worker has a job, the employer offers
s, her rank is inside the declared share, and she has not opted out of s.
"""

from __future__ import annotations

import numpy as np

from model.codes import EMPLOYEE_CONTRIBUTORY, Scheme
from model.labour_market import Jobs
from model.levers import Levers
from model.params import Params
from model.table import AgentTable

CONTRIBUTORY_BITS = np.uint8(sum(1 << s for s in EMPLOYEE_CONTRIBUTORY))
VESTING_MONTHS = 180  # Social Insurance Law art. 16: 15 years
FUTURE_COVER_SHARE = 0.5  # assumption: share of remaining months a worker expects insured


def retirement_age(p: Params, female: np.ndarray) -> np.ndarray:
    """Statutory retirement age of each worker, years (a lookup by sex: one pass)."""
    return np.array([p.retirement_age_men, p.retirement_age_women]).take(female.view(np.uint8))


def vesting_chance(p: Params, w: AgentTable, rows: np.ndarray) -> np.ndarray:
    """Reachable share of the 15-year vesting requirement, 0-1."""
    years_left = np.maximum(retirement_age(p, w.female[rows]) - w.age[rows], 0.0)
    reachable = w.contrib_months[rows] + 12.0 * years_left * FUTURE_COVER_SHARE
    return np.clip(reachable / VESTING_MONTHS, 0.0, 1.0)


def enrolment_utility(
    w: AgentTable, rows: np.ndarray, p: Params, levers: Levers, base_ratio: np.ndarray
) -> np.ndarray:
    """Net value of staying enrolled for workers ``rows`` (share of wage)."""
    employee_rates = (
        p.employee_rate_pension + p.employee_rate_medical + p.employee_rate_unemployment
    )
    employer_rates = (
        levers.employer_rate_pension + p.employer_rate_medical + p.employer_rate_unemployment
    )
    subsidy = levers.worker_subsidy_share
    if np.isfinite(levers.subsidy_cap) and subsidy > 0:
        own = employee_rates * base_ratio * w.wage[rows]
        subsidy = np.minimum(subsidy, levers.subsidy_cap / np.maximum(own, 1e-9))
    cost = employee_rates * base_ratio * (1.0 - subsidy) + (
        p.cash_in_lieu_share * employer_rates * base_ratio
    )
    age = w.age[rows]
    young = age < 30
    age_factor = np.where(young, p.young_discount, 1.0) * np.where(
        young & w.female[rows], p.young_women_discount, 1.0
    )
    pension = (
        p.pension_value_ratio
        * (p.employee_rate_pension + levers.employer_rate_pension)
        * base_ratio
        * vesting_chance(p, w, rows)
        * (0.5 + 0.5 * w.trust[rows])
    )
    medical = (
        p.medical_value_ratio * (p.employee_rate_medical + p.employer_rate_medical) * (base_ratio)
    )
    future = (
        w.present_bias[rows] * (0.3 + 0.7 * w.awareness[rows]) * age_factor * (pension + medical)
    )
    points = (
        levers.points_value
        * p.points_service_value
        * np.minimum(1.0, w.points[rows] / p.points_threshold_months)
    )
    return p.enrol_propensity + w.taste[rows] + future + points - cost


def choose(
    w: AgentTable,
    f: AgentTable,
    p: Params,
    levers: Levers,
    month: int,
    hires: np.ndarray,
    floor: float,
    jobs: Jobs,
) -> int:
    """Opt-out decisions of this month's ``hires`` and of the workers whose month it is.

    Only workers whose employer offers a contributory scheme decide. Returns their count.
    """
    phase = month % 12
    reviewing = np.arange(phase, w.n, 12)  # rows whose own month this is
    rows = np.concatenate([reviewing, hires[hires % 12 != phase]])
    offers_contributory = (f.offers & CONTRIBUTORY_BITS) != 0  # per firm
    firm = jobs.firm[rows]
    rows = rows[offers_contributory.take(firm) & jobs.employed[rows]]
    # The base over the wage: the floor at a firm that pays on the floor, else the wage
    # raised to the floor.
    floor_over_wage = floor / np.maximum(w.wage[rows], 1.0)
    full_base = f.full_base.take(jobs.firm[rows])
    base_ratio = np.where(full_base, np.maximum(1.0, floor_over_wage), floor_over_wage)
    w.opted_out[rows] = enrolment_utility(w, rows, p, levers, base_ratio) < 0
    return int(rows.size)


def coverage(w: AgentTable, f: AgentTable, jobs: Jobs) -> tuple[np.ndarray, dict[str, int]]:
    """Bitmask of schemes the employer pays for each worker this month.

    Returns:
        The bitmask per worker, and counts: ``n_declared`` (declared by an employer
        offering some scheme), ``n_offered`` (declared by an employer offering a
        contributory scheme) and ``n_opted_out`` (of those, opted out).
    """
    offers = f.offers.take(jobs.firm)
    declared = jobs.employed & (w.declare_rank < f.declared_share.take(jobs.firm))
    offered = declared & ((offers & CONTRIBUTORY_BITS) != 0)
    bits = offers * declared  # uint8
    counts = {
        "n_declared": np.count_nonzero(bits),
        "n_offered": np.count_nonzero(offered),
        "n_opted_out": np.count_nonzero(offered & w.opted_out),
    }
    # An opt-out clears the contributory bits: mask with ~CONTRIBUTORY_BITS where opted out.
    bits &= ~(w.opted_out.view(np.uint8) * CONTRIBUTORY_BITS)
    return bits, counts


def has(covered: np.ndarray, scheme: Scheme) -> np.ndarray:
    """Boolean array: scheme bit set."""
    return (covered & np.uint8(1 << scheme)) != 0

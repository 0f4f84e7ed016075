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
             * [pension_value_ratio * pension_rates * base_ratio * p_vest * portable
                + medical_value_ratio * medical_rates * base_ratio]
             + points_value * points_service_value * min(1, points / threshold)
    hometown = hometown_pension_value * [enrolled in the hometown resident pension]
    opt out if enrol_propensity + taste + value - cost - hometown < 0

``p_vest`` is the share of the 15 contribution years (Social Insurance Law art. 16)
reachable by retirement if half the remaining months are insured (assumption);
``portable`` = 0.5 + 0.5 trust for a worker away from her region of origin, 1 for
one at home; the base ratio uses her region's floor; who is in the hometown scheme is
in :mod:`model.hometown`. Coverage: bit s of ``covered`` is set when the worker has a
job, the employer offers s, her rank is inside the declared share, and she has not
opted out of s; a worker on a construction project insured by project has injury.
"""

from __future__ import annotations

import numpy as np

from model.codes import EMPLOYEE_CONTRIBUTORY, Scheme
from model.labour_market import Jobs, by_slot
from model.levers import Levers
from model.params import Params
from model.table import AgentTable

CONTRIBUTORY_BITS = np.uint8(sum(1 << s for s in EMPLOYEE_CONTRIBUTORY))
VESTING_MONTHS = 180  # Social Insurance Law art. 16: 15 years
FUTURE_COVER_SHARE = 0.5  # assumption: share of remaining months a worker expects insured


def retirement_age(p: Params, female: np.ndarray) -> np.ndarray:
    """Statutory retirement age of each worker, years (``female``: a bool array)."""
    return np.array([p.retirement_age_men, p.retirement_age_women]).take(female.view(np.uint8))


def vesting_chance(p: Params, w: AgentTable, rows: np.ndarray) -> np.ndarray:
    """Reachable share of the 15-year vesting requirement, 0-1."""
    years_left = np.maximum(retirement_age(p, w.female[rows]) - w.age[rows], 0.0)
    reachable = w.contrib_months[rows] + (12.0 * FUTURE_COVER_SHARE) * years_left
    return np.minimum(reachable * (1.0 / VESTING_MONTHS), 1.0)


def enrolment_utility(
    w: AgentTable,
    rows: np.ndarray,
    p: Params,
    levers: Levers,
    base_ratio: np.ndarray,
    hometown_share: float = 0.0,
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
    # Per yuan of base: own contributions kept (net of subsidy) and employer cash forgone.
    cost = employee_rates * (1.0 - subsidy) + p.cash_in_lieu_share * employer_rates
    # Age factor: 1 from 30, young_discount below, times young_women_discount for women.
    young = (w.age[rows] < 30).view(np.uint8)
    age_case = young * (np.uint8(1) + w.female[rows].view(np.uint8))
    age_factor = np.array([1.0, p.young_discount, p.young_discount * p.young_women_discount]).take(
        age_case
    )
    # Only a worker away from her home region needs her rights to follow her (trust).
    away = w.region[rows] != w.origin[rows]
    portable = np.where(away, 0.5 + 0.5 * w.trust[rows], 1.0)
    pension = (p.pension_value_ratio * (p.employee_rate_pension + levers.employer_rate_pension)) * (
        vesting_chance(p, w, rows) * portable
    )
    medical = p.medical_value_ratio * (p.employee_rate_medical + p.employer_rate_medical)
    weight = w.present_bias[rows] * (0.3 + 0.7 * w.awareness[rows]) * age_factor
    utility = (weight * (pension + medical) - cost) * base_ratio
    utility += w.taste[rows] + p.enrol_propensity
    # A worker in her hometown resident pension gives it up by joining (model/hometown.py).
    utility -= p.hometown_pension_value * (w.hometown_rank[rows] < hometown_share)
    if levers.points_value:
        utility += (levers.points_value * p.points_service_value) * np.minimum(
            1.0, w.points[rows] / p.points_threshold_months
        )
    return utility


def start_jobs(w: AgentTable, hires: np.ndarray) -> None:
    """This month's ``hires`` start with no opt-out: they decide this month (:func:`choose`)."""
    w.opted_out[hires] = False


def choose(
    w: AgentTable,
    f: AgentTable,
    p: Params,
    levers: Levers,
    month: int,
    *,
    hires: np.ndarray,
    floor: np.ndarray,
    jobs: Jobs,
    hometown_share: float = 0.0,
) -> int:
    """Opt-out decisions of this month's ``hires`` and of the workers whose month it is.

    Only workers whose employer offers a contributory scheme decide. ``floor`` is the
    contribution floor of each region (yuan/month, by region code); ``hometown_share``
    the share of workers (by ``hometown_rank``) in their hometown resident pension.
    Returns the number of workers who decided.
    """
    phase = month % 12
    reviewing = np.arange(phase, w.n, 12)  # rows whose own month this is
    rows = np.concatenate([reviewing, hires[hires % 12 != phase]])
    offers_contributory = by_slot((f.offers & CONTRIBUTORY_BITS) != 0, False)
    rows = rows[offers_contributory.take(jobs.slot[rows])]
    # The base over the wage: the floor at a firm that pays on the floor, else the wage
    # raised to the floor.
    floor_over_wage = floor.take(w.region[rows]) / np.maximum(w.wage[rows], 1.0)
    full_base = f.full_base.take(jobs.slot[rows] - 1)
    base_ratio = np.where(full_base, np.maximum(1.0, floor_over_wage), floor_over_wage)
    utility = enrolment_utility(w, rows, p, levers, base_ratio, hometown_share)
    w.opted_out[rows] = utility < 0
    return int(rows.size)


def coverage(w: AgentTable, f: AgentTable, jobs: Jobs) -> tuple[np.ndarray, dict[str, int]]:
    """Bitmask of schemes the employer pays for each worker this month.

    Returns:
        The bitmask per worker, and counts: ``n_declared`` (declared by an employer
        offering some scheme), ``n_offered`` (declared by an employer offering a
        contributory scheme) and ``n_opted_out`` (of those, opted out).
    """
    offers = by_slot(f.offers, 0).take(jobs.slot)
    # declare_rank >= 0, so nobody is declared by the 'no firm' slot's share of -1.
    declared = w.declare_rank < by_slot(f.declared_share, -1.0).take(jobs.slot)
    bits = offers * declared  # uint8
    if f.project_insured.any():  # injury insurance by project covers everyone on the project
        project = f.project_insured.view(np.uint8) * np.uint8(1 << Scheme.INJURY)
        bits |= by_slot(project, 0).take(jobs.slot)
    offered = declared & ((offers & CONTRIBUTORY_BITS) != 0)
    counts = {
        "n_declared": np.count_nonzero(bits),
        "n_offered": np.count_nonzero(offered),
        "n_opted_out": np.count_nonzero(offered & w.opted_out),
    }
    # An opt-out clears the contributory bits: mask with ~CONTRIBUTORY_BITS where opted out.
    bits &= ~(w.opted_out.view(np.uint8) * CONTRIBUTORY_BITS)
    return bits, counts


def set_coverage(w: AgentTable, f: AgentTable, jobs: Jobs) -> dict[str, int]:
    """Write this month's coverage bitmask into ``w.covered``; return :func:`coverage`'s counts."""
    w.covered[:], counts = coverage(w, f, jobs)
    return counts


def has(covered: np.ndarray, scheme: Scheme) -> np.ndarray:
    """Boolean array: scheme bit set."""
    return (covered & np.uint8(1 << scheme)) != 0

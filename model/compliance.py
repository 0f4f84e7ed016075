"""Firms' compliance choices and their learning of detection risk.

A firm under review (a share ``firm_review_per_year / 12`` a month: inertia) weighs,
for each scheme s, the monthly saving from not paying it against the expected
penalty, both as shares of its wage bill:

    cost_s    = rate_s * base_ratio * (1 - firm subsidy)
    p_month   = perceived_risk / 12 * detection_power
    caught    = 1 - (1 - p_month)^lookback_months          (an evaded month is caught)
    penalty_s = caught * rate_s * base_ratio * (1 + late fee) * (1 + share_fined * fine)
    gain_s    = (cost_s - penalty_s) / margin
    reputation = p_month * reputation_cost / margin        (once, whatever is evaded)
    offer_s   = norm + publicity + propensity_s - cost_sensitivity * (gain_s - reputation) > 0

The declared share of headcount and the choice of the true wage (not the floor) as
the base follow the same logic. Perceived risk moves toward the firm's own and its
peers' (same industry and region) inspections this month (Korobow et al. 2007;
Hokamp & Pickhardt 2010, facts.md section 4).
"""

from __future__ import annotations

import numpy as np

from model import sectors
from model.codes import N_SCHEMES, Scheme
from model.levers import Levers
from model.params import Params
from model.table import AgentTable

PROPENSITY = (
    "propensity_pension",
    "propensity_medical",
    "propensity_injury",
    "propensity_unemployment",
    "propensity_maternity",
)
UNION_NORM = 0.3  # assumption: compliance norm shift of a unionised firm
BITS = (1 << np.arange(N_SCHEMES)).astype(np.uint8)


def employer_rates(p: Params, levers: Levers, industry: np.ndarray) -> np.ndarray:
    """Employer contribution rates, shape (len(industry), 5), share of base."""
    rates = np.empty((industry.size, N_SCHEMES), dtype=np.float64)
    rates[:, Scheme.PENSION] = levers.employer_rate_pension
    rates[:, Scheme.MEDICAL] = p.employer_rate_medical
    rates[:, Scheme.INJURY] = sectors.INDUSTRY_INJURY_RATE[industry] * p.injury_rate_scale
    rates[:, Scheme.UNEMPLOYMENT] = p.employer_rate_unemployment
    rates[:, Scheme.MATERNITY] = p.employer_rate_maternity
    return rates


def floor_ratio(p: Params, wage_level: np.ndarray) -> np.ndarray:
    """Contribution floor over the mean wage at wage level ``wage_level`` (both grow alike)."""
    floor = p.base_floor_share * p.local_average_wage
    return floor / (p.mean_wage * np.asarray(wage_level, dtype=np.float64))


def expected_penalty_factor(
    p: Params, levers: Levers, perceived_risk: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(chance an evaded month is caught, chance of detection this month)."""
    p_month = np.clip(perceived_risk / 12.0 * levers.detection_power, 0.0, 1.0)
    caught = 1.0 - (1.0 - p_month) ** p.lookback_months
    return caught, p_month


def decide(
    f: AgentTable,
    p: Params,
    levers: Levers,
    month: int,
    u_review: np.ndarray,
    review_all: bool = False,
    wage_index: float = 1.0,
) -> int:
    """Revise the offers, declared share and base of firms under review. Returns their count.

    ``wage_index`` is this month's nominal wage level relative to the start year; it
    turns a subsidy cap (yuan per worker a month) into a share of the contribution.
    """
    honest = (f.ti_detected >= 0) & (month - f.ti_detected < p.honest_months)
    p_review = 1.0 - np.exp(-p.firm_review_per_year / 12.0)
    review = np.flatnonzero(((u_review < p_review) | review_all) & ~honest)
    if review.size == 0:
        return 0
    rates = employer_rates(p, levers, f.industry[review])
    ratio = floor_ratio(p, f.wage_level[review])
    base_ratio = np.maximum(1.0, ratio)
    subsidy = levers.firm_subsidy_share
    if np.isfinite(levers.subsidy_cap) and subsidy > 0:
        per_worker = (
            rates.sum(axis=1) * base_ratio * p.mean_wage * wage_index * f.wage_level[review]
        )
        subsidy = np.minimum(subsidy, levers.subsidy_cap / np.maximum(per_worker, 1e-9))[:, None]
    cost = rates * base_ratio[:, None] * (1.0 - subsidy)
    caught, p_month = expected_penalty_factor(p, levers, f.perceived_risk[review])
    penalty_factor = (1.0 + p.late_fee_per_day * 30.0 * p.lookback_months / 2.0) * (
        1.0 + levers.share_fined * levers.fine_multiple
    )
    penalty = caught[:, None] * rates * base_ratio[:, None] * penalty_factor
    gain = (cost - penalty) / f.margin[review, None]
    # A published violator loses reputation once, whatever it evades (credit rating).
    reputation = p_month * levers.reputation_cost / f.margin[review]
    union = f.union_rank[review] < levers.share_union_firms
    norm = f.norm[review] + levers.firm_publicity + UNION_NORM * union
    propensity = np.array([getattr(p, name) for name in PROPENSITY])
    utility = (
        norm[:, None] + propensity[None, :] - p.cost_sensitivity * (gain - reputation[:, None])
    )
    offered = utility > 0
    f.offers[review] = (offered * BITS).sum(axis=1).astype(np.uint8)
    offered_gain = (gain * offered).sum(axis=1) - reputation * offered.any(axis=1)
    declare = norm + p.declare_propensity - p.cost_sensitivity * offered_gain
    f.declared_share[review] = np.where(offered.any(axis=1), 1.0 / (1.0 + np.exp(-declare)), 0.0)
    base_gain = (
        np.maximum(0.0, 1.0 - ratio)
        * (rates * offered).sum(axis=1)
        * (1.0 - caught * penalty_factor).clip(0.0)
        / f.margin[review]
    )
    f.full_base[review] = norm + p.full_base_propensity - p.cost_sensitivity * base_gain > 0
    return int(review.size)


def learn_risk(f: AgentTable, p: Params, inspected: np.ndarray) -> None:
    """Move perceived risk toward own and peers' inspections this month (annualised)."""
    cell = f.industry.astype(np.int32) * 3 + f.region
    n_cells = len(sectors.INDUSTRY_SHARE) * 3
    firms_in_cell = np.bincount(cell, minlength=n_cells)
    inspected_in_cell = np.bincount(cell, weights=inspected, minlength=n_cells)
    peer_rate = 12.0 * inspected_in_cell / np.maximum(firms_in_cell, 1)
    signal = (1.0 - p.peer_weight) * 12.0 * inspected + p.peer_weight * peer_rate[cell]
    f.perceived_risk[:] += p.risk_learning_rate * (signal - f.perceived_risk)

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
    shift     = law_norm_shift + firm_publicity                 (the Law's trend; campaigns)
    offer_s   = norm + shift + propensity_s - cost_sensitivity * (gain_s - reputation) > 0

The declared share of headcount and the choice of the true wage (not the floor) as
the base follow the same logic. Perceived risk moves toward the firm's own and its
peers' (same industry and region) inspections this month (Korobow et al. 2007;
Hokamp & Pickhardt 2010, facts.md section 4).

A labour crew (包工头: an informal construction firm, :func:`model.projects.crews`) has
no standing as an employer (不具备用工主体资格, 劳社部发〔2005〕12号 art. 4; the general
contractor bears the employer's liability for its workers), so it cannot register its
workers for the schemes an employer joins: pension, medical, unemployment and
maternity. Work injury is the exception: a project can be insured for injury
(按项目参保; tried in Beijing and Xiamen in 2005-2007, urged nationally by a MOLSS-MOC
notice of late 2006, made the rule by 人社部发〔2014〕103号). A crew's offers are masked to
:data:`CREW_SCHEMES`, and paying injury in full is full compliance for it.
"""

from __future__ import annotations

import numpy as np

from model import sectors, structure
from model.codes import N_SCHEMES, Scheme
from model.levers import Levers
from model.params import Params
from model.population import ALL_SCHEMES
from model.projects import crews
from model.table import AgentTable

PROPENSITY = (
    "propensity_pension",
    "propensity_medical",
    "propensity_injury",
    "propensity_unemployment",
    "propensity_maternity",
)
UNION_NORM = 0.3  # assumption: compliance norm shift of a unionised firm
BITS = (1 << np.arange(N_SCHEMES)).astype(np.uint8)  # scheme s -> bit s of ``offers``
#: The schemes a labour crew can pay: injury, by project (it cannot register as employer).
CREW_SCHEMES = np.uint8(1 << Scheme.INJURY)


def payable_schemes(f: AgentTable) -> np.ndarray:
    """Bitmask of the schemes each firm can register for: all, or injury for a crew."""
    return np.where(crews(f), CREW_SCHEMES, ALL_SCHEMES).astype(np.uint8)


def employer_rates(p: Params, levers: Levers, industry: np.ndarray) -> np.ndarray:
    """Employer contribution rates, shape (len(industry), 5), share of base."""
    rates = np.empty((industry.size, N_SCHEMES), dtype=np.float64)
    rates[:, Scheme.PENSION] = levers.employer_rate_pension
    rates[:, Scheme.MEDICAL] = p.employer_rate_medical
    rates[:, Scheme.INJURY] = sectors.INDUSTRY_INJURY_RATE[industry] * p.injury_rate_scale
    rates[:, Scheme.UNEMPLOYMENT] = p.employer_rate_unemployment
    rates[:, Scheme.MATERNITY] = p.employer_rate_maternity
    return rates


def local_floor(p: Params, region: np.ndarray) -> np.ndarray:
    """Contribution floor in each ``region`` at the 2011 wage level, yuan/month.

    ``base_floor_share`` of the previous year's local average wage (``regions.csv``).
    """
    ratio = structure.REGION_AVERAGE_WAGE_RATIO[region]
    return p.base_floor_share * p.local_average_wage * ratio


def floor_ratio(p: Params, wage_level: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Local contribution floor over the firm's mean wage (both grow alike)."""
    return local_floor(p, region) / (p.mean_wage * np.asarray(wage_level, dtype=np.float64))


def expected_penalty_factor(
    p: Params, levers: Levers, perceived_risk: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(chance an evaded month is caught, chance of detection this month)."""
    # Perceived risk and detection power are non-negative: only the upper bound can bind.
    p_month = np.minimum(perceived_risk * (levers.detection_power / 12.0), 1.0)
    caught = 1.0 - (1.0 - p_month) ** p.lookback_months
    return caught, p_month


def penalty_factor(p: Params, levers: Levers) -> float:
    """Expected payment per yuan of arrears found: late fee over the lookback, then a fine."""
    late = 1.0 + p.late_fee_per_day * 30.0 * p.lookback_months / 2.0
    return late * (1.0 + levers.share_fined * levers.fine_multiple)


class FirmTerms:
    """Per-firm quantities of the compliance and arrears arithmetic that no step changes.

    Wages and the contribution floor grow alike, so a firm's floor over its wages
    (``floor_ratio``) is fixed; employer rates change only with the pension rate lever.
    """

    def __init__(self, f: AgentTable, p: Params) -> None:
        """Compute the fixed terms for every firm."""
        self.p = p
        self.industry = f.industry
        ratio = floor_ratio(p, f.wage_level, f.region)
        self.base_ratio = np.maximum(1.0, ratio)  # base over wage when paying on true wages
        self.floor_gap = np.maximum(0.0, 1.0 - ratio)  # wage share a floor payer leaves out
        self.inv_margin = 1.0 / f.margin.astype(np.float64)
        self.propensity = np.array([getattr(p, name) for name in PROPENSITY])
        # For inspection weights: 0 other, 1 key firm, 2 dispatch agency, 3 both.
        self.kind = f.key.view(np.uint8) | (f.dispatch.view(np.uint8) << np.uint8(1))
        self._unsupervised_rank = f.unsupervised_rank
        self._flagged = f.flagged
        # Schemes each firm can pay (a labour crew only injury), as bits and as booleans.
        self.payable = payable_schemes(f)
        self.payable_scheme = (self.payable[:, None] & BITS) != 0
        # Inspection weight of each firm's region (poorer regions, fewer inspectors).
        self.capacity = structure.REGION_INSPECTION_CAPACITY[f.region]
        self._rates: dict[float, np.ndarray] = {}

    def supervised(self, levers: Levers) -> tuple[np.ndarray, int]:
        """Firms on the agency's roll under these levers, and their number.

        A firm is on the roll when it is inside the supervision system (its rank is at or
        above the lever's share) or an earlier detection put it there (``flagged``).
        """
        inside = (self._unsupervised_rank >= levers.share_unsupervised_firms) | self._flagged
        return inside, int(np.count_nonzero(inside))

    def rates(self, levers: Levers) -> np.ndarray:
        """Employer rates each firm owes, shape (firms, 5), share of base (cached per lever).

        A scheme a firm cannot pay (a labour crew: all but injury) has rate 0, so the
        costs, subsidy caps and back payments built on these rates leave it out.
        """
        key = levers.employer_rate_pension
        if key not in self._rates:
            rates = employer_rates(self.p, levers, self.industry)
            self._rates[key] = rates * self.payable_scheme
        return self._rates[key]


def decide(
    f: AgentTable,
    p: Params,
    levers: Levers,
    month: int,
    *,
    u_review: np.ndarray,
    terms: FirmTerms,
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
    # A firm off the agency's roll (outside the supervision system) is not registered and
    # pays nothing: it cannot pay without registering, and nobody asks it to.
    registered, _ = terms.supervised(levers)
    off_roll = review[~registered[review]]
    f.offers[off_roll] = 0
    f.declared_share[off_roll] = 0.0
    f.full_base[off_roll] = False
    review = review[registered[review]]
    if review.size == 0:
        return 0
    rates = terms.rates(levers)[review]
    base_ratio = terms.base_ratio[review]
    inv_margin = terms.inv_margin[review]
    subsidy = levers.firm_subsidy_share
    if np.isfinite(levers.firm_subsidy_cap) and subsidy > 0:
        per_worker = (
            rates.sum(axis=1) * base_ratio * p.mean_wage * wage_index * f.wage_level[review]
        )
        subsidy = np.minimum(subsidy, levers.firm_subsidy_cap / np.maximum(per_worker, 1e-9))
    caught, p_month = expected_penalty_factor(p, levers, f.perceived_risk[review])
    penalty = caught * penalty_factor(p, levers)
    # gain_s = (cost_s - penalty_s) / margin = rate_s * base_ratio * (kept - penalty) / margin
    gain = rates * ((1.0 - subsidy - penalty) * base_ratio * inv_margin)[:, None]
    # A published violator loses reputation once, whatever it evades (credit rating).
    reputation = p_month * levers.reputation_cost * inv_margin
    union = f.union_rank[review] < levers.share_union_firms
    # The Law's trend and publicity shift the norm together (one sum, added once).
    norm = f.norm[review] + (levers.law_norm_shift + levers.firm_publicity) + UNION_NORM * union
    cs = p.cost_sensitivity
    offered = ((norm + cs * reputation)[:, None] + terms.propensity - cs * gain) > 0
    offered &= terms.payable_scheme[review]
    offers = np.packbits(offered, axis=1, bitorder="little")[:, 0]
    f.offers[review] = offers
    any_offer = offers != 0
    offered_gain = (gain * offered).sum(axis=1) - reputation * any_offer
    declare = norm + p.declare_propensity - cs * offered_gain
    f.declared_share[review] = np.where(any_offer, 1.0 / (1.0 + np.exp(-declare)), 0.0)
    base_gain = (
        terms.floor_gap[review]
        * (rates * offered).sum(axis=1)
        * np.maximum(1.0 - penalty, 0.0)
        * inv_margin
    )
    f.full_base[review] = norm + p.full_base_propensity - cs * base_gain > 0
    return int(review.size)


def comply_fully(f: AgentTable, rows: np.ndarray, terms: FirmTerms) -> None:
    """Firms ``rows`` were found evading: they pay what they can for everyone on true wages.

    What they can pay is every scheme, or injury only for a labour crew.

    They keep to it for ``honest_months`` (they are not reviewed: :func:`decide`).
    """
    f.offers[rows] = terms.payable[rows]
    f.declared_share[rows] = 1.0
    f.full_base[rows] = True


class PeerCells:
    """Firms' peer groups (same industry and region): each firm's cell and the cell sizes."""

    def __init__(self, f: AgentTable) -> None:
        """Group the firms once; industry and region never change."""
        n_cells = len(sectors.INDUSTRY_SHARE) * 3
        self.cell = f.industry.astype(np.intp) * 3 + f.region
        self.size = np.maximum(np.bincount(self.cell, minlength=n_cells), 1)


def learn_risk(f: AgentTable, p: Params, inspected: np.ndarray, peers: PeerCells) -> None:
    """Move perceived risk toward own and peers' inspections this month (annualised)."""
    inspected_in_cell = np.bincount(peers.cell, weights=inspected, minlength=peers.size.size)
    peer_rate = (12.0 * p.peer_weight) * inspected_in_cell / peers.size
    signal = ((1.0 - p.peer_weight) * 12.0) * inspected + peer_rate.take(peers.cell)
    f.perceived_risk[:] += p.risk_learning_rate * (signal - f.perceived_risk)

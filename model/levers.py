"""The month's effective policy inputs (levers), derived from parameters and policies.

Policies never touch agents or outcomes: each one maps a :class:`Levers` to a new
:class:`Levers`. The sub-steps read only these values, so every lever in the paper
acts through the same decision rules as the status quo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from model.params import Params


@dataclass(frozen=True)
class Levers:
    """Effective inputs for one month. Units as in :class:`model.params.Params`."""

    inspection_rate_per_year: float
    risk_targeting: float
    detection_power: float
    fine_multiple: float
    share_fined: float
    key_firm_weight: float  # inspection weight of key firms relative to others
    dispatch_weight: float  # inspection weight of labour-dispatch agencies
    share_unsupervised_firms: float
    reputation_cost: float  # months of wage bill a detected firm loses when published
    worker_subsidy_share: float
    firm_subsidy_share: float
    subsidy_cap: float  # yuan/month per worker, government share at most this
    subsidy_budget: float  # yuan (real units), total; inf = no limit
    portability: float
    points_value: float  # share of wage: value of city services once unlocked
    worker_publicity: float  # awareness gain per month (share of the gap to 1)
    firm_publicity: float  # shift of firms' compliance norm by publicity, utility units
    law_norm_shift: float  # shift of firms' norm after the Social Insurance Law (trend.py)
    share_union_firms: float
    employer_rate_pension: float
    complaint_inspection: float
    project_injury_share: float = 0.0  # share of new construction projects insured by project

    @classmethod
    def status_quo(cls, p: Params) -> Levers:
        """The levers implied by the parameters alone (no policy in force)."""
        return cls(
            inspection_rate_per_year=p.inspection_rate_per_year,
            risk_targeting=p.risk_targeting,
            detection_power=p.detection_power,
            fine_multiple=p.fine_multiple,
            share_fined=p.share_fined,
            key_firm_weight=1.0 - p.key_firm_leniency,
            dispatch_weight=1.0,
            share_unsupervised_firms=p.share_unsupervised_firms,
            reputation_cost=0.0,
            worker_subsidy_share=p.worker_subsidy_share,
            firm_subsidy_share=p.firm_subsidy_share,
            subsidy_cap=math.inf,
            subsidy_budget=math.inf,
            portability=p.portability,
            points_value=0.0,
            worker_publicity=0.0,
            firm_publicity=0.0,
            law_norm_shift=0.0,
            share_union_firms=p.share_union_firms,
            employer_rate_pension=p.employer_rate_pension,
            complaint_inspection=p.complaint_inspection,
        )

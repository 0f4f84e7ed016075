"""Policies that act through inspection and enforcement (facts.md sections 2.1, 3).

Units, ranges, sources, mechanisms and costs: ``docs/levers.md`` section 2;
:mod:`model.policies` registers them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from model.levers import Levers
from model.policy_base import Cost, Policy

#: Inspections: extra inspections counted (real units) x a cost per inspection.
INSPECTION_COST = Cost(
    "government (labour inspection)",
    "extra inspections (real units) x cost per inspection, 1,000 yuan",
    column="cum_n_inspections_real",
    source="assumption: 4 staff-days at the local average wage x 1.5 (experiments/assumptions.py)",
)
#: Levers that reallocate the same inspection capacity.
REALLOCATION = Cost("government", "none extra: the same inspection capacity reallocated", "zero")

MATCHED_DETECTION = 0.8  # assumption: payroll and tax records show headcount and wage


@dataclass(frozen=True)
class Enforcement(Policy):
    """More proactive inspections: municipal and township labour inspection, staffing.

    Staffing from 1:10,663 to the paper's 1:6,000 raises inspections by 77.7%: 0.039
    more inspections per firm a year on the 2006 rate of 0.05.
    """

    strength: float = 0.039
    lever: ClassVar[str] = "enforcement"
    label: ClassVar[str] = "More inspections"
    unit: ClassVar[str] = "extra proactive inspections per supervised firm per year"
    max_strength: ClassVar[float] = 1.0
    source: ClassVar[str] = "status quo 0.05 a year (facts.md 3.2, C15); staffing 3.1"
    paper: ClassVar[str] = "Gov 4 (inspection), Gov 5 (staffing)"
    moves: ClassVar[tuple[str, ...]] = ("inspection_rate_per_year",)
    cost: ClassVar[Cost] = INSPECTION_COST

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        inspection_rate_per_year + strength.
        """
        rate = levers.inspection_rate_per_year + self.strength
        return dataclasses.replace(levers, inspection_rate_per_year=rate)


@dataclass(frozen=True)
class RiskTargeting(Policy):
    """Select inspections by risk (earlier violations, complaints) rather than at random."""

    strength: float = 0.8
    lever: ClassVar[str] = "targeting"
    label: ClassVar[str] = "Risk-targeted inspections"
    unit: ClassVar[str] = "share of inspection capacity allocated by risk score, 0-1"
    source: ClassVar[str] = "Shanghai audits re-audit flagged firms (facts.md 3.4); status quo 0.3"
    paper: ClassVar[str] = "Gov 4 (special audits)"
    moves: ClassVar[tuple[str, ...]] = ("risk_targeting",)
    cost: ClassVar[Cost] = REALLOCATION

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        risk_targeting = max(status quo, strength).
        """
        return dataclasses.replace(levers, risk_targeting=max(levers.risk_targeting, self.strength))


@dataclass(frozen=True)
class DataSharing(Policy):
    """Tax-bureau collection and inter-agency data matching; registration of workshops.

    A matched firm's under-declaration is found by an inspection with probability
    ``MATCHED_DETECTION``; ``registered_share`` of the unregistered workshops enter the
    supervision system.
    """

    strength: float = 1.0
    registered_share: float = 0.5
    lever: ClassVar[str] = "data_sharing"
    label: ClassVar[str] = "Data sharing between agencies"
    unit: ClassVar[str] = "share of firms matched against tax and registration records, 0-1"
    source: ClassVar[str] = "tax bureau collects from 2019-01-01 (facts.md 2.1): 1 nationally"
    paper: ClassVar[str] = "Gov 1 (joint mechanism, tax collection, headcount screening)"
    moves: ClassVar[tuple[str, ...]] = ("detection_power", "share_unsupervised_firms")
    cost: ClassVar[Cost] = Cost(
        "government (IT systems, inter-agency staff)", "no source for the cost", "not costed"
    )
    extras: ClassVar[tuple] = (
        (
            "registered_share",
            "share of unregistered workshops brought under supervision",
            0.5,
            0,
            1,
        ),
    )

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        detection_power toward MATCHED_DETECTION for the matched share; fewer unsupervised
        firms.
        """
        dp = levers.detection_power
        return dataclasses.replace(
            levers,
            detection_power=dp + self.strength * max(MATCHED_DETECTION - dp, 0.0),
            share_unsupervised_firms=levers.share_unsupervised_firms
            * (1.0 - self.registered_share),
        )


@dataclass(frozen=True)
class Penalties(Policy):
    """Fines in multiples of arrears and forced collection in more detected cases."""

    strength: float = 3.0
    share_fined: float = 1.0
    lever: ClassVar[str] = "penalties"
    label: ClassVar[str] = "Tougher penalties"
    unit: ClassVar[str] = "fine, times the arrears found"
    max_strength: ClassVar[float] = 5.0
    source: ClassVar[str] = "Social Insurance Law art. 84/86: 1-3 x (facts.md 2.1)"
    paper: ClassVar[str] = "Gov 4 (forced collection)"
    moves: ClassVar[tuple[str, ...]] = ("fine_multiple", "share_fined")
    cost: ClassVar[Cost] = Cost(
        "firms pay the fines (revenue); collection staff", "no source for staff time", "not costed"
    )
    extras: ClassVar[tuple] = (("share_fined", "share of detected cases fined, 0-1", 1.0, 0, 1),)

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        fine_multiple and share_fined raised to at least the policy's values.
        """
        return dataclasses.replace(
            levers,
            fine_multiple=max(levers.fine_multiple, self.strength),
            share_fined=max(levers.share_fined, self.share_fined),
        )


@dataclass(frozen=True)
class CreditRating(Policy):
    """Public credit rating and blacklist: a detected firm loses business."""

    strength: float = 3.0
    lever: ClassVar[str] = "credit_rating"
    label: ClassVar[str] = "Credit rating and blacklist"
    unit: ClassVar[str] = "months of wage bill lost by a published violator"
    max_strength: ClassVar[float] = 24.0
    source: ClassVar[str] = "assumption: no estimate of the reputational loss found"
    paper: ClassVar[str] = "Gov 4 (credit rating); Society 2 (media scrutiny)"
    moves: ClassVar[tuple[str, ...]] = ("reputation_cost",)
    cost: ClassVar[Cost] = Cost(
        "firms bear the loss; government runs the rating", "no source for the system", "not costed"
    )

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        reputation_cost + strength (months of wage bill).
        """
        return dataclasses.replace(levers, reputation_cost=levers.reputation_cost + self.strength)


@dataclass(frozen=True)
class KeyFirmFocus(Policy):
    """End leniency toward 'key' firms and inspect them first (demonstration effect)."""

    strength: float = 2.0
    lever: ClassVar[str] = "key_firm_focus"
    label: ClassVar[str] = "Key firms first"
    unit: ClassVar[str] = "inspection weight of a key firm relative to other firms"
    max_strength: ClassVar[float] = 5.0
    source: ClassVar[str] = "assumption; status quo 0.2 (paper section 1: key firms shielded)"
    paper: ClassVar[str] = "Gov 4 (key, leading and large firms first)"
    moves: ClassVar[tuple[str, ...]] = ("key_firm_weight",)
    cost: ClassVar[Cost] = REALLOCATION

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        key_firm_weight = max(status quo, strength).
        """
        return dataclasses.replace(
            levers, key_firm_weight=max(levers.key_firm_weight, self.strength)
        )


@dataclass(frozen=True)
class DispatchMonitoring(Policy):
    """Close monitoring of labour-dispatch agencies."""

    strength: float = 5.0
    lever: ClassVar[str] = "dispatch_monitoring"
    label: ClassVar[str] = "Monitoring of dispatch agencies"
    unit: ClassVar[str] = "inspection weight of a dispatch agency relative to other firms"
    max_strength: ClassVar[float] = 10.0
    source: ClassVar[str] = "assumption; status quo 1"
    paper: ClassVar[str] = "Gov 4 (labour-dispatch agencies)"
    moves: ClassVar[tuple[str, ...]] = ("dispatch_weight",)
    cost: ClassVar[Cost] = REALLOCATION

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        dispatch_weight = max(status quo, strength).
        """
        return dataclasses.replace(
            levers, dispatch_weight=max(levers.dispatch_weight, self.strength)
        )

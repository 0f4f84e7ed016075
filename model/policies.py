"""The policies of the paper, one class each, and the registry of levers by name.

A policy changes the month's :class:`~model.levers.Levers` (the inputs to the
agents' decisions), never agents or outcomes; every policy is the identity at
strength 0. The base class and the class variables each policy declares (``lever``,
``label``, ``unit``, ``max_strength``, ``paper``, ``moves``, ``cost``,
``extra_fields()``) are described in :mod:`model.policy_base`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import ClassVar

from model.levers import Levers
from model.policy_base import INSPECTION_COST, SUBSIDY_COST, Cost, Policy, toward


@dataclass(frozen=True)
class Enforcement(Policy):
    """More inspections: municipal and township labour inspection, agency staffing.

    Strength 1.0 doubles the inspection rate; 0.78 moves staffing from the found
    1:10,663 to the paper's 1:6,000 ratio.
    """

    lever: ClassVar[str] = "enforcement"
    label: ClassVar[str] = "More inspections"
    moves: ClassVar[tuple[str, ...]] = ("inspection_rate_per_year",)
    cost: ClassVar[Cost | None] = INSPECTION_COST
    unit: ClassVar[str] = "proportional increase in inspections per year"
    max_strength: ClassVar[float] = 20.0
    paper: ClassVar[str] = "Gov 4 (inspection), Gov 5 (staffing)"

    def apply(self, levers: Levers) -> Levers:
        """Multiply the inspection rate by ``1 + strength``."""
        rate = levers.inspection_rate_per_year * (1.0 + self.strength)
        return dataclasses.replace(levers, inspection_rate_per_year=rate)


@dataclass(frozen=True)
class RiskTargeting(Policy):
    """Target inspections on firms with violations and complaints rather than at random."""

    lever: ClassVar[str] = "targeting"
    label: ClassVar[str] = "Risk-targeted inspections"
    moves: ClassVar[tuple[str, ...]] = ("risk_targeting",)
    paper: ClassVar[str] = "Gov 4 (special audits)"

    def apply(self, levers: Levers) -> Levers:
        """Move risk targeting toward full targeting (1)."""
        return dataclasses.replace(
            levers, risk_targeting=toward(levers.risk_targeting, 1.0, self.strength)
        )


@dataclass(frozen=True)
class DataSharing(Policy):
    """Inter-agency joint mechanism and tax-bureau collection.

    Raises the chance an inspection finds under-declaration and brings firms
    outside the supervision system (unregistered workshops) into it.
    """

    lever: ClassVar[str] = "data_sharing"
    label: ClassVar[str] = "Data sharing between agencies"
    moves: ClassVar[tuple[str, ...]] = ("detection_power", "share_unsupervised_firms")
    paper: ClassVar[str] = "Gov 1 (joint mechanism, tax collection, headcount screening)"

    def apply(self, levers: Levers) -> Levers:
        """Raise detection power toward 1; bring unsupervised firms into supervision."""
        return dataclasses.replace(
            levers,
            detection_power=toward(levers.detection_power, 1.0, self.strength),
            share_unsupervised_firms=levers.share_unsupervised_firms * (1.0 - self.strength),
        )


@dataclass(frozen=True)
class Penalties(Policy):
    """Forced collection and fines toward the legal maximum (3x arrears, always fined)."""

    lever: ClassVar[str] = "penalties"
    label: ClassVar[str] = "Tougher penalties"
    moves: ClassVar[tuple[str, ...]] = ("share_fined", "fine_multiple")
    paper: ClassVar[str] = "Gov 4 (forced collection)"

    def apply(self, levers: Levers) -> Levers:
        """Move the fine toward 3x arrears and the share fined toward 1."""
        return dataclasses.replace(
            levers,
            fine_multiple=toward(
                levers.fine_multiple, max(levers.fine_multiple, 3.0), self.strength
            ),
            share_fined=toward(levers.share_fined, 1.0, self.strength),
        )


@dataclass(frozen=True)
class CreditRating(Policy):
    """Public credit rating and blacklist: a detected firm loses reputation."""

    lever: ClassVar[str] = "credit_rating"
    label: ClassVar[str] = "Credit rating and blacklist"
    moves: ClassVar[tuple[str, ...]] = ("reputation_cost",)
    unit: ClassVar[str] = "months of wage bill lost by a published violator"
    max_strength: ClassVar[float] = 24.0
    paper: ClassVar[str] = "Gov 4 (credit rating); Society 2 (media scrutiny)"

    def apply(self, levers: Levers) -> Levers:
        """Add ``strength`` months of wage bill to the reputation cost of a violator."""
        return dataclasses.replace(levers, reputation_cost=levers.reputation_cost + self.strength)


@dataclass(frozen=True)
class KeyFirmFocus(Policy):
    """End leniency toward 'key' firms and inspect them first (demonstration effect).

    Strength 1 gives key firms twice the inspection weight of other firms.
    """

    lever: ClassVar[str] = "key_firm_focus"
    label: ClassVar[str] = "Key firms first"
    moves: ClassVar[tuple[str, ...]] = ("key_firm_weight",)
    paper: ClassVar[str] = "Gov 4 (key, leading and large firms first)"

    def apply(self, levers: Levers) -> Levers:
        """Move key firms' inspection weight toward 2."""
        return dataclasses.replace(
            levers, key_firm_weight=toward(levers.key_firm_weight, 2.0, self.strength)
        )


@dataclass(frozen=True)
class DispatchMonitoring(Policy):
    """Close monitoring of labour-dispatch agencies: up to 5x their inspection weight."""

    lever: ClassVar[str] = "dispatch_monitoring"
    label: ClassVar[str] = "Monitoring of dispatch agencies"
    moves: ClassVar[tuple[str, ...]] = ("dispatch_weight",)
    paper: ClassVar[str] = "Gov 4 (labour-dispatch agencies)"

    def apply(self, levers: Levers) -> Levers:
        """Multiply dispatch agencies' inspection weight by ``1 + 4 strength``."""
        return dataclasses.replace(
            levers, dispatch_weight=levers.dispatch_weight * (1.0 + 4.0 * self.strength)
        )


@dataclass(frozen=True)
class _Subsidy(Policy):
    """Shared fields of contribution subsidies.

    Attributes:
        cap: most the government pays per worker, yuan per month (inf = no cap).
        budget: total budget in yuan (real units); spending stops when used up.
    """

    cap: float = math.inf
    budget: float = math.inf
    unit: ClassVar[str] = "share of the contribution paid by government, 0-1"

    def __post_init__(self) -> None:
        super().__post_init__()
        name = type(self).__name__
        for field_name in ("cap", "budget"):
            value = getattr(self, field_name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValueError(
                    f"{name}.{field_name}={value!r} must be a positive number (yuan) or inf"
                )

    @classmethod
    def extra_fields(cls) -> tuple[tuple[str, str, float], ...]:
        """The subsidy's cap and budget, as (name, unit, default)."""
        return (
            ("cap", "yuan per worker per month (government share at most)", math.inf),
            ("budget", "yuan, total (real units)", math.inf),
        )

    def _limits(self, levers: Levers) -> dict:
        if self.strength == 0:
            return {}  # identity at zero strength: no cap or budget on a status-quo subsidy
        return {
            "subsidy_cap": min(levers.subsidy_cap, self.cap),
            "subsidy_budget": min(levers.subsidy_budget, self.budget),
        }


@dataclass(frozen=True)
class WorkerSubsidy(_Subsidy):
    """Local special funds that pay part of migrant workers' own contributions."""

    lever: ClassVar[str] = "worker_subsidy"
    label: ClassVar[str] = "Subsidy of workers' contributions"
    moves: ClassVar[tuple[str, ...]] = ("worker_subsidy_share", "subsidy_cap", "subsidy_budget")
    cost: ClassVar[Cost | None] = SUBSIDY_COST
    paper: ClassVar[str] = "Gov 3 (special funds subsidising contributions)"

    def apply(self, levers: Levers) -> Levers:
        """Move the subsidised share of workers' contributions toward 1; set limits."""
        share = toward(levers.worker_subsidy_share, 1.0, self.strength)
        return dataclasses.replace(levers, worker_subsidy_share=share, **self._limits(levers))


@dataclass(frozen=True)
class FirmSubsidy(_Subsidy):
    """Subsidy of the employer's contribution for migrant workers."""

    lever: ClassVar[str] = "firm_subsidy"
    label: ClassVar[str] = "Subsidy of employers' contributions"
    moves: ClassVar[tuple[str, ...]] = ("firm_subsidy_share", "subsidy_cap", "subsidy_budget")
    cost: ClassVar[Cost | None] = SUBSIDY_COST
    paper: ClassVar[str] = "Gov 3 (subsidies); Firm 2 (operating costs)"

    def apply(self, levers: Levers) -> Levers:
        """Move the subsidised share of employers' contributions toward 1; set limits."""
        share = toward(levers.firm_subsidy_share, 1.0, self.strength)
        return dataclasses.replace(levers, firm_subsidy_share=share, **self._limits(levers))


@dataclass(frozen=True)
class PortableAccounts(Policy):
    """Cross-region transfer of pension rights, crediting of years, frozen accounts."""

    lever: ClassVar[str] = "portability"
    label: ClassVar[str] = "Portable pension accounts"
    moves: ClassVar[tuple[str, ...]] = ("portability",)
    paper: ClassVar[str] = "Gov 3 (transfer, crediting, freezing)"

    def apply(self, levers: Levers) -> Levers:
        """Move portability toward 1."""
        return dataclasses.replace(
            levers, portability=toward(levers.portability, 1.0, self.strength)
        )


@dataclass(frozen=True)
class PointsSystem(Policy):
    """Points-based 'new citizen' access: insured months unlock city services."""

    lever: ClassVar[str] = "points"
    label: ClassVar[str] = "Points-based city services"
    moves: ClassVar[tuple[str, ...]] = ("points_value",)
    unit: ClassVar[str] = "multiple of points_service_value (0-3)"
    max_strength: ClassVar[float] = 3.0
    paper: ClassVar[str] = "Gov 2 (points-based new-citizen system)"

    def apply(self, levers: Levers) -> Levers:
        """Add ``strength`` to the value of points-unlocked city services."""
        return dataclasses.replace(levers, points_value=levers.points_value + self.strength)


@dataclass(frozen=True)
class Publicity(Policy):
    """Publicity and legal education for workers (awareness) and employers (norms).

    Strength 1 closes 2% of each worker's awareness gap a month and raises firms'
    compliance norm by 0.3 utility units.
    """

    lever: ClassVar[str] = "publicity"
    label: ClassVar[str] = "Publicity and legal education"
    moves: ClassVar[tuple[str, ...]] = ("worker_publicity", "firm_publicity")
    unit: ClassVar[str] = "campaign intensity (1 = standard campaign), 0-5"
    max_strength: ClassVar[float] = 5.0
    paper: ClassVar[str] = "Society 1 (publicity), Firm 1 (legal awareness)"

    def apply(self, levers: Levers) -> Levers:
        """Raise workers' awareness gain and shift firms' compliance norm."""
        return dataclasses.replace(
            levers,
            worker_publicity=levers.worker_publicity + 0.02 * self.strength,
            firm_publicity=levers.firm_publicity + 0.3 * self.strength,
        )


@dataclass(frozen=True)
class UnionChannels(Policy):
    """Trade unions and grievance channels in more firms."""

    lever: ClassVar[str] = "unions"
    label: ClassVar[str] = "Unions and grievance channels"
    moves: ClassVar[tuple[str, ...]] = ("share_union_firms",)
    paper: ClassVar[str] = "Firm 3 (unions, grievance channels); Society 3"

    def apply(self, levers: Levers) -> Levers:
        """Move the share of unionised firms toward 1."""
        return dataclasses.replace(
            levers, share_union_firms=toward(levers.share_union_firms, 1.0, self.strength)
        )


@dataclass(frozen=True)
class ContributionRateCut(Policy):
    """Cut of the employer pension rate (e.g. 20% -> 16% in May 2019: strength 0.04)."""

    strength: float = 0.04  # the 2019 cut; the base class default (1.0) is out of range here
    lever: ClassVar[str] = "rate_cut"
    label: ClassVar[str] = "Employer pension rate cut"
    moves: ClassVar[tuple[str, ...]] = ("employer_rate_pension",)
    unit: ClassVar[str] = "cut in the employer pension rate, share of base (0-0.2)"
    max_strength: ClassVar[float] = 0.2
    paper: ClassVar[str] = "brief: contribution rate changes"

    def apply(self, levers: Levers) -> Levers:
        """Lower the employer pension rate by ``strength`` (not below 0)."""
        rate = max(0.0, levers.employer_rate_pension - self.strength)
        return dataclasses.replace(levers, employer_rate_pension=rate)


@dataclass(frozen=True)
class ProjectInjuryInsurance(Policy):
    """Work-injury insurance by construction project (按项目参保).

    人社部发〔2014〕103号 (in force 2014-12-29; inputs.csv ``project_injury_insurance``): a
    construction project insures its workers against injury before work starts
    ("先参保、再开工"), whoever employs them. Strength is the share of new projects
    insured: a labour crew's project is insured or not when it starts, and its workers
    then have injury cover whatever the crew pays (:mod:`model.projects`).
    :meth:`dated` puts it in force from its real date.
    """

    lever: ClassVar[str] = "project_injury"
    label: ClassVar[str] = "Injury insurance by project"
    moves: ClassVar[tuple[str, ...]] = ("project_injury_share",)
    unit: ClassVar[str] = "share of new construction projects insured, 0-1"
    paper: ClassVar[str] = "Gov 3 (policy connection); 人社部发〔2014〕103号"

    def apply(self, levers: Levers) -> Levers:
        """Insure ``strength`` of the new construction projects against injury."""
        return dataclasses.replace(levers, project_injury_share=self.strength)

    @classmethod
    def dated(cls, start_year: int, strength: float = 1.0) -> ProjectInjuryInsurance:
        """The policy from its real start: the first month after 2014-12-29.

        Args:
            start_year: the run's ``start_year`` (month 1 is its January).
            strength: share of new projects insured.
        """
        from model.facts import fact

        start = math.ceil((fact("project_injury_insurance") - start_year) * 12.0) + 1
        return cls(strength=strength, start=max(start, 1))


#: All policies by lever name (the names used in scenario files and the CLI).
POLICIES: dict[str, type[Policy]] = {
    cls.lever: cls
    for cls in (
        Enforcement,
        RiskTargeting,
        DataSharing,
        Penalties,
        CreditRating,
        KeyFirmFocus,
        DispatchMonitoring,
        WorkerSubsidy,
        FirmSubsidy,
        PortableAccounts,
        PointsSystem,
        Publicity,
        UnionChannels,
        ContributionRateCut,
        ProjectInjuryInsurance,
    )
}


def make_policy(lever: str, **fields) -> Policy:
    """Build a policy from its lever name, with a clear error for unknown names/fields."""
    if lever not in POLICIES:
        raise ValueError(f"unknown lever {lever!r}; allowed: {sorted(POLICIES)}")
    cls = POLICIES[lever]
    allowed = [f.name for f in dataclasses.fields(cls)]
    unknown = [k for k in fields if k not in allowed]
    if unknown:
        raise ValueError(f"lever {lever!r} has no field(s) {unknown}; allowed: {allowed}")
    return cls(**fields)


def levers_for_month(base: Levers, policies: tuple[Policy, ...], month: int) -> Levers:
    """Apply, in order, every policy in force in ``month``."""
    levers = base
    for policy in policies:
        if policy.active(month):
            levers = policy.apply(levers)
    return levers

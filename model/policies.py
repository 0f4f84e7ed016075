"""Policy levers in the units a policymaker sets, each dated, each with its cost.

Each class is the one place that describes its lever, as class variables read by
the CLI, the experiment designs, the cost analysis and the dashboard:

- ``lever``: the name used in scenario files and the CLI; ``label``: a short label;
- ``unit``, ``max_strength`` (``min_strength`` is 0 for every policy) and ``source``:
  the unit of the main field ``strength``, its range and where the range comes from;
- ``paper``: the paper recommendation it implements;
- ``moves``: the :class:`~model.levers.Levers` fields it may change (the first is the
  main one: strength raises it, except ``rate_cut``, which lowers it);
- ``cost``: a :class:`~model.policy_base.Cost`: who pays and how it is counted, or
  ``kind="not costed"`` with what is missing;
- ``extras`` / :meth:`~model.policy_base.Policy.extra_fields`: further fields.

Policies that set a level (targeting share, fine, weights, union share,
portability) never lower the status quo: they apply ``max(status quo, value)``, so
0, or any value at or below the status quo, changes nothing. Full table of units,
sources, mechanisms and costs: ``docs/levers.md``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import ClassVar

from model.levers import Levers
from model.policies_enforcement import (
    INSPECTION_COST,
    REALLOCATION,
    CreditRating,
    DataSharing,
    DispatchMonitoring,
    Enforcement,
    KeyFirmFocus,
    Penalties,
    RiskTargeting,
)
from model.policies_incentives import (
    SUBSIDY_COST,
    ContributionRateCut,
    FirmSubsidy,
    PointsSystem,
    PortableAccounts,
    Publicity,
    UnionChannels,
    WorkerSubsidy,
)
from model.policy_base import Cost, Policy


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
    source: ClassVar[str] = "人社部发〔2014〕103号: every new project insured (1.0)"
    paper: ClassVar[str] = "Gov 3 (policy connection); 人社部发〔2014〕103号"
    cost: ClassVar[Cost] = Cost(
        "construction projects (the premium is part of the project's cost)",
        "the premium by project is not modelled; no public cost",
        "not costed",
    )

    def change(self, levers: Levers) -> Levers:
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


__all__ = [
    "INSPECTION_COST",
    "POLICIES",
    "REALLOCATION",
    "SUBSIDY_COST",
    "ContributionRateCut",
    "Cost",
    "CreditRating",
    "DataSharing",
    "DispatchMonitoring",
    "Enforcement",
    "FirmSubsidy",
    "KeyFirmFocus",
    "Penalties",
    "PointsSystem",
    "Policy",
    "PortableAccounts",
    "Publicity",
    "RiskTargeting",
    "UnionChannels",
    "WorkerSubsidy",
    "levers_for_month",
    "make_policy",
]

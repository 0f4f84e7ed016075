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

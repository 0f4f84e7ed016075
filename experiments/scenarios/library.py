"""Scenarios: a baseline plus dated reforms, and the named presets.

A :class:`Scenario` is a name, a description, parameter overrides, the name of the
parameter preset they apply to (``base_params``) and a tuple of policy objects.
Presets implement the recommendations of the seed paper
(``../shared/seed/paper-summary.md``, section 3) one at a time and as a package.
Reforms start in month 13 (January of the second year) so that every comparison
shows a shared first year. Scenario files (TOML, YAML, CSV/Excel reform sheets) are
read by :mod:`experiments.scenarios.files`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from model.facts import fact
from model.policies import (
    ContributionRateCut,
    CreditRating,
    DataSharing,
    DispatchMonitoring,
    Enforcement,
    FirmSubsidy,
    KeyFirmFocus,
    Penalties,
    PointsSystem,
    Policy,
    PortableAccounts,
    Publicity,
    RiskTargeting,
    UnionChannels,
    WorkerSubsidy,
)

REFORM_START = 13  # month: January of the second simulated year

#: Proportional rise in inspections if staffing moves from the found 1:10,663 to the
#: paper's 1:6,000 (facts.md 3.1; the seed paper).
STAFFING_RISE = round(fact("staff_ratio_found") / fact("staff_ratio_paper") - 1.0, 3)


#: Scenario names become file names of result parts: letters, digits, ``.``, ``_``, ``-``.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Scenario:
    """A named set of parameter overrides and dated policies.

    Attributes:
        name: short identifier (see :data:`NAME_PATTERN`); written on every output row.
        description: one line for listings and reports.
        policies: dated policy objects, applied in order (see :mod:`model.policies`).
        params: parameter overrides (fields of :class:`model.params.Params`).
        base_params: parameter preset the overrides apply to: ``None`` = the default
            (``calibrated`` when ``model/data/presets/calibrated.toml`` exists, else the
            model defaults), ``"defaults"`` = the model defaults, or a preset name.
    """

    name: str
    description: str = ""
    policies: tuple[Policy, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    base_params: str | None = None

    def __post_init__(self) -> None:
        """Check the name and the policies, naming the bad value."""
        if not isinstance(self.name, str) or not NAME_PATTERN.match(self.name):
            raise ValueError(
                f"scenario name {self.name!r} is not allowed; use 1-64 letters, digits, "
                "'.', '_' or '-', starting with a letter or digit"
            )
        for policy in self.policies:
            if not isinstance(policy, Policy):
                raise ValueError(f"scenario {self.name!r}: {policy!r} is not a Policy object")

    def to_dict(self) -> dict[str, Any]:
        """Plain description for manifests and reports."""
        return {
            "name": self.name,
            "description": self.description,
            "base_params": self.base_params,
            "params": dict(self.params),
            "policies": [p.to_dict() for p in self.policies],
        }

    def reforms_text(self) -> str:
        """One-line summary of the reforms, e.g. ``enforcement 0.78 @13+``."""
        if not self.policies:
            return "none"
        parts = []
        for p in self.policies:
            until = f"-{p.end}" if p.end is not None else "+"
            parts.append(f"{p.lever or type(p).__name__} {p.strength:g} @{p.start}{until}")
        return "; ".join(parts)


def _single(name: str, description: str, policy: Policy) -> Scenario:
    return Scenario(name, description, (policy,))


_RECOMMENDATIONS = (
    _single(
        "enforcement",
        f"Staff the agencies to 1:6000: inspections x{1 + STAFFING_RISE:.2f}",
        Enforcement(strength=STAFFING_RISE, start=REFORM_START),
    ),
    _single(
        "data-sharing",
        "Inter-agency data sharing and tax-bureau collection (half the gap "
        "to perfect detection; half of unsupervised firms brought in)",
        DataSharing(strength=0.5, start=REFORM_START),
    ),
    _single(
        "key-firm-focus",
        "End leniency to key firms; inspect them first",
        KeyFirmFocus(strength=1.0, start=REFORM_START),
    ),
    _single(
        "credit-rating",
        "Public credit rating: a published violator loses 3 months of wage bill in business",
        CreditRating(strength=3.0, start=REFORM_START),
    ),
    _single(
        "worker-subsidy",
        "Special fund pays 2/3 of migrant workers' own contributions",
        WorkerSubsidy(strength=round(fact("subsidy_max_share"), 3), start=REFORM_START),
    ),
    _single(
        "firm-subsidy",
        "Special fund pays 1/3 of the employer's contribution",
        FirmSubsidy(strength=0.333, start=REFORM_START),
    ),
    _single(
        "portability",
        "Full cross-region transfer of pension rights; no cash-outs",
        PortableAccounts(strength=1.0, start=REFORM_START),
    ),
    _single(
        "points",
        "Points-based new-citizen system: insured months unlock city services",
        PointsSystem(strength=1.0, start=REFORM_START),
    ),
    _single(
        "publicity",
        "Publicity and legal education for workers and employers",
        Publicity(strength=1.0, start=REFORM_START),
    ),
    _single(
        "unions",
        "Unions and grievance channels in a further 30% of firms",
        UnionChannels(strength=0.3, start=REFORM_START),
    ),
)

_EXTRA = (
    _single(
        "targeting",
        "Risk-based targeting of inspections",
        RiskTargeting(strength=0.7, start=REFORM_START),
    ),
    _single(
        "penalties",
        "Forced collection: fines at 3x arrears, always imposed",
        Penalties(strength=1.0, start=REFORM_START),
    ),
    _single(
        "dispatch-monitoring",
        "Close monitoring of labour-dispatch agencies",
        DispatchMonitoring(strength=1.0, start=REFORM_START),
    ),
    _single(
        "rate-cut-2019",
        "Employer pension rate 20% -> 16%",
        ContributionRateCut(strength=0.04, start=REFORM_START),
    ),
)

#: The paper's recommendations, one preset each (the order of section 3).
RECOMMENDATIONS = tuple(s.name for s in _RECOMMENDATIONS)

PRESETS: dict[str, Scenario] = {
    "baseline": Scenario("baseline", "Status quo: no reform"),
    **{s.name: s for s in _RECOMMENDATIONS},
    "paper-package": Scenario(
        "paper-package",
        "All of the paper's recommendations together",
        tuple(p for s in _RECOMMENDATIONS for p in s.policies),
    ),
    **{s.name: s for s in _EXTRA},
}


def get_preset(name: str) -> Scenario:
    """A preset by name, or a ``ValueError`` listing the presets."""
    if name not in PRESETS:
        raise ValueError(f"unknown scenario {name!r}; presets: {sorted(PRESETS)}")
    return PRESETS[name]

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
from model.policies_incentives import FIRM_CAP_YUAN, FUND_BUDGET_YUAN, WORKER_CAP_YUAN

REFORM_START = 13  # month: January of the second simulated year

#: Proportional rise in inspections if staffing moves from the found 1:10,663 to the
#: paper's 1:6,000 (facts.md 3.1; the seed paper).
STAFFING_RISE = round(fact("staff_ratio_found") / fact("staff_ratio_paper") - 1.0, 3)
#: The same rise in extra proactive inspections per supervised firm a year, on the 2006
#: rate of about 0.05 (facts.md 3.2).
EXTRA_INSPECTIONS = round(STAFFING_RISE * fact("inspection_rate_per_year"), 4)


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
        label: human name for pages and charts (e.g. ``The paper's package``); blank
            = the name. Not part of :meth:`to_dict`: outputs are keyed by the name.
    """

    name: str
    description: str = ""
    policies: tuple[Policy, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    base_params: str | None = None
    label: str = ""

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

    @property
    def title(self) -> str:
        """The human name: :attr:`label`, or the name when there is none."""
        return self.label or self.name

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


def _single(name: str, label: str, description: str, policy: Policy) -> Scenario:
    return Scenario(name, description, (policy,), label=label)


_RECOMMENDATIONS = (
    _single(
        "enforcement",
        "More inspections (1:6,000)",
        f"Staff the agencies to 1:6000: +{EXTRA_INSPECTIONS:.3f} inspections per firm a year "
        f"(x{1 + STAFFING_RISE:.2f})",
        Enforcement(strength=EXTRA_INSPECTIONS, start=REFORM_START),
    ),
    _single(
        "data-sharing",
        "Tax-bureau data sharing",
        "Tax-bureau collection: every firm's declarations matched against payroll and tax "
        "records; half of the unregistered workshops registered",
        DataSharing(strength=1.0, registered_share=0.5, start=REFORM_START),
    ),
    _single(
        "key-firm-focus",
        "No leniency for key firms",
        "End leniency to key firms: inspected twice as often as others",
        KeyFirmFocus(strength=2.0, start=REFORM_START),
    ),
    _single(
        "credit-rating",
        "Public credit rating",
        "Public credit rating: a published violator loses 3 months of wage bill in business",
        CreditRating(strength=3.0, start=REFORM_START),
    ),
    _single(
        "worker-subsidy",
        "Worker contribution subsidy",
        f"Special fund pays 2/3 of migrant workers' own contributions, at most "
        f"{WORKER_CAP_YUAN:.0f} yuan a month each, {FUND_BUDGET_YUAN / 1e9:.0f} bn yuan a year",
        WorkerSubsidy(strength=round(fact("subsidy_max_share"), 3), start=REFORM_START),
    ),
    _single(
        "firm-subsidy",
        "Employer contribution subsidy",
        f"Special fund pays 1/3 of the employer's contribution, at most {FIRM_CAP_YUAN:.0f} "
        f"yuan a month per worker, {FUND_BUDGET_YUAN / 1e9:.0f} bn yuan a year",
        FirmSubsidy(strength=0.333, start=REFORM_START),
    ),
    _single(
        "portability",
        "Portable pension rights",
        "Full transfer of pooled pension rights (2010 rules: 12 of 20 points), every "
        "transfer processed",
        PortableAccounts(strength=1.0, processed_share=1.0, start=REFORM_START),
    ),
    _single(
        "points",
        "Points for city services",
        "Points scheme on the Shanghai rule: 36 insured months unlock city services "
        "worth 10% of the wage",
        PointsSystem(strength=36.0, service_value=0.1, start=REFORM_START),
    ),
    _single(
        "publicity",
        "Publicity and legal education",
        "Publicity and legal education reaching 20% of workers and 20% of firms a year",
        Publicity(strength=0.2, firm_reach=0.2, start=REFORM_START),
    ),
    _single(
        "unions",
        "Unions and grievance channels",
        "Unions and grievance channels in 40% of firms (10% now)",
        UnionChannels(strength=0.4, start=REFORM_START),
    ),
)

_EXTRA = (
    _single(
        "targeting",
        "Risk-targeted inspections",
        "80% of inspections chosen by risk (30% now)",
        RiskTargeting(strength=0.8, start=REFORM_START),
    ),
    _single(
        "penalties",
        "Forced collection and fines",
        "Forced collection: fines at 3x arrears, always imposed",
        Penalties(strength=3.0, share_fined=1.0, start=REFORM_START),
    ),
    _single(
        "dispatch-monitoring",
        "Dispatch-agency monitoring",
        "Labour-dispatch agencies inspected 5 times as often as other firms",
        DispatchMonitoring(strength=5.0, start=REFORM_START),
    ),
    _single(
        "rate-cut-2019",
        "Pension rate cut (2019)",
        "Employer pension rate 20% -> 16%",
        ContributionRateCut(strength=0.04, start=REFORM_START),
    ),
)

#: The paper's recommendations, one preset each (the order of section 3).
RECOMMENDATIONS = tuple(s.name for s in _RECOMMENDATIONS)

PRESETS: dict[str, Scenario] = {
    "baseline": Scenario("baseline", "Status quo: no reform", label="Status quo (no reform)"),
    **{s.name: s for s in _RECOMMENDATIONS},
    "paper-package": Scenario(
        "paper-package",
        "All of the paper's recommendations together",
        tuple(p for s in _RECOMMENDATIONS for p in s.policies),
        label="The paper's package",
    ),
    **{s.name: s for s in _EXTRA},
}


def scenario_title(name: str) -> str:
    """The human name of a preset (``paper-package`` -> ``The paper's package ...``).

    Any other name (a scenario file's, ``custom``) is returned unchanged.
    """
    preset = PRESETS.get(name)
    return preset.title if preset is not None else name


def get_preset(name: str) -> Scenario:
    """A preset by name, or a ``ValueError`` listing the presets."""
    if name not in PRESETS:
        raise ValueError(f"unknown scenario {name!r}; presets: {sorted(PRESETS)}")
    return PRESETS[name]

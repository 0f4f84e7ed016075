"""Policies that change what workers and firms gain from enrolling (facts.md section 2).

Subsidies, portability, points, publicity, unions and the contribution rate. Units,
ranges, sources, mechanisms and costs: ``docs/levers.md`` section 2;
:mod:`model.policies` registers them.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import ClassVar

from model.facts import fact
from model.levers import Levers
from model.policy_base import Cost, Policy

#: Subsidies cost what they pay out.
SUBSIDY_COST = Cost(
    "government (local special funds)", "subsidy paid", column="cum_subsidy_spending_yuan"
)
#: The contribution floor of 2011, yuan a month (facts.md 2.2: 60% of the local average).
FLOOR_2011 = fact("base_floor_share") * fact("local_average_wage")
#: Default caps: the subsidised share of the contribution on the floor base, yuan a
#: month: 2/3 of the worker's own (pension, medical, unemployment: 10.5%; facts.md 2.6)
#: and 1/3 of the employer's (pension, medical, unemployment, maternity: 30.3%).
WORKER_CAP_YUAN = round(
    fact("subsidy_max_share")
    * (
        fact("employee_rate_pension")
        + fact("employee_rate_medical")
        + fact("employee_rate_unemployment")
    )
    * FLOOR_2011
)
FIRM_CAP_YUAN = round(
    (
        fact("employer_rate_pension")
        + fact("employer_rate_medical")
        + fact("employer_rate_unemployment")
        + fact("employer_rate_maternity")
    )
    * FLOOR_2011
    / 3.0
)
#: Default yearly budget of each fund, yuan: assumption, about a sixth of the 2019 cut
#: in pension fees (190 bn yuan, facts.md 2.2).
FUND_BUDGET_YUAN = 30e9
LEGAL_POOLED_SHARE = 0.6  # 2010 transfer rules: 12 of the employer's 20 points move (2.3)
AWARENESS_PER_CONTACT = 0.5  # assumption: a reached worker's awareness gap closes by half
WORKER_CONTACT_YUAN = 50.0  # assumption: a leaflet and a session per worker reached
FIRM_CONTACT_YUAN = 500.0  # assumption: a half-day visit per firm reached
WORKERS_PER_FIRM = 20.0  # the model's mean firm size (Params.mean_firm_size default)


@dataclass(frozen=True)
class _Subsidy(Policy):
    """A local special fund that pays part of one side's contributions.

    ``side`` (``"worker"`` or ``"firm"``) names the levers it moves:
    ``<side>_subsidy_share`` and ``<side>_subsidy_cap``, and the shared yearly budget.

    Attributes:
        cap: most the fund pays per covered worker, yuan a month (inf = no cap).
        budget: the fund's budget, yuan (real units) per calendar year (inf = none);
            when two subsidies run together their budgets add up.
    """

    cap: float = math.inf
    budget: float = math.inf
    side: ClassVar[str] = ""
    max_strength: ClassVar[float] = 1.0
    source: ClassVar[str] = "at most 2/3 (flexible-employment subsidy, facts.md 2.6)"
    paper: ClassVar[str] = "Gov 3 (special funds subsidising contributions)"
    cost: ClassVar[Cost] = SUBSIDY_COST

    @staticmethod
    def _extras(cap: float) -> tuple:
        return (
            ("cap", "yuan per covered worker per month", cap, 1e-9, math.inf),
            ("budget", "yuan per year (real units)", FUND_BUDGET_YUAN, 1e-9, math.inf),
        )

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        This side's share (at least ``strength``), its cap (at most ``cap``) and the
        yearly budget (budgets of two funds add up).
        """
        share, cap = f"{self.side}_subsidy_share", f"{self.side}_subsidy_cap"
        if math.isinf(levers.subsidy_budget_per_year):
            budget = self.budget
        else:
            budget = levers.subsidy_budget_per_year + self.budget
        return dataclasses.replace(
            levers,
            **{
                share: max(getattr(levers, share), self.strength),
                cap: min(getattr(levers, cap), self.cap),
                "subsidy_budget_per_year": budget,
            },
        )


@dataclass(frozen=True)
class WorkerSubsidy(_Subsidy):
    """Local special funds that pay part of migrant workers' own contributions."""

    strength: float = 0.667
    cap: float = WORKER_CAP_YUAN
    budget: float = FUND_BUDGET_YUAN
    side: ClassVar[str] = "worker"
    extras: ClassVar[tuple] = _Subsidy._extras(WORKER_CAP_YUAN)
    lever: ClassVar[str] = "worker_subsidy"
    label: ClassVar[str] = "Subsidy of workers' contributions"
    unit: ClassVar[str] = "share of the worker's own contribution paid by the fund, 0-1"
    moves: ClassVar[tuple[str, ...]] = (
        "worker_subsidy_share",
        "worker_subsidy_cap",
        "subsidy_budget_per_year",
    )


@dataclass(frozen=True)
class FirmSubsidy(_Subsidy):
    """Local special funds that pay part of the employer's contribution for migrants."""

    strength: float = 0.333
    cap: float = FIRM_CAP_YUAN
    budget: float = FUND_BUDGET_YUAN
    side: ClassVar[str] = "firm"
    extras: ClassVar[tuple] = _Subsidy._extras(FIRM_CAP_YUAN)
    lever: ClassVar[str] = "firm_subsidy"
    label: ClassVar[str] = "Subsidy of employers' contributions"
    unit: ClassVar[str] = "share of the employer's contribution paid by the fund, 0-1"
    moves: ClassVar[tuple[str, ...]] = (
        "firm_subsidy_share",
        "firm_subsidy_cap",
        "subsidy_budget_per_year",
    )


@dataclass(frozen=True)
class PortableAccounts(Policy):
    """Transfer of pooled pension rights between regions; transfers actually processed.

    Effective portability = pooled share x processed share. With ``processed_share``
    0 (not set) the status quo's implied processing is kept: its portability over the
    2010 rules' pooled share of 0.6.
    """

    strength: float = 1.0
    processed_share: float = 1.0
    lever: ClassVar[str] = "portability"
    label: ClassVar[str] = "Portable pension accounts"
    unit: ClassVar[str] = "share of pooled (employer) pension rights that follows a mover, 0-1"
    source: ClassVar[str] = "2010 transfer rules: 12 of 20 points, 0.6 (facts.md 2.3)"
    paper: ClassVar[str] = "Gov 3 (transfer, crediting, freezing)"
    moves: ClassVar[tuple[str, ...]] = ("portability",)
    cost: ClassVar[Cost] = Cost(
        "local pension funds (transfers between them net to zero nationally)",
        "processing staff: no source",
        "not costed",
    )
    extras: ClassVar[tuple] = (
        ("processed_share", "share of transfer requests completed, 0-1 (0: as now)", 1.0, 0, 1),
    )

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        portability = max(status quo, pooled share x processed share).
        """
        processed = self.processed_share or min(levers.portability / LEGAL_POOLED_SHARE, 1.0)
        return dataclasses.replace(
            levers, portability=max(levers.portability, self.strength * processed)
        )


@dataclass(frozen=True)
class PointsSystem(Policy):
    """Points-based 'new citizen' access: insured months unlock city services."""

    strength: float = 36.0
    service_value: float = 0.1
    lever: ClassVar[str] = "points"
    label: ClassVar[str] = "Points-based city services"
    unit: ClassVar[str] = "pass mark, insured months in the city (0 = no scheme)"
    max_strength: ClassVar[float] = 240.0
    source: ClassVar[str] = "Shanghai: 36 insured months earn the SI points (facts.md 2.5)"
    paper: ClassVar[str] = "Gov 2 (points-based new-citizen system)"
    moves: ClassVar[tuple[str, ...]] = ("points_service_value", "points_pass_months")
    cost: ClassVar[Cost] = Cost(
        "government (schooling and health care for newly qualified families)",
        "no per-family cost in facts.md",
        "not costed",
    )
    extras: ClassVar[tuple] = (
        (
            "service_value",
            "value of the services, share of the wage a month (assumption)",
            0.1,
            0,
            0.5,
        ),
    )

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        Services worth ``service_value`` unlocked at a pass mark of ``strength`` months.
        """
        return dataclasses.replace(
            levers,
            points_service_value=levers.points_service_value + self.service_value,
            points_pass_months=max(1, round(self.strength)),
        )


@dataclass(frozen=True)
class Publicity(Policy):
    """Publicity and legal education: a share of workers and of firms reached a year.

    A reached worker's awareness gap closes by half; a reached firm's compliance norm
    rises by one year of the post-2011 trend fitted to the NBS series (the Law and its
    publicity: the one measured shift of firms' norms).
    """

    strength: float = 0.2
    firm_reach: float = 0.2
    lever: ClassVar[str] = "publicity"
    label: ClassVar[str] = "Publicity and legal education"
    unit: ClassVar[str] = "share of migrant workers reached a year, 0-1"
    source: ClassVar[str] = "assumption: no survey of campaign reach found"
    paper: ClassVar[str] = "Society 1 (publicity), Firm 1 (legal awareness)"
    moves: ClassVar[tuple[str, ...]] = ("worker_publicity", "firm_publicity")
    cost: ClassVar[Cost] = Cost(
        "government (publicity)",
        "contacts x 50 yuan a worker reached, 500 yuan a firm reached (firms = workers / 20)",
        "planned",
        source="assumption",
    )
    extras: ClassVar[tuple] = (("firm_reach", "share of firms reached a year, 0-1", 0.2, 0, 1),)

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        Awareness gain a month from worker reach; norm shift from firm reach x one year of the
        Law's trend.
        """
        return dataclasses.replace(
            levers,
            worker_publicity=levers.worker_publicity + AWARENESS_PER_CONTACT * self.strength / 12.0,
            firm_publicity=levers.firm_publicity + self.firm_reach * levers.law_norm_per_year,
        )

    def planned_cost_yuan(self, worker_months_real: float) -> float:
        """Planned public cost, yuan.

        Contacts a year x cost per contact, over the worker-months in force (yuan).
        """
        per_worker_year = (
            self.strength * WORKER_CONTACT_YUAN
            + self.firm_reach * FIRM_CONTACT_YUAN / WORKERS_PER_FIRM
        )
        return worker_months_real / 12.0 * per_worker_year


@dataclass(frozen=True)
class UnionChannels(Policy):
    """Trade unions and grievance channels in more firms."""

    strength: float = 0.4
    lever: ClassVar[str] = "unions"
    label: ClassVar[str] = "Unions and grievance channels"
    unit: ClassVar[str] = "share of firms with a union or grievance channel, 0-1"
    source: ClassVar[str] = "assumption; status quo 0.1"
    paper: ClassVar[str] = "Firm 3 (unions, grievance channels); Society 3"
    moves: ClassVar[tuple[str, ...]] = ("share_union_firms",)
    cost: ClassVar[Cost] = Cost(
        "firms (union funds, 2% of the wage bill: Trade Union Law, not in facts.md)",
        "no public cost; the firms' cost is not modelled",
        "not costed",
    )

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        share_union_firms = max(status quo, strength).
        """
        return dataclasses.replace(
            levers, share_union_firms=max(levers.share_union_firms, self.strength)
        )


@dataclass(frozen=True)
class ContributionRateCut(Policy):
    """Cut of the employer pension rate (20% -> 16% in May 2019: strength 0.04)."""

    strength: float = 0.04
    lever: ClassVar[str] = "rate_cut"
    label: ClassVar[str] = "Employer pension rate cut"
    unit: ClassVar[str] = "cut in the employer pension rate, share of base (0-0.2)"
    max_strength: ClassVar[float] = 0.2
    source: ClassVar[str] = "20% -> 16% from 2019-05 (国办发〔2019〕13号, facts.md 2.2)"
    paper: ClassVar[str] = "statutory contribution rates"
    moves: ClassVar[tuple[str, ...]] = ("employer_rate_pension",)
    cost: ClassVar[Cost] = Cost(
        "the pension fund (contributions forgone)",
        "fall in contribution income",
        column="cum_contribution_income_yuan",
        sign=-1.0,
    )

    def change(self, levers: Levers) -> Levers:
        """Levers with the policy in force.

        employer_rate_pension - strength (not below 0).
        """
        rate = max(0.0, levers.employer_rate_pension - self.strength)
        return dataclasses.replace(levers, employer_rate_pension=rate)

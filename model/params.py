"""Model parameters: one frozen, validated object.

Every field carries its unit, allowed range and source (a URL from
``model/data/inputs.csv`` via :func:`model.facts.fact`, or "assumption") in its
metadata, so that the documentation table and the validation come from one place.
Fields are flat keywords so that Mesa's SolaraViz and batch runners can build the
model from them.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
from dataclasses import dataclass, field
from typing import Any

from model.facts import fact, source


def param(default: Any, unit: str, lo: float | None, hi: float | None, src: str, doc: str) -> Any:
    """Declare a parameter with its unit, inclusive range, source and meaning."""
    meta = {"unit": unit, "lo": lo, "hi": hi, "source": src, "doc": doc}
    return field(default=default, metadata=meta)


def sourced(key: str, unit: str, lo: float, hi: float, doc: str, year: int | None = None) -> Any:
    """A parameter whose default is read from ``inputs.csv`` with its source."""
    return param(fact(key, year), unit, lo, hi, source(key), doc)


A = "assumption"

#: Worker agents per run in the ``uptake`` CLI (run, compare, demo) and the dashboard.
#: Larger than the ``n_workers`` default (kept at 10,000 so that stored results and
#: tests stay comparable): with ~158.6 M real migrant workers each agent stands for
#: ~7,900 people, so a count of 30 agents (~240,000 people) is still within ~18% of
#: its expectation (Poisson: 1/sqrt(30)). Counts of fewer agents are flagged as noisy.
DEFAULT_POPULATION = 20_000
CAL = "assumption; free, fitted by `uptake calibrate`"
#: Behavioural and free in principle, but kept at its prior value: the calibration
#: targets cannot identify it (``experiments.calibration.output.NOT_FITTED`` says why).
NOT_FITTED = "assumption; not fitted: the targets cannot identify it (docs/calibration.md)"


@dataclass(frozen=True)
class Params:
    """All parameters of :class:`model.UptakeModel`.

    Money is in yuan per month (nominal, start year); rates are shares in [0, 1]
    unless the unit says otherwise; ``*_per_year`` rates are converted to monthly
    probabilities once, inside the model.
    """

    # --- population and scale -------------------------------------------------
    n_workers: int = param(10_000, "agents", 100, 5_000_000, A, "number of worker agents")
    seed: int | None = param(
        None,
        "integer",
        0,
        2**63 - 1,
        A,
        "root random seed; None draws one from the OS and records it",
    )
    scale: float | None = param(
        None,
        "real workers per agent",
        1e-6,
        1e9,
        source("headcount_outside_township"),
        "None = 外出 migrant workers in 2011 (158.63 M) / n_workers",
    )
    start_year: int = param(2011, "calendar year", 2000, 2050, A, "month 1 is January of this year")
    burn_in_months: int = param(
        36,
        "months",
        0,
        240,
        A,
        "status-quo months run before month 1 (not recorded) so that "
        "firms' beliefs and choices start settled; ages are frozen",
    )
    mean_firm_size: float = param(
        20.0, "workers per firm", 2, 2000, A, "mean target headcount of a firm (lognormal)"
    )
    # --- wages and demography ---------------------------------------------------
    mean_wage: float = param(
        fact("mean_wage", 2011),
        "yuan/month",
        100,
        100_000,
        source("mean_wage"),
        "mean monthly wage of 外出 migrant workers in 2011; other years follow the NBS "
        "series (model/wage_path.py)",
    )
    wage_sd_log: float = param(0.35, "log points", 0.0, 2.0, A, "dispersion of individual wages")
    local_average_wage: float = sourced(
        "local_average_wage",
        "yuan/month",
        100,
        200_000,
        "national average wage of the year before the start year, which sets the "
        "contribution floor (regional ratios in regions.csv)",
    )
    mean_age: float = param(
        36.4,
        "years",
        20,
        55,
        source("mean_age") + " (interpolated 2010-2012)",
        "mean age of workers at the start",
    )
    share_female: float = sourced("share_female", "share", 0, 1, "share of women")
    retirement_age_men: float = param(60, "years", 45, 70, A + " (statutory age)", "men retire")
    retirement_age_women: float = param(
        50, "years", 45, 70, A + " (statutory age, workers)", "women retire"
    )
    # --- labour market ------------------------------------------------------------
    turnover_per_year: float = sourced(
        "turnover_per_year",
        "share/year",
        0.0,
        0.95,
        "separation rate of an uninsured worker without contract in an average industry "
        "(facts.md: job spells of ~2 years imply 0.40-0.50)",
    )
    months_out_of_work: float = sourced(
        "months_out_of_work", "months", 0.5, 60, "mean time between jobs"
    )
    share_moves_cross_region: float = param(
        0.25, "share", 0, 1, A, "share of re-employments drawn across regions"
    )
    insured_attachment: float = param(
        0.3,
        "share",
        0,
        1,
        A + " (paper: no insurance -> no attachment)",
        "cut in separation hazard for an insured worker",
    )
    contract_attachment: float = param(
        0.2, "share", 0, 1, A, "cut in hazard with a written contract"
    )
    union_attachment: float = param(0.2, "share", 0, 1, A, "cut in hazard in a unionised firm")
    share_dismissal: float = param(
        0.3, "share", 0, 1, A, "share of separations that are dismissals"
    )
    project_months: float = param(
        10.0,
        "months",
        1,
        1e9,  # 1e9: no project ever ends
        A + " (外出 workers work 9.9 months a year, facts.md 1.8)",
        "mean length of a construction crew's project; at its end the crew's workers leave",
    )
    # --- firms ----------------------------------------------------------------------
    share_key_firms: float = param(0.05, "share", 0, 1, A, "'key' firms shielded for investment")
    key_firm_leniency: float = param(
        0.8, "share", 0, 1, A, "cut in the inspection weight of key firms"
    )
    share_unsupervised_firms: float = param(
        0.3,
        "share",
        0,
        1,
        A + " (paper, section 1)",
        "small workshops and unlicensed firms never inspected",
    )
    share_union_firms: float = param(
        0.1, "share", 0, 1, A, "firms with a union / grievance channel"
    )
    share_dispatch_firms: float = param(0.05, "share", 0, 1, A, "labour-dispatch agencies")
    mean_margin: float = param(
        0.3,
        "yuan profit per yuan of wages",
        0.01,
        5,
        A,
        "firms' mean profit margin over the wage bill (lognormal)",
    )
    firm_norm_sd: float = param(1.0, "utility units", 0, 10, A, "spread of firms' compliance norms")
    firm_review_per_year: float = param(
        2.0, "reviews/year", 0, 12, A, "how often a firm reconsiders compliance (inertia)"
    )
    risk_learning_rate: float = param(
        0.1, "share/month", 0, 1, A, "weight of this month's inspections in perceived risk"
    )
    peer_weight: float = param(0.5, "share", 0, 1, A, "weight of peers' (vs own) inspections")
    honest_months: int = param(24, "months", 0, 240, A, "months a detected firm stays compliant")
    propensity_pension: float = param(-0.2, "utility units", -10, 10, CAL, "firms' base propensity")
    propensity_medical: float = param(-0.4, "utility units", -10, 10, CAL, "firms' base propensity")
    propensity_injury: float = param(-0.6, "utility units", -10, 10, CAL, "firms' base propensity")
    propensity_unemployment: float = param(
        -0.9, "utility units", -10, 10, CAL, "firms' base propensity"
    )
    propensity_maternity: float = param(
        -1.1, "utility units", -10, 10, CAL, "firms' base propensity"
    )
    declare_propensity: float = param(
        0.5, "utility units", -10, 10, CAL, "propensity to declare the whole headcount"
    )
    full_base_propensity: float = param(
        -0.3, "utility units", -10, 10, CAL, "propensity to pay on the true wage, not the floor"
    )
    cost_sensitivity: float = param(
        1.0,
        "utility per profit share",
        0,
        20,
        NOT_FITTED,
        "weight of net evasion gain (share of profit) in decisions",
    )
    norm_trend_per_year: float = param(
        0.0,
        "utility units/year",
        -2,
        2,
        CAL + " (model/trend.py)",
        "yearly rise of firms' compliance norm after the Social Insurance Law",
    )
    norm_trend_start_year: float = sourced(
        "social_insurance_law_in_force",
        "decimal year",
        1990,
        2100,
        "start of the norm trend (Social Insurance Law in force 2011-07-01)",
    )
    norm_trend_end_year: float = param(
        2014.0,
        "decimal year",
        1990,
        2100,
        A + " (end of the last year with calibration data)",
        "end of the norm trend; the norm stays at its level afterwards",
    )
    # --- enforcement ------------------------------------------------------------------
    inspection_rate_per_year: float = sourced(
        "inspection_rate_per_year", "share/year", 0, 12, "inspections per supervised firm per year"
    )
    risk_targeting: float = param(0.3, "share", 0, 1, A, "share of inspection weight by risk")
    detection_power: float = param(0.5, "share", 0, 1, CAL, "chance an inspection finds evasion")
    fine_multiple: float = sourced(
        "fine_multiple_min", "times arrears", 0, 5, "fine as a multiple of arrears (law: 1-3)"
    )
    share_fined: float = param(0.3, "share", 0, 1, A, "share of detected cases actually fined")
    late_fee_per_day: float = sourced(
        "late_fee_per_day", "share of arrears/day", 0, 0.01, "late fee"
    )
    lookback_months: int = param(24, "months", 1, 240, A, "months of arrears collected")
    complaint_inspection: float = param(
        0.5, "share", 0, 1, A, "chance a dispute triggers an inspection next month"
    )
    complaint_capacity_share: float = param(
        round(fact("complaints_handled") / fact("proactive_inspections"), 3),
        "complaint inspections per proactive inspection",
        0,
        100,
        source("complaints_handled") + " (derived: 399k complaints / 1.413m proactive, 2006)",
        "most complaint-driven inspections a month, as a multiple of the proactive capacity",
    )
    # --- contributions ------------------------------------------------------------------
    employer_rate_pension: float = sourced(
        "employer_rate_pension", "share of base", 0, 0.5, "employer pension rate"
    )
    employee_rate_pension: float = sourced(
        "employee_rate_pension", "share of base", 0, 0.5, "employee pension rate"
    )
    employer_rate_medical: float = sourced(
        "employer_rate_medical", "share of base", 0, 0.5, "employer medical rate"
    )
    employee_rate_medical: float = sourced(
        "employee_rate_medical", "share of base", 0, 0.5, "employee medical rate"
    )
    employer_rate_unemployment: float = sourced(
        "employer_rate_unemployment", "share of base", 0, 0.5, "employer unemployment rate"
    )
    employee_rate_unemployment: float = sourced(
        "employee_rate_unemployment", "share of base", 0, 0.5, "employee unemployment rate"
    )
    employer_rate_maternity: float = sourced(
        "employer_rate_maternity", "share of base", 0, 0.5, "employer maternity rate"
    )
    injury_rate_scale: float = param(
        1.0,
        "multiple",
        0,
        10,
        source("injury_rate_construction"),
        "multiplier on the industry work-injury rates (0.4-1.1%)",
    )
    base_floor_share: float = sourced(
        "base_floor_share", "share of local average wage", 0, 1, "contribution base floor"
    )
    worker_subsidy_share: float = param(
        0.0,
        "share",
        0,
        1,
        A + " (status quo: none)",
        "share of the worker's contribution paid by government",
    )
    firm_subsidy_share: float = param(
        0.0,
        "share",
        0,
        1,
        A + " (status quo: none)",
        "share of the employer's contribution paid by government",
    )
    cash_in_lieu_share: float = sourced(
        "cash_in_lieu_share",
        "share of employer cost",
        0,
        1,
        "share of the saved employer cost paid to an opt-out",
    )
    # --- workers ----------------------------------------------------------------------------
    present_bias: float = param(
        0.6,
        "beta in [0, 1]",
        0,
        1,
        NOT_FITTED,
        "mean weight on future benefits relative to today's pay",
    )
    present_bias_sd: float = param(0.15, "beta units", 0, 1, A, "spread of present bias")
    awareness_mean: float = param(0.3, "share", 0, 1, CAL, "mean initial awareness of rights")
    awareness_decay_per_year: float = param(
        0.5, "share/year", 0, 1, A, "rate at which awareness returns to the worker's baseline"
    )
    awareness_from_disputes: float = param(
        0.2, "share", 0, 1, A, "awareness gain of co-workers of a disputant"
    )
    enrol_propensity: float = param(
        0.0, "share of wage", -2, 2, CAL, "workers' base taste for staying enrolled"
    )
    taste_sd: float = param(0.1, "share of wage", 0, 2, A, "spread of enrolment taste")
    pension_value_ratio: float = param(
        1.5,
        "yuan of value per yuan paid",
        0,
        10,
        NOT_FITTED,
        "perceived value of vested pension contributions",
    )
    medical_value_ratio: float = param(
        1.0, "yuan of value per yuan paid", 0, 10, A, "perceived value of medical contributions"
    )
    young_discount: float = param(
        0.5,
        "multiple",
        0,
        1,
        A + " (paper: young see no need)",
        "valuation multiplier under age 30",
    )
    young_women_discount: float = param(
        0.7,
        "multiple",
        0,
        1,
        A + " (paper: expect to stop work)",
        "extra multiplier for women under 30",
    )
    portability: float = param(
        0.3,
        "share",
        0,
        1,
        A + " (2010 transfer rules, weak in practice)",
        "chance pension rights follow a cross-region mover",
    )
    hometown_pension_enrolment: float = sourced(
        "hometown_pension_enrolment",
        "share",
        0,
        1,
        "share of migrants in their hometown resident pension where it is available",
    )
    hometown_pension_value: float = param(
        0.02,
        "share of wage",
        0,
        1,
        A + " (order of the 55-yuan basic resident pension over a 2,000-yuan wage)",
        "value a worker in the hometown resident pension gives up by joining the urban schemes",
    )
    cash_out_propensity: float = param(
        0.7,
        "share",
        0,
        1,
        A + " (cf. 2007 cash-out wave)",
        "chance an unprotected mover cashes out (loses years)",
    )
    cash_out_ban_year: float = sourced(
        "cash_out_ban",
        "decimal year",
        1990,
        2100,
        "first year in which cash-outs (退保) are banned (2010 transfer rules); "
        "a year past the run is the world without them",
    )
    # --- shocks and disputes ---------------------------------------------------------------
    illness_per_year: float = param(0.03, "share/year", 0, 1, A, "serious illness")
    births_per_year: float = param(0.08, "share/year", 0, 1, A, "births, women aged 20-35")
    injury_scale: float = param(1.0, "multiple", 0, 10, A, "multiplier on industry injury risks")
    arrears_per_year: float = sourced(
        "arrears_share_per_year",
        "share/year",
        0,
        1,
        "chance a firm falls into wage arrears in a year",
    )
    dispute_propensity: float = param(
        0.012,
        "share",
        0,
        1,
        A + " (set so that 外出 migrants' cases are about 40% of the 1.512 million "
        "disputes handled in 2012; docs/structure.md)",
        "chance an aggrieved, unaware worker files a dispute",
    )
    awareness_dispute_gain: float = param(4.0, "multiple", 0, 50, A, "awareness raises filing")
    contract_dispute_gain: float = param(1.0, "multiple", 0, 50, A, "a contract raises filing")
    union_dispute_gain: float = param(1.0, "multiple", 0, 50, A, "a union raises filing")
    collective_threshold: int = param(
        3, "workers", 2, 1000, A, "disputants at one firm in a month that make a collective case"
    )
    worker_win_share: float = sourced(
        "worker_win_share", "share", 0, 1, "share of cases workers win"
    )
    compensation_months: float = param(
        2.0, "months of wage", 0, 24, A, "compensation paid on a lost case"
    )

    def __post_init__(self) -> None:
        """Validate every field against its declared range and type.

        Numbers of any numeric type (e.g. ``numpy.int64`` from a sweep design) are
        accepted and stored as plain ``int`` or ``float`` of the declared type.
        """
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None and f.name in ("seed", "scale"):
                continue
            check_value(f.name, value, f.metadata, f.type)
            plain = int(value) if str(f.type).startswith("int") else float(value)
            object.__setattr__(self, f.name, plain)
        if self.norm_trend_end_year < self.norm_trend_start_year:
            raise ValueError(
                f"norm_trend_end_year={self.norm_trend_end_year!r} is before "
                f"norm_trend_start_year={self.norm_trend_start_year!r}; the norm trend must "
                "end at or after its start"
            )

    @classmethod
    def build(cls, **kwargs: Any) -> Params:
        """Build from keywords, rejecting unknown names with a suggestion."""
        names = {f.name for f in dataclasses.fields(cls)}
        for key in kwargs:
            if key not in names:
                close = difflib.get_close_matches(key, sorted(names), n=3)
                hint = f"; did you mean {close}?" if close else ""
                raise ValueError(f"unknown parameter {key!r}{hint} See `uptake params` for all.")
        return cls(**kwargs)

    def real_scale(self) -> float:
        """Real workers per agent."""
        if self.scale is not None:
            return float(self.scale)
        return fact("headcount_outside_township") / self.n_workers

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of all values."""
        return dataclasses.asdict(self)


def check_value(name: str, value: Any, meta: Any, declared_type: Any) -> None:
    """Raise ``ValueError`` naming ``name``, the bad value and the allowed range."""
    type_text = str(declared_type)
    want_int = type_text.startswith("int")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"{name}={value!r} is not a number; expected {type_text} "
            f"in [{meta['lo']}, {meta['hi']}] ({meta['unit']})"
        )
    if want_int and not float(value).is_integer():
        raise ValueError(f"{name}={value!r} must be a whole number in [{meta['lo']}, {meta['hi']}]")
    if not math.isfinite(value):
        raise ValueError(f"{name}={value!r} must be finite, in [{meta['lo']}, {meta['hi']}]")
    lo, hi = meta["lo"], meta["hi"]
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name}={value!r} is out of range; allowed [{lo}, {hi}] ({meta['unit']})")


def describe() -> list[dict[str, Any]]:
    """One row per parameter: name, default, unit, range, source, meaning."""
    rows = []
    for f in dataclasses.fields(Params):
        m = f.metadata
        rows.append(
            {
                "name": f.name,
                "default": f.default,
                "unit": m["unit"],
                "lo": m["lo"],
                "hi": m["hi"],
                "source": m["source"],
                "doc": m["doc"],
            }
        )
    return rows

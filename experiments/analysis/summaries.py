"""Summaries across replications, paired differences and cost-effectiveness.

All functions take the tidy outcome frame of an output folder (one row per run and
month, with ``scenario``, ``replication``, ``seed``) and return tidy frames.

* :func:`summarise`: per scenario, month and outcome, the mean and the 5% and 95%
  quantiles across replications (a 90% interval of the run-to-run spread).
* :func:`differences`: reform minus baseline, paired by replication (same seed, so
  common random numbers cancel most noise): mean, 5%/95% quantiles of the paired
  differences and a 90% t-interval for the mean difference.
* :func:`cost_effectiveness`: coverage points gained per 100 million yuan of extra
  public cost, summed over the reform's levers' own costs (``docs/levers.md``
  section 3; the cost per inspection is in :mod:`experiments.assumptions`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from experiments.assumptions import COST_PER_INSPECTION_YUAN
from experiments.scenarios.levers import costed_levers
from model.codes import SCHEMES
from model.outcomes import OUTCOMES
from model.policies import Policy

#: Outcomes summarised by default (shares, flows in real persons, money in real yuan).
SUMMARY_OUTCOMES = (
    *(f"frac_covered_{s}" for s in SCHEMES),
    "frac_covered_any",
    "n_employed_real",
    "new_breaks_real",
    "breaks_per_1000_covered",
    "frac_records_unbroken",
    "new_disputes_real",
    "new_collective_disputes_real",
    "n_inspections_real",
    "n_detections_real",
    "subsidy_spending_yuan",
    "contribution_income_yuan",
    "firm_cost_yuan",
    "back_payments_yuan",
    "fines_yuan",
    "cum_subsidy_spending_yuan",
    "cum_n_inspections_real",
    "mean_awareness",
    "frac_declared",
)

#: Why the raw count of breaks is not read alone (report and CLI print it under tables).
BREAKS_NOTE = (
    "The raw count of breaks in cover rises with coverage: more workers are covered, so "
    "more can lose cover. Breaks per 1,000 covered workers and the share of contribution "
    "records never broken show whether cover became less stable."
)
#: Break outcomes the findings read beside the raw count (see :data:`BREAKS_NOTE`).
BREAK_COLUMNS = ("new_breaks_real", "breaks_per_1000_covered", "frac_records_unbroken")
#: Levers whose public cost the model counts (measured, planned or zero by
#: construction; ``docs/levers.md``). The others say ``not costed`` and why.
COSTED_LEVERS = costed_levers()
#: Coverage outcomes scored by :func:`cost_effectiveness`.
CE_OUTCOMES = ("frac_covered_pension", "frac_covered_any")
#: Months at the end of the horizon averaged for "final" coverage (less noisy than one).
FINAL_MONTHS = 12


def unit(outcome: str) -> str:
    """The unit of an outcome column (``cum_``/``_real`` variants included)."""
    if outcome.endswith("_real"):
        return (
            "persons" if "inspections" not in outcome and "detections" not in outcome else "firms"
        )
    base = outcome.removeprefix("cum_")
    for name in (base, f"new_{base}", base.removesuffix("_real")):
        if name in OUTCOMES:
            return OUTCOMES[name][0]
    return ""


def _columns(frame: pd.DataFrame, columns: tuple[str, ...] | list[str] | None) -> list[str]:
    wanted = list(columns or SUMMARY_OUTCOMES)
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise ValueError(f"outcome(s) {missing} not in the results; see `uptake params --outcomes`")
    return wanted


def _spread(
    frame: pd.DataFrame, keys: list[str], columns: list[str], sd: bool = False
) -> pd.DataFrame:
    """Per group of ``keys`` and per column: count ``n``, ``mean``, ``q05``, ``q95``.

    The rows are those of grouping the long form (one row per key, outcome and value)
    by ``keys + ["outcome"]``, outcome by outcome, but the long form is never built:
    it held every value with two strings beside it (about 8 times the memory of the
    columns read). ``sd=True`` adds the standard deviation (ddof 1) as ``sd``.
    """
    grouped = frame.groupby(keys, sort=False)
    parts = []
    for column in columns:
        values = grouped[column]
        out = values.agg(["count", "mean"])
        out["q05"] = values.quantile(0.05)
        out["q95"] = values.quantile(0.95)
        if sd:
            out["sd"] = values.std(ddof=1)
        out = out.rename(columns={"count": "n"}).reset_index()
        out.insert(len(keys), "outcome", column)
        parts.append(out)
    return pd.concat(parts, ignore_index=True)


def summarise(outcomes: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Mean and 90% interval (5%, 95% quantiles) across replications.

    Returns:
        Columns ``scenario, month, year, outcome, unit, n, mean, q05, q95``.
    """
    cols = _columns(outcomes, columns)
    out = _spread(outcomes, ["scenario", "month", "year"], cols)
    out.insert(4, "unit", out["outcome"].map(unit))
    return out.sort_values(["scenario", "outcome", "month"], ignore_index=True)


def paired(outcomes: pd.DataFrame, baseline: str, columns: list[str]) -> pd.DataFrame:
    """Per-replication reform-minus-baseline values (long), checking seeds match."""
    if baseline not in set(outcomes["scenario"]):
        raise ValueError(f"baseline {baseline!r} has no finished runs; cannot pair")
    keys = ["replication", "month"]
    base = outcomes[outcomes["scenario"] == baseline].set_index(keys)
    parts = []
    for name, reform in outcomes[outcomes["scenario"] != baseline].groupby("scenario", sort=False):
        reform = reform.set_index(keys)
        common = reform.index.intersection(base.index)
        if not (reform.loc[common, "seed"] == base.loc[common, "seed"]).all():
            raise ValueError(f"scenario {name!r} and {baseline!r} runs have different seeds")
        diff = reform.loc[common, columns] - base.loc[common, columns]
        diff = diff.reset_index()
        diff.insert(0, "scenario", name)
        diff["year"] = reform.loc[common, "year"].to_numpy()
        parts.append(diff)
    if not parts:
        return pd.DataFrame(columns=["scenario", "replication", "month", "year", *columns])
    return pd.concat(parts, ignore_index=True)


def differences(
    outcomes: pd.DataFrame, baseline: str, columns: list[str] | None = None
) -> pd.DataFrame:
    """Reform minus baseline, paired by replication (common random numbers).

    Returns:
        Columns ``scenario, month, year, outcome, unit, n, mean, q05, q95, ci90_low,
        ci90_high``: ``q05``/``q95`` are quantiles of the paired differences, the
        ``ci90`` bounds a t-interval of their mean (NaN with one replication).
    """
    cols = _columns(outcomes, columns)
    diffs = paired(outcomes, baseline, cols)
    out = _spread(diffs, ["scenario", "month", "year"], cols, sd=True)
    sd = out.pop("sd").to_numpy()
    n = out["n"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.95, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    half = np.where(n > 1, half, np.nan)
    out["ci90_low"] = out["mean"] - half
    out["ci90_high"] = out["mean"] + half
    out.insert(4, "unit", out["outcome"].map(unit))
    return out.sort_values(["scenario", "outcome", "month"], ignore_index=True)


def final_window(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Rows of the last :data:`FINAL_MONTHS` months common to every run."""
    last = int(outcomes.groupby("run_id")["month"].max().min())
    first = max(1, last - FINAL_MONTHS + 1)
    return outcomes[(outcomes["month"] >= first) & (outcomes["month"] <= last)]


def _scenario_cost(
    policies: list[Policy], diff: pd.Series, worker_months: pd.Series, cost_per_inspection: float
) -> tuple[float, list[str]]:
    """Public cost of one reform run (yuan) and the levers whose cost is not modelled.

    ``diff``: reform-minus-baseline cumulative outcomes at the last month;
    ``worker_months``: the reform run's employed workers (real) by month.
    """
    cost, missing, columns = 0.0, [], {}
    for policy in policies:
        c = policy.cost
        if c is None or not c.costed:
            missing.append(policy.lever)
        elif c.kind == "measured":
            columns[c.column] = c.sign  # a column shared by two levers is counted once
        elif c.kind == "planned":
            months = worker_months[
                (worker_months.index >= policy.start)
                & (worker_months.index <= (policy.end or worker_months.index.max()))
            ]
            cost += policy.planned_cost_yuan(float(months.sum()))
    for column, sign in columns.items():
        unit_cost = cost_per_inspection if column == "cum_n_inspections_real" else 1.0
        cost += sign * float(diff[column]) * unit_cost
    return cost, sorted(set(missing))


def cost_effectiveness(
    outcomes: pd.DataFrame,
    baseline: str,
    cost_per_inspection: float = COST_PER_INSPECTION_YUAN,
    coverage: tuple[str, ...] = CE_OUTCOMES,
    policies: dict[str, list[Policy]] | None = None,
) -> pd.DataFrame:
    """Coverage points gained per 100 million yuan of extra public cost, per reform.

    Gain: paired difference in coverage (percentage points of employed migrant
    workers), averaged over the last 12 months. Cost: the sum of the reform's levers'
    own costs (each policy class's ``cost``, ``docs/levers.md``): measured ones from
    the reform-minus-baseline change of their outcome at the last month (subsidy paid;
    extra inspections x ``cost_per_inspection``; contributions forgone), planned ones
    from the policy (campaign contacts), zero for levers that only reallocate
    inspections. A reform with a lever whose cost is not modelled gets no ratio
    (``cost_status`` names the levers); one with no extra public cost gets none either.
    Without ``policies`` (scenario -> policy objects) no reform is costed.

    Returns:
        One row per reform and coverage outcome.
    """
    last = int(outcomes.groupby("run_id")["month"].max().min())
    money = [
        "cum_subsidy_spending_yuan",
        "cum_n_inspections_real",
        "cum_contribution_income_yuan",
    ]
    at_end = paired(outcomes[outcomes["month"] == last], baseline, money)
    window = paired(final_window(outcomes), baseline, list(coverage))
    gains = window.groupby(["scenario", "replication"])[list(coverage)].mean() * 100.0
    joined = gains.join(at_end.set_index(["scenario", "replication"])[money], how="inner")
    employed = outcomes[(outcomes["month"] >= 1) & (outcomes["month"] <= last)].set_index(
        ["scenario", "replication", "month"]
    )["n_employed_real"]
    rows = []
    for name, g in joined.groupby("scenario", sort=False):
        known = policies is not None and name in policies
        costs, missing = [], ["(policies unknown)"] if not known else []
        for (_, rep), diff in g.iterrows():
            if known:
                cost, missing = _scenario_cost(
                    list(policies[name]), diff, employed.loc[(name, rep)], cost_per_inspection
                )
                costs.append(cost)
        cost = pd.Series(costs if known else np.nan, index=g.index, dtype=float)
        status = (
            "not costed: " + ", ".join(missing)
            if missing
            else ("no extra public cost" if not cost.mean() > 0 else "costed")
        )
        for col in coverage:
            gain = g[col]
            n = len(g)
            half = stats.t.ppf(0.95, n - 1) * gain.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
            ratio = status == "costed"
            per = gain / (cost / 1e8)
            every = ratio and bool((cost > 0).all())  # per-replication ratios need cost > 0
            rows.append(
                {
                    "scenario": name,
                    "outcome": col,
                    "n": n,
                    "gain_points": gain.mean(),
                    "gain_ci90_low": gain.mean() - half,
                    "gain_ci90_high": gain.mean() + half,
                    "extra_subsidy_yuan": g["cum_subsidy_spending_yuan"].mean(),
                    "extra_inspections": g["cum_n_inspections_real"].mean(),
                    "public_cost_yuan": cost.mean() if not missing else np.nan,
                    "cost_status": status,
                    "points_per_100m_yuan": gain.mean() / (cost.mean() / 1e8) if ratio else np.nan,
                    "points_per_100m_q05": per.quantile(0.05) if every else np.nan,
                    "points_per_100m_q95": per.quantile(0.95) if every else np.nan,
                    "costs_not_modelled": ", ".join(missing),
                    "extra_contribution_income_yuan": g["cum_contribution_income_yuan"].mean(),
                    "cost_per_inspection_yuan": cost_per_inspection,
                    "months": last,
                }
            )
    return pd.DataFrame(rows)


def ratio_text(value: float) -> str:
    """A cost-effectiveness ratio for print: three significant figures, never 0.000."""
    if pd.isna(value):
        return ""
    return f"{value:.3g}"


def breakdown_summary(breakdowns: pd.DataFrame) -> pd.DataFrame:
    """Coverage by industry and region: mean and 5%/95% quantiles across replications."""
    if breakdowns.empty:
        return pd.DataFrame()
    cols = [c for c in breakdowns.columns if c.startswith("frac_covered_")]
    return _spread(breakdowns, ["scenario", "month", "year", "by", "group"], cols)

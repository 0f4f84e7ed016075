"""Summaries across replications, paired differences and cost-effectiveness.

All functions take the tidy outcome frame of an output folder (one row per run and
month, with ``scenario``, ``replication``, ``seed``) and return tidy frames.

* :func:`summarise`: per scenario, month and outcome, the mean and the 5% and 95%
  quantiles across replications (a 90% interval of the run-to-run spread).
* :func:`differences`: reform minus baseline, paired by replication (same seed, so
  common random numbers cancel most noise): mean, 5%/95% quantiles of the paired
  differences and a 90% t-interval for the mean difference.
* :func:`cost_effectiveness`: coverage points gained per 100 million yuan of extra
  public cost (subsidy spending + enforcement cost), see
  :mod:`experiments.assumptions`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from experiments.assumptions import COST_PER_INSPECTION_YUAN
from experiments.scenarios.levers import costed_levers
from model.codes import SCHEMES
from model.outcomes import OUTCOMES

#: Outcomes summarised by default (shares, flows in real persons, money in real yuan).
SUMMARY_OUTCOMES = (
    *(f"frac_covered_{s}" for s in SCHEMES),
    "frac_covered_any",
    "n_employed_real",
    "new_breaks_real",
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

#: Levers whose policy class declares a public cost (``cost``: today subsidy spending
#: and inspections). The cost of every other lever (campaigns, data systems, city
#: services...) is not modelled.
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


def _long(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    keep = ["scenario", "replication", "month", "year"]
    return frame[keep + columns].melt(id_vars=keep, var_name="outcome", value_name="value")


def _spread(grouped) -> pd.DataFrame:
    out = grouped["value"].agg(["count", "mean"])
    out["q05"] = grouped["value"].quantile(0.05)
    out["q95"] = grouped["value"].quantile(0.95)
    return out.rename(columns={"count": "n"}).reset_index()


def summarise(outcomes: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Mean and 90% interval (5%, 95% quantiles) across replications.

    Returns:
        Columns ``scenario, month, year, outcome, unit, n, mean, q05, q95``.
    """
    cols = _columns(outcomes, columns)
    long = _long(outcomes, cols)
    out = _spread(long.groupby(["scenario", "month", "year", "outcome"], sort=False))
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
    long = _long(diffs, cols)
    grouped = long.groupby(["scenario", "month", "year", "outcome"], sort=False)
    out = _spread(grouped)
    sd = grouped["value"].std(ddof=1).to_numpy()
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


def cost_effectiveness(
    outcomes: pd.DataFrame,
    baseline: str,
    cost_per_inspection: float = COST_PER_INSPECTION_YUAN,
    coverage: tuple[str, ...] = CE_OUTCOMES,
    levers: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    """Coverage points gained per 100 million yuan of extra public cost, per reform.

    Gain: paired difference in coverage (percentage points of employed migrant
    workers), averaged over the last 12 months. Cost: extra cumulative subsidy
    spending plus extra cumulative inspections (real) x ``cost_per_inspection``, to
    the last month. Reforms with no extra cost get NaN (not infinitely efficient).
    ``levers`` (scenario -> lever names) fills ``costs_not_modelled``: levers of the
    reform outside :data:`COSTED_LEVERS`, whose own cost is missing from the ratio
    (it is then an upper bound on the true cost-effectiveness).

    Returns:
        One row per reform and coverage outcome.
    """
    last = int(outcomes.groupby("run_id")["month"].max().min())
    money = ["cum_subsidy_spending_yuan", "cum_n_inspections_real", "cum_contribution_income_yuan"]
    at_end = paired(outcomes[outcomes["month"] == last], baseline, money)
    window = paired(final_window(outcomes), baseline, list(coverage))
    gains = window.groupby(["scenario", "replication"])[list(coverage)].mean() * 100.0
    costs = at_end.set_index(["scenario", "replication"])[money]
    joined = gains.join(costs, how="inner")
    joined["enforcement_cost_yuan"] = joined["cum_n_inspections_real"] * cost_per_inspection
    joined["public_cost_yuan"] = (
        joined["cum_subsidy_spending_yuan"] + joined["enforcement_cost_yuan"]
    )
    rows = []
    for name, g in joined.groupby("scenario", sort=False):
        cost = g["public_cost_yuan"]
        for col in coverage:
            gain = g[col]
            n = len(g)
            half = stats.t.ppf(0.95, n - 1) * gain.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
            per = gain / (cost / 1e8)
            costly = cost.mean() > 0
            every = costly and bool((cost > 0).all())  # per-replication ratios need cost > 0
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
                    "enforcement_cost_yuan": g["enforcement_cost_yuan"].mean(),
                    "public_cost_yuan": cost.mean(),
                    "points_per_100m_yuan": gain.mean() / (cost.mean() / 1e8) if costly else np.nan,
                    "points_per_100m_q05": per.quantile(0.05) if every else np.nan,
                    "points_per_100m_q95": per.quantile(0.95) if every else np.nan,
                    "costs_not_modelled": ", ".join(
                        sorted(set((levers or {}).get(name, [])) - COSTED_LEVERS)
                    ),
                    "extra_contribution_income_yuan": g["cum_contribution_income_yuan"].mean(),
                    "cost_per_inspection_yuan": cost_per_inspection,
                    "months": last,
                }
            )
    return pd.DataFrame(rows)


def breakdown_summary(breakdowns: pd.DataFrame) -> pd.DataFrame:
    """Coverage by industry and region: mean and 5%/95% quantiles across replications."""
    if breakdowns.empty:
        return pd.DataFrame()
    cols = [c for c in breakdowns.columns if c.startswith("frac_covered_")]
    keep = ["scenario", "month", "year", "by", "group"]
    long = breakdowns[keep + cols].melt(id_vars=keep, var_name="outcome", value_name="value")
    return _spread(long.groupby([*keep, "outcome"], sort=False))

"""What an experiment found, in words and small tables, for the report and the terminal.

* :func:`final_means`: per scenario, the mean over replications of each run's last
  12 months, with the 5%-95% range across replications.
* :func:`ranking`: reforms ranked by their paired gain in pension coverage, with the
  90% interval, the public cost and the cost-effectiveness (or why there is none).
* :func:`breaks_table`: the raw count of breaks beside breaks per 1,000 covered
  workers and the share of records never broken (the raw count rises with coverage).
* :func:`headlines`: the sentences that open the report.
* :func:`summary_text`: the plain-text table ``uptake run/compare/demo`` print.

Numbers are formatted by :mod:`experiments.analysis.formatting` (one convention).
"""

from __future__ import annotations

import textwrap

import pandas as pd

from experiments.analysis import formatting as fmt
from experiments.analysis.summaries import BREAK_COLUMNS, BREAKS_NOTE, final_window, ratio_text
from experiments.analysis.tables import FolderTables

PENSION, ANY = "frac_covered_pension", "frac_covered_any"


def population_scale(t: FolderTables) -> float:
    """Real workers per agent in these runs (``n_employed_real / n_employed``)."""
    frame = t.outcomes
    if not {"n_employed", "n_employed_real"} <= set(frame.columns):
        return float("nan")
    rows = frame[frame["n_employed"] > 0]
    return float((rows["n_employed_real"] / rows["n_employed"]).median()) if len(rows) else 0.0


def final_means(t: FolderTables, columns: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Last-12-month means: index scenario, columns ``(column, mean|q05|q95)``."""
    present = [c for c in columns if c in t.outcomes.columns]
    window = final_window(t.outcomes)
    per_run = window.groupby(["scenario", "replication"], sort=False)[present].mean()
    grouped = per_run.groupby(level="scenario", sort=False)
    out = pd.concat(
        {"mean": grouped.mean(), "q05": grouped.quantile(0.05), "q95": grouped.quantile(0.95)},
        axis=1,
    ).swaplevel(axis=1)
    return out.reindex([s for s in scenario_order(t) if s in out.index])


def scenario_order(t: FolderTables) -> list[str]:
    """Scenario names in the experiment's order (baseline first)."""
    named = t.manifest.get("experiment", {}).get("scenario_names") or []
    seen = list(dict.fromkeys(t.summary["scenario"])) if not t.summary.empty else []
    return [*named, *(s for s in seen if s not in named)]


def window_text(t: FolderTables) -> str:
    """``2020-01 to 2020-12`` for the final window of the runs."""
    months = sorted(final_window(t.outcomes)["month"].unique())
    return f"{fmt.month_label(months[0])} to {fmt.month_label(months[-1])}"


def ranking(t: FolderTables) -> pd.DataFrame:
    """Reforms ranked by pension-coverage gain over the baseline (one row per reform)."""
    ce = t.cost_effectiveness
    if ce.empty:
        return pd.DataFrame()
    wide = ce.pivot_table(
        index="scenario",
        columns="outcome",
        values=["gain_points", "gain_ci90_low", "gain_ci90_high"],
        sort=False,
    )
    first = ce.drop_duplicates("scenario").set_index("scenario")
    rows = []
    for name in wide.index:
        row = {"reform": name}
        for outcome, title in ((PENSION, "pension"), (ANY, "any scheme")):
            if ("gain_points", outcome) not in wide:
                continue
            mean = wide["gain_points", outcome][name]
            low, high = wide["gain_ci90_low", outcome][name], wide["gain_ci90_high", outcome][name]
            row[f"gain, {title}"] = mean
            row[f"{title} 90% low"], row[f"{title} 90% high"] = low, high
        cost = first.loc[name, "public_cost_yuan"]
        status = first.loc[name].get("cost_status", "")
        pension = ce[(ce["scenario"] == name) & (ce["outcome"] == PENSION)]
        ratio = pension["points_per_100m_yuan"].iloc[0] if len(pension) else float("nan")
        row["public cost"] = cost
        row["cost status"] = status
        row["pts per 100 M yuan"] = ratio
        rows.append(row)
    out = pd.DataFrame(rows)
    key = "gain, pension" if "gain, pension" in out else out.columns[1]
    return out.sort_values(key, ascending=False, ignore_index=True)


def ranking_display(t: FolderTables) -> pd.DataFrame:
    """:func:`ranking` formatted for a table (points of coverage, yuan, ratios)."""
    r = ranking(t)
    if r.empty:
        return r
    out = pd.DataFrame({"rank": range(1, len(r) + 1), "reform": r["reform"]})
    for title in ("pension", "any scheme"):
        if f"gain, {title}" in r:
            out[f"{title} gain, pts [90% CI]"] = [
                f"{fmt.points(m)} [{fmt.points(lo)}, {fmt.points(hi)}]"
                for m, lo, hi in zip(
                    r[f"gain, {title}"], r[f"{title} 90% low"], r[f"{title} 90% high"], strict=True
                )
            ]
    out["extra public cost"] = [
        fmt.yuan(c) if pd.notna(c) else "not costed" for c in r["public cost"]
    ]
    out["pension pts per 100 M yuan"] = [
        ratio_text(v) if pd.notna(v) else ("none: no extra cost" if pd.notna(c) else "n/a")
        for v, c in zip(r["pts per 100 M yuan"], r["public cost"], strict=True)
    ]
    return out


def uncosted_text(t: FolderTables) -> str:
    """Which reforms have levers whose cost is not modelled (empty if none)."""
    r = ranking(t)
    if r.empty:
        return ""
    uncosted = [
        f"{n} ({str(s).removeprefix('not costed: ')})"
        for n, s in zip(r["reform"], r["cost status"], strict=True)
        if str(s).startswith("not costed")
    ]
    if not uncosted:
        return ""
    return (
        "Not costed (a lever's cost is not modelled, so no cost-effectiveness is given, "
        "which is not the same as free): " + "; ".join(uncosted) + "."
    )


def breaks_table(t: FolderTables) -> pd.DataFrame:
    """Breaks per scenario (last 12 months): raw count, per 1,000 covered, records unbroken."""
    means = final_means(t, BREAK_COLUMNS)
    if means.empty or "new_breaks_real" not in means.columns.get_level_values(0):
        return pd.DataFrame()
    scale = population_scale(t)
    out = pd.DataFrame({"scenario": means.index})
    raw = means["new_breaks_real"]
    out["breaks a month (persons) [5-95%]"] = [
        fmt.interval("new_breaks_real", m, lo, hi) + ("*" if fmt.noisy(m, scale) else "")
        for m, lo, hi in zip(raw["mean"], raw["q05"], raw["q95"], strict=True)
    ]
    if "breaks_per_1000_covered" in means:
        out["per 1,000 covered workers"] = [
            f"{v:.1f}" for v in means["breaks_per_1000_covered", "mean"]
        ]
    if "frac_records_unbroken" in means:
        out["records never broken"] = [fmt.share(v) for v in means["frac_records_unbroken", "mean"]]
    return out


#: Coverage columns of the terminal table (the report shows every scheme).
TERMINAL_COVERAGE = ("frac_covered_pension", "frac_covered_medical", "frac_covered_any")


def coverage_table(t: FolderTables, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Coverage by scheme (last 12 months), % of employed workers with the 5%-95% range."""
    columns = columns or tuple(c for c in t.outcomes.columns if c.startswith("frac_covered_"))
    means = final_means(t, columns)
    out = pd.DataFrame({"scenario": means.index})
    for c in columns:
        if c not in means:
            continue
        m = means[c]
        out[fmt.label(c)] = [
            fmt.interval(c, a, lo, hi)
            for a, lo, hi in zip(m["mean"], m["q05"], m["q95"], strict=True)
        ]
    return out


def _agents_at_start(t: FolderTables) -> float:
    """Worker agents at the first recorded month (when the manifest does not say)."""
    frame = t.outcomes
    if "n_workers" not in frame.columns or frame.empty:
        return 0.0
    return float(frame[frame["month"] == frame["month"].min()]["n_workers"].median())


def headlines(t: FolderTables) -> list[str]:
    """The findings in sentences: ranking, intervals, what is uncosted, noise."""
    e = t.manifest.get("experiment", {})
    reps = int(t.outcomes.groupby("scenario")["replication"].nunique().min())
    lines = []
    base = t.baseline or next(iter(dict.fromkeys(t.outcomes["scenario"])))
    means = final_means(t, [PENSION, ANY])
    if t.kind == "sweep" and PENSION in means:
        p = means[PENSION]["mean"]
        lines.append(
            f"{len(means)} design points x {reps} replications: pension coverage over "
            f"{window_text(t)} ranges from {fmt.share(p.min())} to {fmt.share(p.max())} "
            "across the points (means of the replications); the sensitivity indices say "
            "which factors drive it."
        )
    elif base in means.index and PENSION in means:
        p, a = means.loc[base, PENSION], means.loc[base, ANY]
        lines.append(
            f"{base}: pension coverage {fmt.share(p['mean'])} (5-95% across runs "
            f"{fmt.share(p['q05'])} to {fmt.share(p['q95'])}), any scheme "
            f"{fmt.share(a['mean'])}, of employed migrant workers, {window_text(t)} "
            f"(mean of {reps} replications)."
        )
    r = ranking(t)
    if not r.empty and "gain, pension" in r:
        best = r.iloc[0]
        lines.append(
            f"Largest gain in pension coverage: {best['reform']}, "
            f"{fmt.points(best['gain, pension'])} points [90% CI "
            f"{fmt.points(best['pension 90% low'])} to "
            f"{fmt.points(best['pension 90% high'])}] over {base}; ranking: "
            + ", ".join(
                f"{n} ({fmt.points(g)})"
                for n, g in zip(r["reform"], r["gain, pension"], strict=True)
            )
            + "."
        )
        clear = r[r["pension 90% low"] > 0]["reform"].tolist()
        unclear = r[(r["pension 90% low"] <= 0) & (r["pension 90% high"] >= 0)]["reform"].tolist()
        lines.append(
            f"{len(clear)} of {len(r)} reforms raise pension coverage with a 90% interval above "
            "zero"
            + (
                f"; the intervals of {', '.join(unclear)} include zero (no clear effect "
                f"at {reps} replications)"
                if unclear
                else ""
            )
            + "."
        )
        if uncosted_text(t):
            lines.append(uncosted_text(t))
    scale = population_scale(t)
    agents = e.get("workers") or _agents_at_start(t)
    workers = f"{int(agents):,}" if agents else "the default number of"
    lines.append(
        f"Each run has {workers} worker agents; one agent stands for about {scale:,.0f} real "
        "workers, so counts in persons are agents x scale and carry sampling noise; counts "
        f"resting on fewer than {fmt.NOISE_AGENTS} agents a month are marked *."
    )
    return lines


def summary_text(t: FolderTables) -> str:
    """The comparison as plain text for the terminal (coverage, breaks, ranking, notes)."""
    if t.summary.empty:
        return "(no finished runs)"
    blocks = [
        f"Coverage of employed migrant workers, mean of the last 12 months ({window_text(t)}), "
        "[5%, 95%] across replications:",
        coverage_table(t, TERMINAL_COVERAGE).to_string(index=False),
    ]
    breaks = breaks_table(t)
    if not breaks.empty:
        blocks += ["", "Breaks in coverage (last 12 months):", breaks.to_string(index=False)]
        blocks.append(textwrap.fill(BREAKS_NOTE, 100))
    ranked = ranking_display(t)
    if not ranked.empty:
        blocks += [
            "",
            f"Reforms ranked by pension coverage gain over {t.baseline} (paired by seed, last "
            "12 months; 90% CI of the mean gain):",
            ranked.to_string(index=False),
        ]
        if uncosted_text(t):
            blocks.append(textwrap.fill(uncosted_text(t), 100))
    if any("*" in str(v) for v in breaks.to_numpy().ravel()):
        blocks.append(textwrap.fill(fmt.noise_note(population_scale(t)), 100))
    return "\n".join(blocks)

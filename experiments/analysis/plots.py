"""Matplotlib figures of an experiment (Agg backend: no display needed).

Each function takes tables from :mod:`experiments.analysis.tables` and returns a
``matplotlib.figure.Figure`` (or ``None`` when there is nothing to draw). Bands
are the 5%-95% quantiles across replications; error bars on differences are 90%
t-intervals of the paired mean difference.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model.codes import SCHEMES

COVERAGE = [*(f"frac_covered_{s}" for s in SCHEMES), "frac_covered_any"]
EVENTS = (
    ("new_breaks_real", "new breaks in coverage (persons/month)"),
    ("new_disputes_real", "labour disputes filed (cases/month)"),
    ("new_collective_disputes_real", "collective disputes (cases/month)"),
    ("n_inspections_real", "inspections (firms/month)"),
)
#: With more scenarios than this (sweeps), lines give way to one band over scenarios.
MAX_LINES = 14


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (and closes it)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _colours(names: list[str], baseline: str = "baseline") -> dict[str, tuple]:
    """Black for the baseline, then tab20 colours in scenario order (same in every figure)."""
    cmap = plt.get_cmap("tab20")
    others = [n for n in names if n != baseline]
    colours = {n: cmap(i % 20) for i, n in enumerate(others)}
    colours[baseline] = (0.0, 0.0, 0.0, 1.0)
    return colours


def _series_panel(ax, summary: pd.DataFrame, outcome: str, scale: float = 1.0) -> None:
    data = summary[summary["outcome"] == outcome]
    names = list(dict.fromkeys(data["scenario"]))
    if len(names) > MAX_LINES:
        wide = data.pivot_table(index="month", columns="scenario", values="mean")
        ax.fill_between(
            wide.index,
            wide.quantile(0.05, axis=1) * scale,
            wide.quantile(0.95, axis=1) * scale,
            alpha=0.3,
            label="5-95% over design points",
        )
        ax.plot(wide.index, wide.median(axis=1) * scale, label="median over design points")
        return
    colours = _colours(names)
    for name in names:
        d = data[data["scenario"] == name]
        c = colours[name]
        ax.plot(
            d["month"],
            d["mean"] * scale,
            color=c,
            lw=1.6 if name == "baseline" else 1.1,
            label=name,
        )
        ax.fill_between(d["month"], d["q05"] * scale, d["q95"] * scale, color=c, alpha=0.12)


def coverage_figure(summary: pd.DataFrame) -> Figure | None:
    """Coverage of employed migrant workers by scheme over time, with 90% bands."""
    present = [c for c in COVERAGE if c in set(summary["outcome"])]
    if not present:
        return None
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
    for ax, outcome in zip(axes.flat, present, strict=False):
        _series_panel(ax, summary, outcome, 100.0)
        ax.set_title(outcome.removeprefix("frac_covered_") + " coverage")
        ax.set_ylabel("% of employed")
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("month (1 = Jan 2011)")
    _legend(fig, axes.flat[0])
    return fig


def events_figure(summary: pd.DataFrame) -> Figure | None:
    """Breaks in coverage, disputes and inspections over time, with 90% bands."""
    present = [(c, t) for c, t in EVENTS if c in set(summary["outcome"])]
    if not present:
        return None
    fig, axes = plt.subplots(1, len(present), figsize=(4.2 * len(present), 3.6))
    for ax, (outcome, title) in zip(np.atleast_1d(axes), present, strict=True):
        _series_panel(ax, summary, outcome)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("month")
        ax.grid(alpha=0.3)
    _legend(fig, np.atleast_1d(axes)[0])
    return fig


def _legend(fig: Figure, ax) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(
            handles,
            labels,
            loc="lower center",
            ncol=min(6, len(labels)),
            fontsize=8,
            bbox_to_anchor=(0.5, -0.06 - 0.025 * (len(labels) // 6)),
        )
    fig.tight_layout()


def breakdown_figure(breakdowns: pd.DataFrame, outcome: str = "frac_covered_pension"):
    """Heatmaps of coverage by industry and by region in the last recorded month."""
    if breakdowns.empty:
        return None
    last = breakdowns[(breakdowns["month"] == breakdowns["month"].max())]
    last = last[last["outcome"] == outcome]
    bys = [b for b in ("industry", "region") if b in set(last["by"])]
    scenarios = list(dict.fromkeys(last["scenario"]))
    if not bys or len(scenarios) > 40:
        return None
    fig, axes = plt.subplots(1, len(bys), figsize=(13, 0.45 * len(scenarios) + 2.2))
    for ax, by in zip(np.atleast_1d(axes), bys, strict=True):
        table = last[last["by"] == by].pivot_table(
            index="scenario", columns="group", values="mean", sort=False
        )
        table = table.reindex(scenarios) * 100
        im = ax.imshow(table.to_numpy(), aspect="auto", cmap="viridis")
        ax.set_xticks(range(table.shape[1]), table.columns, rotation=35, ha="right", fontsize=8)
        ax.set_yticks(range(table.shape[0]), table.index, fontsize=8)
        values = table.to_numpy()
        middle = np.nanmean(values)
        for (i, j), v in np.ndenumerate(values):
            colour = "black" if v > middle else "white"
            ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7, color=colour)
        ax.set_title(
            f"{outcome.removeprefix('frac_covered_')} coverage (%) by {by}, "
            f"month {int(last['month'].max())}",
            fontsize=10,
        )
        fig.colorbar(im, ax=ax, shrink=0.8)
    fig.tight_layout()
    return fig


def differences_figure(ce: pd.DataFrame, diffs: pd.DataFrame) -> Figure | None:
    """Gain over baseline: last-12-month means with 90% CIs, and the pension gain over time."""
    if ce.empty:
        return None
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 0.35 * ce["scenario"].nunique() + 3))
    outcomes = list(dict.fromkeys(ce["outcome"]))
    names = list(dict.fromkeys(ce["scenario"]))
    y = np.arange(len(names))
    height = 0.8 / len(outcomes)
    for k, outcome in enumerate(outcomes):
        d = ce[ce["outcome"] == outcome].set_index("scenario").reindex(names)
        err = np.vstack(
            [d["gain_points"] - d["gain_ci90_low"], d["gain_ci90_high"] - d["gain_points"]]
        )
        left.barh(
            y + k * height,
            d["gain_points"],
            height,
            xerr=np.nan_to_num(err),
            label=outcome.removeprefix("frac_covered_"),
            capsize=2,
        )
    left.set_yticks(y + height * (len(outcomes) - 1) / 2, names, fontsize=8)
    left.axvline(0, color="black", lw=0.8)
    left.set_xlabel("coverage gain vs baseline, percentage points (last 12 months)")
    left.legend(fontsize=8)
    left.grid(axis="x", alpha=0.3)
    d = diffs[diffs["outcome"] == "frac_covered_pension"]
    colours = _colours(["baseline", *names])
    for name in names:
        s = d[d["scenario"] == name]
        right.plot(s["month"], s["mean"] * 100, color=colours[name], lw=1, label=name)
        right.fill_between(
            s["month"], s["ci90_low"] * 100, s["ci90_high"] * 100, color=colours[name], alpha=0.12
        )
    right.axhline(0, color="black", lw=0.8)
    right.set_title("pension coverage, reform minus baseline (90% CI)", fontsize=10)
    right.set_xlabel("month")
    right.set_ylabel("percentage points")
    right.grid(alpha=0.3)
    if len(names) <= MAX_LINES:
        right.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def cost_figure(ce: pd.DataFrame, outcome: str = "frac_covered_pension") -> Figure | None:
    """Extra public cost against coverage gain, one point per reform."""
    d = ce[ce["outcome"] == outcome]
    if d.empty:
        return None
    fig, ax = plt.subplots(figsize=(8, 5))
    cost = d["public_cost_yuan"] / 1e8
    ax.errorbar(
        cost,
        d["gain_points"],
        yerr=np.nan_to_num(
            np.vstack(
                [d["gain_points"] - d["gain_ci90_low"], d["gain_ci90_high"] - d["gain_points"]]
            )
        ),
        fmt="o",
        capsize=3,
    )
    for x, yv, name in zip(cost, d["gain_points"], d["scenario"], strict=True):
        ax.annotate(name, (x, yv), fontsize=8, xytext=(4, 3), textcoords="offset points")
    ax.set_xlabel("extra public cost to the last month, 100 million yuan (subsidy + inspections)")
    ax.set_ylabel(f"{outcome.removeprefix('frac_covered_')} coverage gain, points")
    ax.axhline(0, color="black", lw=0.8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def sensitivity_figure(indices: pd.DataFrame) -> Figure | None:
    """Bars of the main sensitivity index per factor, one panel per outcome."""
    if indices.empty:
        return None
    from experiments.sweeps.indices import MAIN_INDEX

    outcomes = list(dict.fromkeys(indices["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(5.5 * len(outcomes), 3.8), squeeze=False)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        d = indices[indices["outcome"] == outcome]
        main = MAIN_INDEX.get(d["method"].iloc[0], d["index"].iloc[0])
        shown = [main, "S1"] if main == "ST" else [main]
        for k, index in enumerate(shown):
            s = d[d["index"] == index]
            conf = s["conf"] if index != "rho" else None
            ax.barh(
                np.arange(len(s)) + 0.4 * k,
                s["value"],
                0.4,
                label=index,
                xerr=None if conf is None else np.nan_to_num(conf),
                capsize=2,
            )
            ax.set_yticks(np.arange(len(s)), s["factor"], fontsize=8)
        ax.set_title(outcome, fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig

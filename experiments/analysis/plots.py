"""Matplotlib figures of an experiment (Agg backend: no display needed).

Each function takes tables from :mod:`experiments.analysis.tables` and returns a
``matplotlib.figure.Figure`` (or ``None`` when there is nothing to draw). Every
scenario is drawn (up to :data:`MAX_LINES`) in its own colour and line style, the
same in every figure; the baseline is black, bold and on top. Over time, the band is
the baseline's 5%-95% range across replications (reforms' intervals are those of
their paired differences, in :func:`differences_figure`). Labels and units come
from :mod:`experiments.analysis.formatting`; figures are sized to stay legible when
shown about 1,200 px wide.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.analysis import formatting as fmt
from experiments.analysis.summaries import ratio_text
from model.codes import SCHEMES

COVERAGE = [*(f"frac_covered_{s}" for s in SCHEMES), "frac_covered_any"]
EVENTS = (
    "new_breaks_real",
    "breaks_per_1000_covered",
    "new_disputes_real",
    "new_collective_disputes_real",
    "n_inspections_real",
)
#: With more scenarios than this (sweeps), lines give way to one band over scenarios.
MAX_LINES = 14
#: Colours of the reforms, in scenario order: distinguishable on screen and in print
#: (tab10 without its grey, which is too close to the black baseline, and three dark
#: tones). From the tenth reform on, lines are also dashed.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#637939",
    "#843c39",
)
BASELINE_COLOUR = "#000000"


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (and closes it)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def scenario_styles(names: list[str], baseline: str | None = "baseline") -> dict[str, dict]:
    """Line style per scenario (``color``, ``ls``, ``lw``, ``zorder``), same in every figure."""
    styles = {}
    others = [n for n in names if n != baseline]
    for i, name in enumerate(others):
        styles[name] = {
            "color": PALETTE[i % len(PALETTE)],
            "ls": "-" if i < 9 else "--",
            "lw": 1.3,
            "zorder": 3,
        }
    if baseline in names:
        styles[baseline] = {"color": BASELINE_COLOUR, "ls": "-", "lw": 2.6, "zorder": 10}
    return styles


def _month_axis(ax, months) -> None:
    """Ticks on calendar months: ``start`` for month 0, ``2011-01`` for month 1."""
    months = np.asarray(sorted(set(int(m) for m in months)))
    if months.size == 0:
        return
    step = 12 if months.max() - months.min() <= 96 else 24
    ticks = [m for m in range(1, int(months.max()) + 1, step) if m >= months.min()]
    if months.min() == 0:  # "start" replaces the first January, which would overlap it
        ticks = [0, *ticks[1:]]
    ax.set_xticks(ticks, [fmt.month_label(m) for m in ticks], rotation=45, ha="right", fontsize=8)


def _series_panel(ax, summary: pd.DataFrame, outcome: str, scale: float, baseline) -> None:
    data = summary[summary["outcome"] == outcome]
    names = list(dict.fromkeys(data["scenario"]))
    if len(names) > MAX_LINES:
        wide = data.pivot_table(index="month", columns="scenario", values="mean")
        low, high = wide.quantile(0.05, axis=1) * scale, wide.quantile(0.95, axis=1) * scale
        ax.fill_between(wide.index, low, high, alpha=0.3, label="5-95% over design points")
        ax.plot(wide.index, wide.median(axis=1) * scale, label="median over design points")
        _month_axis(ax, wide.index)
        return
    styles = scenario_styles(names, baseline)
    for name in names:
        d = data[data["scenario"] == name]
        style = styles[name]
        ax.plot(d["month"], d["mean"] * scale, label=name, **style)
        if name == baseline:
            ax.fill_between(
                d["month"], d["q05"] * scale, d["q95"] * scale, color="0.5", alpha=0.25, zorder=1
            )
    _month_axis(ax, data["month"])


def _noisy(summary: pd.DataFrame, outcome: str, baseline, scale: float | None) -> bool:
    """Whether the baseline's monthly count rests on fewer than NOISE_AGENTS agents."""
    if not scale or fmt.unit(outcome) not in fmt.COUNT_UNITS:
        return False
    data = summary[(summary["outcome"] == outcome) & (summary["month"] >= 1)]
    if baseline in set(data["scenario"]):
        data = data[data["scenario"] == baseline]
    return fmt.noisy(float(data["mean"].mean()), scale)


def _panels(
    summary: pd.DataFrame, columns, baseline, scale: float | None = None, ncols: int = 3
) -> Figure | None:
    present = [c for c in columns if c in set(summary["outcome"])]
    if not present:
        return None
    rows = -(-len(present) // ncols)
    fig, axes = plt.subplots(rows, ncols, figsize=(13, 3.6 * rows + 0.6), squeeze=False)
    for ax, outcome in zip(axes.flat, present, strict=False):
        percent = fmt.unit(outcome) == "%"
        _series_panel(ax, summary, outcome, 100.0 if percent else 1.0, baseline)
        noisy = _noisy(summary, outcome, baseline, scale)
        title = fmt.label(outcome) + (
            f"\n(noisy: < {fmt.NOISE_AGENTS} agents a month)" if noisy else ""
        )
        ax.set_title(title, fontsize=10, color="#b30000" if noisy else "black")
        ax.set_ylabel(fmt.unit(outcome), fontsize=9)
        ax.yaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}")
        )
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(present) :]:
        ax.set_visible(False)
    _legend(fig, axes.flat[0])
    return fig


def coverage_figure(summary: pd.DataFrame, baseline: str | None = "baseline") -> Figure | None:
    """Coverage of employed migrant workers by scheme over time (baseline with its band)."""
    return _panels(summary, COVERAGE, baseline)


def events_figure(
    summary: pd.DataFrame, baseline: str | None = "baseline", scale: float | None = None
) -> Figure | None:
    """Breaks in coverage (raw and per covered worker), disputes and inspections over time.

    These are flows, so month 0 (the start, with no flow yet) is left out. With
    ``scale`` (real workers per agent), a panel whose baseline count rests on fewer than
    :data:`~experiments.analysis.formatting.NOISE_AGENTS` agents a month says so.
    """
    return _panels(summary[summary["month"] >= 1], EVENTS, baseline, scale)


def _legend(fig: Figure, ax) -> None:
    handles, labels = ax.get_legend_handles_labels()
    fig.tight_layout()
    if handles:
        ncol = min(4, len(labels))
        fig.legend(
            handles,
            labels,
            loc="upper center",
            ncol=ncol,
            fontsize=9,
            frameon=False,
            bbox_to_anchor=(0.5, 0.0),
        )


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
    month = fmt.month_label(int(last["month"].max()))
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
        ax.set_title(f"{fmt.label(outcome)} (%) by {by}, {month}", fontsize=10)
        fig.colorbar(im, ax=ax, shrink=0.8)
    fig.tight_layout()
    return fig


def differences_figure(ce: pd.DataFrame, diffs: pd.DataFrame) -> Figure | None:
    """Gain over baseline: last-12-month means with 90% CIs, and the pension gain over time."""
    if ce.empty:
        return None
    names = list(dict.fromkeys(ce["scenario"]))
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 0.4 * len(names) + 3.2))
    outcomes = list(dict.fromkeys(ce["outcome"]))
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
            label=fmt.label(outcome),
            capsize=2,
            color=("#4c72b0", "#dd8452", "#55a868")[k % 3],
        )
    left.set_yticks(y + height * (len(outcomes) - 1) / 2, names, fontsize=9)
    left.invert_yaxis()
    left.axvline(0, color="black", lw=0.8)
    left.set_xlabel("gain over the baseline, percentage points (last 12 months, 90% CI)")
    left.legend(fontsize=8)
    left.grid(axis="x", alpha=0.3)
    d = diffs[diffs["outcome"] == "frac_covered_pension"]
    styles = scenario_styles(names, None)
    for name in names:
        s = d[d["scenario"] == name]
        right.plot(s["month"], s["mean"] * 100, label=name, **styles[name])
    right.axhline(0, color="black", lw=0.8)
    right.set_title("Pension coverage, reform minus baseline (mean of paired runs)", fontsize=10)
    right.set_ylabel("percentage points")
    _month_axis(right, d["month"])
    right.grid(alpha=0.3)
    if len(names) <= MAX_LINES:
        right.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    return fig


def cost_figure(ce: pd.DataFrame, outcome: str = "frac_covered_pension") -> Figure | None:
    """Extra public cost against coverage gain, one marker per reform with a cost > 0.

    Reforms without a ratio (not costed, or no extra public cost) are not drawn:
    the report lists them under the chart. Markers carry the scenario colours and a
    legend instead of text labels, so that close points never overlap their names.
    """
    d = ce[(ce["outcome"] == outcome) & (ce["public_cost_yuan"] > 0)]
    if d.empty:
        return None
    fig, ax = plt.subplots(figsize=(10, 5.2))
    styles = scenario_styles(list(ce["scenario"].unique()), None)
    for _, r in d.iterrows():
        err = [[r["gain_points"] - r["gain_ci90_low"]], [r["gain_ci90_high"] - r["gain_points"]]]
        ax.errorbar(
            r["public_cost_yuan"] / 1e9,
            r["gain_points"],
            yerr=np.nan_to_num(np.asarray(err, dtype=float)),
            fmt="o",
            ms=8,
            capsize=3,
            color=styles[r["scenario"]]["color"],
            label=f"{r['scenario']}: {ratio_text(r['points_per_100m_yuan'])} pts per 100 M yuan",
        )
    ax.set_xlabel("extra public cost to the last month, bn yuan (costed reforms only)")
    ax.set_ylabel(f"{fmt.label(outcome)} gain, percentage points")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
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
        ax.set_title(fmt.label(outcome), fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig

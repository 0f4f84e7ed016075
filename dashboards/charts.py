"""Matplotlib figures of a run and of a comparison (no pyplot: safe in worker threads).

Every function takes plain data (a :class:`~dashboards.state.Snapshot` or a
tidy frame) and returns a :class:`matplotlib.figure.Figure`; :func:`png` turns one
into bytes for the page and for downloads. Counts are shown in real persons (agents
times the population scale) and money in million yuan, as the model reports them.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model import SCHEMES

SIZE = (5.4, 3.1)
DPI = 90
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#7f7f7f")


def _figure(title: str, ylabel: str) -> tuple[Figure, object]:
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    ax = fig.subplots()
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_xlabel("year", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    return fig, ax


def years(month: pd.Series | np.ndarray, start_year: int) -> np.ndarray:
    """Calendar time of the end of each month (month 1 = January of ``start_year``)."""
    return start_year + np.asarray(month, dtype=float) / 12.0


def _span(ax, snap) -> None:
    """At least a year on the time axis, so month 0 and the first months read well."""
    last = max(int(snap.results["month"].max()), 12)
    ax.set_xlim(snap.start_year, snap.start_year + last / 12.0)


def _flows(results: pd.DataFrame) -> pd.DataFrame:
    """Months 1+ (month 0 is the starting state and records no flows)."""
    return results[results["month"] >= 1]


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


# --- Explore -------------------------------------------------------------------------------
def coverage_by_scheme(snap) -> Figure:
    """Share of employed workers whose employer pays each scheme."""
    fig, ax = _figure("Coverage by scheme", "share of employed workers")
    r = snap.results
    x = years(r["month"], snap.start_year)
    for colour, scheme in zip(COLOURS, SCHEMES, strict=False):
        ax.plot(x, r[f"frac_covered_{scheme}"], color=colour, label=scheme)
    ax.plot(x, r["frac_covered_any"], color="black", linestyle="--", label="any")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, ncol=3, loc="upper left")
    _span(ax, snap)
    return fig


def coverage_by_group(snap, by: str, scheme: str = "pension") -> Figure:
    """Coverage of one scheme by industry or region, month by month."""
    fig, ax = _figure(f"{scheme.capitalize()} coverage by {by}", "share of employed workers")
    table = snap.groups[by]
    groups = table.groupby(by, observed=True)
    for colour, (name, rows) in zip(itertools.cycle(COLOURS), groups):
        ax.plot(
            years(rows["month"], snap.start_year),
            rows[f"frac_covered_{scheme}"],
            color=colour,
            label=str(name),
        )
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, ncol=2, loc="upper left")
    _span(ax, snap)
    return fig


def breaks(snap) -> Figure:
    """Workers whose cover stopped this month (any scheme; pension)."""
    fig, ax = _figure("Breaks in coverage", "thousand workers per month")
    r = _flows(snap.results)
    x = years(r["month"], snap.start_year)
    ax.plot(x, r["new_breaks_real"] / 1e3, color=COLOURS[0], label="lost all cover")
    ax.plot(x, r["new_breaks_pension_real"] / 1e3, color=COLOURS[1], label="pension stopped")
    ax.legend(fontsize=7, loc="upper left")
    _span(ax, snap)
    return fig


def disputes(snap) -> Figure:
    """Labour dispute cases filed, individual and collective."""
    fig, ax = _figure("Labour disputes", "thousand cases per month")
    r = _flows(snap.results)
    x = years(r["month"], snap.start_year)
    collective = r["new_collective_disputes_real"] / 1e3
    ax.plot(x, r["new_disputes_real"] / 1e3 - collective, color=COLOURS[0], label="individual")
    ax.plot(x, collective, color=COLOURS[1], label="collective")
    ax.legend(fontsize=7, loc="upper left")
    _span(ax, snap)
    return fig


def enforcement(snap) -> Figure:
    """Inspections and detections (left) and money collected (right)."""
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    left, right = fig.subplots(1, 2)
    r = _flows(snap.results)
    x = years(r["month"], snap.start_year)
    left.plot(x, r["n_inspections_real"] / 1e3, color=COLOURS[0], label="inspections")
    left.plot(x, r["n_detections_real"] / 1e3, color=COLOURS[1], label="evasion found")
    left.set_title("Inspections", fontsize=10)
    left.set_ylabel("thousand firms per month", fontsize=9)
    right.plot(x, r["fines_yuan"] / 1e6, color=COLOURS[3], label="fines")
    right.plot(x, r["back_payments_yuan"] / 1e6, color=COLOURS[2], label="back payments")
    right.set_title("Penalties", fontsize=10)
    right.set_ylabel("million yuan per month", fontsize=9)
    for ax in (left, right):
        ax.set_xlabel("year", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    _span(ax, snap)
    return fig


def subsidy(snap) -> Figure:
    """Government contribution subsidies: monthly and cumulative."""
    fig, ax = _figure("Subsidy spending", "million yuan per month")
    r = _flows(snap.results)
    x = years(r["month"], snap.start_year)
    ax.plot(x, r["subsidy_spending_yuan"] / 1e6, color=COLOURS[2], label="this month")
    twin = ax.twinx()
    twin.plot(x, r["cum_subsidy_spending_yuan"] / 1e9, color=COLOURS[6], linestyle="--")
    twin.set_ylabel("cumulative, billion yuan (dashed)", fontsize=8)
    twin.tick_params(labelsize=8)
    ax.legend(fontsize=7, loc="upper left")
    _span(ax, snap)
    return fig


#: Explore charts: key -> title (see :func:`draw`).
EXPLORE_CHARTS: dict[str, str] = {
    "coverage": "Coverage by scheme",
    "by_industry": "Coverage by industry",
    "by_region": "Coverage by region",
    "breaks": "Breaks in coverage",
    "disputes": "Disputes",
    "enforcement": "Inspections and penalties",
    "subsidy": "Subsidy spending",
}


class PngCache:
    """PNG bytes of the Explore charts for the latest data (one per session).

    A chart is drawn once per data version and scheme, however many components
    (the Explore grid, the PNG downloads) ask for it.
    """

    def __init__(self) -> None:
        """Empty cache."""
        self._version = -1
        self._images: dict[tuple[str, str], bytes] = {}

    def get(self, snap, key: str, scheme: str = "pension") -> bytes:
        """The chart ``key`` of ``snap`` as PNG bytes."""
        if snap.data_version != self._version:
            self._version, self._images = snap.data_version, {}
        images = self._images
        if (key, scheme) not in images:
            images[(key, scheme)] = png(draw(key, snap, scheme))
        return images[(key, scheme)]


def draw(key: str, snap, scheme: str = "pension") -> Figure:
    """The Explore chart ``key``; ``scheme`` applies to the by-group charts."""
    if key == "by_industry":
        return coverage_by_group(snap, "industry", scheme)
    if key == "by_region":
        return coverage_by_group(snap, "region", scheme)
    simple: dict[str, Callable] = {
        "coverage": coverage_by_scheme,
        "breaks": breaks,
        "disputes": disputes,
        "enforcement": enforcement,
        "subsidy": subsidy,
    }
    if key not in simple:
        raise ValueError(f"unknown chart {key!r}; allowed: {list(EXPLORE_CHARTS)}")
    return simple[key](snap)


# --- Compare -------------------------------------------------------------------------------
def compare_lines(bands: pd.DataFrame, metric: str, label: str, start_year: int) -> Figure:
    """Each scenario: mean over replications with its 5-95% band."""
    fig, ax = _figure(label, metric)
    groups = bands.groupby("scenario", sort=False)
    for colour, (name, rows) in zip(itertools.cycle(COLOURS), groups):
        x = years(rows["month"], start_year)
        ax.plot(x, rows["mean"], color=colour, label=str(name))
        ax.fill_between(x, rows["q05"], rows["q95"], color=colour, alpha=0.2, linewidth=0)
    ax.legend(fontsize=7, loc="upper left")
    return fig


def compare_difference(diff: pd.DataFrame, metric: str, title: str, start_year: int) -> Figure:
    """Paired difference (reform minus baseline, same seeds) with its 5-95% band."""
    fig, ax = _figure(title, f"difference in {metric}")
    x = years(diff["month"], start_year)
    ax.plot(x, diff["mean"], color=COLOURS[4], label="mean difference")
    ax.fill_between(x, diff["q05"], diff["q95"], color=COLOURS[4], alpha=0.2, linewidth=0)
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.legend(fontsize=7, loc="upper left")
    return fig

"""Matplotlib figures of comparisons and saved results (no pyplot: safe in worker threads).

Each function takes a tidy frame and returns a :class:`matplotlib.figure.Figure`;
:func:`png` turns one into bytes. These are drawn once per choice, not every
month, so they use a layout engine; the Explore tab's live charts are in
:mod:`dashboards.explore_charts`. Values are shown in the dashboard's units
(:mod:`dashboards.format`): shares in %, counts in persons, money in yuan.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dashboards import format as fmt
from dashboards.explore_charts import PALETTE

SIZE = (5.4, 3.1)
DPI = 90
#: Most scenarios one chart can tell apart (one distinct colour each).
MAX_LINES = len(PALETTE)


def _figure(title: str, ylabel: str) -> tuple[Figure, object]:
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    ax = fig.subplots()
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_xlabel("year", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    return fig, ax


def years(month: pd.Series | np.ndarray, start_year: int) -> np.ndarray:
    """Calendar time at the end of each month (month 0 = start, 1 = end of January)."""
    return start_year + np.asarray(month, dtype=float) / 12.0


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def axis_unit(unit: str) -> tuple[float, FuncFormatter]:
    """Multiplier and tick format for an outcome unit (shares shown in %)."""
    if unit == "share":
        return 100.0, FuncFormatter(lambda v, _p: f"{v:g}%")
    return 1.0, FuncFormatter(lambda v, _p: fmt.tick(v))


def compare_lines(
    bands: pd.DataFrame, title: str, ylabel: str, unit: str, start_year: int
) -> Figure:
    """Each scenario (up to :data:`MAX_LINES`): mean over replications with its 5-95% band."""
    fig, ax = _figure(title, ylabel)
    factor, ticks = axis_unit(unit)
    groups = list(bands.groupby("scenario", sort=False))
    if len(groups) > MAX_LINES:
        raise ValueError(f"{len(groups)} scenarios: a chart tells at most {MAX_LINES} apart")
    for colour, (name, rows) in zip(PALETTE, groups, strict=False):
        x = years(rows["month"], start_year)
        ax.plot(x, factor * rows["mean"], color=colour, label=str(name), lw=1.4)
        ax.fill_between(
            x, factor * rows["q05"], factor * rows["q95"], color=colour, alpha=0.15, linewidth=0
        )
    ax.yaxis.set_major_formatter(ticks)
    ax.legend(fontsize=7, loc="best", ncol=2 if len(groups) > 4 else 1)
    return fig


def compare_difference(
    diff: pd.DataFrame, title: str, ylabel: str, unit: str, start_year: int
) -> Figure:
    """Paired difference (reform minus baseline, same seeds) with its 5-95% band."""
    fig, ax = _figure(title, ylabel)
    factor, ticks = axis_unit(unit)
    if unit == "share":
        ticks = FuncFormatter(lambda v, _p: f"{v:+g} pp" if v else "0")
    x = years(diff["month"], start_year)
    colour = PALETTE[4]
    ax.plot(x, factor * diff["mean"], color=colour, label="mean difference")
    ax.fill_between(
        x, factor * diff["q05"], factor * diff["q95"], color=colour, alpha=0.2, linewidth=0
    )
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(ticks)
    ax.legend(fontsize=7, loc="best")
    return fig

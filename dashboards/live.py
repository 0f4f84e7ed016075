"""Fast redraws of a live chart: matplotlib (Agg) with blitting, one figure per chart.

A :class:`LiveFigure` is built once per session and chart. The static part (axes,
ticks, grid, titles, legend) is rendered once and kept as a pixel background;
each new month only restores that background, draws the data artists (lines and
bands, ``animated=True``) on top and encodes the PNG. The full figure is redrawn
only when an axis range must change: the time axis spans the run's horizon and
grows in whole blocks, and a value axis grows or shrinks in "nice" steps with
hysteresis, so most months cost a few milliseconds instead of a full redraw.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image

SIZE = (5.4, 3.0)  # inches
DPI = 80
#: The time axis grows in blocks of this many months.
HORIZON_BLOCK = 60
MIN_HORIZON = 120


@dataclass
class Series:
    """One line (with an optional band) of a panel.

    Attributes:
        label: legend text.
        colour: matplotlib colour.
        style: line style (``-``, ``--``, ``:``).
        width: line width (points).
        band: whether the series has a shaded band (``lo``/``hi`` in :meth:`LiveFigure.update`).
    """

    label: str
    colour: str
    style: str = "-"
    width: float = 1.4
    band: bool = False


@dataclass
class Panel:
    """One axes: a title, a value axis (unit formatter, fixed or nice range) and series.

    Attributes:
        title: shown above the axes.
        ylabel: value-axis label (what and per what).
        ticks: formats a tick value, e.g. ``lambda v: f"{v:.0f}%"``.
        series: the lines drawn in it.
        fixed: a fixed value range (e.g. ``(0, 100)`` for percentages), else nice steps.
    """

    title: str
    ylabel: str
    ticks: Callable[[float], str]
    series: Sequence[Series]
    fixed: tuple[float, float] | None = None
    legend_columns: int = 1
    artists: list = field(default_factory=list)


def nice_top(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above ``value`` (1 for nothing)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def _top(current: float | None, data_max: float) -> float:
    """Keep ``current`` unless the data leave it or use under a quarter of it."""
    want = nice_top(data_max * 1.05)
    if current is None or data_max > current or want < current / 4:
        return want
    return current


def horizon(month: int, until: int) -> int:
    """Months spanned by the time axis: the planned run, grown in whole blocks."""
    need = max(month, until, MIN_HORIZON)
    return int(math.ceil(need / HORIZON_BLOCK) * HORIZON_BLOCK)


def encode(canvas: FigureCanvasAgg) -> bytes:
    """The canvas as PNG (fast zlib level: the page needs speed, not the last byte)."""
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="png", compress_level=1)
    return out.getvalue()


class LiveFigure:
    """A chart of one or two panels over calendar time, redrawn by blitting.

    Args:
        panels: one or two panels side by side.
        start_year: calendar year of month 1 (the time axis runs from month 0).
        xlabel: time-axis label.
    """

    def __init__(self, panels: Sequence[Panel], start_year: int, xlabel: str = "year") -> None:
        """Lay out the figure once (fixed margins: no layout engine per redraw)."""
        self.panels = list(panels)
        self.start_year = start_year
        self.fig = Figure(figsize=SIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        n = len(self.panels)
        axes = self.fig.subplots(1, n, squeeze=False)[0]
        self.fig.subplots_adjust(left=0.13 if n == 1 else 0.09, right=0.97, top=0.9, bottom=0.15)
        if n > 1:
            self.fig.subplots_adjust(wspace=0.3)
        self.axes = list(axes)
        for ax, panel in zip(self.axes, self.panels, strict=True):
            ax.set_title(panel.title, fontsize=10 if n == 1 else 9)
            ax.set_ylabel(panel.ylabel, fontsize=8)
            ax.set_xlabel(xlabel, fontsize=8)
            ax.tick_params(labelsize=8)
            ax.grid(alpha=0.3)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos, f=panel.ticks: f(v)))
            ax.yaxis.set_major_locator(MaxNLocator(5))
            ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
            panel.artists = []
            for s in panel.series:
                (line,) = ax.plot([], [], color=s.colour, linestyle=s.style, lw=s.width)
                line.set_label(s.label)
                line.set_animated(True)
                band = None
                if s.band:
                    band = ax.fill_between([0.0], [0.0], [0.0], color=s.colour, alpha=0.18, lw=0)
                    band.set_animated(True)
                panel.artists.append((line, band))
            ax.legend(fontsize=7, loc="upper left", ncol=panel.legend_columns, framealpha=0.8)
        # What an empty panel says instead of an axis with nothing on it (static layer).
        self.notes = [
            ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=9)
            for ax in self.axes
        ]
        self._limits: tuple | None = None
        self._background = None
        self.png = b""
        self.full_redraws = 0

    def years(self, months: np.ndarray) -> np.ndarray:
        """Calendar time at the end of each month (month 0 = start of ``start_year``)."""
        return self.start_year + np.asarray(months, dtype=float) / 12.0

    def update(
        self,
        months: np.ndarray,
        values: Sequence[Sequence[tuple[np.ndarray, np.ndarray | None, np.ndarray | None]]],
        until: int,
        empty: Sequence[str] = (),
    ) -> bytes:
        """Set every series' data and return the new PNG.

        Args:
            months: the months of the data (x).
            values: per panel, per series: ``(y, lo, hi)``; ``lo``/``hi`` for banded series.
            until: the month the run is planned to reach (sets the time axis).
            empty: per panel, what to say while all its values are 0 (e.g. "No subsidy
                in force"): shown in place of a value axis that would mean nothing.
        """
        x = self.years(months)
        tops = []
        for panel, series in zip(self.panels, values, strict=True):
            peak = 0.0
            for (line, band), (y, lo, hi) in zip(panel.artists, series, strict=True):
                line.set_data(x, y)
                if band is not None and len(x):
                    band.set_data(x, lo, hi)
                top = hi if hi is not None else y
                if len(top):
                    peak = max(peak, float(np.nanmax(top)))
            tops.append(peak)
        span = horizon(int(months[-1]) if len(months) else 0, until)
        notes = tuple(
            (empty[i] if i < len(empty) and not peak > 0 else "") for i, peak in enumerate(tops)
        )
        limits = (span, self._value_limits(tops), notes)
        if limits != self._limits:
            self._redraw_static(limits)
        else:
            self.canvas.restore_region(self._background)
        for ax, panel in zip(self.axes, self.panels, strict=True):
            for line, band in panel.artists:
                if band is not None and len(x):
                    ax.draw_artist(band)
                ax.draw_artist(line)
        self.png = encode(self.canvas)
        return self.png

    def _value_limits(self, tops: list[float]) -> tuple:
        old = self._limits[1] if self._limits else [None] * len(self.panels)
        out = []
        for panel, peak, current in zip(self.panels, tops, old, strict=True):
            out.append(panel.fixed if panel.fixed else (0.0, _top(current and current[1], peak)))
        return tuple(out)

    def _redraw_static(self, limits: tuple) -> None:
        span, ranges, notes = limits
        for ax, value_range, note, text in zip(self.axes, ranges, notes, self.notes, strict=True):
            ax.set_xlim(self.start_year, self.start_year + span / 12.0)
            ax.set_ylim(*value_range)
            text.set_text(note)
            ax.tick_params(axis="y", left=not note, labelleft=not note)  # 0-1 means nothing
            ax.get_legend().set_visible(not note)
        self.canvas.draw()  # animated artists are left out of the background
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._limits = limits
        self.full_redraws += 1

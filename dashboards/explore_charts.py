"""The Explore tab's seven live charts: what each shows, in which unit, from which columns.

Each chart is a :class:`~dashboards.live.LiveFigure` built once per session (and
scheme, for the by-group charts) and fed the run's results every published
month. Counts are real persons or cases (agents x scale) with a shaded 95%
sampling interval (:func:`dashboards.format.interval`), so a month resting on a
handful of agents shows as the wide band it is. Shares are in %; money in yuan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboards import format as fmt
from dashboards.live import LiveFigure, Panel, Series
from model import SCHEMES

#: Distinct, legible colours on white for up to 12 lines or scenarios.
PALETTE = (
    "#4363d8",
    "#e6194b",
    "#3cb44b",
    "#f58231",
    "#911eb4",
    "#42a5c4",
    "#f032e6",
    "#469990",
    "#9a6324",
    "#800000",
    "#808000",
    "#000075",
)

#: Explore charts: key -> title (order of the page).
EXPLORE_CHARTS: dict[str, str] = {
    "coverage": "Coverage by scheme",
    "by_industry": "Coverage by industry",
    "by_region": "Coverage by region",
    "breaks": "Breaks in coverage",
    "disputes": "Labour disputes",
    "enforcement": "Inspections and penalties",
    "subsidy": "Subsidy spending",
}
#: Caption under a chart, where the chart needs one to be read right.
NOTES: dict[str, str] = {
    # seed-to-seed sd of 2011-2013 pension coverage, 40 x 20,000 workers, root seed 7
    # (python tools/structure_report.py --replications 40 --workers 20000 --years 3)
    "by_industry": (
        "One run. At the default 20,000 workers an industry's pension coverage moves by "
        "2-6 points from seed to seed (catering and transport most): each firm pays or "
        "evades for all its workers. Compare industries over several seeds."
    ),
    "by_region": (
        "One run. At the default 20,000 workers a region's pension coverage moves by 2-4 "
        "points from seed to seed, more than the East's lead over the Centre (0.75 points "
        "at 500,000 workers): compare regions over many seeds or with more workers "
        "(docs/structure.md 11)."
    ),
    "breaks": fmt.BREAKS_NOTE + " Right: that rate.",
    "enforcement": (
        "Penalties rest on a few detected firms a month: thin line = each month, "
        "thick = 12-month average."
    ),
}


def percent_ticks(v: float) -> str:
    """Tick text of a percentage axis."""
    return f"{v:.0f}%"


count_ticks = yuan_ticks = rate_ticks = fmt.tick


def _counted(r: pd.DataFrame, column: str, scale: float) -> tuple:
    """A count column in real units with its 95% sampling band (from the agent count)."""
    k = np.maximum(r[column].to_numpy(dtype=float), 0.0)
    half = fmt.Z95 * np.sqrt(k)
    lo = np.maximum(k - half, 0.0) * scale
    hi = np.where(k == 0, 3.0, k + half) * scale
    return k * scale, lo, hi


def build(key: str, start_year: int, scheme: str = "pension", groups=()) -> LiveFigure:
    """A new figure for chart ``key`` (``groups``: names, for the by-group charts)."""
    share = "% of employed workers"
    if key == "coverage":
        series = [Series(s, PALETTE[i]) for i, s in enumerate(SCHEMES)]
        series.append(Series("any scheme", "black", "--"))
        panels = [Panel("Coverage by scheme", share, percent_ticks, series, (0, 100), 3)]
    elif key in ("by_industry", "by_region"):
        by = key.removeprefix("by_")
        series = [Series(str(g).replace("_", " "), PALETTE[i]) for i, g in enumerate(groups)]
        title = f"{scheme.capitalize()} coverage by {by}"
        panels = [Panel(title, share, percent_ticks, series, (0, 100), 2)]
    elif key == "breaks":
        panels = [
            Panel(
                "Breaks, workers/month",
                "",
                count_ticks,
                [
                    Series("lost all cover", PALETTE[0], band=True),
                    Series("pension stopped", PALETTE[1], band=True),
                ],
            ),
            Panel(
                "Per 1,000 covered workers",
                "",
                rate_ticks,
                [Series("lost all cover", PALETTE[0], band=True)],
            ),
        ]
    elif key == "disputes":
        panels = [
            Panel(
                "Labour disputes",
                "cases per month",
                count_ticks,
                [
                    Series("individual", PALETTE[0], band=True),
                    Series("collective", PALETTE[1], band=True),
                ],
            )
        ]
    elif key == "enforcement":
        panels = [
            Panel(
                "Inspections, firms/month",
                "",
                count_ticks,
                [
                    Series("inspected", PALETTE[0], band=True),
                    Series("evasion found", PALETTE[1], band=True),
                ],
            ),
            Panel(
                "Fines + arrears, yuan/month",
                "",
                yuan_ticks,
                [
                    Series("each month", PALETTE[3], width=0.7),
                    Series("12-month average", PALETTE[2], width=2.0),
                ],
            ),
        ]
    elif key == "subsidy":
        panels = [
            Panel(
                "Subsidies, yuan/month",
                "",
                yuan_ticks,
                [Series("this month", PALETTE[2])],
            ),
            Panel("Subsidies so far, yuan", "", yuan_ticks, [Series("total", "black")]),
        ]
    else:
        raise ValueError(f"unknown chart {key!r}; allowed: {list(EXPLORE_CHARTS)}")
    return LiveFigure(panels, start_year)


def values(key: str, snap, scheme: str = "pension") -> tuple[np.ndarray, list]:
    """The months and, per panel and series, ``(y, lo, hi)`` of chart ``key``."""
    r = snap.results
    if key == "coverage":
        cols = [f"frac_covered_{s}" for s in SCHEMES] + ["frac_covered_any"]
        return r["month"].to_numpy(), [[(100 * r[c].to_numpy(), None, None) for c in cols]]
    if key in ("by_industry", "by_region"):
        history = snap.groups[key.removeprefix("by_")]
        table = 100 * history.shares[scheme]
        return history.months, [[(table[:, g], None, None) for g in range(table.shape[1])]]
    flows = r[r["month"] >= 1]
    months = flows["month"].to_numpy()
    scale = snap.scale
    if key == "breaks":
        covered = r["n_covered_any"].shift(1).loc[flows.index].to_numpy(dtype=float)
        per = 1000.0 / np.maximum(covered, 1.0)
        k = flows["new_breaks"].to_numpy(dtype=float)
        half = fmt.Z95 * np.sqrt(k)
        rate = (k * per, np.maximum(k - half, 0) * per, np.where(k == 0, 3.0, k + half) * per)
        return months, [
            [
                _counted(flows, "new_breaks", scale),
                _counted(flows, "new_breaks_pension", scale),
            ],
            [rate],
        ]
    if key == "disputes":
        collective = _counted(flows, "new_collective_disputes", scale)
        individual = flows.assign(
            individual=flows["new_disputes"] - flows["new_collective_disputes"]
        )
        return months, [[_counted(individual, "individual", scale), collective]]
    if key == "enforcement":
        money = (flows["fines_yuan"] + flows["back_payments_yuan"]).to_numpy(dtype=float)
        average = pd.Series(money).rolling(12, min_periods=1).mean().to_numpy()
        return months, [
            [_counted(flows, "n_inspections", scale), _counted(flows, "n_detections", scale)],
            [(money, None, None), (average, None, None)],
        ]
    if key == "subsidy":
        return months, [
            [(flows["subsidy_spending_yuan"].to_numpy(dtype=float), None, None)],
            [(flows["cum_subsidy_spending_yuan"].to_numpy(dtype=float), None, None)],
        ]
    raise ValueError(f"unknown chart {key!r}; allowed: {list(EXPLORE_CHARTS)}")


#: Levers whose payments the subsidy chart shows.
SUBSIDY_LEVERS = ("worker_subsidy", "firm_subsidy")


def subsidy_note(snap) -> str:
    """What the subsidy chart says while nothing has been paid: whether a subsidy is in force.

    A subsidy is in force through its lever (strength above 0 from its start month) or
    through the parameters ``worker_subsidy_share`` / ``firm_subsidy_share``.
    """
    settings, month = snap.settings, snap.month
    from_params = any(
        (settings.params.get(f"{side}_subsidy_share") or 0) > 0 for side in ("worker", "firm")
    )
    starts = []
    for lever in SUBSIDY_LEVERS:
        setting = settings.levers.get(lever)
        if setting is None or setting.strength <= 0:
            continue
        if setting.end is not None and setting.end < max(month, 1):
            continue
        starts.append(setting.start)
    if from_params or any(start <= max(month, 1) for start in starts):
        return "Subsidy in force: nothing paid yet"
    if starts:
        return f"No subsidy in force yet: starts in month {min(starts)}"
    return "No subsidy in force"


class ExploreCharts:
    """One session's live Explore charts: figures kept between months, PNGs of the latest.

    Not thread-safe by itself: the session draws under its model lock.
    """

    def __init__(self) -> None:
        """No figures yet (each is built when first drawn)."""
        self._figures: dict[tuple[str, str, int], LiveFigure] = {}

    def draw(self, snap, scheme: str, until: int) -> dict[str, bytes]:
        """PNG of every Explore chart for ``snap`` (by-group charts for ``scheme``)."""
        out = {}
        for key in EXPLORE_CHARTS:
            scheme_key = scheme if key.startswith("by_") else ""
            ident = (key, scheme_key, snap.start_year)
            figure = self._figures.get(ident)
            if figure is None:
                groups = snap.groups[key.removeprefix("by_")].names if scheme_key else ()
                figure = self._figures[ident] = build(key, snap.start_year, scheme, groups)
            months, data = values(key, snap, scheme)
            empty = (subsidy_note(snap),) * 2 if key == "subsidy" else ()
            out[key] = figure.update(months, data, until, empty)
        return out

    @property
    def full_redraws(self) -> int:
        """Full (non-blitted) redraws so far, over all figures."""
        return sum(f.full_redraws for f in self._figures.values())

"""The monthly outcome table: names, units and meanings, and the recorder.

Naming (Covasim/Starsim style): ``n_`` a stock at the end of the month, ``new_`` a
flow during the month, ``cum_`` the running total including this month, ``frac_``
a share. ``n_inspections`` and ``n_detections`` are this month's counts (flows).
Counts (``n_``/``new_``) are agents; each also appears in real persons as
``<name>_real`` (times the population ``scale``). Money (``_yuan``) is already in
real yuan.
"""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd

from model.codes import SCHEMES

#: name -> (unit, meaning). Order is the column order of the results frame.
OUTCOMES: dict[str, tuple[str, str]] = {
    "n_workers": ("agents", "workers in the population"),
    "n_employed": ("agents", "workers with a job"),
    **{f"n_covered_{s}": ("agents", f"employed workers whose employer pays {s}") for s in SCHEMES},
    "n_covered_any": ("agents", "employed workers with at least one scheme paid"),
    **{
        f"frac_covered_{s}": ("share", f"share of employed workers whose employer pays {s}")
        for s in SCHEMES
    },
    "frac_covered_any": ("share", "share of employed workers with any scheme paid"),
    "n_uncovered_employed": ("agents", "employed workers with no scheme paid"),
    "mean_months_uncovered": ("months", "mean months without cover of uncovered employed"),
    "frac_contract": ("share", "share of employed workers with a written contract"),
    "frac_opted_out": (
        "share",
        "share of declared workers offered a contributory scheme who opted out",
    ),
    "frac_declared": ("share", "declared over real headcount, all firms"),
    "n_declared": ("agents", "workers declared by their employer"),
    "frac_firms_full_compliance": ("share", "firms paying all they owe for all on true wages"),
    "frac_firms_no_scheme": ("share", "firms owing a scheme and paying none"),
    "frac_firms_underdeclaring": ("share", "firms with cover declaring < 90% of headcount"),
    "frac_firms_min_base": ("share", "firms with cover paying on the floor base"),
    "mean_perceived_risk": ("inspections/year", "firms' mean perceived inspection rate"),
    "mean_awareness": ("0-1", "workers' mean awareness of rights"),
    "new_breaks": ("agents", "workers going from some cover to none this month"),
    "new_breaks_pension": ("agents", "workers whose pension stopped being paid this month"),
    "breaks_per_1000_covered": (
        "per 1,000 covered",
        "breaks this month per 1,000 workers covered at the start of the month",
    ),
    "frac_records_unbroken": (
        "share",
        "workers with a contribution record who have never had a break in cover",
    ),
    "new_separations": ("agents", "jobs ended this month"),
    "new_dismissals": ("agents", "jobs ended by dismissal this month"),
    "new_hires": ("agents", "jobs started this month"),
    "new_cross_region_moves": ("agents", "hires in another region than the last job"),
    "new_cashouts": ("agents", "movers who cashed out pension rights (lost years)"),
    "new_injuries": ("agents", "work injuries"),
    "new_illnesses": ("agents", "serious illnesses"),
    "new_births": ("agents", "births"),
    "new_disputes": ("cases", "labour dispute cases filed (individual + collective)"),
    "new_collective_disputes": ("cases", "collective dispute cases filed"),
    "new_disputants": ("agents", "workers filing a dispute"),
    "new_disputes_won": ("agents", "disputants who won"),
    "n_aggrieved": (
        "agents",
        "workers hit by an uninsured shock or arrears, or dismissed without unemployment cover",
    ),
    "n_inspections": ("firms", "inspections this month"),
    "n_detections": ("firms", "inspections that found evasion this month"),
    "back_payments_yuan": ("yuan", "arrears collected"),
    "late_fees_yuan": ("yuan", "late fees collected"),
    "fines_yuan": ("yuan", "fines imposed"),
    "reputation_loss_yuan": ("yuan", "business lost by published violators"),
    "compensation_yuan": ("yuan", "compensation paid on won disputes"),
    "contribution_income_yuan": ("yuan", "employer + employee contributions to the fund"),
    "employer_contributions_yuan": ("yuan", "employer contributions"),
    "subsidy_spending_yuan": ("yuan", "government contribution subsidies"),
    "firm_subsidy_yuan": ("yuan", "part of the subsidy spending that pays employer contributions"),
    "firm_cost_yuan": (
        "yuan",
        "employer contributions net of the firm subsidy + arrears, fees, fines, compensation",
    ),
    "new_retirements": ("agents", "workers reaching retirement age"),
    "new_retirements_vested": ("agents", "retirees with 15+ years of contributions"),
    "new_entrants": ("agents", "young workers entering"),
}

#: name -> short human label for charts and tables (see :func:`label`).
LABELS: dict[str, str] = {
    "n_workers": "Workers",
    "n_employed": "Employed workers",
    **{f"n_covered_{s}": f"Workers with {s} paid" for s in SCHEMES},
    "n_covered_any": "Workers with any scheme paid",
    **{f"frac_covered_{s}": f"{s.capitalize()} coverage" for s in SCHEMES},
    "frac_covered_any": "Coverage by any scheme",
    "n_uncovered_employed": "Employed workers without cover",
    "mean_months_uncovered": "Mean months without cover",
    "frac_contract": "Written contracts",
    "frac_opted_out": "Opted out",
    "frac_declared": "Workers declared",
    "n_declared": "Declared workers",
    "frac_firms_full_compliance": "Fully compliant firms",
    "frac_firms_no_scheme": "Firms paying no scheme",
    "frac_firms_underdeclaring": "Firms under-declaring headcount",
    "frac_firms_min_base": "Firms paying on the floor base",
    "mean_perceived_risk": "Perceived inspection risk",
    "mean_awareness": "Awareness of rights",
    "new_breaks": "New breaks in coverage",
    "new_breaks_pension": "New breaks in pension coverage",
    "breaks_per_1000_covered": "Breaks per 1,000 covered workers",
    "frac_records_unbroken": "Contribution records never broken",
    "new_separations": "Jobs ended",
    "new_dismissals": "Dismissals",
    "new_hires": "Hires",
    "new_cross_region_moves": "Moves to another region",
    "new_cashouts": "Pension cash-outs",
    "new_injuries": "Work injuries",
    "new_illnesses": "Serious illnesses",
    "new_births": "Births",
    "new_disputes": "Labour disputes",
    "new_collective_disputes": "Collective disputes",
    "new_disputants": "Workers filing a dispute",
    "new_disputes_won": "Disputes won",
    "n_aggrieved": "Aggrieved workers",
    "n_inspections": "Inspections",
    "n_detections": "Inspections finding evasion",
    "back_payments_yuan": "Arrears collected",
    "late_fees_yuan": "Late fees",
    "fines_yuan": "Fines",
    "reputation_loss_yuan": "Business lost by published violators",
    "compensation_yuan": "Dispute compensation",
    "contribution_income_yuan": "Contribution income",
    "employer_contributions_yuan": "Employer contributions",
    "subsidy_spending_yuan": "Subsidy spending",
    "firm_subsidy_yuan": "Employer subsidy spending",
    "firm_cost_yuan": "Cost to firms",
    "new_retirements": "Retirements",
    "new_retirements_vested": "Vested retirements",
    "new_entrants": "New entrants",
}

FLOWS = [
    k
    for k in OUTCOMES
    if k.startswith("new_") or k.endswith("_yuan") or k in ("n_inspections", "n_detections")
]
COUNTS = [k for k in OUTCOMES if k.startswith(("n_", "new_"))]
#: Flows that are counts: they also get a ``cum_<name>_real`` column.
COUNT_FLOWS = [k for k in FLOWS if k in COUNTS]


def cum_name(name: str) -> str:
    """Running-total column of a flow: ``new_x`` -> ``cum_x``, else ``cum_<name>``."""
    return "cum_" + name.removeprefix("new_")


_ALL_OUTCOMES = operator.itemgetter(*OUTCOMES)

#: Columns of the flows in the recorder's table.
_FLOW_COLUMNS = [list(OUTCOMES).index(k) for k in FLOWS]

#: Derived column names, in the order of :func:`all_columns`.
CUM_NAMES = [cum_name(k) for k in FLOWS]
REAL_NAMES = [f"{k}_real" for k in COUNTS]
CUM_REAL_NAMES = [f"{cum_name(k)}_real" for k in COUNT_FLOWS]


#: Columns of the results frame before the outcomes: name -> (label, unit).
CALENDAR = {
    "seed": ("Seed", "random seed of the run"),
    "month": ("Month", "months since the start (0 = start)"),
    "year": ("Year", "calendar year"),
    "month_of_year": ("Month of year", "1-12 (0 = start)"),
}
#: Derived column -> (outcome it derives from, cumulative?, in real persons?).
_DERIVED: dict[str, tuple[str, bool, bool]] = {
    **{name: (k, True, False) for k, name in zip(FLOWS, CUM_NAMES, strict=True)},
    **{name: (k, False, True) for k, name in zip(COUNTS, REAL_NAMES, strict=True)},
    **{name: (k, True, True) for k, name in zip(COUNT_FLOWS, CUM_REAL_NAMES, strict=True)},
}
#: Unit of a count once scaled to the real population (``_real`` columns).
_REAL_UNIT = {"agents": "persons"}


def _resolve(column: str) -> tuple[str, bool, bool]:
    """(outcome, cumulative?, real?) of any results-frame column after the calendar."""
    if column in OUTCOMES:
        return column, False, False
    if column in _DERIVED:
        return _DERIVED[column]
    raise ValueError(
        f"column={column!r} is not an outcome column; allowed: the names in "
        "model.outcomes.OUTCOMES, their cum_ and _real variants, or "
        f"{list(CALENDAR)}"
    )


def label(column: str) -> str:
    """Short human label of a results-frame column, derived columns included.

    ``cum_`` columns get ", to date" and ``_real`` columns ", real" appended to the
    label of the outcome they derive from, e.g. ``cum_breaks_real`` ->
    ``"New breaks in coverage, to date, real"``.

    Raises:
        ValueError: ``column`` is not a column of the results frame.
    """
    if column in CALENDAR:
        return CALENDAR[column][0]
    name, cumulative, real = _resolve(column)
    return LABELS[name] + (", to date" if cumulative else "") + (", real" if real else "")


def unit(column: str) -> str:
    """Unit of a results-frame column: agents, persons (real counts), yuan, share...

    Raises:
        ValueError: ``column`` is not a column of the results frame.
    """
    if column in CALENDAR:
        return CALENDAR[column][1]
    name, _, real = _resolve(column)
    base = OUTCOMES[name][0]
    return _REAL_UNIT.get(base, base) if real else base


def all_columns() -> list[str]:
    """Every column of the results frame after ``month``, ``year`` and ``month_of_year``."""
    return list(OUTCOMES) + CUM_NAMES + REAL_NAMES + CUM_REAL_NAMES


class Recorder:
    """Preallocated table of months x outcomes (float64); grows by doubling."""

    def __init__(self, capacity: int = 128) -> None:
        """Allocate room for ``capacity`` months (one row per month, one column per outcome)."""
        self.n = 0
        self.table = np.zeros((capacity, len(OUTCOMES)))
        self.month = np.zeros(capacity, dtype=np.int32)

    def add(self, month: int, values: dict[str, float]) -> None:
        """Append one month; ``values`` must hold every outcome."""
        try:
            row = _ALL_OUTCOMES(values)
        except KeyError:
            missing = sorted(set(OUTCOMES) - set(values))
            raise KeyError(f"outcomes not computed this month: {missing}") from None
        if self.n == self.month.size:
            self.month = np.concatenate([self.month, np.zeros_like(self.month)])
            self.table = np.concatenate([self.table, np.zeros_like(self.table)])
        self.month[self.n] = month
        self.table[self.n] = row
        self.n += 1

    def latest(self, scale: float) -> dict[str, float]:
        """The last recorded month with ``cum_`` and ``_real`` columns (as in :meth:`frame`).

        This month's counts (``n_``/``new_``) are ints, the rest floats.
        """
        if not self.n:
            return {}
        n = self.n
        row = dict(zip(OUTCOMES, self.table[n - 1].tolist(), strict=True))
        cum = np.cumsum(self.table[:n, _FLOW_COLUMNS], axis=0)[-1].tolist()
        row.update(zip(CUM_NAMES, cum, strict=True))
        row.update({name: row[k] * scale for k, name in zip(COUNTS, REAL_NAMES, strict=True)})
        row.update(
            {
                name: row[cum_name(k)] * scale
                for k, name in zip(COUNT_FLOWS, CUM_REAL_NAMES, strict=True)
            }
        )
        for k in COUNTS:
            row[k] = int(row[k])
        return row

    def frame(self, scale: float, start_year: int) -> pd.DataFrame:
        """All months as a tidy frame with ``cum_`` and ``_real`` columns."""
        n = self.n
        out = {"month": self.month[:n]}
        out["year"] = start_year + np.maximum(self.month[:n] - 1, 0) // 12
        out["month_of_year"] = np.where(self.month[:n] == 0, 0, (self.month[:n] - 1) % 12 + 1)
        out.update({k: self.table[:n, j].copy() for j, k in enumerate(OUTCOMES)})
        for k, name in zip(FLOWS, CUM_NAMES, strict=True):
            out[name] = np.cumsum(out[k])
        for k, name in zip(COUNTS, REAL_NAMES, strict=True):
            out[name] = out[k] * scale
        for k, name in zip(COUNT_FLOWS, CUM_REAL_NAMES, strict=True):
            out[name] = out[cum_name(k)] * scale
        return pd.DataFrame(out)

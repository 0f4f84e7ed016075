"""What the page draws: an immutable :class:`Snapshot` of a run, and the by-group history.

The session records coverage by industry and by region every month into a
:class:`GroupHistory` (numpy rows, appended in place: no growing list of frames
to concatenate at each redraw) and publishes snapshots that hold copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboards.format import month_label, month_text
from model import SCHEMES

#: Breakdowns recorded every month for the by-group charts.
GROUPS = ("industry", "region")


@dataclass(frozen=True, eq=False)
class GroupView:
    """Coverage of each group, month by month (a copy, safe to read in any thread).

    Attributes:
        names: group names (columns of each share table).
        months: the recorded months (rows).
        shares: scheme -> months x groups array of shares of employed workers (0-1).
        employed: months x groups array of employed worker agents.
    """

    by: str
    names: tuple[str, ...]
    months: np.ndarray
    shares: dict[str, np.ndarray]
    employed: np.ndarray

    def frame(self) -> pd.DataFrame:
        """Long table: month, group, employed agents and coverage of each scheme."""
        n, k = self.employed.shape
        out = {
            "month": np.repeat(self.months, k),
            self.by: np.tile(np.array(self.names, dtype=object), n),
            "n_employed": self.employed.reshape(-1),
        }
        out.update({f"frac_covered_{s}": self.shares[s].reshape(-1) for s in SCHEMES})
        return pd.DataFrame(out)


class GroupHistory:
    """Coverage by one breakdown (``industry`` or ``region``), appended every month."""

    def __init__(self, by: str) -> None:
        """Empty history of breakdown ``by``."""
        self.by = by
        self.names: tuple[str, ...] = ()
        self._months: list[int] = []
        self._shares: dict[str, list[np.ndarray]] = {s: [] for s in SCHEMES}
        self._employed: list[np.ndarray] = []

    def record(self, model) -> None:
        """Append the model's current month."""
        table = model.breakdown(self.by)
        self.names = tuple(str(x) for x in table[self.by])
        self._months.append(model.month)
        self._employed.append(table["n_employed"].to_numpy())
        for s in SCHEMES:
            self._shares[s].append(table[f"frac_covered_{s}"].to_numpy(dtype=float))

    def view(self) -> GroupView:
        """A copy of everything recorded so far."""
        k = len(self.names)
        return GroupView(
            self.by,
            self.names,
            np.array(self._months, dtype=int),
            {s: np.array(v).reshape(-1, k) for s, v in self._shares.items()},
            np.array(self._employed).reshape(-1, k),
        )


@dataclass(frozen=True, eq=False)
class Snapshot:
    """An immutable view of the run after some month (what the page shows).

    Attributes:
        version: changes at every publish.
        data_version: changes only when the run's data change (build, step).
        images: chart key -> PNG, drawn for this snapshot (see :mod:`dashboards.explore_charts`).
    """

    version: int
    data_version: int
    month: int
    results: pd.DataFrame
    groups: dict[str, GroupView]
    current: dict[str, float]
    start_year: int
    scale: float
    n_workers: int
    settings: object
    in_force: tuple[str, ...]
    log: tuple[str, ...]
    scheme: str = "pension"
    images: dict[str, bytes] = field(default_factory=dict)

    @property
    def date(self) -> str:
        """The calendar month, e.g. ``2011-12``; ``start`` for month 0."""
        return month_label(self.month, self.start_year)

    @property
    def when(self) -> str:
        """The month with its date, e.g. ``12 (2011-12)`` or ``0 (start)``."""
        return month_text(self.month, self.start_year)

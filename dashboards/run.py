"""The part of a dashboard session that outlives its page: model, history, log, charts.

Kept on the server per browser session (:mod:`dashboards.sessions`); a
:class:`~dashboards.state.Session` is one page's handle on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from dashboards import format as fmt
from dashboards.explore_charts import ExploreCharts
from dashboards.settings import Settings
from dashboards.snapshot import GROUPS, GroupHistory
from model import UptakeModel

DEFAULT_UNTIL = 120


def describe_policies(model: UptakeModel) -> tuple[str, ...]:
    """The model's policies in words, with the months (and dates) they act."""
    year = model.params.start_year
    out = []
    for p in model.policies:
        end = f" to month {fmt.month_text(p.end, year)}" if p.end is not None else ""
        out.append(
            f"{type(p).label or p.lever} = {p.strength:g} ({type(p).unit}) from month "
            f"{fmt.month_text(p.start, year)}{end}"
        )
    return tuple(out)


def add_listener(listeners: list, listener: Callable) -> Callable[[], None]:
    """Append ``listener``; return the function that removes it again."""
    listeners.append(listener)
    return lambda: listeners.remove(listener) if listener in listeners else None


class Run:
    """The part of a session that outlives its page: model, history, log, charts.

    Args:
        settings: the settings chosen (the model is built from them by a session).
    """

    def __init__(self, settings: Settings) -> None:
        """An empty run (no model yet)."""
        self.lock = threading.RLock()
        self.settings = settings  # as chosen in the controls
        self.in_model = settings  # as the model runs them
        self.model: UptakeModel | None = None
        self.groups = {g: GroupHistory(g) for g in GROUPS}
        self.log: list[str] = []
        self.data_version = 0
        self.charts = ExploreCharts()
        self.scheme = "pension"
        self.until = DEFAULT_UNTIL
        self.comparison: Any = None  # the Compare tab's last result
        self.owner: Any = None  # the Session (page) that may step the run

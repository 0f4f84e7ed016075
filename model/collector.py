"""A Mesa ``DataCollector`` for the model's monthly outcomes, without per-value copies.

Mesa's ``DataCollector.collect`` deep-copies every reporter's value each step,
which costs about a millisecond a month for the model's ~130 outcome columns. Every
outcome here is a plain Python number (immutable), so the copy is not needed:
:class:`OutcomeCollector` keeps each month's ``model.current`` (a fresh dict the
model never changes afterwards) and spreads the months into Mesa's per-reporter
lists, ``model_vars``, when they are read. It is still a ``mesa.DataCollector``
(SolaraViz and ``get_model_vars_dataframe`` work as usual), and extra Mesa
reporters passed to it are collected the Mesa way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mesa


class OutcomeCollector(mesa.DataCollector):
    """Collects the named outcome columns from ``model.current`` each step."""

    def __init__(
        self, outcomes: list[str], model_reporters: dict[str, Callable] | None = None, **kwargs: Any
    ) -> None:
        """Register one model reporter per outcome plus any extra Mesa reporters."""
        self.outcomes = list(outcomes)
        self.extra = dict(model_reporters or {})
        self._months: list[dict[str, Any]] = []  # collected, not yet in model_vars
        reporters = {name: _reporter(name) for name in self.outcomes}
        reporters.update(self.extra)
        super().__init__(model_reporters=reporters, **kwargs)

    @property
    def model_vars(self) -> dict[str, list]:
        """Mesa's reporter name -> list of values, one per collected month."""
        if self._months:
            months, self._months = self._months, []
            for name in self.outcomes:
                self._model_vars[name].extend([month[name] for month in months])
        return self._model_vars

    @model_vars.setter
    def model_vars(self, value: dict[str, list]) -> None:
        self._model_vars = value

    def collect(self, model: Any) -> None:
        """Keep this month's outcomes; extra reporters go through Mesa's own collect."""
        self._months.append(model.current)
        if self.extra or self.agent_reporters or self.agenttype_reporters:
            saved = self.model_reporters
            self.model_reporters = self.extra
            try:
                super().collect(model)
            finally:
                self.model_reporters = saved


def _reporter(name: str) -> Callable[[Any], float]:
    def report(model: Any) -> float:
        return model.current[name]

    report.__name__ = f"report_{name}"
    return report

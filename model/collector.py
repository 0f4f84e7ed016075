"""A Mesa ``DataCollector`` view of the model's monthly outcome table.

Mesa's ``DataCollector.collect`` calls every reporter and deep-copies its value each
step, which costs about a millisecond a month for the model's ~130 outcome columns.
The model already writes each month's outcomes into its results table
(:class:`model.outcomes.Recorder`), so :class:`OutcomeCollector` counts the months
collected and presents that table as Mesa's per-reporter lists, ``model_vars``,
when they are read. It is still a ``mesa.DataCollector`` (SolaraViz and
``get_model_vars_dataframe`` work as usual), and extra Mesa reporters passed to it
are collected the Mesa way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mesa

from model.outcomes import COUNTS

#: Columns that count agents this month: integers in ``model_vars``.
COUNT_COLUMNS = frozenset(COUNTS)


class OutcomeCollector(mesa.DataCollector):
    """Collects the named outcome columns from the model's results table each step.

    This month's counts (``n_``/``new_``) come out as integers, the rest as floats. With extra Mesa
    reporters, reading ``model_vars`` rebuilds it from the results table each month.
    """

    def __init__(
        self, outcomes: list[str], model_reporters: dict[str, Callable] | None = None, **kwargs: Any
    ) -> None:
        """Register one model reporter per outcome plus any extra Mesa reporters."""
        self.outcomes = list(outcomes)
        self.extra = dict(model_reporters or {})
        self._source: Any = None  # the model whose results table is collected
        self._first = 0  # row of the results table collected first
        self._n_months = 0  # months collected
        self._filled = 0  # months already spread into model_vars
        reporters = {name: _reporter(name) for name in self.outcomes}
        reporters.update(self.extra)
        super().__init__(model_reporters=reporters, **kwargs)

    @property
    def model_vars(self) -> dict[str, list]:
        """Mesa's reporter name -> list of values, one per collected month."""
        if self._filled < self._n_months:
            frame = self._source.results_frame()
            months = frame.iloc[self._first : self._first + self._n_months]
            for name in self.outcomes:
                column = months[name]
                if name in COUNT_COLUMNS:
                    column = column.astype("int64")
                self._model_vars[name] = column.tolist()
            self._filled = self._n_months
        return self._model_vars

    @model_vars.setter
    def model_vars(self, value: dict[str, list]) -> None:
        self._model_vars = value

    def collect(self, model: Any) -> None:
        """Note this month (already in ``model.results``); extra reporters the Mesa way."""
        if self._source is not None and self._source is not model:
            raise ValueError("an OutcomeCollector collects from one model only")
        if self._source is None:
            self._first = model.results.n - 1  # the month just recorded
        self._source = model
        self._n_months += 1
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

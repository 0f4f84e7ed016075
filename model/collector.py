"""A Mesa ``DataCollector`` for the model's monthly outcomes, without per-value copies.

Mesa's ``DataCollector.collect`` deep-copies every reporter's value each step,
which costs about a millisecond a month for the model's ~130 outcome columns. Every
outcome here is a plain Python number (immutable), so the copy is not needed:
:class:`OutcomeCollector` appends the month's values from ``model.current``
directly. It is still a ``mesa.DataCollector`` (SolaraViz and
``get_model_vars_dataframe`` work as usual), and extra Mesa reporters passed to it
are collected the Mesa way.
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
        reporters = {name: _reporter(name) for name in self.outcomes}
        reporters.update(self.extra)
        super().__init__(model_reporters=reporters, **kwargs)

    def collect(self, model: Any) -> None:
        """Append this month's outcomes; extra reporters go through Mesa's own collect."""
        current = model.current
        for name in self.outcomes:
            self.model_vars[name].append(current[name])
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

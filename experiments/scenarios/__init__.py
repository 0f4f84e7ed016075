"""Scenarios: presets (:mod:`.library`), files read (:mod:`.files`) and written (:mod:`.writer`).

The preset names are re-exported here: ``from experiments.scenarios import PRESETS``.
"""

from experiments.scenarios.library import (
    PRESETS,
    RECOMMENDATIONS,
    Scenario,
    get_preset,
    scenario_title,
)

__all__ = ["PRESETS", "RECOMMENDATIONS", "Scenario", "get_preset", "scenario_title"]

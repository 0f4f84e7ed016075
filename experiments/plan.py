"""Old import path of :mod:`experiments.run.experiment` (until dashboards/ use the new one)."""

from experiments.run.experiment import Experiment, run_scenario

__all__ = ["Experiment", "run_scenario"]

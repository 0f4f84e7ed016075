"""Old import path of :mod:`experiments.run.runner` (until dashboards/ use the new one)."""

from experiments.run.runner import RunSummary, run_experiment

__all__ = ["RunSummary", "run_experiment"]

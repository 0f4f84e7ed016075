"""Old import path of :mod:`experiments.run.storage` (until dashboards/ use the new one)."""

from experiments.run.storage import BREAKDOWNS, MANIFEST, RUNS, ResultStore

__all__ = ["BREAKDOWNS", "MANIFEST", "RUNS", "ResultStore"]

"""Old import path of :mod:`experiments.run.single` (until dashboards/ use the new one)."""

from experiments.run.single import RunResult, RunSpec, execute

__all__ = ["RunResult", "RunSpec", "execute"]

"""Old import path of :mod:`experiments.run.manifest` (until dashboards/ use the new one)."""

from experiments.run.manifest import counts

__all__ = ["counts"]

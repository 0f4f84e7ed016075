"""Experiments: scenarios, runs, sweeps, analysis and reports for the Uptake model.

The Python API (the ``uptake`` CLI is a thin layer over it)::

    from experiments import Experiment, get_preset, run_experiment, write_report

    exp = Experiment("compare", (get_preset("baseline"), get_preset("worker-subsidy")),
                     replications=5, months=60, root_seed=1, workers=20_000)
    run_experiment(exp, "results/subsidy", executor="processes")
    write_report("results/subsidy")

Names are imported lazily so that ``uptake --help`` does not load the model.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Scenario": "experiments.scenarios.library",
    "PRESETS": "experiments.scenarios.library",
    "RECOMMENDATIONS": "experiments.scenarios.library",
    "get_preset": "experiments.scenarios.library",
    "load_scenario": "experiments.scenarios.files",
    "write_scenario": "experiments.scenarios.writer",
    "Experiment": "experiments.run.experiment",
    "run_scenario": "experiments.run.experiment",
    "replication_seeds": "experiments.run.seeds",
    "run_experiment": "experiments.run.runner",
    "read_sweep": "experiments.sweeps.designs",
    "sweep_experiment": "experiments.sweeps.designs",
    "ResultStore": "experiments.run.storage",
    "analyse_folder": "experiments.analysis.tables",
    "write_report": "experiments.analysis.report",
    "InputError": "experiments.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import an exported name on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'experiments' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)

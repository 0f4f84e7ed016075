"""Small, fast experiments shared by the experiments tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from experiments.run.experiment import Experiment
from experiments.scenarios.library import Scenario, get_preset
from model.policies import Policy

#: Tiny runs: 400 worker agents, 14 months (reforms start in month 13), short burn-in.
WORKERS = 400
MONTHS = 14
OVERRIDES = {"burn_in_months": 6}


@dataclass(frozen=True)
class ExplodingPolicy(Policy):
    """A policy whose ``apply`` raises: an injected fault that makes a run fail."""

    lever: ClassVar[str] = "exploding"

    def apply(self, levers):
        """Raise as soon as the policy is in force."""
        raise RuntimeError("injected fault in month-levers")


def boom(start: int = 3) -> Scenario:
    """A scenario whose runs fail in month ``start``."""
    return Scenario("boom", "fails on purpose", (ExplodingPolicy(1.0, start=start),))


def experiment(names=("baseline", "enforcement"), replications=2, extra=(), **kw) -> Experiment:
    """A small compare experiment over presets (plus any extra scenarios)."""
    scenarios = tuple(get_preset(n) for n in names) + tuple(extra)
    options = {"workers": WORKERS, "overrides": dict(OVERRIDES), **kw}
    kind = "compare" if len(scenarios) > 1 else "run"
    return Experiment(kind, scenarios, replications, MONTHS, 123, **options)


def expected_rows(exp: Experiment) -> int:
    """Outcome rows of a complete experiment: runs x (months + month 0)."""
    return len(exp.scenarios) * exp.replications * (exp.months + 1)


@dataclass(frozen=True)
class WorkerKillerPolicy(Policy):
    """Kills the worker process running it (``os._exit``), once: a killed-worker fault.

    The marker file's path is in the environment variable :data:`KILL_MARKER` (worker
    processes are spawned, so they inherit the environment, not patched classes); the
    first run to see the file deletes it and dies, so a rerun completes. If the marker
    is a folder, every run of the policy dies (a deterministic crash).
    """

    lever: ClassVar[str] = "worker_killer"

    def apply(self, levers):
        """Die if the marker file is still there; otherwise change nothing."""
        import os

        marker = os.environ.get(KILL_MARKER, "")
        if marker and os.path.exists(marker):
            if os.path.isfile(marker):  # a file: die once; a folder: die every time
                os.remove(marker)
            os._exit(17)
        return levers


KILL_MARKER = "UPTAKE_TEST_KILL_MARKER"

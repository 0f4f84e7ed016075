"""A comparison repeated over the calibrated ensemble, as a thin layer over :mod:`experiments`.

The ensemble (``uptake ensemble``, :mod:`experiments.calibration.ensemble`) holds
parameter sets that fit the calibration targets about equally well. Every set runs
the baseline and each reform with the comparison's replication seeds (common random
numbers); the gains, their intervals across seeds and across sets, and which rankings
hold in every set come from :mod:`experiments.analysis.ensemble_gains`, so the gains
and their intervals match ``uptake compare --ensemble K`` for the same settings.

The rankings differ in one way: the dashboard also ranks each reform against the
baseline (a gain of 0), which the CLI's ranking table leaves out. With ``R`` reforms
the dashboard counts ``R (R + 1) / 2`` pairs, the CLI the ``R (R - 1) / 2`` pairs
between reforms; both give the same verdict on every pair between reforms.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from dashboards.settings import CUSTOM
from experiments.analysis import ensemble_gains
from experiments.calibration.ensemble import load_ensemble, member_params
from experiments.run.seeds import replication_seeds
from experiments.scenarios import PRESETS

#: Gains the ensemble reports: results column -> label.
GAINS = {"gain_pension": "Pension coverage", "gain_any": "Coverage by any scheme"}
#: Seconds a run takes besides its worker-months (building, data collection), measured
#: with 1,000 workers x 24 months on an idle machine (about 0.1 s).
RUN_OVERHEAD_SECONDS = 0.1
#: Worker-months per second of one run (about 8 M at 20,000 workers x 60 months on an
#: idle machine, burn-in included; see README's throughput table for larger runs).
WORKER_MONTHS_PER_SECOND = 8e6


@dataclass(frozen=True)
class Available:
    """What the ensemble file offers: how many sets, or why there are none."""

    sets: int
    problem: str = ""


def available() -> Available:
    """The number of parameter sets in the ensemble file (0 and the reason if unusable)."""
    try:
        data = load_ensemble()
    except ValueError as error:
        return Available(0, str(error))
    return Available(len(data["members"]))


def runs(sets: int, replications: int, reforms: int) -> int:
    """Model runs of an ensemble comparison: every set x seed runs the baseline and each reform."""
    return sets * replications * (1 + reforms)


def estimate_seconds(
    sets: int, replications: int, reforms: int, workers: int, months: int, burn_in: int = 36
) -> float:
    """Rough wall-clock seconds on an idle machine (a busy one is slower)."""
    per_run = RUN_OVERHEAD_SECONDS + workers * (months + burn_in) / WORKER_MONTHS_PER_SECOND
    return runs(sets, replications, reforms) * per_run


@dataclass(frozen=True, eq=False)
class EnsembleResult:
    """Gains per set, seed and reform, and how they were made."""

    gains: pd.DataFrame
    baseline: str
    reforms: tuple[str, ...]
    sets: int
    replications: int
    seconds: float

    def summary(self, column: str) -> pd.DataFrame:
        """Per reform: mean gain, its seed interval (set 0) and its interval across sets."""
        return ensemble_gains.summarise(self.gains, column)

    def rankings(self, column: str) -> pd.DataFrame:
        """Every pair of reforms and the baseline: share of sets in order, robust or not.

        The rows with the baseline (``first`` or ``second``) are the ones
        ``uptake compare --ensemble`` does not show.
        """
        return ensemble_gains.rankings(self.gains, column, baseline=self.baseline)


def extra_reforms(more: Sequence[str], a: str, b: str) -> tuple[str, ...]:
    """The further reforms that can join A and B: presets other than A and B, each once.

    A choice made before A or B changed may now repeat one of them: it is left out
    rather than refused, so what the controls plan is what runs.
    """
    return tuple(dict.fromkeys(n for n in more if n in PRESETS and n not in (a, b)))


def check(baseline: str, reforms: Sequence[str], sets: int, have: Available) -> None:
    """Refuse what the ensemble cannot run, naming the field and what is allowed."""
    if have.sets == 0:
        raise ValueError(f"no ensemble to run: {have.problem}")
    if isinstance(sets, bool) or not isinstance(sets, int) or not 1 <= sets <= have.sets:
        raise ValueError(f"parameter sets={sets!r} is not allowed; use 1-{have.sets}")
    for name in (baseline, *reforms):
        if name == CUSTOM:
            raise ValueError(
                f"'{CUSTOM}' cannot run over the ensemble: it fixes every parameter, so the "
                "calibrated sets would not apply; choose presets"
            )
        if name not in PRESETS:
            raise ValueError(f"unknown scenario {name!r}; choose a preset")
    if baseline in reforms:
        raise ValueError(f"the baseline {baseline!r} is also among the reforms")
    if len(set(reforms)) != len(reforms):
        raise ValueError(f"a reform is chosen twice: {list(reforms)}")


def run(
    baseline: str,
    reforms: Sequence[str],
    sets: int,
    replications: int,
    months: int,
    workers: int,
    root_seed: int,
    progress: Callable[[int, int], None] = lambda done, total: None,
    stopped: Callable[[], bool] = lambda: False,
) -> EnsembleResult | None:
    """Run the first ``sets`` parameter sets; None if stopped first.

    Raises:
        ValueError: the ensemble file is missing or stale, or a choice is not allowed.
    """
    check(baseline, reforms, sets, available())
    members = member_params(load_ensemble(), sets)
    seeds = replication_seeds(root_seed, replications)
    began = time.monotonic()
    gains = ensemble_gains.member_gains(
        members,
        PRESETS[baseline],
        [PRESETS[r] for r in reforms],
        seeds,
        workers,
        months,
        progress=progress,
        stopped=stopped,
    )
    if gains is None:
        return None
    return EnsembleResult(
        gains, baseline, tuple(reforms), sets, replications, time.monotonic() - began
    )

"""Two scenarios side by side, as a thin layer over :mod:`experiments`.

A comparison is an :class:`experiments.run.experiment.Experiment` of kind ``compare``: the
same replication seeds (derived from one root seed) in both scenarios, so the
paired difference isolates the reform (common random numbers). Runs go through
:func:`experiments.run.single.execute` one at a time, so the dashboard can report
progress and stop between runs; summaries come from :mod:`experiments.analysis`
(mean and 5-95% band across replications), so the numbers match ``uptake compare``
for the same root seed, replications, months and population.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from dashboards.format import BREAK_RATE
from dashboards.settings import CUSTOM, DEFAULT_WORKERS, MAX_MONTHS, Settings
from experiments import analysis
from experiments.run.experiment import Experiment
from experiments.run.single import execute
from experiments.scenarios import PRESETS, Scenario, scenario_title


def with_break_rate(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Add :data:`~dashboards.format.BREAK_RATE`: breaks per 1,000 workers covered a month before.

    The raw count of breaks rises when more workers are covered (more people can
    lose cover); the rate per covered worker shows whether cover became less stable.
    """
    before = outcomes.groupby("run_id", sort=False)["n_covered_any"].shift(1)
    rate = 1000.0 * outcomes["new_breaks"] / before.where(before > 0)
    return outcomes.assign(**{BREAK_RATE: rate})


#: Outcomes offered in the comparison (labels and units come from ``model.outcomes``).
METRICS: tuple[str, ...] = (
    "frac_covered_any",
    "frac_covered_pension",
    "frac_covered_medical",
    "frac_covered_injury",
    "new_breaks_real",
    BREAK_RATE,
    "new_disputes_real",
    "new_collective_disputes_real",
    "n_inspections_real",
    "fines_yuan",
    "subsidy_spending_yuan",
    "contribution_income_yuan",
)
MAX_REPS = 20
MAX_COMPARE_WORKERS = 50_000
#: The Compare tab's starting population: the Explore default, so both tabs agree.
COMPARE_WORKERS = DEFAULT_WORKERS


#: The human name of the Explore tab's settings as a scenario.
CUSTOM_TITLE = "Custom (Explore settings)"


def title(name: str) -> str:
    """The human name of a scenario choice (a preset's label, or :data:`CUSTOM_TITLE`)."""
    return CUSTOM_TITLE if name == CUSTOM else scenario_title(name)


def by_title(names: Iterable[str]) -> dict[str, str]:
    """Scenario names keyed by their human names (what a select shows -> what it sets)."""
    return {title(n): n for n in names}


def scenario_for(choice: str, custom: Settings) -> Scenario:
    """A preset by name, or the Explore tab's settings when ``choice`` is ``custom``.

    The custom scenario's parameters already include its base preset (see
    :func:`dashboards.settings.from_preset`), hence ``base_params="defaults"``.
    """
    if choice == CUSTOM:
        return Scenario(
            CUSTOM,
            f"Explore settings: {custom.label()}",
            custom.policies(),
            dict(custom.params),
            base_params="defaults",
        )
    if choice not in PRESETS:
        raise ValueError(f"unknown scenario {choice!r}; choose a preset or {CUSTOM!r}")
    return PRESETS[choice]


def _whole(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"{name}={value!r} is not allowed; use a whole number {lo}-{hi:,}")
    return value


def experiment(
    a: str, b: str, custom: Settings, reps: int, months: int, n_workers: int, root_seed: int
) -> Experiment:
    """The comparison as an experiment (A is the baseline); ``ValueError`` if invalid."""
    _whole("replications", reps, 1, MAX_REPS)
    _whole("months", months, 1, MAX_MONTHS)
    _whole("workers", n_workers, 100, MAX_COMPARE_WORKERS)
    scenarios = (scenario_for(a, custom), scenario_for(b, custom))
    exp = Experiment("compare", scenarios, reps, months, root_seed, workers=n_workers)
    exp.specs()  # resolves and validates every scenario's parameters now
    return exp


def run(
    exp: Experiment,
    progress: Callable[[float, str], None] = lambda f, s: None,
    stopped: Callable[[], bool] = lambda: False,
) -> pd.DataFrame | None:
    """Run every spec in turn; the tidy outcome frame, or None if stopped first.

    Raises:
        ValueError: naming the first failed run and the last line of its error.
    """
    specs = exp.specs()
    frames = []
    for i, spec in enumerate(specs):
        if stopped():
            return None
        result = execute(spec)
        if result.status != "done":
            last = result.error.strip().splitlines()[-1] if result.error else "unknown error"
            raise ValueError(f"run {spec.run_id} failed: {last}")
        frames.append(result.outcomes)
        progress((i + 1) / len(specs), f"{spec.scenario}, replication {spec.replication + 1}")
    return with_break_rate(pd.concat(frames, ignore_index=True))


def bands(outcomes: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Per scenario and month: mean and 5-95% band across replications."""
    out = analysis.summarise(outcomes, [metric])
    return out[["scenario", "month", "mean", "q05", "q95"]]


def difference(outcomes: pd.DataFrame, metric: str, baseline: str) -> pd.DataFrame:
    """Reform minus baseline paired by replication: mean and 5-95% band per month."""
    out = analysis.differences(outcomes, baseline, [metric])
    return out[["scenario", "month", "mean", "q05", "q95"]]


def summary(outcomes: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Last-12-month means of each scenario and the paired difference with its band."""
    window = analysis.final_window(outcomes)
    metrics = [m for m in METRICS if m in outcomes.columns]
    per_rep = window.groupby(["scenario", "replication"], sort=False)[metrics].mean()
    names = list(dict.fromkeys(outcomes["scenario"]))
    reform = next(n for n in names if n != baseline)
    a, b = per_rep.loc[baseline], per_rep.loc[reform]
    d = b - a.reindex(b.index)
    rows = [
        {
            "column": m,
            baseline: a[m].mean(),
            reform: b[m].mean(),
            "difference": d[m].mean(),
            "band 5%": float(np.quantile(d[m], 0.05)),
            "band 95%": float(np.quantile(d[m], 0.95)),
        }
        for m in metrics
    ]
    return pd.DataFrame(rows)

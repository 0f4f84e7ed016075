"""``uptake calibrate``: fit the free behavioural parameters to the national targets.

Which parameters are free and why (:data:`FREE_PARAMS`, :data:`NOT_FITTED`), the
objective (:mod:`experiments.calibration.objective`) and the targets
(:mod:`experiments.calibration.targets`, ``model/data/targets.csv``) are documented in
``docs/calibration.md``. The run goes in stages of increasing size (default
20,000 workers x 2 replications, then 50,000 x 8), each starting from the previous
stage's best point, within one time budget; every evaluation is cached in
``results/calibration/state.jsonl`` so that the same command resumes an interrupted
run. The best point of the last stage becomes ``model/data/presets/calibrated.toml``
with the command, seeds, date and the fit per target in its ``[meta]`` table.

Run: ``uptake calibrate`` (:mod:`experiments.cli.calibrate`; ``--help``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

import model
from experiments.calibration.objective import (
    METHODS,
    CachedObjective,
    FreeParam,
    Objective,
    default_point,
    model_simulator,
    optimise,
    to_params,
)
from experiments.calibration.output import fit_table
from experiments.calibration.state import Budget, Progress, StateFile
from experiments.calibration.targets import (
    TARGETS_PATH,
    fitted,
    load_targets,
)
from experiments.run.seeds import replication_seeds
from model.presets import PRESET_DIR

FREE_PARAMS: tuple[FreeParam, ...] = (
    *(
        FreeParam(f"propensity_{s}", -6.0, 2.0, f"sets the level of {s} coverage (C1-C4)")
        for s in ("pension", "medical", "injury", "unemployment", "maternity")
    ),
    FreeParam("declare_propensity", -3.0, 3.0, "share of headcount declared: all schemes' level"),
    FreeParam("enrol_propensity", -0.5, 1.0, "workers' opt-out: gap of medical to injury coverage"),
    FreeParam("detection_power", 0.02, 0.9, "detected firms pay all schemes: floor of maternity"),
    FreeParam("awareness_mean", 0.05, 0.8, "disputes and complaint inspections: 2011-13 drift"),
    FreeParam("norm_trend_per_year", 0.0, 1.0, "firms' norm after the 2011 Law: 2011-13 rise"),
    FreeParam("full_base_propensity", -6.0, 3.0, "firms on the minimum base (C13)"),
)


@dataclass(frozen=True)
class Stage:
    """One optimisation stage: population size, replications per evaluation, optimiser."""

    n_workers: int
    replications: int
    method: str = "least-squares"

    @property
    def label(self) -> str:
        """``<n_workers>x<replications>:<method>``, as written on the command line."""
        return f"{self.n_workers}x{self.replications}:{self.method}"

    @classmethod
    def parse(cls, text: str) -> Stage:
        """Read ``"20000x2"`` or ``"5000x1:differential-evolution"``; ``ValueError`` otherwise."""
        size, _, method = text.partition(":")
        try:
            n, r = (int(part) for part in size.lower().split("x"))
        except ValueError:
            raise ValueError(
                f"stage {text!r} must look like 20000x2 or 20000x2:nelder-mead "
                "(workers x replications[:method])"
            ) from None
        if n < 1000 or r < 1:
            raise ValueError(f"stage {text!r}: need at least 1000 workers and 1 replication")
        method = method or "least-squares"
        if method not in METHODS:
            raise ValueError(f"stage {text!r}: method {method!r} unknown; allowed: {METHODS}")
        return cls(n, r, method)


DEFAULT_STAGES = (Stage(20_000, 2), Stage(50_000, 8))

#: Starting values, from a preliminary exploration by hand at 20,000 workers: they put
#: every coverage series within a few points of its target, in the basin a local
#: optimiser needs (from the model defaults, maternity above 20% and pension about 8%,
#: the search ends in a worse local optimum with no norm trend). ``full_base_propensity``
#: starts below the scheme thresholds: at its default no offering firm uses the floor
#: base anywhere nearby, a flat region without a gradient.
START: dict[str, float] = {
    "propensity_pension": -0.8,
    "propensity_medical": -0.6,
    "propensity_injury": -1.2,
    "propensity_unemployment": -1.6,
    "propensity_maternity": -3.0,
    "enrol_propensity": 0.2,
    "detection_power": 0.06,
    "awareness_mean": 0.15,
    "norm_trend_per_year": 0.1,
    "full_base_propensity": -2.0,
}
DEFAULT_SEED = 2011
DEFAULT_BUDGET_MINUTES = 30.0
DEFAULT_STATE = Path("results") / "calibration" / "state.jsonl"
DEFAULT_OUTPUT = PRESET_DIR / "calibrated.toml"
#: The model package, whose code and data :func:`fingerprint` hashes.
MODEL_DIR = Path(model.__file__).resolve().parent


def fingerprint(targets_path: Path = TARGETS_PATH) -> str:
    """Short hash of the model's code and data and of the targets file.

    A changed model or target file therefore never reuses cached evaluations.
    """
    import hashlib

    digest = hashlib.sha256()
    files = sorted(MODEL_DIR.rglob("*.py")) + sorted(MODEL_DIR.glob("data/*.csv"))
    for path in [*files, Path(targets_path)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@dataclass
class CalibrationResult:
    """The outcome of :func:`calibrate`."""

    params: dict[str, float]
    objective: float
    stage: Stage
    seeds: list[int]
    status: list[str]
    fit: pd.DataFrame
    evaluations: int
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)


def calibrate(
    stages: tuple[Stage, ...] = DEFAULT_STAGES,
    root_seed: int = DEFAULT_SEED,
    budget_minutes: float = DEFAULT_BUDGET_MINUTES,
    state_path: Path = DEFAULT_STATE,
    fresh: bool = False,
    start: dict[str, float] | None = None,
    prior_weight: float = 0.3,
    max_evals: int = 1500,
    targets_path: Path = TARGETS_PATH,
    free: tuple[FreeParam, ...] = FREE_PARAMS,
    stream: TextIO | None = None,
    mapper=None,
) -> CalibrationResult:
    """Fit ``free`` to the fitted targets, stage by stage, within the time budget.

    Args:
        stages: population size, replications and optimiser of each stage, smallest first.
        root_seed: root of the replication seeds (common random numbers).
        budget_minutes: wall-clock budget for new evaluations; stage i stops at
            (i + 1) / len(stages) of it, so time a stage does not use goes to the next.
        state_path: JSON-lines cache of evaluations (resume by running again).
        fresh: delete the cache first.
        start: starting values (``None``: the model defaults; the CLI's default is
            :data:`START`); the ridge term always pulls toward the model defaults.
        prior_weight: lambda of the ridge term.
        max_evals: new evaluations per stage at most.
        targets_path: the targets CSV.
        free: the parameters to fit.
        stream: where progress lines go (standard error by default).
        mapper: evaluates batches of candidate points in parallel
            (:func:`experiments.run.mapping.open_mapper`); None: one at a time.
    """
    targets = fitted(load_targets(targets_path))
    budget = Budget(budget_minutes * 60.0)
    state = StateFile(state_path, fresh=fresh)
    progress = Progress(budget, stream)
    tag = fingerprint(Path(targets_path))
    x_prior = default_point(free)
    x = default_point(free, start)
    statuses = []
    for i, stage in enumerate(stages):
        seeds = replication_seeds(root_seed, stage.replications)
        objective = Objective(
            targets, free, model_simulator(targets, seeds, stage.n_workers), x_prior, prior_weight
        )
        label = f"{stage.n_workers}x{stage.replications}-s{root_seed}-{tag}"
        share = (i + 1) / len(stages)
        fun = CachedObjective(objective, label, state, budget, share, progress, mapper)
        statuses.append(f"{stage.label}: {optimise(fun, x, stage.method, max_evals)}")
        best = state.best(label)
        if best is None:  # budget gone before the stage began: evaluate its start anyway
            fun.deadline_share = np.inf
            best = fun.evaluate(x)
        x = np.array(best["x"])
    values = np.array(best["values"])
    return CalibrationResult(
        params=to_params(x, free),
        objective=float(best["objective"]),
        stage=stages[-1],
        seeds=seeds,
        status=statuses,
        fit=fit_table(targets, values),
        evaluations=progress.new + progress.cached,
        seconds=budget.elapsed(),
        extra={
            "state": str(state_path),
            "fingerprint": tag,
            "prior_weight": prior_weight,
            "new_evaluations": progress.new,
        },
    )

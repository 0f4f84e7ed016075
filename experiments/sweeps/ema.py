"""The Uptake model for EMA Workbench: levers, uncertainties and outcomes.

EMA Workbench (Kwakkel 2017, "The Exploratory Modeling Workbench", Environmental
Modelling & Software 96:239-250) is the exploratory-modelling toolkit analysts in
this field use. :func:`uptake_model` wraps the model as an
``ema_workbench.ReplicatorModel``:

* **levers**: policy strengths (``enforcement``, ``worker_subsidy``...; a lever at
  strength 0 is the status quo), in force from ``lever_start`` (month 13 =
  January 2012, as in the presets);
* **uncertainties**: model parameters (``turnover_per_year``...), with ranges checked
  against the parameter's allowed range;
* **outcomes**: outcome columns reduced to one number per run: the value at the
  last month for running totals (``cum_*``), else the mean of the last
  :data:`~experiments.analysis.FINAL_MONTHS` months; then the mean over the
  replications.

Replication ``r`` of every experiment uses the same model seed
(:func:`experiments.run.seeds.replication_seeds` of ``root_seed``): common random
numbers, so two policies differ by their effect, not by their draws.

Install with ``pip install -e '.[ema]'`` (ema-workbench 2.5.3, the last release
for Python 3.11). The model function is a module-level function, so EMA's
``MultiprocessingEvaluator`` can pickle it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from experiments.errors import InputError
from experiments.run.seeds import replication_seeds
from experiments.scenarios.library import REFORM_START

#: Outcomes when none are named: pension and any coverage, and public subsidy spending.
DEFAULT_OUTCOMES = ("frac_covered_pension", "frac_covered_any", "cum_subsidy_spending_yuan")
#: Settings passed to every run as EMA constants (names the model function reserves).
SETTINGS = ("months", "workers", "scenario", "lever_start", "params", "outcome_names")


def evaluate(
    seed: int,
    months: int,
    workers: int | None,
    scenario: str,
    lever_start: int,
    params: Mapping[str, Any],
    outcome_names: Sequence[str],
    **inputs: float,
) -> dict[str, float]:
    """One run of the model for EMA: levers and uncertainties in, scalar outcomes out.

    Args:
        seed: the model seed of this replication.
        months: months simulated (month 1 = January of ``start_year``).
        workers: worker agents (None: the parameter preset's).
        scenario: the base scenario (preset name or scenario file).
        lever_start: first month of the levers' policies.
        params: fixed parameter overrides.
        outcome_names: outcome columns to return.
        **inputs: lever strengths (by lever name) and parameter values.

    Returns:
        Each outcome reduced to one number (see the module docstring).
    """
    from experiments.run.experiment import run_scenario
    from experiments.scenarios.files import load_scenario
    from model.params import Params
    from model.policies import POLICIES, make_policy

    base = load_scenario(scenario)
    levers = {k: v for k, v in inputs.items() if k in POLICIES}
    policies = tuple(
        make_policy(lever, strength=float(value), start=lever_start)
        for lever, value in levers.items()
    )
    types = {f.name: f.type for f in dataclasses.fields(Params)}
    uncertain = {
        k: round(v) if str(types[k]).startswith("int") else float(v)
        for k, v in inputs.items()
        if k not in POLICIES
    }
    scenario_now = dataclasses.replace(base, policies=(*base.policies, *policies))
    outcomes, _ = run_scenario(
        scenario_now, seed, months, workers=workers, params={**params, **uncertain}
    )
    return {name: reduce(outcomes, name) for name in outcome_names}


def reduce(outcomes, name: str) -> float:
    """One number for a run's outcome frame (``experiments.analysis.run_table.run_statistic``)."""
    from experiments.analysis.run_table import run_statistic

    return run_statistic(outcomes.sort_values("month")[name], name)


def uptake_model(
    levers: Mapping[str, tuple[float, float]],
    uncertainties: Mapping[str, tuple[float, float]],
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    replications: int = 3,
    months: int = 60,
    workers: int | None = 5000,
    root_seed: int = 1,
    scenario: str = "baseline",
    lever_start: int = REFORM_START,
    params: Mapping[str, Any] | None = None,
    name: str = "uptake",
):
    """An ``ema_workbench.ReplicatorModel`` of Uptake.

    Args:
        levers: lever name -> (lowest, highest) strength (``uptake scenarios`` lists
            levers and their allowed strengths).
        uncertainties: parameter name -> (lowest, highest) value (``uptake params``).
            Integer parameters become ``IntegerParameter``.
        outcomes: outcome columns (``uptake params --outcomes``).
        replications: replications per experiment (common random numbers).
        months: months per run.
        workers: worker agents per run (None: the parameter preset's).
        root_seed: the seed every replication seed derives from.
        scenario: base scenario (a preset or a scenario file); its reforms stay in force.
        lever_start: first month of the levers' policies.
        params: fixed parameter overrides for every run.
        name: the EMA model name (letters and digits).

    Raises:
        InputError: unknown lever, parameter or outcome, or a range outside what is allowed.
        ImportError: ema_workbench is not installed (``pip install -e '.[ema]'``).
    """
    try:
        from ema_workbench import (
            Constant,
            IntegerParameter,
            RealParameter,
            ReplicatorModel,
            ScalarOutcome,
        )
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("EMA Workbench is missing: pip install -e '.[ema]'") from exc
    from experiments.run.experiment import Experiment
    from experiments.scenarios.files import load_scenario

    lever_ranges = _check_levers(levers)
    parameter_ranges = _check_uncertainties(uncertainties)
    _check_outcomes(outcomes)
    base = load_scenario(scenario)
    # validate the run settings and fixed parameters now, not in the first run
    check = Experiment("run", (base,), replications, months, root_seed, workers, dict(params or {}))
    check.scenario_params(base)
    model = ReplicatorModel(name, function=evaluate)
    model.levers = [RealParameter(name, lo, hi) for name, lo, hi in lever_ranges]
    model.uncertainties = [
        IntegerParameter(name, int(lo), int(hi)) if integer else RealParameter(name, lo, hi)
        for name, lo, hi, integer in parameter_ranges
    ]
    model.outcomes = [ScalarOutcome(o, function=np.mean) for o in outcomes]
    model.constants = [
        Constant("months", months),
        Constant("workers", workers),
        Constant("scenario", scenario),
        Constant("lever_start", lever_start),
        Constant("params", dict(params or {})),
        Constant("outcome_names", tuple(outcomes)),
    ]
    model.replications = [{"seed": s} for s in replication_seeds(root_seed, replications)]
    return model


def _check_levers(levers: Mapping[str, tuple[float, float]]) -> list[tuple]:
    from model.policies import POLICIES

    out = []
    for lever, bounds in levers.items():
        if lever not in POLICIES:
            raise InputError(f"lever {lever!r} unknown; allowed: {sorted(POLICIES)}")
        lo, hi = _bounds(bounds, f"lever {lever!r}")
        top = POLICIES[lever].max_strength
        if lo < 0 or hi > top:
            raise InputError(
                f"lever {lever!r}: range [{lo}, {hi}] leaves the allowed [0, {top}] "
                f"({POLICIES[lever].unit})"
            )
        out.append((lever, lo, hi))
    return out


def _check_uncertainties(uncertainties: Mapping[str, tuple[float, float]]) -> list[tuple]:
    from model.params import Params
    from model.policies import POLICIES

    meta = {f.name: f for f in dataclasses.fields(Params)}
    out = []
    for name, bounds in uncertainties.items():
        if name in POLICIES or name in SETTINGS or name == "seed":
            raise InputError(f"uncertainty {name!r} is a lever or a reserved name")
        if name not in meta:
            raise InputError(f"uncertainty {name!r}: unknown parameter (see `uptake params`)")
        lo, hi = _bounds(bounds, f"uncertainty {name!r}")
        m = meta[name].metadata
        if (m["lo"] is not None and lo < m["lo"]) or (m["hi"] is not None and hi > m["hi"]):
            raise InputError(
                f"uncertainty {name!r}: range [{lo}, {hi}] leaves the allowed "
                f"[{m['lo']}, {m['hi']}] ({m['unit']})"
            )
        out.append((name, lo, hi, str(meta[name].type).startswith("int")))
    return out


def _check_outcomes(outcomes: Sequence[str]) -> None:
    from model.outcomes import all_columns

    if isinstance(outcomes, str) or not outcomes:
        raise InputError(f"outcomes={outcomes!r}: expected a list of outcome columns")
    known = set(all_columns())
    for name in outcomes:
        if name not in known:
            raise InputError(f"outcome {name!r} unknown; see `uptake params --outcomes`")


def _bounds(bounds: Any, where: str) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise InputError(f"{where}: expected (lowest, highest), got {bounds!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise InputError(f"{where}: expected finite lowest < highest, got {bounds!r}")
    return lo, hi

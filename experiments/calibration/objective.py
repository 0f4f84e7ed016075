"""The calibration objective, its cached and budgeted evaluation, and the optimiser.

For free parameters theta mapped to x in [0, 1]^k by their calibration bounds,

    J(x) = sum_k ((mean_r m_k(theta, seed_r) - d_k) / sigma_k)^2 + lambda * |x - x_prior|^2

where d_k are the fitted targets, sigma_k their tolerances, m_k the model's value
for target k in replication r, the mean runs over R replications with fixed seeds
(common random numbers: every candidate sees the same random draws, so J is a
deterministic function of theta) and the small ridge term only breaks ties along
directions the targets do not identify. :class:`Objective` takes any simulator
(parameters -> values per replication and target), so the same code is tested on
functions with a known optimum.

Given a mapper (:func:`experiments.run.mapping.open_mapper`), the optimisers
evaluate batches of candidate points in parallel on local processes or a Dask
cluster: differential evolution a whole population at a time, least squares the
k + 1 points of each finite-difference Jacobian (the same forward differences as
scipy's, computed here so that the points run together). Nelder-Mead is sequential
by nature and stays serial.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from experiments.calibration.state import Budget, BudgetExhaustedError, Progress, StateFile
from experiments.calibration.targets import FIT_SIGMA, MONTHS, Target, moments
from model.params import Params
from model.simulation import simulate as run_model

#: A simulator maps parameter overrides to model values: shape (replications, targets).
Simulator = Callable[[dict[str, float]], np.ndarray]


@dataclass(frozen=True)
class FreeParam:
    """A fitted parameter, its calibration bounds (inside the model's range) and why."""

    name: str
    lo: float
    hi: float
    reason: str


def to_params(x: np.ndarray, free: Sequence[FreeParam]) -> dict[str, float]:
    """Parameter values of a point ``x`` in [0, 1]^k."""
    x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
    return {p.name: float(p.lo + v * (p.hi - p.lo)) for p, v in zip(free, x, strict=True)}


def to_unit(values: dict[str, float], free: Sequence[FreeParam]) -> np.ndarray:
    """The point in [0, 1]^k of parameter ``values`` (clipped to the bounds)."""
    return np.array([np.clip((values[p.name] - p.lo) / (p.hi - p.lo), 0.0, 1.0) for p in free])


def default_point(free: Sequence[FreeParam], base: dict[str, float] | None = None) -> np.ndarray:
    """The model defaults (or ``base`` overrides) as a point, clipped to the bounds."""
    defaults = Params().to_dict()
    return to_unit({**defaults, **(base or {})}, free)


def model_simulator(
    targets: Sequence[Target], seeds: Sequence[int], n_workers: int, fixed: dict | None = None
) -> Simulator:
    """A simulator running the real model for ``seeds`` (common random numbers).

    It is a ``functools.partial`` of a module-level function, so a process pool or a
    Dask cluster can run it.
    """
    return functools.partial(point_values, tuple(targets), tuple(seeds), n_workers, fixed)


def point_values(
    targets: Sequence[Target],
    seeds: Sequence[int],
    n_workers: int,
    fixed: dict | None,
    values: dict[str, float],
) -> np.ndarray:
    """Model values per replication and target for the parameters ``values``."""
    frames = []
    for seed in seeds:
        run = {**(fixed or {}), **values, "n_workers": n_workers, "seed": seed}
        model = run_model(months=MONTHS, **run)
        frames.append(model.results_frame())
    return moments(frames, list(targets))


@dataclass
class Objective:
    """Weighted distance of model values from targets (see the module docstring).

    Attributes:
        targets: the fitted targets (each needs a sigma in ``sigma``).
        free: the fitted parameters.
        simulate: parameters -> model values per replication and target.
        x_prior: point the ridge term pulls toward (the start, usually).
        prior_weight: lambda of the ridge term (0 = none).
        sigma: tolerance per target key, share units.
    """

    targets: Sequence[Target]
    free: Sequence[FreeParam]
    simulate: Simulator
    x_prior: np.ndarray
    prior_weight: float = 0.3
    sigma: dict[str, float] = dataclasses.field(default_factory=lambda: dict(FIT_SIGMA))

    def model_values(self, x: np.ndarray) -> np.ndarray:
        """Model values per replication and target at point ``x``."""
        return np.asarray(self.simulate(to_params(x, self.free)), dtype=float)

    def residuals_from(self, x: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Residual vector: standardised target gaps, then the ridge terms."""
        data = np.array([t.value for t in self.targets])
        scale = np.array([self.sigma[t.key] for t in self.targets])
        gaps = (values.mean(axis=0) - data) / scale
        ridge = np.sqrt(self.prior_weight) * (np.asarray(x, dtype=float) - self.x_prior)
        return np.concatenate([gaps, ridge])

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """Residual vector at ``x`` (runs the simulator)."""
        return self.residuals_from(x, self.model_values(x))

    def __call__(self, x: np.ndarray) -> float:
        """J(x): the sum of squared residuals."""
        return float(np.sum(self.residuals(x) ** 2))


class CachedObjective:
    """An :class:`Objective` with a state-file cache, a time budget and progress lines."""

    def __init__(
        self,
        objective: Objective,
        stage: str,
        state: StateFile,
        budget: Budget,
        deadline_share: float,
        progress: Progress,
        mapper=None,
    ) -> None:
        """Wrap ``objective`` for one stage; new evaluations stop at the stage deadline.

        ``mapper`` (:func:`experiments.run.mapping.open_mapper`) evaluates batches of
        points in parallel; None evaluates one point at a time.
        """
        self.objective, self.stage, self.state = objective, stage, state
        self.budget, self.deadline_share, self.progress = budget, deadline_share, progress
        self.mapper = mapper

    def evaluate(self, x: np.ndarray) -> dict:
        """The record of point ``x``: cached, or simulated if the budget allows."""
        return self.evaluate_many([x])[0]

    def evaluate_many(self, points: Sequence[np.ndarray]) -> list[dict]:
        """Records of several points; the uncached ones run together on the mapper."""
        xs = [np.clip(np.asarray(x, dtype=float), 0.0, 1.0) for x in points]
        records: list[dict | None] = [self.state.get(self.stage, x) for x in xs]
        self.progress.cached += sum(r is not None for r in records)
        todo = [i for i, r in enumerate(records) if r is None]
        if not todo:
            return records
        if self.budget.left(self.deadline_share) <= 0:
            raise BudgetExhaustedError(self.stage)
        start = time.perf_counter()
        params = [to_params(xs[i], self.objective.free) for i in todo]
        if self.mapper is None or len(todo) == 1:
            values = [self.objective.model_values(xs[i]) for i in todo]
        else:
            values = self.mapper.map(self.objective.simulate, params)
        seconds = (time.perf_counter() - start) / len(todo)
        for i, v in zip(todo, values, strict=True):
            records[i] = self._record(xs[i], np.asarray(v, dtype=float), seconds)
        return records

    def _record(self, x: np.ndarray, values: np.ndarray, seconds: float) -> dict:
        residuals = self.objective.residuals_from(x, values)
        record = {
            "stage": self.stage,
            "x": [float(v) for v in x],
            "params": to_params(x, self.objective.free),
            "objective": float(np.sum(residuals**2)),
            "residuals": [float(v) for v in residuals],
            "values": values.tolist(),
            "seconds": seconds,
        }
        self.state.add(record)
        best = self.state.best(self.stage)
        self.progress.line(self.stage, record["objective"], best["objective"], record["seconds"])
        return record

    def residuals(self, x: np.ndarray) -> np.ndarray:
        """Residual vector (for least squares)."""
        return np.array(self.evaluate(x)["residuals"])

    def __call__(self, x: np.ndarray) -> float:
        """Objective value (for Nelder-Mead)."""
        return float(self.evaluate(x)["objective"])

    def map_objective(self, _fn: Callable, points: Sequence[np.ndarray]) -> list[float]:
        """``workers=`` of scipy's differential evolution: a population in one batch."""
        return [float(r["objective"]) for r in self.evaluate_many(list(points))]

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """Forward-difference Jacobian of the residuals, its k + 1 points in one batch.

        The steps are those of scipy's ``least_squares(diff_step=STEP)`` on the unit
        cube (:func:`forward_steps`), so the optimiser takes the same path as with
        scipy's own differences.
        """
        x = np.asarray(x, dtype=float)
        h = forward_steps(x)
        shifted = [x + np.eye(len(x))[i] * h[i] for i in range(len(x))]
        records = self.evaluate_many([x, *shifted])
        base = np.array(records[0]["residuals"])
        columns = [
            (np.array(r["residuals"]) - base) / (s[i] - x[i])
            for i, (r, s) in enumerate(zip(records[1:], shifted, strict=True))
        ]
        return np.column_stack(columns)


def forward_steps(x: np.ndarray, rel_step: float | None = None) -> np.ndarray:
    """Steps of scipy's 2-point differences with a relative step, inside [0, 1].

    ``rel_step * |x|`` (the square root of machine epsilon where that rounds to
    nothing, e.g. at 0), reversed where it would leave the cube, as
    ``scipy.optimize._numdiff.approx_derivative`` does.
    """
    rel = STEP if rel_step is None else rel_step
    sign = np.where(x >= 0, 1.0, -1.0)
    h = rel * sign * np.abs(x)
    tiny = np.sqrt(np.finfo(float).eps) * sign * np.maximum(1.0, np.abs(x))
    h = np.where((x + h) - x == 0, tiny, h)
    lower, upper = x - 0.0, 1.0 - x
    outside = (x + h < 0.0) | (x + h > 1.0)
    fits = np.abs(h) <= np.maximum(lower, upper)
    h = np.where(outside & fits, -h, h)
    h = np.where(~fits & (upper >= lower), upper, h)
    return np.where(~fits & (upper < lower), -lower, h)


#: Finite-difference step of the least-squares Jacobian, as a share of each range.
STEP = 0.05


METHODS = ("least-squares", "nelder-mead", "differential-evolution")


def optimise(fun: CachedObjective, x0: np.ndarray, method: str, max_evals: int) -> str:
    """Run one optimiser from ``x0`` until convergence, ``max_evals`` or the budget.

    ``least-squares`` is scipy's trust-region reflective least squares on the residual
    vector (finite-difference Jacobian with steps of 5% of each coordinate in the unit
    cube, coarse enough to see through the small steps a finite population makes), a
    local method;
    ``nelder-mead`` is the adaptive simplex on J; ``differential-evolution`` is a global
    search (Latin-hypercube start including ``x0``, population 8 per parameter, fixed
    seed so that a rerun replays the same points), meant for a small first stage.

    Returns:
        ``"converged"``, ``"max_evals"`` or ``"budget"``.
    """
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not known; allowed: {METHODS}")
    k = len(x0)
    try:
        if method == "least-squares":
            result = optimize.least_squares(
                fun.residuals,
                x0,
                bounds=(0.0, 1.0),
                method="trf",
                jac=fun.jacobian if fun.mapper is not None else "2-point",
                diff_step=STEP,
                x_scale=1.0,
                max_nfev=max_evals,
                ftol=1e-4,
                xtol=1e-4,
            )
            return "converged" if result.status > 0 else "max_evals"
        if method == "nelder-mead":
            result = optimize.minimize(
                fun,
                x0,
                method="Nelder-Mead",
                bounds=[(0.0, 1.0)] * k,
                options={"maxfev": max_evals, "xatol": 1e-3, "fatol": 1e-3, "adaptive": True},
            )
            return "converged" if result.success else "max_evals"
        popsize = 8
        result = optimize.differential_evolution(
            fun,
            bounds=[(0.0, 1.0)] * k,
            x0=x0,
            popsize=popsize,
            maxiter=max(1, max_evals // (popsize * k) - 1),
            init="latinhypercube",
            seed=0,
            polish=False,
            tol=1e-3,
            **({"workers": fun.map_objective, "updating": "deferred"} if fun.mapper else {}),
        )
        return "converged" if result.success else "max_evals"
    except BudgetExhaustedError:
        return "budget"

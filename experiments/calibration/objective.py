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
"""

from __future__ import annotations

import dataclasses
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
    """A simulator running the real model for ``seeds`` (common random numbers)."""

    def simulate(values: dict[str, float]) -> np.ndarray:
        frames = []
        for seed in seeds:
            run = {**(fixed or {}), **values, "n_workers": n_workers, "seed": seed}
            model = run_model(months=MONTHS, **run)
            frames.append(model.results_frame())
        return moments(frames, list(targets))

    return simulate


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
    ) -> None:
        """Wrap ``objective`` for one stage; new evaluations stop at the stage deadline."""
        self.objective, self.stage, self.state = objective, stage, state
        self.budget, self.deadline_share, self.progress = budget, deadline_share, progress

    def evaluate(self, x: np.ndarray) -> dict:
        """The record of point ``x``: cached, or simulated if the budget allows."""
        x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
        record = self.state.get(self.stage, x)
        if record is not None:
            self.progress.cached += 1
            return record
        if self.budget.left(self.deadline_share) <= 0:
            raise BudgetExhaustedError(self.stage)
        start = time.perf_counter()
        values = self.objective.model_values(x)
        residuals = self.objective.residuals_from(x, values)
        record = {
            "stage": self.stage,
            "x": [float(v) for v in x],
            "params": to_params(x, self.objective.free),
            "objective": float(np.sum(residuals**2)),
            "residuals": [float(v) for v in residuals],
            "values": values.tolist(),
            "seconds": time.perf_counter() - start,
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


METHODS = ("least-squares", "nelder-mead", "differential-evolution")


def optimise(fun: CachedObjective, x0: np.ndarray, method: str, max_evals: int) -> str:
    """Run one optimiser from ``x0`` until convergence, ``max_evals`` or the budget.

    ``least-squares`` is scipy's trust-region reflective least squares on the residual
    vector (finite-difference Jacobian with steps of 5% of each range, coarse enough to see
    through the small steps a finite population makes), a local method;
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
                diff_step=0.05,
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
        )
        return "converged" if result.success else "max_evals"
    except BudgetExhaustedError:
        return "budget"

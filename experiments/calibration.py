"""``uptake calibrate``: fit the free behavioural parameters to the national targets.

Objective (documented in ``docs/calibration.md``): for free parameters theta mapped
to x in [0, 1]^k by their calibration bounds,

    J(x) = sum_k ((mean_r m_k(theta, seed_r) - d_k) / sigma_k)^2 + lambda * |x - x_prior|^2

where d_k are the fitted targets (:data:`experiments.targets.FIT_SIGMA`: coverage of
the five schemes 2011-2013, the contract share, the minimum-base share), m_k the
model's yearly means, the mean runs over R replications whose seeds are fixed
(common random numbers: every candidate sees the same random draws, so J is a
deterministic function of theta), and the small ridge term (lambda = ``prior_weight``)
only breaks ties along directions the targets do not identify.

The optimiser is scipy's trust-region least squares on the residual vector (or
Nelder-Mead on J), run in stages of increasing size (e.g. 20,000 workers x 2
replications, then 50,000 x 4), each starting from the last one's best point. A
time budget stops it cleanly; every evaluation is cached in a state file, so the
same command resumes an interrupted run. The best point is written as the
``calibrated`` preset with the command, seeds, date and fit per target in ``[meta]``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from experiments.calibration_state import Budget, BudgetExhausted, Progress, StateFile
from experiments.targets import FIT_SIGMA, MONTHS, Target, moments
from model import UptakeModel
from model.params import Params

#: A simulator maps parameter overrides to model values: shape (replications, targets).
Simulator = Callable[[dict[str, float]], np.ndarray]


@dataclass(frozen=True)
class FreeParam:
    """A fitted parameter, its calibration bounds (inside the model's range) and why."""

    name: str
    lo: float
    hi: float
    reason: str


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
    FreeParam("share_formal_firms", 0.2, 0.8, "contract share (C6)"),
    FreeParam("full_base_propensity", -6.0, 3.0, "firms on the minimum base (C13)"),
)

#: Behavioural parameters marked free in ``model/params.py`` that are not fitted, and why.
NOT_FITTED = {
    "cost_sensitivity": "firms' response to cost and penalties; its level effect is absorbed "
    "by the propensities and the targets hold no variation in cost or enforcement",
    "present_bias": "enters only through the opt-out rate, which enrol_propensity sets",
    "pension_value_ratio": "enters only through the opt-out rate, which enrol_propensity sets",
}


@dataclass(frozen=True)
class Stage:
    """One optimisation stage: population size and replications per evaluation."""

    n_workers: int
    replications: int

    @property
    def label(self) -> str:
        """``<n_workers>x<replications>``."""
        return f"{self.n_workers}x{self.replications}"

    @classmethod
    def parse(cls, text: str) -> Stage:
        """Read ``"20000x2"``; ``ValueError`` naming the text otherwise."""
        try:
            n, r = (int(part) for part in text.lower().split("x"))
        except ValueError:
            raise ValueError(f"stage {text!r} must look like 20000x2 (workers x replications)")
        if n < 1000 or r < 1:
            raise ValueError(f"stage {text!r}: need at least 1000 workers and 1 replication")
        return cls(n, r)


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
            model = UptakeModel(**{**(fixed or {}), **values, "n_workers": n_workers, "seed": seed})
            for _ in range(MONTHS):
                model.step()
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
            raise BudgetExhausted(self.stage)
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


def optimise(fun: CachedObjective, x0: np.ndarray, method: str, max_evals: int) -> str:
    """Run the optimiser from ``x0`` until convergence, ``max_evals`` or the budget.

    Returns:
        ``"converged"``, ``"max_evals"`` or ``"budget"``.
    """
    try:
        if method == "least-squares":
            result = optimize.least_squares(
                fun.residuals,
                x0,
                bounds=(0.0, 1.0),
                method="trf",
                diff_step=0.02,
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
                bounds=[(0.0, 1.0)] * len(x0),
                options={"maxfev": max_evals, "xatol": 1e-3, "fatol": 1e-3, "adaptive": True},
            )
            return "converged" if result.success else "max_evals"
    except BudgetExhausted:
        return "budget"
    raise ValueError(f"method={method!r} is not known; allowed: least-squares, nelder-mead")

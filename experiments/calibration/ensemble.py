"""An ensemble of calibrated parameter sets that fit the targets about equally well.

The calibration returns one point, but the targets leave directions open (workers'
opt-out, for one, fits anywhere in a wide band). The ensemble keeps several points
that fit, so that reform effects can be shown with their parameter uncertainty:

1. Around the calibrated point ``x*`` (free parameters scaled to [0, 1]) the
   residuals' Jacobian ``R`` (forward differences, step ``STEP``) gives the Laplace
   approximation ``N(x*, (R'R)^-1)`` of the fit's uncertainty.
2. Candidates are drawn from it, the covariance scaled by ``inflate**2`` and the
   points clipped to the bounds, and evaluated with the calibration objective J at
   a fixed size and fixed seeds (common random numbers). The model is far from
   linear in its parameters (thresholds in firms' choices), so the Laplace region is
   much too wide in some directions, and too narrow in others: the scale adapts in
   whole batches of :data:`BATCH` draws, halved when fewer than 15% are kept and
   doubled when more than 50% are (:func:`draw_members`). A batch with more than 50%
   kept is a tuning batch: its proposal has not reached the edge of the region that
   fits, so its points are not kept (they would make the ensemble too narrow).
3. A candidate is kept when ``J <= J* + Delta``, ``Delta = chi2.ppf(0.68, k)`` for
   k free parameters: inside the 68% joint confidence region under Gaussian errors
   with the targets' sigmas. Member 0 is the calibrated point itself.

This is rejection ABC with a Laplace proposal. The ensemble is stored as JSON
(:data:`ENSEMBLE_PATH`) with the command's settings, J of every member and the
acceptance rate. It must be rebuilt after a recalibration: :func:`load_ensemble`
refuses a file made from another calibrated preset.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from experiments.calibration.fit import FREE_PARAMS
from experiments.calibration.objective import (
    Objective,
    default_point,
    model_simulator,
    to_params,
    to_unit,
)
from experiments.calibration.targets import TARGETS_PATH, fitted, load_targets
from experiments.run.seeds import replication_seeds
from model.presets import PRESET_DIR, load_preset

ENSEMBLE_PATH = Path(__file__).resolve().parents[2] / "model" / "data" / "ensemble.json"
STEP = 0.02  # finite-difference step in the unit cube
CONFIDENCE = 0.68
BATCH = 10


def preset_digest(name: str = "calibrated") -> str:
    """Short digest of a preset file, tying an ensemble to the calibration it came from."""
    return hashlib.sha256((PRESET_DIR / f"{name}.toml").read_bytes()).hexdigest()[:12]


def jacobian(objective: Objective, x: np.ndarray, r0: np.ndarray, step: float = STEP) -> np.ndarray:
    """Forward-difference Jacobian of the residuals at ``x`` (steps turned back at bounds)."""
    cols = []
    for i in range(x.size):
        h = step if x[i] + step <= 1.0 else -step
        xi = x.copy()
        xi[i] += h
        cols.append((objective.residuals(xi) - r0) / h)
    return np.column_stack(cols)


def draw_members(
    objective: Any,
    x_star: np.ndarray,
    cov: np.ndarray,
    threshold: float,
    wanted: int,
    max_candidates: int,
    rng: np.random.Generator,
    inflate: float,
) -> dict[str, Any]:
    """Draw candidates around ``x_star`` in whole batches until ``wanted`` are kept.

    Each batch of :data:`BATCH` candidates is drawn from ``N(x_star, cov * scale**2)``,
    clipped to the unit cube, and a candidate is accepted when ``objective(x) <=
    threshold``. After a batch the scale is halved if fewer than 15% were accepted and
    doubled if more than 50% were. Points of a batch with more than 50% accepted are
    not kept (tuning: the proposal is too narrow to reach the edge of the region);
    points of the other batches are, in order, up to ``wanted``. Stops at the end of a
    batch once ``wanted`` are kept, or when ``max_candidates`` have been drawn.

    Returns:
        ``kept`` (dicts with ``x``, ``objective``, ``scale``), ``tried``, ``scales``
        (the scale after each batch), ``accepted_total`` and ``tuning_accepted``.
    """
    scale, tried, kept, scales = inflate, 0, [], []
    accepted_total = tuning_accepted = 0
    while len(kept) < wanted and tried < max_candidates:
        size = min(BATCH, max_candidates - tried)
        batch = []
        for _ in range(size):
            x = np.clip(rng.multivariate_normal(x_star, cov * scale**2, method="eigh"), 0.0, 1.0)
            j = objective(x)
            if j <= threshold:
                batch.append({"x": x.tolist(), "objective": float(j), "scale": scale})
        tried += size
        accepted_total += len(batch)
        rate = len(batch) / size
        if rate > 0.5:
            tuning_accepted += len(batch)
        else:
            kept.extend(batch[: wanted - len(kept)])
        scale *= 0.5 if rate < 0.15 else 2.0 if rate > 0.5 else 1.0
        scales.append(scale)
    return {
        "kept": kept,
        "tried": tried,
        "scales": scales,
        "accepted_total": accepted_total,
        "tuning_accepted": tuning_accepted,
    }


def build(
    members: int = 8,
    max_candidates: int = 80,
    n_workers: int = 50_000,
    replications: int = 4,
    root_seed: int = 2011,
    draw_seed: int = 1,
    inflate: float = 0.5,
    prior_weight: float = 0.3,
    preset: str = "calibrated",
) -> dict[str, Any]:
    """Draw and keep parameter sets; returns the ensemble as a plain dict (see module doc)."""
    if members < 1 or max_candidates < 0:
        raise ValueError(f"members={members} must be >= 1 and max_candidates >= 0")
    base = load_preset(preset)
    free = FREE_PARAMS
    targets = fitted(load_targets(TARGETS_PATH))
    seeds = replication_seeds(root_seed, replications)
    objective = Objective(
        targets,
        free,
        model_simulator(targets, seeds, n_workers, fixed=base),
        default_point(free),
        prior_weight,
    )
    x_star = to_unit(base, free)
    r0 = objective.residuals(x_star)
    j_star = float(np.sum(r0**2))
    jac = jacobian(objective, x_star, r0)
    cov = np.linalg.pinv(jac.T @ jac)
    delta = float(stats.chi2.ppf(CONFIDENCE, len(free)))
    rng = np.random.default_rng(draw_seed)
    drawn = draw_members(
        objective, x_star, cov, j_star + delta, members - 1, max_candidates, rng, inflate
    )
    kept = [{"x": x_star.tolist(), "objective": j_star}, *drawn["kept"]]
    tried, scales = drawn["tried"], drawn["scales"]
    for m in kept:
        m["params"] = to_params(np.array(m["x"]), free)
    names = [p.name for p in free]
    spread = {
        n: [min(m["params"][n] for m in kept), max(m["params"][n] for m in kept)] for n in names
    }
    return {
        "members": kept,
        "meta": {
            "preset": preset,
            "preset_digest": preset_digest(preset),
            "free_parameters": names,
            "objective_best": j_star,
            "delta": delta,
            "confidence": CONFIDENCE,
            "candidates": tried,
            "accepted": len(kept) - 1,
            "accepted_in_tuning": drawn["tuning_accepted"],
            "acceptance_rate": drawn["accepted_total"] / tried if tried else None,
            "n_workers": n_workers,
            "replications": replications,
            "root_seed": root_seed,
            "draw_seed": draw_seed,
            "inflate_start": inflate,
            "inflate_by_batch": scales,
            "parameter_range": spread,
        },
    }


def save(ensemble: dict[str, Any], path: Path = ENSEMBLE_PATH) -> Path:
    """Write the ensemble as JSON."""
    path.write_text(json.dumps(ensemble, indent=1) + "\n", encoding="utf-8")
    return path


def load_ensemble(path: Path = ENSEMBLE_PATH, check: bool = True) -> dict[str, Any]:
    """Read the ensemble; with ``check``, refuse one built from another calibration."""
    if not path.is_file():
        raise ValueError(f"no ensemble at {path}; build it with `uptake ensemble`")
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = data["meta"]
    if check and meta["preset_digest"] != preset_digest(meta["preset"]):
        raise ValueError(
            f"{path} was built from another version of preset {meta['preset']!r} "
            f"(digest {meta['preset_digest']}); rebuild it with `uptake ensemble`"
        )
    return data


def member_params(data: dict[str, Any], k: int | None = None) -> list[dict[str, Any]]:
    """Full parameter dicts (calibrated preset + member values) of the first ``k`` members."""
    base = load_preset(data["meta"]["preset"])
    chosen: Sequence[dict] = data["members"][:k] if k else data["members"]
    return [{**base, **m["params"]} for m in chosen]

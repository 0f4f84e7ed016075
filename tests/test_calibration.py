"""The calibration objective and optimiser recover known optima; state and budget work."""

from __future__ import annotations

import io

import numpy as np
import pytest

from experiments.calibration.objective import (
    CachedObjective,
    FreeParam,
    Objective,
    model_simulator,
    optimise,
    to_params,
    to_unit,
)
from experiments.calibration.state import Budget, Progress, StateFile
from experiments.calibration.targets import Target

FREE = (
    FreeParam("a", -2.0, 2.0, "test"),
    FreeParam("b", 0.0, 10.0, "test"),
    FreeParam("c", -1.0, 1.0, "test"),
)
TRUTH = {"a": 0.7, "b": 3.0, "c": -0.4}


def _synthetic(values: dict[str, float]) -> np.ndarray:
    """Six smooth, non-linear 'moments' of three parameters (one replication)."""
    a, b, c = values["a"], values["b"], values["c"]
    moments = [
        1 / (1 + np.exp(-a)),
        0.05 * b + 0.1 * a,
        0.3 + 0.2 * c * c + 0.1 * c,
        0.02 * b * b / 10 + 0.1 * np.tanh(c),
        0.5 * np.sin(a) + 0.01 * b,
        0.1 * a * c + 0.03 * b,
    ]
    return np.array([moments])


def _targets(values: np.ndarray) -> list[Target]:
    keys = ["coverage_pension", "coverage_injury", "coverage_medical"] * 2
    years = [2011] * 3 + [2012] * 3
    return [
        Target(k, y, float(v), "share", "https://example.org", "", i + 2)
        for i, (k, y, v) in enumerate(zip(keys, years, values, strict=True))
    ]


def _objective(prior_weight: float = 0.0) -> Objective:
    targets = _targets(_synthetic(TRUTH)[0])
    return Objective(targets, FREE, _synthetic, np.full(3, 0.5), prior_weight)


def _cached(objective, tmp_path, minutes=5.0, name="state.jsonl"):
    budget = Budget(minutes * 60)
    progress = Progress(budget, io.StringIO())
    state = StateFile(tmp_path / name)
    return CachedObjective(objective, "test", state, budget, 1.0, progress), state, progress


def test_scaling_round_trips_and_clips():
    x = to_unit(TRUTH, FREE)
    back = to_params(x, FREE)
    assert back == pytest.approx(TRUTH), f"to_params(to_unit(v)) gave {back}"
    assert to_unit({"a": 99.0, "b": -5.0, "c": 0.0}, FREE).tolist() == [1.0, 0.0, 0.5], (
        "values outside the bounds must be clipped to the unit cube"
    )


def test_objective_is_zero_at_the_truth_and_positive_elsewhere():
    objective = _objective()
    x_true = to_unit(TRUTH, FREE)
    assert objective(x_true) == pytest.approx(0.0, abs=1e-20), "J must vanish at the truth"
    assert objective(np.full(3, 0.2)) > 1.0, "J must be large far from the truth"


def test_residuals_are_gaps_over_sigma_plus_ridge():
    objective = _objective(prior_weight=4.0)
    x = to_unit(TRUTH, FREE)
    r = objective.residuals(x)
    assert r.shape == (6 + 3,), f"expected 6 target gaps and 3 ridge terms, got {r.shape}"
    assert np.allclose(r[:6], 0.0), "target gaps must be zero at the truth"
    assert np.allclose(r[6:], 2.0 * (x - 0.5)), "ridge = sqrt(lambda) * (x - x_prior)"


@pytest.mark.parametrize("method", ["least-squares", "nelder-mead"])
def test_local_optimisers_recover_the_known_optimum(tmp_path, method):
    fun, state, _ = _cached(_objective(), tmp_path)
    status = optimise(fun, np.full(3, 0.5), method, max_evals=3000)
    best = state.best("test")
    found = to_params(np.array(best["x"]), FREE)
    assert status == "converged", f"{method} did not converge: {status}"
    for name, value in TRUTH.items():
        assert found[name] == pytest.approx(value, abs=0.02), f"{method}: {name}={found[name]}"


def test_differential_evolution_finds_the_basin_from_a_bad_start(tmp_path):
    fun, state, _ = _cached(_objective(), tmp_path)
    optimise(fun, np.array([0.02, 0.98, 0.95]), "differential-evolution", max_evals=1500)
    found = to_params(np.array(state.best("test")["x"]), FREE)
    for name, value in TRUTH.items():
        assert found[name] == pytest.approx(value, abs=0.15), f"DE: {name}={found[name]}"


def test_rerun_with_the_same_state_replays_without_new_evaluations(tmp_path):
    calls = []

    def counted(values):
        calls.append(values)
        return _synthetic(values)

    objective = _objective()
    objective.simulate = counted
    fun, state, _ = _cached(objective, tmp_path)
    optimise(fun, np.full(3, 0.5), "least-squares", max_evals=500)
    first, n_first = state.best("test"), len(calls)
    fun2, state2, progress2 = _cached(objective, tmp_path)  # reopen the same file
    optimise(fun2, np.full(3, 0.5), "least-squares", max_evals=500)
    assert len(calls) == n_first, f"resume ran {len(calls) - n_first} new simulations"
    assert progress2.new == 0, "resume should not simulate anything new"
    assert progress2.cached > 0, "resume should read the cached evaluations"
    assert state2.best("test")["x"] == first["x"], "resumed run must end at the same point"


def test_budget_stops_the_optimiser_and_keeps_the_best(tmp_path):
    def slow(values):
        import time

        time.sleep(0.02)
        return _synthetic(values)

    objective = _objective()
    objective.simulate = slow
    fun, state, progress = _cached(objective, tmp_path, minutes=0.3 / 60)
    status = optimise(fun, np.full(3, 0.5), "nelder-mead", max_evals=10_000)
    assert status == "budget", f"expected the budget to stop the run, got {status}"
    assert 1 <= progress.new < 100, f"{progress.new} evaluations in a 0.3 s budget"
    assert state.best("test") is not None, "the best point so far must be kept"


def test_state_file_with_garbage_is_rejected_naming_the_line(tmp_path):
    path = tmp_path / "state.jsonl"
    path.write_text('{"stage": "s", "x": [0.1], "objective": 1.0}\nnot json\n')
    with pytest.raises(ValueError, match=r"state\.jsonl, line 2"):
        StateFile(path)


@pytest.mark.slow
def test_real_model_recovers_parameters_that_produced_its_own_targets(tmp_path):
    """Targets made by the model at known values; the fit from elsewhere finds them."""
    free = (
        FreeParam("propensity_injury", -4.0, 1.0, "test"),
        FreeParam("propensity_maternity", -4.0, 1.0, "test"),
    )
    # Coverage well above zero, so that the few firms of a small run do not make it lumpy.
    truth = {"propensity_injury": -0.5, "propensity_maternity": -1.5}
    keys = [f"coverage_{s}" for s in ("injury", "maternity")]
    shape = [Target(k, y, 0.0, "share", "https://x", "", 2) for k in keys for y in (2011, 2013)]
    fixed = {"detection_power": 0.05, "burn_in_months": 12, "share_unsupervised_firms": 0.1}
    simulate = model_simulator(shape, seeds=[11], n_workers=4000, fixed=fixed)
    made = simulate(truth)[0]
    targets = [
        Target(t.key, t.year, float(v), "share", "https://x", "", 2)
        for t, v in zip(shape, made, strict=True)
    ]
    objective = Objective(targets, free, simulate, to_unit(truth, free), prior_weight=0.0)
    fun, state, _ = _cached(objective, tmp_path)
    start = to_unit({"propensity_injury": 0.2, "propensity_maternity": -0.8}, free)
    optimise(fun, start, "nelder-mead", max_evals=150)
    best = state.best("test")
    found = to_params(np.array(best["x"]), free)
    assert best["objective"] < 1.0, f"the fit should reach the targets, J={best['objective']}"
    for name, value in truth.items():
        assert found[name] == pytest.approx(value, abs=0.3), f"{name}: {found[name]} vs {value}"


def test_the_parameter_table_says_which_parameters_the_calibration_fits() -> None:
    """ODD's source column: "fitted" exactly for FREE_PARAMS, "not fitted" for NOT_FITTED."""
    import dataclasses

    from experiments.calibration.fit import FREE_PARAMS
    from experiments.calibration.output import NOT_FITTED
    from model import params as params_module

    marked = {
        f.name: f.metadata["source"]
        for f in dataclasses.fields(params_module.Params)
        if "source" in f.metadata
    }
    fitted = {n for n, src in marked.items() if src.startswith(params_module.CAL)}
    not_fitted = {n for n, src in marked.items() if src == params_module.NOT_FITTED}
    assert fitted == {p.name for p in FREE_PARAMS}, fitted ^ {p.name for p in FREE_PARAMS}
    assert not_fitted == set(NOT_FITTED), not_fitted ^ set(NOT_FITTED)

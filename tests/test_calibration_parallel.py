"""Parallel calibration: batches of candidate points on the sweep executors."""

from __future__ import annotations

import io

import numpy as np
import pytest
from scipy.optimize._numdiff import approx_derivative
from test_calibration import FREE, TRUTH, _objective

from experiments.calibration.objective import (
    STEP,
    CachedObjective,
    model_simulator,
    optimise,
    to_params,
)
from experiments.calibration.state import Budget, Progress, StateFile
from experiments.calibration.targets import Target
from experiments.run.mapping import Mapper, open_mapper


class CountingMapper(Mapper):
    """A serial mapper that records the size of every batch it is given."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def map(self, fn, items):
        items = list(items)
        self.batches.append(len(items))
        return [fn(item) for item in items]


def cached(objective, tmp_path, mapper) -> CachedObjective:
    budget = Budget(300.0)
    tmp_path.mkdir(parents=True, exist_ok=True)
    state = StateFile(tmp_path / "state.jsonl")
    return CachedObjective(
        objective, "test", state, budget, 1.0, Progress(budget, io.StringIO()), mapper
    )


def test_batched_jacobian_equals_scipys_forward_differences(tmp_path):
    fun = cached(_objective(prior_weight=0.3), tmp_path, CountingMapper())
    for x in (np.array([0.2, 0.5, 0.8]), np.array([0.99, 0.0, 0.97])):  # the last near bounds
        ours = fun.jacobian(x)
        theirs = approx_derivative(
            fun.objective.residuals, x, method="2-point", rel_step=STEP, bounds=(0.0, 1.0)
        )
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    assert fun.mapper.batches[0] == 4, "x and its 3 shifted points run as one batch"


def test_least_squares_with_batches_finds_the_optimum(tmp_path):
    mapper = CountingMapper()
    fun = cached(_objective(), tmp_path, mapper)
    status = optimise(fun, np.full(3, 0.5), "least-squares", max_evals=3000)
    found = to_params(np.array(fun.state.best("test")["x"]), FREE)
    assert status == "converged", status
    for name, value in TRUTH.items():
        assert found[name] == pytest.approx(value, abs=0.02), f"{name}={found[name]}"
    assert max(mapper.batches) >= 3, f"Jacobian points ran together: {mapper.batches[:5]}"


def test_least_squares_takes_the_same_path_with_or_without_batches(tmp_path):
    serial = cached(_objective(), tmp_path / "a", None)
    batched = cached(_objective(), tmp_path / "b", CountingMapper())
    for fun in (serial, batched):
        optimise(fun, np.full(3, 0.5), "least-squares", max_evals=3000)
    a, b = serial.state.best("test"), batched.state.best("test")
    np.testing.assert_allclose(a["x"], b["x"], rtol=0, atol=1e-9)
    assert a["objective"] == pytest.approx(b["objective"], abs=1e-12), "same optimum"


def test_differential_evolution_evaluates_whole_populations(tmp_path):
    mapper = CountingMapper()
    fun = cached(_objective(), tmp_path, mapper)
    optimise(fun, np.array([0.02, 0.98, 0.95]), "differential-evolution", max_evals=1500)
    found = to_params(np.array(fun.state.best("test")["x"]), FREE)
    for name, value in TRUTH.items():
        assert found[name] == pytest.approx(value, abs=0.15), f"DE: {name}={found[name]}"
    assert max(mapper.batches) == 8 * 3, f"a population of 8 x 3 per batch: {mapper.batches[:5]}"


def test_real_model_points_on_processes_equal_serial_evaluation():
    keys = [f"coverage_{s}" for s in ("pension", "injury")]
    targets = [Target(k, y, 0.0, "share", "https://x", "", 2) for k in keys for y in (2011,)]
    simulate = model_simulator(targets, seeds=[3, 4], n_workers=400, fixed={"burn_in_months": 6})
    points = [{"propensity_injury": v} for v in (-1.0, -0.5, 0.0)]
    serial = [simulate(p) for p in points]
    with open_mapper("processes", 2) as mapper:
        parallel = mapper.map(simulate, points)
    for a, b in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(a, b, "same seeds, same values on any executor")


@pytest.mark.slow
def test_points_on_a_dask_cluster_equal_serial_evaluation():
    keys = ["coverage_pension"]
    targets = [Target(k, 2011, 0.0, "share", "https://x", "", 2) for k in keys]
    simulate = model_simulator(targets, seeds=[5], n_workers=400, fixed={"burn_in_months": 6})
    points = [{"propensity_pension": v} for v in (-1.0, 0.5)]
    with open_mapper("dask", 2) as mapper:
        assert mapper.name == "dask"
        parallel = mapper.map(simulate, points)
    for a, b in zip([simulate(p) for p in points], parallel, strict=True):
        np.testing.assert_array_equal(a, b, "same seeds, same values on a Dask cluster")


def test_mapper_options_are_checked():
    from experiments.errors import InputError

    with pytest.raises(InputError, match="unknown"):
        open_mapper("threads")
    with pytest.raises(InputError, match="needs --executor dask"):
        open_mapper("processes", scheduler="tcp://127.0.0.1:1")

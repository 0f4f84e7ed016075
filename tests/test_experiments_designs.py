"""Sweep files, designs (factorial, LHS, Morris, Sobol) and sensitivity indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.errors import InputError
from experiments.run.runner import run_experiment
from experiments.sweeps.designs import read_sweep, sample, sweep_experiment
from experiments.sweeps.indices import analyse, indices

HEAD = "replications = 1\nmonths = 14\nworkers = 400\nseed = 9\n[params]\nburn_in_months = 6\n"


def sweep_file(tmp_path, design: str, factors: str, extra: str = "", name: str = "s.toml"):
    path = tmp_path / name
    path.write_text(f'design = "{design}"\n{extra}{HEAD}{factors}', encoding="utf-8")
    return path


TWO = "[parameters]\nturnover_per_year = [0.1, 0.5]\n[levers]\npublicity = [0.0, 2.0]\n"


def test_factorial_crosses_listed_values_and_levels(tmp_path):
    factors = (
        "[parameters]\nturnover_per_year = {values = [0.1, 0.2, 0.4]}\n"
        "[levers]\nenforcement = {range = [0.0, 1.0], start = 13}\n"
    )
    spec = read_sweep(sweep_file(tmp_path, "factorial", factors, "levels = 2\n"))
    exp = sweep_experiment(spec)
    points = pd.DataFrame(exp.design["points"])
    assert len(points) == 3 * 2, f"3 values x 2 levels; got {len(points)}"
    assert not points.duplicated().any(), "factorial points are distinct"
    assert set(points["enforcement.strength"]) == {0.0, 1.0}, points
    policies = exp.scenarios[1].policies
    assert policies[0].lever == "enforcement", "the lever becomes a dated policy"
    assert policies[0].start == 13, policies


def test_latin_hypercube_puts_one_point_in_each_stratum(tmp_path):
    spec = read_sweep(sweep_file(tmp_path, "lhs", TWO, "samples = 10\n"))
    matrix = sample(spec, seed=4)
    assert matrix.shape == (10, 2), matrix.shape
    for j, (lo, hi) in enumerate([(0.1, 0.5), (0.0, 2.0)]):
        strata = np.floor((matrix[:, j] - lo) / (hi - lo) * 10).astype(int)
        assert sorted(strata) == list(range(10)), f"factor {j}: strata {sorted(strata)}"
    assert np.array_equal(matrix, sample(spec, seed=4)), "the design is seeded"


def test_morris_and_sobol_sizes(tmp_path):
    morris = read_sweep(sweep_file(tmp_path, "morris", TWO, "samples = 3\n", "m.toml"))
    assert sample(morris, 1).shape == (3 * (2 + 1), 2), "Morris: N x (D + 1) points"
    sobol = read_sweep(sweep_file(tmp_path, "sobol", TWO, "samples = 8\n", "b.toml"))
    assert sample(sobol, 1).shape == (8 * (2 + 2), 2), "Sobol (no 2nd order): N x (D + 2)"


@pytest.mark.parametrize(
    ("design", "factors", "needles"),
    [
        ("sobol", TWO, ["samples=6", "power of 2"]),
        (
            "lhs",
            "[parameters]\nturnover_per_yer = [0.1, 0.5]\n",
            ["parameters.turnover_per_yer", "unknown parameter", "turnover_per_year"],
        ),
        (
            "lhs",
            "[parameters]\nturnover_per_year = [0.1, 9.0]\n",
            ["parameters.turnover_per_year", "range [0.1, 9.0]", "allowed"],
        ),
        ("lhs", "[parameters]\nturnover_per_year = [0.5, 0.1]\n", ["needs lo < hi"]),
        ("lhs", "[levers]\npublicity = [0.0, 9.0]\n", ["levers.publicity", "[0, 5.0]"]),
        ("lhs", "[levers]\npublcity = [0.0, 1.0]\n", ["levers.publcity", "unknown lever"]),
        (
            "lhs",
            "[parameters]\nturnover_per_year = {values = [0.1, 0.2]}\n",
            ["'values' is for factorial designs"],
        ),
        ("grid", TWO, ["design='grid'", "factorial", "sobol"]),
        ("lhs", "", ["no factors"]),
    ],
)
def test_bad_sweep_files_name_the_file_and_key(tmp_path, design, factors, needles):
    extra = "samples = 6\n" if design == "sobol" else ""
    path = sweep_file(tmp_path, design, factors, extra)
    with pytest.raises(InputError) as err:
        read_sweep(path)
    message = str(err.value)
    assert str(path) in message, f"message must name the file: {message}"
    for needle in needles:
        assert needle in message, f"{needle!r} not in: {message}"


def test_sensitivity_indices_recover_a_known_function():
    """For y = 5 x0 + 0 x1, x0 carries all the variance (SALib's analysis, tested as SALib is)."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    for method, matrix in (
        ("morris", morris_sample.sample(problem, 20, num_levels=4, seed=1)),
        ("sobol", sobol_sample.sample(problem, 256, calc_second_order=False, seed=1)),
        ("lhs", np.random.default_rng(1).random((40, 2))),
    ):
        y = pd.Series(5 * matrix[:, 0], index=range(len(matrix)))
        rows = pd.DataFrame(indices(method, problem, matrix, y, "y"))
        main = {"morris": "mu_star", "sobol": "ST", "lhs": "rho"}[method]
        value = rows[rows["index"] == main].set_index("factor")["value"]
        assert value["a"] == pytest.approx(5.0 if method == "morris" else 1.0, abs=0.05), rows
        assert abs(value["b"]) < 0.3, f"{method}: the idle factor must score ~0: {value['b']}"


def test_a_small_morris_sweep_runs_and_gives_indices_per_factor(tmp_path):
    spec = read_sweep(sweep_file(tmp_path, "morris", TWO, "samples = 2\n"))
    exp = sweep_experiment(spec)
    summary = run_experiment(exp, tmp_path / "out", progress=False)
    assert summary.ok, summary.failures
    rows = analyse(str(tmp_path / "out"), ["frac_covered_pension"])
    assert set(rows["factor"]) == {"turnover_per_year", "publicity.strength"}, rows
    assert rows["value"].notna().all(), rows
    design = pd.read_csv(tmp_path / "out" / "design.csv")
    assert len(design) == 6, "design.csv lists every point"

"""What a run records: chosen columns, no breakdowns, a user hook, from a sweep file."""

from __future__ import annotations

import pandas as pd
import pytest
from experiments_support import experiment

from experiments.errors import InputError
from experiments.run.outputs import Outputs
from experiments.run.runner import run_experiment
from experiments.run.storage import ResultStore
from experiments.sweeps.designs import read_sweep, sweep_experiment


def run_with(tmp_path, outputs, name="out"):
    exp = experiment(("baseline",), replications=1)
    exp = type(exp)(**{**exp.__dict__, "outputs": outputs})
    summary = run_experiment(exp, tmp_path / name, progress=False)
    return summary, ResultStore(tmp_path / name)


def test_chosen_columns_and_no_breakdowns(tmp_path):
    summary, store = run_with(tmp_path, Outputs(("frac_covered_pension",), breakdowns=False))
    assert summary.ok, summary.failures
    frame = store.load()
    expected = ["scenario", "replication", "seed", "run_id", "month", "year"]
    assert list(frame.columns) == [*expected, "frac_covered_pension"], list(frame.columns)
    assert store.load("breakdowns").empty, "no breakdown rows"
    _, full = run_with(tmp_path, None, "full")
    same = full.load()[frame.columns]
    pd.testing.assert_frame_equal(frame, same, obj="a chosen column equals the full run's")


def test_a_hook_adds_monthly_columns(tmp_path):
    summary, store = run_with(tmp_path, Outputs(hook="outputs_hook:employed_share"))
    assert summary.ok, summary.failures
    frame = store.load().sort_values("month")
    assert frame["hook_month"].iloc[1:].tolist() == frame["month"].iloc[1:].tolist(), (
        "the hook runs after each month's step"
    )
    assert pd.isna(frame["hook_month"].iloc[0]), "month 0 (the start) has no hook value"
    share = frame["n_employed"] / frame["n_workers"]
    assert frame["employed_share"].iloc[1:].tolist() == pytest.approx(share.iloc[1:].tolist())
    manifest = store.read_manifest()
    spec = next(iter(manifest["runs"].values()))["spec"]
    assert spec["outputs"]["hook"] == "outputs_hook:employed_share", "recorded in the manifest"


def test_a_broken_hook_fails_its_run_with_the_reason(tmp_path):
    summary, _ = run_with(tmp_path, Outputs(hook="outputs_hook:not_a_mapping"))
    assert summary.failed == 1, "the run fails"
    assert "not a dict" in next(iter(summary.failures.values())), summary.failures


def test_a_hook_column_named_like_a_partition_key_fails_its_run(tmp_path):
    summary, _ = run_with(tmp_path, Outputs(hook="outputs_hook:partition_key"))
    assert summary.failed == 1, "pyarrow could not read the folder as one dataset"
    assert "partition folders" in next(iter(summary.failures.values())), summary.failures


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"columns": ("frac_covered_pensio",)}, "not outcome columns"),
        ({"hook": "no_such_module_x:f"}, "cannot import"),
        ({"hook": "outputs_hook:missing"}, "no function"),
        ({"hook": "outputs_hook"}, "module:function"),
        ({"breakdowns": "no"}, "true or false"),
    ],
)
def test_bad_outputs_are_named_before_anything_runs(kwargs, message):
    with pytest.raises(InputError, match=message):
        Outputs(**kwargs)


def test_a_sweep_file_chooses_its_outputs(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(
        'design = "factorial"\nlevels = 2\nreplications = 1\nmonths = 14\nworkers = 400\n'
        'outcomes = ["frac_covered_any"]\n[params]\nburn_in_months = 6\n[levers]\n'
        "enforcement = { range = [0.0, 1.0], start = 2 }\n"
        '[record]\ncolumns = ["frac_covered_pension"]\nbreakdowns = false\n'
    )
    spec = read_sweep(path)
    assert spec.outputs.columns == ("frac_covered_pension", "frac_covered_any"), (
        "the sweep's outcomes are always kept"
    )
    summary = run_experiment(sweep_experiment(spec), tmp_path / "out", progress=False)
    assert summary.ok, summary.failures
    frame = ResultStore(tmp_path / "out").load()
    assert {"frac_covered_pension", "frac_covered_any", "point"} <= set(frame.columns)
    assert "n_employed" not in frame.columns, "unchosen columns are not stored"
    path.write_text(path.read_text().replace("breakdowns = false", "colour = 1"))
    with pytest.raises(InputError, match="record"):
        read_sweep(path)

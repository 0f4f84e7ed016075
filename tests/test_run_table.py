"""The run-level table: one row per run, one number per outcome."""

from __future__ import annotations

import numpy as np
import pytest
from experiments_support import experiment

from experiments.analysis.run_table import run_statistic, run_table
from experiments.errors import InputError
from experiments.run.runner import run_experiment
from experiments.run.storage import ResultStore


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    summary = run_experiment(experiment(), out, progress=False)
    assert summary.ok, summary.failures
    return out


def test_one_row_per_run_with_ids_first(folder):
    table = run_table(folder, ["frac_covered_pension", "cum_n_inspections"])
    assert len(table) == 4, "2 scenarios x 2 replications"
    assert list(table.columns[:4]) == ["run_id", "scenario", "replication", "seed"]
    assert table["run_id"].is_unique, "one row per run"
    seeds = table.pivot(index="replication", columns="scenario", values="seed")
    assert (seeds.nunique(axis=1) == 1).all(), "replication r has one seed in every scenario"


def test_values_are_the_final_window_mean_and_the_last_total(folder):
    full = ResultStore(folder).load().sort_values(["run_id", "month"])
    table = run_table(folder, ["frac_covered_pension", "cum_n_inspections"]).set_index("run_id")
    for run_id, rows in full.groupby("run_id"):
        expected = rows["frac_covered_pension"].tail(12).mean()
        got = table.loc[run_id, "frac_covered_pension"]
        assert got == pytest.approx(expected), f"{run_id}: final-window mean"
        total = rows["cum_n_inspections"].iloc[-1]
        assert table.loc[run_id, "cum_n_inspections"] == total, f"{run_id}: last total"


def test_statistic_of_a_series():
    assert run_statistic(np.arange(30.0), "cum_x") == 29.0, "a running total: its last value"
    assert run_statistic(np.arange(30.0), "frac_x") == np.mean(np.arange(18.0, 30.0)), "mean"


def test_unknown_outcome_is_named_with_close_names(folder):
    with pytest.raises(InputError, match="frac_covered_pension"):
        run_table(folder, ["frac_covered_pensio"])


def test_default_outcomes_are_the_summary_set(folder):
    table = run_table(folder)
    assert "frac_covered_any" in table.columns, table.columns
    assert not table.drop(columns=["run_id", "scenario"]).isna().any().any(), "no gaps"


def test_export_writes_the_run_table_as_csv(folder, tmp_path, capsys):
    import pandas as pd

    from experiments.cli import main

    code = main(["export", str(folder), "--no-excel", "-o", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    runs = pd.read_csv(tmp_path / "runs.csv")
    assert len(runs) == 4, "one row per run"
    assert "frac_covered_pension" in runs.columns, runs.columns

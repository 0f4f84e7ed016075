"""A results folder reads as one dataset in pyarrow and DuckDB, with only the columns asked."""

from __future__ import annotations

import pytest
from experiments_support import experiment

from experiments.run.runner import run_experiment
from experiments.run.storage import ResultStore


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("dataset")
    summary = run_experiment(experiment(replications=3), out, progress=False)
    assert summary.ok, summary.failures
    return out


def test_pyarrow_reads_the_runs_folder_as_one_dataset(folder):
    import pyarrow.dataset as ds

    dataset = ds.dataset(folder / "runs", format="parquet")
    table = dataset.to_table(columns=["run_id", "month", "frac_covered_pension"])
    full = ResultStore(folder).load()
    assert table.num_rows == len(full), "every row of every run"
    assert table.column_names == ["run_id", "month", "frac_covered_pension"], "only 3 columns"
    got = table.to_pandas().groupby("run_id")["frac_covered_pension"].mean()
    want = full.groupby("run_id")["frac_covered_pension"].mean()
    assert got.sort_index().tolist() == want.sort_index().tolist(), "same values"


def test_duckdb_queries_the_runs_and_breakdowns_folders(folder):
    duckdb = pytest.importorskip("duckdb")
    full = ResultStore(folder).load()
    last = full[full["month"] == full["month"].max()]
    want = last.groupby("scenario")["frac_covered_pension"].mean().sort_index()
    runs = str(folder / "runs" / "*.parquet")
    rows = duckdb.sql(
        f"SELECT scenario, avg(frac_covered_pension) AS m FROM read_parquet('{runs}') "
        f"WHERE month = (SELECT max(month) FROM read_parquet('{runs}')) "
        "GROUP BY scenario ORDER BY scenario"
    ).fetchall()
    assert [r[0] for r in rows] == list(want.index), rows
    assert [r[1] for r in rows] == pytest.approx(want.tolist()), "DuckDB = pandas"
    parts = str(folder / "breakdowns" / "*.parquet")
    n = duckdb.sql(f"SELECT count(DISTINCT run_id) FROM read_parquet('{parts}')").fetchall()[0][0]
    assert n == 6, "breakdowns of every run"


def test_the_fast_manifest_plan_equals_the_spec_by_spec_one():
    from experiments.run import manifest as mf
    from experiments.run.storage import json_normal

    specs = experiment(replications=4).specs()
    fast = mf.build({"kind": "compare"}, specs, "test")["runs"]
    slow = {s.run_id: json_normal(s.describe()) for s in specs}
    assert {k: v["spec"] for k, v in fast.items()} == slow, "same specs, made once per scenario"
    assert list(fast) == [s.run_id for s in specs], "same order"

"""A results folder is one Hive-partitioned dataset for pyarrow and DuckDB.

Old flat folders are still read, and refused for new runs.
"""

from __future__ import annotations

import json
import shutil

import pytest
from experiments_support import experiment

from experiments.errors import InputError
from experiments.run import journal, layout
from experiments.run.runner import run_experiment
from experiments.run.storage import BREAKDOWNS, RUNS, ResultStore


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("dataset")
    summary = run_experiment(experiment(replications=3), out, progress=False)
    assert summary.ok, summary.failures
    return out


def test_parts_sit_in_partition_folders_named_by_scenario_and_chunk(folder):
    found = ResultStore(folder).parts()
    assert found["baseline__r002"] == (
        folder / "runs" / "block=baseline" / "chunk=0" / "baseline__r002.parquet"
    ), found["baseline__r002"]
    assert not layout.is_flat(folder / "runs"), "no part directly in runs/"
    assert set(ResultStore(folder).parts(BREAKDOWNS)) == set(found), "a breakdown part per run"


def test_pyarrow_reads_the_runs_folder_as_one_hive_dataset(folder):
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    full = ResultStore(folder).load()
    inside = set(pq.read_schema(next(iter(ResultStore(folder).parts().values()))).names)
    assert not inside & set(layout.PARTITION_KEYS), "partition keys are not part columns"
    dataset = ds.dataset(folder / "runs", format="parquet", partitioning="hive")
    assert {"block", "chunk"} <= set(dataset.schema.names), dataset.schema
    picked = dataset.to_table(
        columns=["run_id", "month", "frac_covered_pension", "block"],
        filter=ds.field("block") == "enforcement",
    )
    assert set(picked.column("run_id").to_pylist()) == {f"enforcement__r00{i}" for i in range(3)}
    table = ds.dataset(folder / "runs", format="parquet", partitioning="hive").to_table(
        columns=["run_id", "month", "frac_covered_pension"]
    )
    assert table.num_rows == len(full), "every row of every run"
    got = table.to_pandas().groupby("run_id")["frac_covered_pension"].mean()
    want = full.groupby("run_id")["frac_covered_pension"].mean()
    assert got.sort_index().tolist() == want.sort_index().tolist(), "same values"


def test_duckdb_queries_the_runs_and_breakdowns_folders_with_hive_partitions(folder):
    duckdb = pytest.importorskip("duckdb")
    full = ResultStore(folder).load()
    last = full[full["month"] == full["month"].max()]
    want = last.groupby("scenario")["frac_covered_pension"].mean().sort_index()
    runs = f"read_parquet('{folder}/runs/**/*.parquet', hive_partitioning = true)"
    rows = duckdb.sql(
        f"SELECT scenario, block, avg(frac_covered_pension) AS m FROM {runs} "
        f"WHERE month = (SELECT max(month) FROM {runs}) "
        "GROUP BY scenario, block ORDER BY scenario"
    ).fetchall()
    assert [r[0] for r in rows] == list(want.index), rows
    assert [r[1] for r in rows] == [r[0] for r in rows], "block is the scenario"
    assert [r[2] for r in rows] == pytest.approx(want.tolist()), "DuckDB = pandas"
    parts = f"read_parquet('{folder}/breakdowns/**/*.parquet', hive_partitioning = true)"
    n = duckdb.sql(f"SELECT count(DISTINCT run_id) FROM {parts}").fetchall()[0][0]
    assert n == 6, "breakdowns of every run"


def test_load_reads_only_the_columns_and_rows_asked_for(folder):
    import pyarrow.dataset as ds

    store = ResultStore(folder)
    some = store.load(columns=["run_id", "month"], where=ds.field("month") >= 10)
    assert list(some.columns) == ["run_id", "month"], "projection"
    assert some["month"].min() == 10, "filter"
    assert len(some) == 6 * 5, "months 10-14 of 6 runs"
    with pytest.raises(InputError, match="no_such_column"):
        store.load(columns=["no_such_column"])


def test_locations_bound_every_folder_to_a_thousand_parts():
    sweep = {layout.location(f"p{p:05d}", r, p) for p in range(0, 100_000, 7) for r in (0, 9)}
    assert len(sweep) == 1000, "100,000 points make 1,000 blocks (replications 0-9: one chunk)"
    assert layout.location("p00142", 31, 142) == "block=p00100/chunk=3"
    assert layout.location("baseline", 1999, None) == "block=baseline/chunk=1"
    per_folder = layout.POINTS_PER_BLOCK * layout.REPLICATIONS_PER_CHUNK
    assert per_folder <= 1000, "at most 1,000 files in a sweep's folder"
    assert layout.RUNS_PER_CHUNK <= 1000, "at most 1,000 files in a scenario's folder"


def test_the_fast_manifest_plan_equals_the_spec_by_spec_one():
    from experiments.run import manifest as mf
    from experiments.run.storage import json_normal

    specs = experiment(replications=4).specs()
    fast = mf.build({"kind": "compare"}, specs, "test")["runs"]
    slow = {s.run_id: json_normal(s.describe()) for s in specs}
    assert {k: v["spec"] for k, v in fast.items()} == slow, "same specs, made once per scenario"
    assert list(fast) == [s.run_id for s in specs], "same order"
    lines = journal.plan_text(fast, list(fast)).splitlines()
    assert [json.loads(t)["spec"] for t in lines] == list(slow.values()), "plan lines = specs"


def _make_flat(src, dst):
    """The layout before partitions: every part directly in runs/, runs in manifest.json."""
    shutil.copytree(src, dst)
    manifest = ResultStore(dst).read_manifest()
    for kind in (RUNS, BREAKDOWNS):
        for run_id, path in ResultStore(dst).parts(kind).items():
            path.rename(dst / kind / f"{run_id}.parquet")
        for sub in sorted((dst / kind).glob("block=*")):
            shutil.rmtree(sub)
    manifest["schema"] = 1
    (dst / "manifest.json").write_text(json.dumps(manifest))
    (dst / journal.JOURNAL).unlink()


def test_an_old_flat_folder_is_read_by_the_analysis(folder, tmp_path):
    from experiments.analysis.run_table import run_table
    from experiments.analysis.tables import analyse_folder

    old = tmp_path / "old"
    _make_flat(folder, old)
    assert layout.is_flat(old / "runs"), "the copy is flat"
    frame = ResultStore(old).load().sort_values(["run_id", "month"], ignore_index=True)
    new = ResultStore(folder).load().sort_values(["run_id", "month"], ignore_index=True)
    assert frame.equals(new), "the same rows from either layout"
    assert ResultStore(old).read_manifest()["runs"].keys() == {
        f"{s}__r00{i}" for s in ("baseline", "enforcement") for i in range(3)
    }, "runs come from manifest.json"
    ours, theirs = analyse_folder(folder), analyse_folder(old)
    assert ours.summary.equals(theirs.summary), "the same summary from either layout"
    assert ours.differences.equals(theirs.differences), "and the same differences"
    assert run_table(old).equals(run_table(folder)), "and the same run table"


def test_an_old_flat_folder_is_refused_for_new_runs_in_one_line(folder, tmp_path):
    old = tmp_path / "old"
    _make_flat(folder, old)
    before = sorted(p.name for p in old.rglob("*"))
    with pytest.raises(InputError, match=r"older uptake.*choose a new --out folder") as caught:
        run_experiment(experiment(replications=4), old, progress=False)
    assert "\n" not in str(caught.value), "one line"
    after = sorted(p.name for p in old.rglob("*") if p.name != ".uptake.lock")
    assert after == [n for n in before if n != ".uptake.lock"], "nothing written"


def test_parts_with_different_columns_are_read_as_one_frame(tmp_path):
    import pandas as pd

    from experiments.run.single import RunResult

    store = ResultStore(tmp_path)
    for r, extra in ((0, {}), (1, {"hook_value": 2.5})):
        outcomes = pd.DataFrame(
            {"scenario": "s", "replication": r, "run_id": f"s__r00{r}", "month": [0, 1], **extra}
        )
        store.write(RunResult(f"s__r00{r}", "done", 0.0, outcomes=outcomes))
    frame = store.load()
    assert len(frame) == 4, "both parts"
    assert frame["hook_value"].isna().tolist() == [True, True, False, False], "missing -> NaN"
    assert store.load(columns=["run_id", "hook_value"])["hook_value"].notna().sum() == 2

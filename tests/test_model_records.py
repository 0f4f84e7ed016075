"""Agents as records and tables; the state container; Mesa's own tools on the model."""

from __future__ import annotations

import mesa
import numpy as np
import pytest
from model_support import build, run

from model import INDUSTRIES, REGIONS, SCHEMES, UptakeModel
from model.population import FIRM_COLUMNS, WORKER_COLUMNS
from model.table import BUILT, AgentTable, Column


def test_worker_record_decodes_labels():
    model = run(6, seed=41)
    frame = model.workers_frame()
    i = int(np.flatnonzero(model.workers.covered)[0])
    record = model.worker(i)
    assert record["worker_id"] == i, "record of the wrong worker"
    assert set(WORKER_COLUMNS) <= set(record), "worker record lacks declared columns"
    assert record["industry"] in INDUSTRIES, f"industry not decoded: {record['industry']!r}"
    assert record["region"] in REGIONS, f"region not decoded: {record['region']!r}"
    assert record["covered"], "a covered worker's record lists no scheme"
    assert set(record["covered"]) <= set(SCHEMES), f"unknown schemes {record['covered']}"
    for s in SCHEMES:
        assert frame.loc[i, f"covered_{s}"] == (s in record["covered"]), f"{s}: record != table"


def test_firm_record_decodes_offers():
    model = run(6, seed=41)
    i = int(np.flatnonzero(model.firms.offers)[0])
    record = model.firm(i)
    assert record["firm_id"] == i, "record of the wrong firm"
    assert set(FIRM_COLUMNS) <= set(record), "firm record lacks declared columns"
    assert record["offers"], "an offering firm's record lists no scheme"


@pytest.mark.parametrize("kind", ["worker", "firm"])
def test_out_of_range_agent_is_an_index_error(kind):
    model = run(6, seed=41)
    n = model.workers.n if kind == "worker" else model.firms.n
    with pytest.raises(IndexError, match=f"row {n} out of range"):
        getattr(model, kind)(n)


def test_tables_have_one_row_per_agent_and_agree_with_the_outcomes():
    model = run(6, seed=41)
    workers, firms = model.workers_frame(), model.firms_frame()
    assert len(workers) == model.params.n_workers, "workers table is not one row per worker"
    assert len(firms) == model.firms.n, "firms table is not one row per firm"
    employed = workers["employer"] >= 0
    assert employed.sum() == model.current["n_employed"], "employed in table != outcome"
    for s in SCHEMES:
        share = workers.loc[employed, f"covered_{s}"].mean()
        assert share == pytest.approx(model.current[f"frac_covered_{s}"]), f"{s} share differs"
    assert set(workers["sex"]) <= {"male", "female"}, "sex labels"
    assert set(workers["age_band"]) <= {"16-20", "21-30", "31-40", "41-50", "51+"}, "age bands"
    assert firms["headcount"].sum() == employed.sum(), "firm headcounts != employed workers"


def test_tables_are_copies_not_views():
    model = run(6, seed=41)
    frame = model.workers_frame()
    frame.loc[0, "wage"] = -1.0
    assert model.workers.wage[0] != -1.0, "editing the table changed the model"


def test_agent_table_columns_are_typed_and_cannot_be_rebound():
    columns = {
        "age": Column(np.float32, 30.0, "years", BUILT),
        "ok": Column(np.bool_, False, "flag", BUILT),
    }
    table = AgentTable(3, columns)
    assert table.age.dtype == np.float32, "column dtype not as declared"
    assert table.age.tolist() == [30.0, 30.0, 30.0], "default not applied"
    table.age[:] = 40.0
    with pytest.raises(AttributeError, match="edited in place"):
        table.age = np.zeros(3)
    assert table.nbytes() == 3 * 4 + 3 * 1, "nbytes does not add up the columns"


def test_state_is_compact():
    """Struct-of-arrays state: a few dozen bytes per worker, not Python objects."""
    model = run(6, seed=41)
    per_worker = (model.workers.nbytes() + model.firms.nbytes()) / model.workers.n
    assert per_worker < 100, f"agent state takes {per_worker:.0f} bytes per worker"


def test_mesa_batch_run_builds_and_runs_the_model_from_flat_parameters():
    results = mesa.batch_run(
        UptakeModel,
        parameters={
            "n_workers": 500,
            "burn_in_months": 2,
            "seed": 1,
            "inspection_rate_per_year": [0.05, 0.5],
        },
        iterations=1,
        max_steps=3,
        number_processes=1,
        data_collection_period=1,
        display_progress=False,
    )
    rows = [r for r in results if r["Step"] == 3]
    assert len(rows) == 2, f"expected one final row per parameter value, got {len(rows)}"
    assert all(0 <= r["frac_covered_pension"] <= 1 for r in rows), "coverage not collected"
    rates = sorted(r["inspection_rate_per_year"] for r in rows)
    assert rates == [0.05, 0.5], f"batch_run parameters not recorded: {rates}"


def test_a_collector_attached_mid_run_holds_the_months_it_collected():
    from model.collector import OutcomeCollector
    from model.outcomes import all_columns

    model = build(seed=2)
    for _ in range(5):
        model.step()
    collector = OutcomeCollector(all_columns(), model_reporters={"month_x": lambda m: m.month})
    model.datacollector = collector
    for _ in range(3):
        model.step()
    got = collector.get_model_vars_dataframe()
    recorded = model.results_frame().iloc[-3:].reset_index(drop=True)
    assert got["month_x"].tolist() == [6, 7, 8], "extra reporter months"
    for column in ("n_employed", "new_hires", "frac_covered_pension", "cum_breaks"):
        assert got[column].tolist() == recorded[column].tolist(), f"{column} from other months"
    assert got["n_employed"].dtype == "int64", "agent counts are not integers"

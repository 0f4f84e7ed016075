"""Dashboard data helpers: who is uncovered and why, downloads, saved folders, charts."""

from __future__ import annotations

import io
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from dashboard_support import make_saved_folder, small_session

from dashboards import charts, explore_charts, pairs, sweeps
from dashboards import format as fmt
from dashboards.agents_data import (
    REASONS,
    filter_rows,
    firm_table,
    reason_counts,
    worker_table,
)
from dashboards.results import (
    csv_bytes,
    groups_frame,
    json_bytes,
    manifest,
    parquet_bytes,
    stem,
)
from dashboards.settings import from_preset
from dashboards.state import Session
from experiments import base_params
from model import SCHEMES


@pytest.fixture(scope="module")
def stepped():
    """A small session run for 14 months (shared, read-only)."""
    s = small_session(seed=17)
    s.step(14)
    return s


def test_worker_table_gives_the_models_reason_for_every_worker(stepped):
    agents = stepped.agents()
    table = worker_table(agents)
    assert len(table) == len(agents.workers), "one row per worker"
    assert set(table["reason"]) <= set(REASONS), (
        f"unexpected: {set(table['reason']) - set(REASONS)}"
    )
    covered = agents.workers["covered"].to_numpy() != 0
    assert ((table["reason"] == "covered").to_numpy() == covered).all(), "'covered' != cover bits"
    between = agents.workers["employer"].to_numpy() < 0
    assert (table["reason"].to_numpy()[between] == "between jobs").all(), "jobless not marked"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_reason_per_scheme_matches_that_scheme(stepped, scheme):
    agents = stepped.agents(scheme)
    bit = 1 << SCHEMES.index(scheme)
    paid = (agents.workers["covered"].to_numpy() & bit) != 0
    assert ((agents.reasons == "covered") == paid).all(), f"'covered' must match the {scheme} bit"


def test_unknown_scheme_is_rejected(stepped):
    with pytest.raises(ValueError, match="scheme='dental'"):
        stepped.agents("dental")


def test_firm_table_status_agrees_with_the_model_share_of_full_compliance(stepped):
    table = firm_table(stepped.agents())
    status = table["status"].to_numpy()
    active = status != "no workers"
    share = (status[active] == "full compliance").mean()
    model_share = stepped.model.current["frac_firms_full_compliance"]
    assert share == pytest.approx(model_share), f"table says {share}, model says {model_share}"
    gaps = table["gaps"].to_numpy()
    assert (gaps[status == "full compliance"] == "").all(), "fully compliant firms have no gaps"
    assert all(g for g in gaps[status == "partial"]), "every partial firm must name a gap"


def test_tables_filters_and_reason_counts(stepped):
    agents = stepped.agents()
    table = worker_table(agents)
    counts = reason_counts(table)
    assert counts["workers"].sum() == len(table), "reason counts must add up to all workers"
    only = filter_rows(table, industry="construction", reason="(all)")
    assert (only["industry"] == "construction").all(), "industry filter leaked other industries"
    assert 0 < len(only) < len(table), "construction should be some but not all workers"
    with pytest.raises(ValueError, match="no column 'colour'"):
        filter_rows(table, colour="red")
    assert len(firm_table(agents)) == len(agents.firms), "one row per firm"


def test_downloads_round_trip(stepped):
    snap = stepped.snapshot.value
    from_csv = pd.read_csv(io.BytesIO(csv_bytes(snap.results)))
    assert len(from_csv) == 15, f"CSV should hold months 0-14, got {len(from_csv)} rows"
    assert np.allclose(from_csv["frac_covered_any"], snap.results["frac_covered_any"]), "CSV drift"
    from_parquet = pd.read_parquet(io.BytesIO(parquet_bytes(snap.results)))
    assert from_parquet.equals(snap.results), "Parquet download must equal the results frame"
    groups = groups_frame(snap)
    assert set(groups["by"]) == {"industry", "region"}, set(groups["by"])
    # the test session shortens the burn-in, so the baseline counts as modified
    assert stem(snap) == "uptake_baseline-modified_seed17_m14", stem(snap)


def test_manifest_is_strict_json_with_infinite_caps():
    s = small_session()
    assert s.set_lever("worker_subsidy", strength=0.5, cap=math.inf), s.message.value
    text = json_bytes(manifest(s)).decode()
    data = json.loads(text)  # strict: no bare Infinity
    assert "Infinity" not in text, "infinite cap/budget must be written as a string"
    policy = data["policies"][0]
    assert policy["lever"] == "worker_subsidy", policy
    assert policy["cap"] == "inf", f"cap should read 'inf', got {policy['cap']!r}"
    assert data["seed"] == 5, f"manifest seed {data['seed']}"
    assert math.isclose(data["parameters"]["burn_in_months"], 12), "parameters not recorded"


def test_every_explore_chart_draws_and_unknown_is_rejected(stepped):
    snap = stepped.snapshot.value
    images = explore_charts.ExploreCharts().draw(snap, "medical", until=120)
    assert set(images) == set(explore_charts.EXPLORE_CHARTS), f"charts drawn: {set(images)}"
    for key, data in images.items():
        assert data[:8] == b"\x89PNG\r\n\x1a\n", f"chart {key} is not a PNG"
    with pytest.raises(ValueError, match="unknown chart 'pie'"):
        explore_charts.build("pie", 2011)


def test_live_charts_blit_and_redraw_only_when_an_axis_changes():
    s = small_session(seed=3)
    s.step(13)
    charts_ = s.run.charts
    before = dict(s.snapshot.value.images)
    full = charts_.full_redraws
    for _ in range(5):
        s.step()
    after = s.snapshot.value.images
    assert all(after[k] != before[k] for k in before), "a chart was not redrawn after 5 months"
    assert charts_.full_redraws - full <= 2 * len(before), (
        f"{charts_.full_redraws - full} full redraws in 5 months: blitting is not used"
    )
    fresh = explore_charts.ExploreCharts().draw(s.snapshot.value, "pension", until=120)
    assert fresh["coverage"] == after["coverage"], "a blitted chart differs from a fresh drawing"


def test_comparison_summary_is_the_paired_difference():
    s = small_session()
    exp = pairs.experiment("baseline", "worker-subsidy", s.settings.value, 2, 14, 800, 3)
    outcomes = pairs.run(exp)
    table = pairs.summary(outcomes, "baseline").set_index("column")
    last = outcomes[outcomes["month"] >= 3]  # months 3-14: the last 12
    means = last.groupby(["scenario", "replication"])["frac_covered_any"].mean()
    want = (means["worker-subsidy"] - means["baseline"]).mean()
    row = table.loc["frac_covered_any"]
    assert row["difference"] == pytest.approx(want), "summary difference is wrong"
    assert row["band 5%"] <= row["band 95%"], "band upside down"
    spend = table.loc["subsidy_spending_yuan", "worker-subsidy"]
    assert spend > 0, "a worker subsidy from month 13 must spend money by month 14"
    run = outcomes[outcomes["run_id"] == outcomes["run_id"].iloc[0]].set_index("month")
    want_rate = 1000 * run.loc[5, "new_breaks"] / run.loc[4, "n_covered_any"]
    assert run.loc[5, pairs.BREAK_RATE] == pytest.approx(want_rate), "break rate is wrong"
    assert pairs.BREAK_RATE in table.index, "the summary lacks breaks per covered worker"


def test_comparison_stops_when_asked():
    s = small_session()
    exp = pairs.experiment("baseline", "points", s.settings.value, 3, 12, 500, 3)
    assert pairs.run(exp, stopped=lambda: True) is None, "a stopped comparison returned data"


def test_saved_folder_loads_with_overview_and_table(tmp_path):
    folder = make_saved_folder(tmp_path / "saved")
    sweep = sweeps.load("saved", tmp_path)
    assert sweep.scenarios == ["baseline", "points"], sweep.scenarios
    assert sweeps.load(f"{tmp_path}/saved", tmp_path).folder == folder, "root/ prefix refused"
    rows = dict(sweeps.overview(sweep))
    assert rows["Kind"] == "compare", rows
    assert rows["Runs"].startswith("done: 2"), rows["Runs"]
    table = sweeps.final_table(sweep)
    assert set(table["scenario"]) == {"baseline", "points"}, "final table misses a scenario"
    assert sweeps.find_folders(tmp_path) == [folder], "the saved folder should be found"


def test_saved_folder_problems_are_messages(tmp_path):
    with pytest.raises(ValueError, match="not a saved results folder"):
        sweeps.load("missing", tmp_path)
    with pytest.raises(ValueError, match=r"no manifest\.json"):
        sweeps.load(".", tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        sweeps.load(".", tmp_path)
    with pytest.raises(ValueError, match="Enter a folder"):
        sweeps.load("  ", tmp_path)


def test_saved_results_open_only_real_folders_under_the_root(tmp_path):
    root = tmp_path / "results"
    root.mkdir()
    outside = make_saved_folder(tmp_path / "elsewhere")
    (root / "link").symlink_to(outside, target_is_directory=True)
    for path in (str(outside), "../elsewhere", "/etc", "/no/such/folder"):
        with pytest.raises(ValueError, match="only folders under") as error:
            sweeps.load(path, root)
        text = str(error.value)
        for telling in ("exist", "not a folder", "not a saved"):
            assert telling not in text, f"the message for {path!r} tells if it exists: {text}"
    with pytest.raises(ValueError, match="symbolic link"):
        sweeps.load("link", root)
    assert sweeps.find_folders(root) == [], "a linked folder was listed"


def test_custom_scenario_uses_the_explore_levers_and_parameters():
    s = Session(from_preset("baseline", seed=4, n_workers=1_000))
    assert s.set_lever("publicity", strength=1.0, start=3), s.message.value
    custom = pairs.scenario_for("custom", s.settings.value)
    assert [p.lever for p in custom.policies] == ["publicity"], custom.policies
    base, _ = base_params.resolve(None)
    assert custom.params == base, "custom must carry the Explore parameters (here: the base)"
    exp = pairs.experiment("baseline", "custom", s.settings.value, 1, 6, 500, 4)
    outcomes = pairs.run(exp)
    late = outcomes[outcomes["month"] == 6].set_index("scenario")["mean_awareness"]
    assert late["custom"] > late["baseline"], "publicity from month 3 should raise awareness"
    with pytest.raises(ValueError, match="unknown scenario 'nope'"):
        pairs.scenario_for("nope", s.settings.value)


def test_one_unit_convention_for_numbers_dates_and_noise():
    from dashboards import format as fmt

    assert fmt.month_label(0, 2011) == "start", "month 0 is the starting state"
    assert fmt.month_label(1, 2011) == "2011-01", "month 1 is January of the start year"
    assert fmt.month_label(13, 2011) == "2012-01", "month 13 is January of the next year"
    assert fmt.column_value(0.3071, "frac_covered_any") == "30.7%", "shares are shown in %"
    assert fmt.column_value(-0.00001, "frac_covered_any", signed=True) == "0.0 pp", "-0.0 shown"
    assert fmt.column_value(4_230_815_469.0, "fines_yuan") == "4.23 bn yuan", "yuan not in bn"
    assert fmt.column_value(31_700.0, "n_inspections_real") == "31.7 k", "count format"
    assert fmt.number(0.13230895784549812) == "0.132", "parameters should be rounded"
    assert fmt.heading("frac_covered_any").startswith("Coverage by any scheme"), "raw label"
    text, note = fmt.count_with_noise(4, 7_932.0)
    assert text == "31.7 k", text
    assert "from 4 agents" in note, f"a count of 4 agents must be flagged as noisy: {note}"
    assert fmt.count_with_noise(400, 7_932.0)[1] == "", "400 agents are not noisy"
    lo, hi = fmt.interval(4, 1.0)
    assert 0 < lo < 4 < hi, f"the interval must contain the count: {lo}-{hi}"


def test_saved_results_chart_every_scenario_in_distinct_colours():
    from dashboards.results import scenario_groups

    names = [f"s{i}" for i in range(13)]
    groups = scenario_groups(names)
    assert [n for g in groups for n in g] == names, "a scenario is missing from the charts"
    assert all(len(g) <= charts.MAX_LINES for g in groups), "a chart has more lines than colours"
    assert len(set(explore_charts.PALETTE)) == charts.MAX_LINES == 12, "colours repeat"
    summary = pd.DataFrame(
        {
            "scenario": np.repeat(names[:12], 3),
            "month": np.tile([0, 1, 2], 12),
            "mean": 0.5,
            "q05": 0.4,
            "q95": 0.6,
        }
    )
    fig = charts.compare_lines(summary, "Coverage", "%", "share", 2011)
    colours = [line.get_color() for line in fig.axes[0].get_lines()]
    assert len(set(colours)) == 12, f"12 scenarios drawn in {len(set(colours))} colours"


def test_compare_table_writes_each_column_in_one_style():
    from dashboards.compare import formatted

    s = small_session()
    exp = pairs.experiment("baseline", "worker-subsidy", s.settings.value, 2, 14, 800, 3)
    table = formatted(pairs.summary(pairs.run(exp), "baseline"), {"baseline": "A"})
    assert "A" in table.columns, f"scenario columns not renamed to titles: {list(table.columns)}"
    shares = table["unit"].str.startswith("%")
    plain = re.compile(r"^[+-]?\d+(\.\d+)?( k| M| bn)?$")
    for column in table.columns[2:]:
        for cell in table.loc[~shares, column]:
            assert plain.match(cell), f"{column!r}: {cell!r} is not 3 figures with k/M/bn"
        for cell in table.loc[shares, column]:
            assert re.match(r"^[+-]?\d+\.\d( pp|%)$", cell), f"{column!r}: share cell {cell!r}"
    assert (fmt.short(-1983), fmt.short(15_200, signed=True)) == ("-1.98 k", "+15.2 k"), (
        "counts below and above ten thousand must be written alike"
    )


def test_subsidy_chart_says_whether_a_subsidy_is_in_force():
    none = small_session()
    assert explore_charts.subsidy_note(none.snapshot.value) == "No subsidy in force", (
        "the baseline has no subsidy"
    )
    later = small_session("worker-subsidy")
    note = explore_charts.subsidy_note(later.snapshot.value)
    assert note == "No subsidy in force yet: starts in month 13", note
    figure = explore_charts.build("subsidy", 2011)
    months = np.arange(1, 4)
    zeros = [[(np.zeros(3), None, None)], [(np.zeros(3), None, None)]]
    figure.update(months, zeros, 120, (note, note))
    assert [t.get_text() for t in figure.notes] == [note, note], "empty panels say nothing"
    labels = figure.axes[0].yaxis.get_tick_params(which="major").get("labelleft", True)
    assert not labels, "an empty panel still shows a 0-1 value axis"
    paid = [[(np.array([0.0, 5e6, 6e6]), None, None)], [(np.array([0.0, 5e6, 1.1e7]), None, None)]]
    figure.update(months, paid, 120, (note, note))
    assert [t.get_text() for t in figure.notes] == ["", ""], "the note stayed after payments"
    labels = figure.axes[0].yaxis.get_tick_params(which="major").get("labelleft", True)
    assert labels, "the value axis did not come back with payments"

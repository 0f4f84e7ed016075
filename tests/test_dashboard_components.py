"""Dashboard components rendered without a browser: click controls, check state and page."""

from __future__ import annotations

import html
import io

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from dashboard_support import (
    button,
    by_class,
    enter,
    field,
    images,
    make_saved_folder,
    small_session,
    text_of,
    wait_until,
)
from solara.components.file_download import FileDownloadWidget

from dashboards import ensemble, pairs
from dashboards.agents import LookInside
from dashboards.app import Page
from dashboards.compare import Compare, Comparer
from dashboards.compare_ensemble import EnsembleControls, EnsembleView, gain_table
from dashboards.ensemble import EnsembleResult
from dashboards.explore import Explore
from dashboards.results import ComparisonDownloads, SavedResults
from dashboards.settings import LEVERS, lever_info
from experiments.scenarios import scenario_title


@pytest.fixture(scope="module")
def saved_folder(tmp_path_factory):
    """A small saved comparison folder written by the experiments runner."""
    return make_saved_folder(tmp_path_factory.mktemp("saved") / "compare")


def test_page_renders_all_tabs_and_a_model():
    box, rc = solara.render(Page(), handle_error=False)
    tabs = text_of(box)
    for name in ("Explore", "Compare", "Look inside", "Results"):
        assert name in tabs, f"tab {name!r} missing from the page"
    assert "0 (start)" in text_of(by_class(rc, "uptake-headline")), "month 0 not shown"
    assert len(images(rc)) == 7, f"Explore should show 7 charts, found {len(images(rc))}"


def test_every_lever_has_a_control_with_unit_and_tooltip():
    _box, rc = solara.render(Explore(small_session()), handle_error=False)
    sliders = {w.label for w in rc.find(v.Slider).widgets}
    tips = " ".join(text_of(t) for t in rc.find(v.Tooltip).widgets)
    for lever in LEVERS:
        info = lever_info(lever)
        assert info["title"] in sliders, f"no slider for lever {lever}"
        assert info["paper"] in tips, f"no tooltip with the paper reference of {lever}"
        assert f"({info['unit']})" in text_of(by_class(rc, f"lever-{lever}")), f"{lever}: no unit"


def test_each_page_render_has_its_own_session():
    _box1, rc1 = solara.render(Page(), handle_error=False)
    _box2, rc2 = solara.render(Page(), handle_error=False)
    button(rc1, "Step").click()
    wait_until(lambda: "1 (2011-01)" in text_of(by_class(rc1, "uptake-headline")), what="step")
    assert "0 (start)" in text_of(by_class(rc2, "uptake-headline")), (
        "stepping one page moved the other page's model"
    )


def test_step_button_changes_numbers_and_charts():
    session = small_session(seed=7)
    _box, rc = solara.render(Explore(session), handle_error=False)
    charts_before = images(rc)
    headline_before = text_of(by_class(rc, "uptake-headline"))
    button(rc, "Step a year").click()
    assert session.snapshot.value.month == 12, f"month {session.snapshot.value.month} after a year"
    headline = text_of(by_class(rc, "uptake-headline"))
    assert "12 (2011-12)" in headline, f"headline does not show month 12: {headline}"
    assert headline != headline_before, "headline numbers did not change"
    changed = sum(a != b for a, b in zip(charts_before, images(rc), strict=True))
    assert changed == 7, f"only {changed} of 7 charts were redrawn after a step"
    assert "95%:" in headline, f"counts from a handful of agents carry no interval: {headline}"
    assert "agents x" in text_of(by_class(rc, "uptake-scale-note")), "no note on agents x scale"
    breaks_note = text_of(by_class(rc, "note-breaks"))
    assert "rises with coverage" in breaks_note, f"breaks are not explained: {breaks_note}"
    region_note = text_of(by_class(rc, "note-by_region"))
    assert "from seed to seed" in region_note, f"one run's regions read as final: {region_note}"


def test_lever_slider_changes_the_running_model():
    session = small_session()
    _box, rc = solara.render(Explore(session), handle_error=False)
    label = lever_info("publicity")["title"]
    field(rc, v.Slider, label).v_model = 0.5
    assert session.settings.value.levers["publicity"].strength == 0.5, "slider did not set lever"
    assert [p.lever for p in session.model.policies] == ["publicity"], session.model.policies
    in_force = text_of(by_class(rc, "uptake-in-force"))
    assert f"{label} = 0.5" in in_force, f"levers-in-force line not updated: {in_force}"


def test_invalid_seed_shows_a_message_not_a_traceback():
    session = small_session()
    _box, rc = solara.render(Explore(session), handle_error=False)
    enter(rc, "Seed", "-4")
    message = text_of(by_class(rc, "uptake-message"))
    assert "seed=-4 is out of range" in message, f"no clear message for a negative seed: {message}"
    assert session.settings.value.seed == 5, "an invalid seed reached the settings"
    seed = field(rc, v.TextField, "Seed")
    assert seed.v_model == "5", f"the seed field should show the seed in force, not {seed.v_model}"
    assert seed.error, "the refused seed is not marked under the field"
    assert "kept 5" in seed.messages[0], f"no note under the field: {seed.messages}"


def test_bad_text_is_rejected_in_place_everywhere():
    session = small_session()
    _box, rc = solara.render(Explore(session), handle_error=False)
    population = next(w for w in rc.find(v.TextField).widgets if w.label.startswith("Population"))
    population.v_model = "abc"
    population.fire_event("focusout", {})
    assert population.v_model == "2000", f"the field kept {population.v_model!r}, not the value"
    assert "not a number" in population.messages[0], population.messages
    start = next(w for w in rc.find(v.TextField).widgets if w.label == "from month")
    start.v_model = "700"
    start.fire_event("focusout", {})
    assert start.v_model == "1", f"from month shows {start.v_model!r} after 700 was refused"
    assert "above the maximum 600" in start.messages[0], start.messages
    comparer = Comparer(session)
    _box, rc = solara.render(Compare(comparer), handle_error=False)
    enter(rc, "workers (100-50,000)", "abc")
    workers = field(rc, v.TextField, "workers (100-50,000)")
    assert workers.v_model == "20000", f"compare workers field shows {workers.v_model!r}"
    assert workers.error, "a bad worker count must be marked under the field"


def test_preset_select_rebuilds_with_its_levers():
    session = small_session()
    _box, rc = solara.render(Explore(session), handle_error=False)
    field(rc, v.Select, "Preset scenario").v_model = scenario_title("portability")
    session.runner.wait()
    wait_until(lambda: session.snapshot.value.in_force != (), what="portability to be in force")
    assert session.snapshot.value.month == 0, "choosing a preset should restart at month 0"
    assert [p.lever for p in session.model.policies] == ["portability"], session.model.policies


def test_play_then_pause_buttons():
    session = small_session()
    _box, rc = solara.render(Explore(session), handle_error=False)
    field(rc, v.Select, "speed").v_model = "2 months/s"
    button(rc, "Play").click()
    wait_until(lambda: session.status.value.busy, what="play to start")
    button(rc, "Pause").click()
    assert not session.status.value.busy, "pause did not stop the run"
    month = session.snapshot.value.month
    assert month < 120, f"a 2 months/s play ran to month {month} before pause"


def test_compare_shows_both_scenarios_and_difference():
    session = small_session()
    comparer = Comparer(session)
    _box, rc = solara.render(Compare(comparer), handle_error=False)
    enter(rc, "replications (1-20)", "2")
    enter(rc, "months (1-600)", "14")
    enter(rc, "workers (100-50,000)", "1000")
    field(rc, v.Select, "Scenario B (reform)").v_model = scenario_title("worker-subsidy")
    button(rc, "Run comparison").click()
    comparer.job.wait()
    wait_until(lambda: comparer.result.value is not None, what="the comparison result")
    assert comparer.message.value == "", comparer.message.value
    outcomes = comparer.result.value.outcomes
    assert set(outcomes["scenario"]) == {"baseline", "worker-subsidy"}, set(outcomes["scenario"])
    assert outcomes["month"].max() == 14, "runs should last the 14 months asked for"
    assert outcomes["replication"].nunique() == 2, "two replications were asked for"
    seeds = outcomes.groupby("replication")["seed"].nunique()
    assert (seeds == 1).all(), "each replication must use one seed in both scenarios"
    title = html.unescape(text_of(by_class(rc, "uptake-compare-title")))
    assert scenario_title("baseline") in title, f"baseline missing from the title: {title}"
    assert scenario_title("worker-subsidy") in title, f"reform missing from the title: {title}"
    assert "worker-subsidy" not in title, f"the title shows the slug: {title}"
    table = text_of(by_class(rc, "uptake-compare-summary"))
    assert "Subsidy spending" in table, f"summary table missing: {table[:300]}"
    assert "frac_covered" not in table, "the summary shows raw column names"
    assert "%" in table, f"shares lack the % unit: {table[:300]}"
    assert "yuan" in table, f"money lacks its unit: {table[:300]}"
    assert len(images(rc)) == 2, "both-scenario and difference charts expected"


def ensemble_compare(replications: str, months: str, workers: str, sets: str):
    """The Compare tab with its sizes entered and the ensemble switched on."""
    comparer = Comparer(small_session())
    _box, rc = solara.render(Compare(comparer), handle_error=False)
    enter(rc, "replications (1-20)", replications)
    enter(rc, "months (1-600)", months)
    enter(rc, "workers (100-50,000)", workers)
    [box] = [w for w in rc.find(v.Checkbox).widgets if "calibrated ensemble" in w.label]
    box.v_model = True
    enter(rc, "parameter sets (1-8)", sets)
    return comparer, rc


def test_compare_over_the_ensemble_shows_both_intervals_and_rankings():
    comparer, rc = ensemble_compare("2", "14", "500", "2")
    plan = text_of(by_class(rc, "uptake-ensemble-plan"))
    assert "2 of the 8 parameter sets x 2 replications x 2 scenarios = 8 more runs" in plan, plan
    button(rc, "Run comparison").click()
    comparer.job.wait()
    wait_until(lambda: comparer.result.value is not None, what="the comparison result")
    assert comparer.message.value == "", comparer.message.value
    spread = comparer.result.value.ensemble
    assert spread is not None, "the ensemble part did not run"
    assert set(spread.gains["member"]) == {0, 1}, "two parameter sets were asked for"
    assert spread.gains["seed"].nunique() == 2, "two replication seeds per set"
    seeds = sorted(comparer.result.value.outcomes["seed"].unique())
    assert sorted(spread.gains["seed"].unique()) == seeds, "the ensemble uses other seeds"
    summary = pairs.summary(comparer.result.value.outcomes, "baseline").set_index("column")
    central = spread.gains[spread.gains["member"] == 0]["gain_pension"].mean()
    assert central == pytest.approx(100 * summary.loc["frac_covered_pension", "difference"]), (
        "set 0 is the calibrated point: its gain must equal the comparison's difference"
    )
    gains = html.unescape(text_of(by_class(rc, "uptake-ensemble-gains")))
    for heading in ("interval over seeds, set 0 (pp)", "5-95% over sets (pp)", "range over sets"):
        assert heading in gains, f"{heading!r} missing: {gains[:400]}"
    assert scenario_title("paper-package") in gains, f"reform missing: {gains[:400]}"
    ranks = html.unescape(text_of(by_class(rc, "uptake-ensemble-ranks")))
    assert scenario_title("baseline") in ranks, f"the reform is not ranked on the baseline: {ranks}"
    robust = html.unescape(text_of(by_class(rc, "uptake-ensemble-robust")))
    assert "of 1 against " + scenario_title("baseline") in robust, robust
    assert "of 0 between reforms" in robust, robust
    _box, downloads = solara.render(ComparisonDownloads(comparer), handle_error=False)
    [csv] = [
        w
        for w in downloads.find(FileDownloadWidget).widgets
        if w.filename.endswith("_ensemble_gains.csv")
    ]
    csv.request_download = True
    wait_until(lambda: csv.bytes, what="the ensemble CSV")
    frame = pd.read_csv(io.BytesIO(csv.bytes))
    columns = ["member", "seed", "scenario", "gain_pension", "gain_any"]
    assert list(frame.columns) == columns, f"ensemble CSV columns: {list(frame.columns)}"
    assert len(frame) == 2 * 2 * 1, f"2 sets x 2 seeds x 1 reform expected, got {len(frame)} rows"
    assert set(frame["scenario"]) == {"paper-package"}, set(frame["scenario"])


def gains_of(values: dict[str, list[float]], seeds: int = 2) -> EnsembleResult:
    """An ensemble result with the given pension gains per reform (one per set), no noise."""
    rows = [
        {
            "member": k,
            "seed": s,
            "scenario": name,
            "gain_pension": g + 0.02 * (s - (seeds - 1) / 2),
            "gain_any": g,
        }
        for name, per_set in values.items()
        for k, g in enumerate(per_set)
        for s in range(seeds)
    ]
    return EnsembleResult(pd.DataFrame(rows), "baseline", tuple(values), 2, seeds, 1.0)


@solara.component
def shown_ensemble(holder: solara.Reactive):
    """The ensemble part of whatever result ``holder`` holds (as a second run replaces it)."""
    EnsembleView(holder.value, 500, 24)


def test_a_second_ensemble_run_replaces_the_tables():
    holder = solara.Reactive(gains_of({"points": [1.0, 1.2]}))
    _box, rc = solara.render(shown_ensemble(holder), handle_error=False)
    first = html.unescape(text_of(by_class(rc, "uptake-ensemble-gains")))
    assert "+1.10" in first, f"mean gain of the first run missing: {first}"
    holder.value = gains_of({"points": [-3.0, -3.2], "paper-package": [5.0, 5.2]})
    gains = html.unescape(text_of(by_class(rc, "uptake-ensemble-gains")))
    for gain in ("-3.10", "+5.10"):
        assert gain in gains, f"the first run's gains still shown: {gains}"
    ranks = html.unescape(text_of(by_class(rc, "uptake-ensemble-ranks")))
    assert scenario_title("paper-package") in ranks, f"the first run's ranks still shown: {ranks}"
    robust = html.unescape(text_of(by_class(rc, "uptake-ensemble-robust")))
    assert "3 of 3 pairs robust: 2 of 2 against" in robust, robust
    assert "1 of 1 between reforms" in robust, robust


def test_one_replication_shows_no_seed_interval_rather_than_nan():
    _box, rc = solara.render(EnsembleView(gains_of({"points": [1.0, 1.2]}, seeds=1), 500, 24))
    gains = html.unescape(text_of(by_class(rc, "uptake-ensemble-gains")))
    assert "nan" not in gains, f"a missing interval is written as nan: {gains}"
    table = gain_table(gains_of({"points": [1.0, 1.2]}, seeds=1).summary("gain_pension"))
    cell = table.loc[0, "90% interval over seeds, set 0 (pp)"]
    assert cell == "-", f"one seed gives no interval, shown as {cell!r}"
    assert "One replication gives no interval (-)" in text_of(_box), "the - is not explained"


def test_the_ensemble_panel_rereads_the_ensemble_file(monkeypatch):
    use_sets = solara.Reactive(True)
    controls = EnsembleControls(
        use_sets, solara.Reactive(0), solara.Reactive([]), "baseline", "points", 2, 12, 500
    )
    box, _rc = solara.render(controls, handle_error=False)
    assert "parameter sets (1-8)" in text_of(box), "the stored ensemble has 8 sets"
    monkeypatch.setattr(ensemble, "available", lambda: ensemble.Available(3))
    use_sets.value = False
    use_sets.value = True
    assert "parameter sets (1-3)" in text_of(box), "a rewritten ensemble file is not read again"


def test_a_further_reform_that_became_b_runs_once():
    comparer, rc = ensemble_compare("1", "12", "200", "1")
    [more] = [w for w in rc.find(v.Select).widgets if w.label.startswith("More reforms")]
    more.v_model = [scenario_title("points")]
    [b] = [w for w in rc.find(v.Select).widgets if w.label == "Scenario B (reform)"]
    b.v_model = scenario_title("points")
    plan = text_of(by_class(rc, "uptake-ensemble-plan"))
    assert "x 2 scenarios = 2 more runs" in plan, f"B is counted twice: {plan}"
    button(rc, "Run comparison").click()
    assert comparer.message.value == "", f"the planned run was refused: {comparer.message.value}"
    comparer.job.wait()
    wait_until(lambda: comparer.result.value is not None, what="the comparison result")
    assert comparer.message.value == "", comparer.message.value
    assert comparer.result.value.ensemble.reforms == ("points",), comparer.result.value.ensemble


def test_the_ensemble_refuses_the_custom_scenario_with_a_message():
    comparer = Comparer(small_session())
    assert not comparer.run("baseline", "custom", 2, 12, 500, 1, sets=2), "custom accepted"
    assert "cannot run over the ensemble" in comparer.message.value, comparer.message.value
    assert not comparer.run("baseline", "points", 2, 12, 500, 1, sets=99), "99 sets accepted"
    assert "parameter sets=99" in comparer.message.value, comparer.message.value


def test_compare_rejects_same_scenario_twice_with_message():
    comparer = Comparer(small_session())
    assert not comparer.run("baseline", "baseline", 2, 12, 1000, 1), "duplicate accepted"
    assert "must differ" in comparer.message.value, comparer.message.value
    assert not comparer.run("baseline", "points", 99, 12, 1000, 1), "99 replications accepted"
    assert "replications=99" in comparer.message.value, comparer.message.value


def test_look_inside_filters_workers_by_reason():
    session = small_session()
    session.step(6)
    box, rc = solara.render(LookInside(session), handle_error=False)
    field(rc, v.Select, "Reason").v_model = "employer offers no scheme"
    shown = session.frames()[0]
    assert len(shown) == 2_000, "test premise: 2,000 workers"
    caption = text_of(box)
    assert "of 2,000 workers" in caption, "worker count caption missing"
    count = int(caption.split(" of 2,000 workers")[0].split()[-1].replace(",", ""))
    assert 0 < count < 2_000, f"the reason filter should keep some but not all workers: {count}"


def test_saved_results_folder_opens_and_bad_path_is_a_message(saved_folder, monkeypatch):
    from dashboards import results

    monkeypatch.setattr(results, "RESULTS_ROOT", saved_folder.parent)
    _box, rc = solara.render(SavedResults(), handle_error=False)
    folder = f"Folder under {saved_folder.parent}/ (holds manifest.json)"
    enter(rc, folder, "/no/such/folder")
    button(rc, "Open").click()
    assert "only folders under" in text_of(by_class(rc, "uptake-message")), "bad path not refused"
    enter(rc, folder, saved_folder.name)
    button(rc, "Open").click()
    shown = text_of(by_class(rc, "uptake-sweep"))
    assert "baseline, points" in shown, f"scenarios of the saved folder not listed: {shown[:300]}"
    assert "done: 2" in shown, "run status counts not shown"
    assert "Coverage by any scheme" in shown, "the saved table shows raw column names"


def test_leaving_a_field_unchanged_changes_nothing():
    session = small_session()
    session.set_param("detection_power", 0.13230895784549812)
    session.runner.wait()
    model = session.model
    _box, rc = solara.render(Explore(session), handle_error=False)
    power = next(w for w in rc.find(v.TextField).widgets if w.label.startswith("detection power"))
    power.fire_event("focusout", {})  # the field shows a rounded value
    assert session.model is model, "leaving a field unchanged rebuilt the model"
    assert session.settings.value.params["detection_power"] == 0.13230895784549812, (
        "leaving a field unchanged rounded the parameter"
    )


def test_a_reloaded_page_keeps_the_comparison():
    session = small_session()
    comparer = Comparer(session)
    assert comparer.run("baseline", "points", 1, 6, 500, 2, wait=True), comparer.message.value
    reloaded = Comparer(type(session)(run=session.run))
    assert reloaded.result.value is comparer.result.value, "a reload lost the comparison"

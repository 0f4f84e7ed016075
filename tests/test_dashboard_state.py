"""Dashboard state without a browser: settings, the session's model, runner and messages."""

from __future__ import annotations

import time

import pytest
from dashboard_support import SMALL, small_session, small_settings

from dashboards.jobs import Job, Status
from dashboards.settings import LEVERS, MAX_WORKERS, PARAMS, from_preset, lever_info
from experiments import base_params
from experiments.scenarios import PRESETS
from model import UptakeModel

session = small_session


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_settings_reproduce_the_preset_policies(name):
    settings = from_preset(name)
    preset = PRESETS[name]
    got = sorted(settings.policies(), key=lambda p: p.lever)
    want = sorted(preset.policies, key=lambda p: p.lever)
    assert got == want, f"dashboard settings of {name!r} give {got}, preset has {want}"
    assert settings.is_preset(), f"fresh settings of {name!r} should count as the preset"


def test_preset_run_matches_the_scenario_run_exactly():
    """Lever order in the dashboard (model order) must not change a preset's results."""
    preset = PRESETS["paper-package"]
    base, _source = base_params.resolve(preset.base_params)
    params = {**base, **preset.params, **SMALL, "n_workers": 2_000, "seed": 9}
    direct = UptakeModel(preset.policies, **params)
    s = small_settings("paper-package", seed=9)
    via_dashboard = UptakeModel(s.policies(), **s.model_kwargs())
    for _ in range(18):
        direct.step()
        via_dashboard.step()
    a, b = direct.results_frame(), via_dashboard.results_frame()
    assert a.equals(b), "the package built from dashboard settings diverged from the preset"


def test_every_lever_has_unit_range_and_text():
    for lever in LEVERS:
        info = lever_info(lever)
        assert info["unit"], f"lever {lever} lacks a unit"
        assert info["max"] > 0, f"lever {lever} lacks a range"
        assert info["doc"], f"lever {lever} lacks a tooltip"
        assert info["paper"], f"lever {lever} lacks a paper reference"


def test_step_advances_month_and_publishes_new_data():
    s = session()
    first = s.snapshot.value
    assert first.month == 0, f"a new session starts at month 0, got {first.month}"
    assert s.step(3), f"step refused: {s.message.value}"
    snap = s.snapshot.value
    assert snap.month == 3, f"after 3 steps the month is {snap.month}"
    assert snap.date == "2011-03", f"after 3 steps the date is {snap.date}"
    assert snap.data_version > first.data_version, "stepping must mark the data as changed"
    assert len(snap.results) == 4, f"results should hold months 0-3, got {len(snap.results)} rows"
    months = list(snap.groups["industry"].months)
    assert months == [0, 1, 2, 3], f"industry breakdown should be recorded monthly, got {months}"
    assert first.date == "start", f"month 0 should read 'start', not {first.date}"
    assert first.when == "0 (start)", f"month 0 reads {first.when}"


def test_lever_change_acts_from_the_next_month_only():
    plain, reformed = session(seed=21), session(seed=21)
    plain.step(3)
    reformed.step(3)
    assert reformed.set_lever("enforcement", strength=10.0), reformed.message.value
    label = lever_info("enforcement")["title"]
    in_force = reformed.snapshot.value.in_force[0]
    assert in_force.startswith(f"{label} = 10"), f"lever not listed as in force: {in_force}"
    assert "from month 4 (2011-04)" in in_force, f"in force should say month 4: {in_force}"
    assert reformed.settings.value.levers["enforcement"].start == 4, "start not moved to month 4"
    plain.step(6)
    reformed.step(6)
    a, b = plain.snapshot.value.results, reformed.snapshot.value.results
    before = a["month"] <= 3
    assert a[before].equals(b[before]), "a lever set at month 3 must not change months 0-3"
    after = ~before
    assert b.loc[after, "n_inspections"].sum() > 2 * a.loc[after, "n_inspections"].sum(), (
        "10x more inspections from month 4 should at least double inspections"
    )
    log = reformed.snapshot.value.log
    assert any(
        line.startswith(f"month 3 (2011-03): {label}") and "acting from month 4 (2011-04)" in line
        for line in log
    ), f"a mid-run lever change must be logged with the month it acts from: {log}"


def test_invalid_lever_is_a_message_and_changes_nothing():
    s = session()
    before = s.settings.value
    assert not s.set_lever("enforcement", strength=999.0), "an out-of-range strength was accepted"
    assert "strength=999.0 is out of range" in s.message.value, s.message.value
    assert s.settings.value == before, "settings changed despite the invalid lever"
    assert s.model.policies == (), "an invalid lever reached the model"


def test_invalid_parameter_is_a_message_and_keeps_the_model():
    s = session()
    model = s.model
    assert not s.set_param("turnover_per_year", 3.0), "an out-of-range parameter was accepted"
    assert "turnover_per_year=3.0 is out of range" in s.message.value, s.message.value
    assert s.model is model, "an invalid parameter must not rebuild the model"
    assert not s.set_param("n_workers", MAX_WORKERS + 1), "population above the cap accepted"
    assert "uptake run" in s.message.value, f"cap message should point to the CLI: {s.message}"


def test_parameter_change_rebuilds_at_month_zero():
    s = session()
    s.step(5)
    assert s.set_param("mean_wage", 3000.0), s.message.value
    s.runner.wait()
    assert s.snapshot.value.month == 0, "a parameter change should restart the run"
    assert s.model.params.mean_wage == 3000.0, "the new parameter did not reach the model"
    assert s.settings.value.label() == "baseline (modified)", s.settings.value.label()


def test_integer_parameters_stay_integers():
    s = session()
    assert s.set_param("honest_months", 12.0), s.message.value
    s.runner.wait()
    value = s.model.params.honest_months
    assert value == 12, f"honest_months became {value!r}"
    assert isinstance(value, int), f"honest_months became a {type(value).__name__}"
    assert isinstance(PARAMS["honest_months"]["default"], int), "test premise: an int parameter"


def test_reset_reproduces_the_same_run():
    s = session(seed=33)
    s.step(6)
    first = s.snapshot.value.results
    assert s.reset(wait=True), s.message.value
    assert s.snapshot.value.month == 0, "reset should return to month 0"
    s.step(6)
    assert first.equals(s.snapshot.value.results), "same seed and settings must give the same run"


def test_play_runs_in_background_to_the_horizon():
    s = session()
    assert s.play(until=24, pace="as fast as possible", wait=True), s.message.value
    assert s.snapshot.value.month == 24, f"play stopped at {s.snapshot.value.month}, not 24"
    assert s.status.value == Status(), f"status not idle after play: {s.status.value}"


def test_pause_stops_a_slow_play_early():
    s = session()
    assert s.play(until=200, pace="10 months/s"), s.message.value
    time.sleep(0.5)
    assert s.status.value.busy, "a 20-second play should still be running"
    assert not s.step(), "stepping during a play must be refused"
    assert "pause" in s.message.value, s.message.value
    s.pause()
    month = s.snapshot.value.month
    assert 0 < month < 200, f"pause should stop part-way, month is {month}"
    assert not s.status.value.busy, "pause must end the background job"


def test_play_rejects_bad_horizon_with_message():
    s = session()
    assert not s.play(until=0), "month 0 horizon accepted"
    assert "allowed 1 to" in s.message.value, s.message.value
    assert not s.play(until="ten"), "text horizon accepted"


def test_sessions_do_not_share_models():
    a, b = session(seed=1), session(seed=1)
    a.step(4)
    assert b.snapshot.value.month == 0, "stepping one session moved another"
    assert a.model is not b.model, "two sessions share one model"


def test_job_turns_errors_into_messages():
    from solara import Reactive

    status, message = Reactive(Status()), Reactive("")
    job = Job(status, message)

    def broken(_job):
        raise RuntimeError("boom")

    assert job.start("testing", broken)
    job.wait()
    assert message.value == "Unexpected error in testing: RuntimeError: boom", message.value
    assert not status.value.busy, "a failed job must leave the status idle"


def test_play_keeps_its_pace_and_shows_every_month():
    s = session()
    seen = []
    s.subscribe(lambda snap: seen.append(snap.month))
    began = time.monotonic()
    assert s.play(until=20, pace="10 months/s", wait=True), s.message.value
    took = time.monotonic() - began
    print(f"play 20 months at 10 months/s: {took:.2f} s (ideal 2.00 s)")
    assert 1.9 <= took <= 2.6, f"20 months at 10 months/s took {took:.2f} s, not about 2 s"
    assert seen == sorted(set(seen)), f"months drawn out of order or twice: {seen}"
    assert seen[-1] == 20, f"the last month was not drawn: {seen}"
    # Drawings are skipped only when behind the clock, never for half a second or more.
    assert len(seen) >= 4, f"a 2-second play drew only months {seen}"


def test_lever_months_are_bounded_and_step_stops_at_the_last_month():
    s = session()
    assert not s.set_lever("enforcement", strength=1.0, start=700), "month 700 accepted"
    assert "allowed 1 to 600" in s.message.value, s.message.value
    assert not s.set_lever("enforcement", strength=1.0, end=601), "end month 601 accepted"
    assert not s.play(until=601), "a horizon past 600 was accepted"


def test_a_reloaded_page_finds_its_run_and_takes_it_over():
    from dashboards import sessions

    key = "test-browser-session"
    try:
        first = sessions.open_session(key)
        first.step(3)
        again = sessions.open_session(key)
        assert again.snapshot.value.month == 3, "a reload lost the run"
        assert again.model is first.model, "a reload rebuilt the model"
        assert not first.step(), "the page before the reload may no longer step the run"
        assert "another page" in first.message.value, first.message.value
        other = sessions.open_session("another-browser")
        assert other.model is not first.model, "another browser session shares the run"
        sessions.forget("another-browser")
    finally:
        sessions.forget(key)


def test_default_population_is_one_for_explore_and_compare():
    from dashboards.pairs import COMPARE_WORKERS
    from dashboards.settings import DEFAULT_WORKERS

    assert DEFAULT_WORKERS == 20_000, f"Explore starts with {DEFAULT_WORKERS} workers"
    assert COMPARE_WORKERS == DEFAULT_WORKERS, "Compare and Explore start with different sizes"
    assert from_preset("baseline").n_workers == DEFAULT_WORKERS, "presets load another size"


def test_close_stops_a_running_play():
    s = session()
    assert s.play(until=400, pace="2 months/s"), s.message.value
    s.close()
    s.runner.wait(10)
    assert not s.runner.busy, "closing the page must stop its background run"

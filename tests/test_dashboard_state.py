"""Dashboard state without a browser: settings, the session's model, runner and messages."""

from __future__ import annotations

import time

import pytest
from dashboard_support import SMALL, small_session, small_settings, wait_until

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
    months = sorted(snap.groups["industry"]["month"].unique())
    assert months == [0, 1, 2, 3], f"industry breakdown should be recorded monthly, got {months}"


def test_lever_change_acts_from_the_next_month_only():
    plain, reformed = session(seed=21), session(seed=21)
    plain.step(3)
    reformed.step(3)
    assert reformed.set_lever("enforcement", strength=1.0), reformed.message.value
    assert "enforcement" in reformed.snapshot.value.in_force[0], "lever not listed as in force"
    plain.step(6)
    reformed.step(6)
    a, b = plain.snapshot.value.results, reformed.snapshot.value.results
    before = a["month"] <= 3
    assert a[before].equals(b[before]), "a lever set at month 3 must not change months 0-3"
    after = ~before
    assert b.loc[after, "n_inspections"].sum() > 2 * a.loc[after, "n_inspections"].sum(), (
        "21x more inspections from month 4 should at least double inspections"
    )
    assert any("month 3: enforcement" in line for line in reformed.snapshot.value.log), (
        "a mid-run lever change must be logged"
    )


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


def test_play_publishes_only_after_the_page_drew_the_last_snapshot():
    s = session()
    assert s.play(until=400, pace="10 months/s"), s.message.value
    wait_until(lambda: (s.status.value.progress or 0) > 0, what="progress to be reported")
    assert s.snapshot.value.month == 0, "no page drew month 0, so nothing newer may be published"
    s.mark_shown(s.snapshot.value.data_version)
    wait_until(lambda: s.snapshot.value.month > 0, what="a snapshot after the page caught up")
    s.pause()
    assert s.snapshot.value.month == s.model.month, "pause must publish the month reached"


def test_close_stops_a_running_play():
    s = session()
    assert s.play(until=400, pace="2 months/s"), s.message.value
    s.close()
    s.runner.wait(10)
    assert not s.runner.busy, "closing the page must stop its background run"

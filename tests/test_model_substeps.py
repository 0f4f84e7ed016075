"""The month is one table of named sub-steps, each random one with its own streams."""

from __future__ import annotations

import numpy as np
import pytest
from model_support import build

from model import SUBSTEPS, UptakeModel
from model.model import STREAMS
from model.policies import Enforcement
from model.substeps import Substep, schedule


def _trace(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the sub-steps called on any model, in order."""
    calls: list[str] = []
    for name, step in list(SUBSTEPS.items()):

        def traced(model, month, _name=name, _run=step.run):
            calls.append(_name)
            return _run(model, month)

        monkeypatch.setitem(SUBSTEPS, name, step._replace(run=traced))
    return calls


def test_step_runs_every_substep_once_in_the_declared_order(monkeypatch):
    model = build(seed=1)
    calls = _trace(monkeypatch)
    for _ in range(3):
        model.step()
    assert calls == list(SUBSTEPS) * 3, f"sub-steps ran as {calls[: len(SUBSTEPS)]}"


def test_burn_in_runs_the_status_quo_substeps_in_the_same_order(monkeypatch):
    calls = _trace(monkeypatch)
    build(seed=1, burn_in_months=2)
    inner = [name for name, step in SUBSTEPS.items() if step.burn_in]
    assert inner == [
        s for s in SUBSTEPS if s not in ("apply_policies", "age_and_replace", "record")
    ], f"burn-in sub-steps {inner}"
    assert calls == inner * 2 + ["record"], f"build ran {calls}"


def test_every_substep_has_a_function_a_one_line_doc_and_known_streams():
    for name, step in SUBSTEPS.items():
        assert isinstance(step, Substep), f"{name} is not a Substep"
        assert callable(step.run), f"{name} has no function"
        assert step.doc, f"{name} has no doc"
        assert "\n" not in step.doc, f"{name}: the doc is more than one line"
        unknown = set(step.streams) - set(STREAMS)
        assert not unknown, f"{name} draws from undeclared streams {unknown}"
    used = [s for step in SUBSTEPS.values() for s in step.streams]
    assert len(used) == len(set(used)), f"two sub-steps share a stream: {used}"
    listed = schedule().splitlines()
    assert [line.split("``")[1] for line in listed] == list(SUBSTEPS), "schedule() order"


def test_the_class_docstring_refers_to_the_table():
    assert "SUBSTEPS" in UptakeModel.__doc__, "the class docstring does not name SUBSTEPS"


def test_each_stream_and_month_has_its_own_numbers():
    model = build(seed=1)
    draws = {
        (name, t): model.stream(name, t).random(4).tobytes() for name in STREAMS for t in (0, 1, 2)
    }
    assert len(set(draws.values())) == len(draws), "two (stream, month) pairs share numbers"
    again = model.stream("separate", 1).random(4).tobytes()
    assert again == draws[("separate", 1)], "a stream is not reproducible from (seed, name, month)"


def test_a_reform_shares_the_random_numbers_of_its_baseline():
    """Before a dated reform starts, reform and baseline are the same run, agent by agent."""
    base = build(seed=7)
    reform = build((Enforcement(strength=3.0, start=5),), seed=7)
    for month in range(1, 9):
        base.step()
        reform.step()
        same = np.array_equal(base.workers.covered, reform.workers.covered) and np.array_equal(
            base.workers.employer, reform.workers.employer
        )
        if month < 5:
            assert same, f"reform differs from baseline in month {month}, before it starts"
    inspections = [m.results_frame()["n_inspections"].iloc[5:].sum() for m in (base, reform)]
    assert inspections[1] > inspections[0], f"tripled inspections after the start: {inspections}"


def test_each_substep_draws_from_exactly_the_streams_it_declares(monkeypatch):
    from model.streams import Streams

    current: list[str] = []
    used: set[tuple[str, str]] = set()
    for name, step in list(SUBSTEPS.items()):

        def tagged(model, month, _name=name, _run=step.run):
            current.append(_name)
            try:
                return _run(model, month)
            finally:
                current.pop()

        monkeypatch.setitem(SUBSTEPS, name, step._replace(run=tagged))
    for method in ("generator", "uniforms"):
        original = getattr(Streams, method)

        def recording(self, stream, *args, _original=original, **kwargs):
            if current:
                used.add((current[-1], stream))
            return _original(self, stream, *args, **kwargs)

        monkeypatch.setattr(Streams, method, recording)
    model = build(seed=3, mean_age=45.0, dispute_propensity=0.3)
    for _ in range(6):
        model.step()
    declared = {(name, s) for name, step in SUBSTEPS.items() for s in step.streams}
    assert used == declared, f"undeclared: {used - declared}; never used: {declared - used}"

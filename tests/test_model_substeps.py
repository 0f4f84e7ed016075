"""The month is a fixed list of named sub-steps, each random one with its own stream."""

from __future__ import annotations

import re

import numpy as np
import pytest
from model_support import build

from model import SUBSTEPS, UptakeModel
from model.policies import Enforcement


def _trace(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the sub-steps called on any model, in order."""
    calls: list[str] = []
    for name in SUBSTEPS:
        original = getattr(UptakeModel, f"_{name}")

        def traced(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(UptakeModel, f"_{name}", traced)
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
    inner = [s for s in SUBSTEPS if s not in ("apply_policies", "age_and_replace", "record")]
    assert calls == inner * 2 + ["record"], f"build ran {calls}"


def test_class_docstring_lists_the_substeps_in_run_order():
    documented = re.findall(r"^\s*\d+\. ``_(\w+)``", UptakeModel.__doc__, flags=re.M)
    assert documented == list(SUBSTEPS), f"docstring order {documented} != SUBSTEPS"


def test_each_substep_and_month_has_its_own_stream():
    model = build(seed=1)
    draws = {
        (name, t): model._stream(name, t).random(4).tobytes()
        for name in ("init", *SUBSTEPS)
        for t in (0, 1, 2)
    }
    assert len(set(draws.values())) == len(draws), "two (sub-step, month) pairs share a stream"
    again = model._stream("match", 1).random(4).tobytes()
    assert again == draws[("match", 1)], "a stream is not reproducible from (seed, sub-step, month)"


def test_a_reform_shares_the_random_numbers_of_its_baseline():
    """Before a dated reform starts, reform and baseline are the same run, agent by agent."""
    base = build(seed=7)
    reform = build((Enforcement(strength=1.0, start=5),), seed=7)
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

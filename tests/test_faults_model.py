"""Fault injection, the Python API.

Clear errors, numpy integers as months, no negative costs, and one numerical thread
per model run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest

from model import UptakeModel
from model.policies import Enforcement, FirmSubsidy, Policy


@pytest.mark.parametrize("bad", [5, "x", None, 2.5])
def test_uptake_model_names_its_policies_argument(bad):
    with pytest.raises(TypeError, match="policies") as info:
        UptakeModel(bad, n_workers=100)
    assert repr(bad) in str(info.value), f"the message must show the bad value: {info.value}"


def test_policy_months_accept_numpy_integers():
    policy = Enforcement(strength=1.0, start=np.int64(13), end=np.int32(24))
    assert policy.start == 13, policy
    assert type(policy.start) is int, "months are stored as Python ints (JSON, hashing)"
    assert type(policy.end) is int, "months are stored as Python ints (JSON, hashing)"


def test_policy_months_still_refuse_fractions_and_booleans():
    for bad in (1.5, True, np.float64(2.0), 0):
        with pytest.raises(ValueError, match="start"):
            Enforcement(strength=1.0, start=bad)


def test_norm_trend_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="norm_trend_end_year"):
        UptakeModel(n_workers=100, norm_trend_end_year=2000.0, seed=1)


def test_firm_cost_is_never_negative_from_rounding():
    """Full firm subsidies cancel employer contributions; rounding must not go below 0."""
    model = UptakeModel(
        (FirmSubsidy(strength=1.0, start=1),), n_workers=2000, seed=0, burn_in_months=0
    )
    for _ in range(24):
        model.step()
    cost = model.results_frame()["firm_cost_yuan"]
    assert (cost >= 0).all(), f"negative firm cost: {cost[cost < 0].tolist()}"


@dataclass(frozen=True)
class ThreadProbe(Policy):
    """Records the BLAS/OpenMP thread limits seen while the model steps."""

    lever: ClassVar[str] = "thread_probe"
    seen: ClassVar[list[int]] = []

    def apply(self, levers):
        """Note the largest thread count of any numerical library now loaded."""
        from threadpoolctl import threadpool_info

        ThreadProbe.seen.append(max((p["num_threads"] for p in threadpool_info()), default=1))
        return levers


def test_model_steps_run_with_one_numerical_thread(monkeypatch):
    from threadpoolctl import threadpool_limits

    ThreadProbe.seen.clear()
    with threadpool_limits(limits=4):  # as if numpy's default (one thread per core) applied
        model = UptakeModel(
            (ThreadProbe(strength=0.0, start=1),), n_workers=200, seed=1, burn_in_months=0
        )
        for _ in range(2):
            model.step()
    assert ThreadProbe.seen, "the probe policy never ran"
    assert max(ThreadProbe.seen) == 1, f"threads while stepping: {ThreadProbe.seen}"

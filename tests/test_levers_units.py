"""Levers in real units: each moves its mechanism by the documented, anchored amount."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from model_support import build

from model import Params
from model.enrolment import enrolment_utility
from model.levers import Levers
from model.policies import (
    DataSharing,
    Enforcement,
    FirmSubsidy,
    PointsSystem,
    PortableAccounts,
    Publicity,
    WorkerSubsidy,
)
from model.policies_incentives import FIRM_CAP_YUAN, WORKER_CAP_YUAN


def test_extra_inspections_add_to_the_yearly_rate():
    base = Levers.status_quo(Params())
    assert Enforcement(0.039).apply(base).inspection_rate_per_year == pytest.approx(
        base.inspection_rate_per_year + 0.039
    )


def test_publicity_reaching_every_firm_is_one_year_of_the_laws_trend():
    base = dataclasses.replace(Levers.status_quo(Params()), law_norm_per_year=0.07)
    moved = Publicity(0.2, firm_reach=1.0).apply(base)
    assert moved.firm_publicity == pytest.approx(0.07), "norm shift is anchored to the trend"
    assert moved.worker_publicity == pytest.approx(0.5 * 0.2 / 12), "half the gap per contact"


def test_data_sharing_never_lowers_detection_and_registers_workshops():
    base = dataclasses.replace(Levers.status_quo(Params()), detection_power=0.9)
    moved = DataSharing(1.0, registered_share=0.5).apply(base)
    assert moved.detection_power == 0.9, "a detection above the matched level stays"
    assert moved.share_unsupervised_firms == pytest.approx(base.share_unsupervised_firms * 0.5)


def test_portability_is_pooled_share_times_processing():
    base = dataclasses.replace(Levers.status_quo(Params()), portability=0.3)
    assert PortableAccounts(1.0, processed_share=1.0).apply(base).portability == 1.0
    # processed_share 0 keeps today's implied processing: 0.3 / 0.6 = 0.5 of transfers.
    assert PortableAccounts(1.0, processed_share=0.0).apply(base).portability == pytest.approx(0.5)
    assert PortableAccounts(0.4, processed_share=0.5).apply(base).portability == 0.3, (
        "a rule weaker than the status quo must not lower portability"
    )


def test_two_subsidy_funds_keep_their_own_caps_and_add_budgets():
    base = Levers.status_quo(Params())
    both = FirmSubsidy(0.333).apply(WorkerSubsidy(0.667).apply(base))
    assert both.worker_subsidy_cap == WORKER_CAP_YUAN, both
    assert both.firm_subsidy_cap == FIRM_CAP_YUAN, both
    assert both.subsidy_budget_per_year == pytest.approx(60e9), "two 30 bn funds add up"


def test_default_caps_are_the_subsidised_contribution_on_the_floor_base():
    floor = 0.6 * 3096.0  # 2011 floor: 60% of the 2010 average wage (inputs.csv)
    assert round(0.667 * 0.105 * floor) == WORKER_CAP_YUAN, WORKER_CAP_YUAN
    assert round(0.303 * floor / 3) == FIRM_CAP_YUAN, FIRM_CAP_YUAN


def test_a_points_scheme_gives_newcomers_an_incentive():
    model = build(seed=3)
    w, p = model.workers, model.params
    rows = np.flatnonzero(w.points == 0)[:200]
    assert rows.size, "no worker without points to test"
    base_ratio = np.ones(rows.size)
    off = enrolment_utility(w, rows, p, model.levers, base_ratio)
    on_levers = PointsSystem(36.0, service_value=0.1).apply(model.levers)
    on = enrolment_utility(w, rows, p, on_levers, base_ratio)
    gain = on - off
    expected = 0.1 * w.present_bias[rows] * (0.5 * 36 / 36)
    assert np.allclose(gain, expected), "a newcomer values half the services (18 of 36 months)"
    assert (gain > 0).all(), "workers with no points must still gain from the scheme"

"""One contract for every policy: zero strength is the baseline; levers move as documented."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from model_support import build, frame, run

from model import POLICIES, Params, make_policy
from model.levers import Levers
from model.policies import Cost, FirmSubsidy, Policy, WorkerSubsidy, levers_for_month

LEVERS = sorted(POLICIES)

#: Levers whose strength lowers their main field (every other lever raises it).
LOWERS = {"rate_cut"}
LEVER_FIELDS = {f.name for f in dataclasses.fields(Levers)}


@pytest.mark.parametrize("lever", LEVERS)
def test_every_lever_declares_the_levers_fields_it_moves(lever):
    cls = POLICIES[lever]
    assert cls.moves, f"{cls.__name__}.moves is empty"
    unknown = set(cls.moves) - LEVER_FIELDS
    assert not unknown, f"{cls.__name__}.moves names fields Levers does not have: {unknown}"


@pytest.mark.parametrize("lever", LEVERS)
def test_class_metadata_is_complete(lever):
    cls = POLICIES[lever]
    assert cls.lever == lever, f"{cls.__name__}.lever={cls.lever!r} but registered as {lever!r}"
    assert cls.unit, f"{cls.__name__} has no unit"
    assert cls.label, f"{cls.__name__} has no label"
    assert cls.min_strength == 0, f"{cls.__name__}.min_strength must be 0 (the identity)"
    assert cls.paper, f"{cls.__name__} names no paper recommendation"
    assert cls.max_strength > 0, f"{cls.__name__}.max_strength must be positive"
    assert cls.__doc__, f"{cls.__name__} has no docstring"
    default = cls()
    assert 0 < default.strength <= cls.max_strength, f"{cls.__name__}() default strength invalid"


@pytest.mark.parametrize("lever", LEVERS)
def test_zero_strength_levers_are_the_status_quo(lever):
    base = Levers.status_quo(Params())
    policy = make_policy(lever, strength=0.0)
    assert policy.apply(base) == base, f"{lever} at strength 0 changed the levers"


@pytest.mark.parametrize("lever", LEVERS)
def test_zero_strength_reproduces_the_baseline_exactly(lever):
    baseline = run(12, seed=31)
    reform = run(12, (make_policy(lever, strength=0.0, start=1),), seed=31)
    pd.testing.assert_frame_equal(
        baseline.results_frame(), reform.results_frame(), check_exact=True, obj=lever
    )
    pd.testing.assert_frame_equal(
        baseline.workers_frame(), reform.workers_frame(), check_exact=True, obj=lever
    )


@pytest.mark.parametrize("lever", LEVERS)
def test_positive_strength_moves_its_lever_the_documented_way(lever):
    cls = POLICIES[lever]
    field, sign = cls.moves[0], (-1 if lever in LOWERS else +1)
    base = Levers.status_quo(Params())
    moved = make_policy(lever, strength=cls.max_strength / 2).apply(base)
    change = getattr(moved, field) - getattr(base, field)
    assert sign * change > 0, f"{lever} moved {field} by {change}, expected sign {sign:+d}"
    untouched = [
        f.name
        for f in dataclasses.fields(Levers)
        if getattr(moved, f.name) != getattr(base, f.name) and f.name not in cls.moves
    ]
    assert not untouched, f"{lever} also changed {untouched}"


@pytest.mark.parametrize("lever", LEVERS)
def test_a_dated_reform_leaves_earlier_months_alone_and_stops_at_its_end(lever):
    cls = POLICIES[lever]
    policy = make_policy(lever, strength=cls.max_strength, start=4, end=6)
    baseline = frame(12, seed=32)
    reform_model = run(12, (policy,), seed=32)
    reform = reform_model.results_frame()
    pd.testing.assert_frame_equal(
        baseline.iloc[:4], reform.iloc[:4], check_exact=True, obj=f"{lever} before its start"
    )
    status_quo = Levers.status_quo(reform_model.params)
    assert reform_model.levers == status_quo, f"{lever} still in force after its end month"
    assert levers_for_month(status_quo, (policy,), 5) != status_quo, f"{lever} idle in force"


@pytest.mark.parametrize("lever", LEVERS)
@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"strength": -0.1}, "strength=-0.1 is out of range"),
        ({"strength": math.nan}, "strength=nan is not a finite number"),
        ({"strength": "1"}, "strength='1' is not a finite number"),
        ({"strength": True}, "strength=True is not a finite number"),
        ({"start": 0}, "start=0 must be a whole month >= 1"),
        ({"start": 2.5}, "start=2.5 must be a whole month"),
        ({"start": 5, "end": 4}, "end=4 must be a whole month >= start"),
    ],
)
def test_bad_policy_fields_are_rejected_with_the_field_named(lever, fields, match):
    with pytest.raises(ValueError, match=match):
        make_policy(lever, **fields)


@pytest.mark.parametrize("lever", LEVERS)
def test_strength_above_the_maximum_is_rejected(lever):
    cls = POLICIES[lever]
    with pytest.raises(ValueError, match=rf"strength=.* allowed \[0, {cls.max_strength}\]"):
        make_policy(lever, strength=cls.max_strength * 1.01 + 0.01)


def test_unknown_lever_and_field_are_rejected():
    with pytest.raises(ValueError, match="unknown lever 'inspections'; allowed"):
        make_policy("inspections", strength=1.0)
    with pytest.raises(ValueError, match=r"lever 'enforcement' has no field\(s\) \['cap'\]"):
        make_policy("enforcement", strength=1.0, cap=100.0)


@pytest.mark.parametrize("cls", [WorkerSubsidy, FirmSubsidy])
@pytest.mark.parametrize("field", ["cap", "budget"])
@pytest.mark.parametrize("value", [0, -5.0, "100", None])
def test_subsidy_limits_must_be_positive(cls, field, value):
    with pytest.raises(ValueError, match=rf"{cls.__name__}\.{field}=.* must be a positive"):
        cls(strength=0.5, **{field: value})


@pytest.mark.parametrize("cls", [WorkerSubsidy, FirmSubsidy])
def test_zero_strength_subsidy_keeps_a_status_quo_subsidy_uncapped(cls):
    """A zero-strength subsidy policy with a cap and budget must not limit an existing subsidy."""
    status = {"worker_subsidy_share": 0.5, "firm_subsidy_share": 0.5}
    baseline = frame(6, seed=33, **status)
    policy = cls(strength=0.0, cap=1.0, budget=1.0, start=1)
    reform = frame(6, (policy,), seed=33, **status)
    pd.testing.assert_frame_equal(baseline, reform, check_exact=True)


def test_subsidy_spending_stops_at_the_budget():
    budget = 2e8  # yuan, real units
    policy = WorkerSubsidy(strength=1.0, budget=budget, start=2)
    df = frame(24, (policy,), seed=34)
    assert df["subsidy_spending_yuan"].iloc[2] > 0, "the subsidy never paid out"
    assert df["cum_subsidy_spending_yuan"].iloc[-1] <= budget * (1 + 1e-9), (
        f"spent {df['cum_subsidy_spending_yuan'].iloc[-1]:.4g} of a {budget:.4g} budget"
    )
    assert df["subsidy_spending_yuan"].iloc[-1] == 0, "spending continued after the budget"


def test_subsidy_cap_limits_the_government_share_per_worker():
    cap = 10.0  # yuan per worker-month
    df = frame(6, (WorkerSubsidy(strength=1.0, cap=cap, start=1),), seed=35)
    model = run(6, (WorkerSubsidy(strength=1.0, cap=cap, start=1),), seed=35)
    covered = df["n_covered_any"].iloc[1:].to_numpy()
    spent_per_agent = df["subsidy_spending_yuan"].iloc[1:].to_numpy() / model.scale
    assert (spent_per_agent <= cap * covered + 1e-6).all(), "subsidy above the cap per worker"
    assert spent_per_agent.sum() > 0, "the capped subsidy paid nothing"


def test_policies_stack_in_order():
    from model.policies import ContributionRateCut, Enforcement

    base = Levers.status_quo(Params())
    both = levers_for_month(base, (Enforcement(strength=1.0), Enforcement(strength=1.0)), 1)
    assert both.inspection_rate_per_year == pytest.approx(4 * base.inspection_rate_per_year), (
        "two doublings of inspections must quadruple them"
    )
    cut = levers_for_month(base, (ContributionRateCut(strength=0.04),), 1)
    assert cut.employer_rate_pension == pytest.approx(base.employer_rate_pension - 0.04)


def test_policies_argument_is_validated():
    with pytest.raises(ValueError, match="policies must be Policy objects"):
        build(policies=("enforcement",), seed=1)
    single = build(policies=make_policy("enforcement", strength=1.0), seed=1)
    assert len(single.policies) == 1, "a single policy object must be accepted"
    assert isinstance(single.policies[0], Policy)


@pytest.mark.parametrize("lever", LEVERS)
def test_extra_fields_are_the_dataclass_fields_beyond_strength_and_dates(lever):
    cls = POLICIES[lever]
    names = [f.name for f in dataclasses.fields(cls)]
    assert names[:3] == ["strength", "start", "end"], f"{cls.__name__} fields: {names}"
    extra = cls.extra_fields()
    assert [name for name, _, _ in extra] == names[3:], f"{cls.__name__}.extra_fields()"
    for name, unit, default in extra:
        assert unit, f"{cls.__name__}.{name} has no unit"
        assert getattr(cls(), name) == default, f"{cls.__name__}.{name} default differs"


def test_costed_levers_are_exactly_inspections_and_subsidies():
    costed = {lever for lever, cls in POLICIES.items() if cls.cost is not None}
    assert costed == {"enforcement", "worker_subsidy", "firm_subsidy"}, costed
    for lever in costed:
        cost = POLICIES[lever].cost
        assert isinstance(cost, Cost), f"{lever}.cost is not a Cost"
        assert cost.payer, f"{lever}.cost must name a payer"
        assert cost.basis, f"{lever}.cost must name a basis"


def test_to_dict_round_trips_through_make_policy():
    for lever, cls in POLICIES.items():
        policy = make_policy(lever, strength=cls.max_strength / 4, start=3, end=9)
        fields = policy.to_dict()
        assert fields.pop("lever") == lever, f"{lever}: to_dict names another lever"
        assert make_policy(lever, **fields) == policy, f"{lever}: to_dict does not round-trip"


@pytest.mark.parametrize("lever", LEVERS)
def test_a_reform_from_month_one_starts_from_the_baseline_state(lever):
    """Month 0 is the status quo for every scenario: policies act from month 1 on."""
    cls = POLICIES[lever]
    baseline = build(seed=36)
    reform = build((make_policy(lever, strength=cls.max_strength, start=1),), seed=36)
    pd.testing.assert_frame_equal(
        baseline.results_frame(), reform.results_frame(), check_exact=True, obj=lever
    )
    pd.testing.assert_frame_equal(
        baseline.firms_frame(), reform.firms_frame(), check_exact=True, obj=lever
    )

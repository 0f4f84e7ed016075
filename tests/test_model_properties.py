"""Property-based tests: valid parameter sets keep every invariant; invalid ones fail cleanly."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_support import check_agents, check_frame, check_month, snapshot

from model import POLICIES, Params, UptakeModel, make_policy

FIELDS = {f.name: f for f in dataclasses.fields(Params)}
#: Fields kept small or fixed so that an example runs in milliseconds.
SIZE = {"n_workers": st.integers(100, 600), "burn_in_months": st.integers(0, 4)}
FIXED = {"seed", "scale", "start_year"}
DEFAULTS = Params()
MONTHS = 4


def _value(name: str) -> st.SearchStrategy:
    meta, declared = FIELDS[name].metadata, str(FIELDS[name].type)
    if declared.startswith("int"):
        return st.integers(int(meta["lo"]), int(meta["hi"]))
    return st.floats(meta["lo"], meta["hi"], allow_nan=False, allow_infinity=False)


@st.composite
def valid_params(draw) -> dict:
    names = [n for n in FIELDS if n not in FIXED and n not in SIZE]
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=12, unique=True))
    params = {name: draw(_value(name)) for name in chosen}
    params |= {name: draw(strategy) for name, strategy in SIZE.items()}
    params["seed"] = draw(st.integers(0, 2**63 - 1))
    params["scale"] = draw(st.one_of(st.none(), st.floats(1e-6, 1e9)))
    # the one rule across fields: the norm trend ends at or after its start
    start = params.get("norm_trend_start_year", DEFAULTS.norm_trend_start_year)
    if params.get("norm_trend_end_year", DEFAULTS.norm_trend_end_year) < start:
        params["norm_trend_end_year"] = start
    return params


@st.composite
def policy_lists(draw) -> tuple:
    levers = draw(st.lists(st.sampled_from(sorted(POLICIES)), max_size=4))
    out = []
    for lever in levers:
        cls = POLICIES[lever]
        strength = draw(st.floats(0, cls.max_strength, allow_nan=False))
        start = draw(st.integers(1, MONTHS))
        end = draw(st.one_of(st.none(), st.integers(start, MONTHS + 2)))
        extra = {}
        if lever in ("worker_subsidy", "firm_subsidy"):
            extra["cap"] = draw(st.one_of(st.just(math.inf), st.floats(0.01, 1e4)))
            extra["budget"] = draw(st.one_of(st.just(math.inf), st.floats(1.0, 1e12)))
        out.append(make_policy(lever, strength=strength, start=start, end=end, **extra))
    return tuple(out)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=valid_params(), policies=policy_lists())
def test_valid_parameters_keep_every_invariant(params, policies):
    model = UptakeModel(policies=policies, **params)
    check_agents(model)
    for _ in range(MONTHS):
        before = snapshot(model)
        model.step()
        check_agents(model)
        check_month(model, before)
    check_frame(model)
    # Subsidy budgets: checkable when every paying subsidy policy is in force throughout.
    paying = [p for p in policies if hasattr(p, "budget") and p.strength > 0]
    throughout = all(p.start == 1 and p.end is None for p in paying)
    no_status_quo_subsidy = (
        params.get("worker_subsidy_share", 0) == 0 == params.get("firm_subsidy_share", 0)
    )
    if paying and throughout and no_status_quo_subsidy:
        budget = min(p.budget for p in paying)
        spent = model.current["cum_subsidy_spending_yuan"]
        assert spent <= budget * (1 + 1e-9), f"spent {spent} over the budget {budget}"


@st.composite
def invalid_params(draw) -> tuple[str, object]:
    name = draw(st.sampled_from(sorted(FIELDS)))
    meta = FIELDS[name].metadata
    lo, hi = float(meta["lo"]), float(meta["hi"])
    out_of_range = st.one_of(
        st.floats(hi, 1e300, exclude_min=True, allow_nan=False, allow_infinity=False),
        st.floats(-1e300, lo, exclude_max=True, allow_nan=False, allow_infinity=False),
    )
    bad = draw(
        st.one_of(
            out_of_range,
            st.sampled_from([math.nan, math.inf, -math.inf, True, False, "1", [1], {}]),
        )
    )
    return name, bad


@settings(max_examples=200, deadline=None)
@given(case=invalid_params())
def test_invalid_parameters_are_rejected_naming_the_field(case):
    name, bad = case
    with pytest.raises(ValueError, match=rf"^{name}="):
        UptakeModel(**{"n_workers": 200, "burn_in_months": 0, name: bad})


@settings(max_examples=50, deadline=None)
@given(name=st.text(min_size=1, max_size=20).filter(lambda s: s not in FIELDS))
def test_unknown_parameter_names_are_rejected(name):
    with pytest.raises(ValueError, match="unknown parameter"):
        UptakeModel(**{name: 1})

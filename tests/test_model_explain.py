"""``model.explain``: the reasons and statuses restate the coverage and evasion rules.

The reference functions below began as the dashboard's pandas restatement of the rules
before the rules moved into the model, and now add the labour-crew rule (a crew can pay
injury only, and owes nothing while its project is insured by project), restated from
the firm table without the model's helpers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from model_support import run

from model import SCHEMES, explain
from model.codes import Industry
from model.policies import ProjectInjuryInsurance, Publicity

ALL_BITS = (1 << len(SCHEMES)) - 1
INJURY_BIT = 1 << SCHEMES.index("injury")


def _payable(firms: pd.DataFrame) -> np.ndarray:
    """Schemes a firm can register for: a labour crew (informal construction) injury only."""
    crew = (firms["industry"].to_numpy() == Industry.CONSTRUCTION) & ~firms["formal"].to_numpy()
    return np.where(crew, INJURY_BIT, ALL_BITS)


def _owed(firms: pd.DataFrame) -> np.ndarray:
    """Schemes a firm must pay itself: none for a crew whose project is insured."""
    return np.where(firms["project_insured"].to_numpy(), 0, _payable(firms))


def _reference_reason(workers: pd.DataFrame, firms: pd.DataFrame, scheme=None) -> np.ndarray:
    bits = ALL_BITS if scheme is None else 1 << SCHEMES.index(scheme)
    employer = workers["employer"].to_numpy()
    emp = np.maximum(employer, 0)
    offers = firms["offers"].to_numpy()[emp] & bits
    declared = workers["declare_rank"].to_numpy() < firms["declared_share"].to_numpy()[emp]
    conditions = [
        employer < 0,
        (workers["covered"].to_numpy() & bits) != 0,
        (_payable(firms)[emp] & bits) == 0,
        offers == 0,
        ~declared,
        workers["opted_out"].to_numpy(),
    ]
    return np.select(conditions, list(explain.REASONS), default="other")


def _reference_status(firms: pd.DataFrame) -> np.ndarray:
    offers = firms["offers"].to_numpy()
    owed = _owed(firms)
    full = (owed == 0) | (
        ((offers & owed) == owed)
        & (firms["declared_share"].to_numpy() >= 1.0)
        & firms["full_base"].to_numpy()
    )
    return np.select(
        [firms["headcount"].to_numpy() == 0, (offers == 0) & ~full, full],
        list(explain.FIRM_STATUS[:3]),
        default=explain.FIRM_STATUS[3],
    )


def _reference_gaps(firms: pd.DataFrame) -> list[str]:
    out = []
    for offers, payable, share, full in zip(
        firms["offers"],
        _owed(firms),
        firms["declared_share"].astype(float),
        firms["full_base"],
        strict=True,
    ):
        missing = ", ".join(
            s for i, s in enumerate(SCHEMES) if payable & (1 << i) and not offers & (1 << i)
        )
        parts = [f"no {missing}"] if missing else []
        if offers and payable and share < 1.0:
            parts.append(f"declares {share:.0%} of staff")
        if offers and payable and not full:
            parts.append("pays on the floor base")
        out.append("; ".join(parts))
    return out


@pytest.fixture(
    scope="module",
    params=[
        (),
        (Publicity(strength=1.0, firm_reach=1.0, start=1),),
        (ProjectInjuryInsurance(strength=0.5, start=1),),
    ],
)
def model(request):
    return run(12, request.param, seed=51)


def _raw(table) -> pd.DataFrame:
    return table.frame()


@pytest.mark.parametrize("scheme", [None, *SCHEMES])
def test_why_uncovered_matches_the_reference_rule(model, scheme):
    got = explain.why_uncovered(model, scheme)
    want = _reference_reason(_raw(model.workers), _raw(model.firms), scheme)
    assert got.shape == (model.workers.n,), f"one reason per worker expected, got {got.shape}"
    mismatch = np.flatnonzero(got != want)
    assert mismatch.size == 0, f"{mismatch.size} workers differ, e.g. {got[mismatch[:3]]}"
    # Coverage is set before disputes: a worker who won a case this month is declared
    # (rank 0, no opt-out) from next month on, and is the only kind left unexplained.
    w = model.workers
    other = got == explain.OTHER
    assert (w.declare_rank[other] == 0).all(), "an unexplained worker did not win a dispute"
    assert (w.n_disputes[other] > 0).all(), "an unexplained worker never filed a dispute"
    assert len(set(got)) >= 4, f"too few reasons seen to test the rule: {set(got)}"


def test_covered_is_exactly_the_workers_the_model_covers(model):
    got = explain.why_uncovered(model)
    np.testing.assert_array_equal(
        got == explain.COVERED, model.workers.covered != 0, err_msg="covered label != covered"
    )


def test_firm_status_and_gaps_match_the_reference_rule(model):
    firms = _raw(model.firms)
    status = explain.firm_status(model)
    np.testing.assert_array_equal(status, _reference_status(firms), err_msg="firm status")
    assert set(status) <= set(explain.FIRM_STATUS), f"unknown status in {set(status)}"
    assert len(set(status)) >= 3, f"too few statuses seen to test the rule: {set(status)}"
    gaps = explain.firm_gaps(model)
    assert list(gaps) == _reference_gaps(firms), "firm gaps differ from the reference"
    full = status == "full compliance"
    assert not any(gaps[full]), "a fully compliant firm has a gap"


def test_unknown_scheme_is_rejected(model):
    with pytest.raises(ValueError, match="scheme='dental' is not a scheme"):
        explain.why_uncovered(model, "dental")


def test_crews_workers_lack_pension_because_a_crew_cannot_register(model):
    pension = explain.why_uncovered(model, "pension")
    injury = explain.why_uncovered(model, "injury")
    assert "labour crew cannot register" in set(pension), "no crew worker seen: no power"
    assert "labour crew cannot register" not in set(injury), "a crew can insure injury"


def test_a_crew_whose_project_is_insured_is_compliant():
    model = run(12, (ProjectInjuryInsurance(strength=0.5, start=1),), seed=51)
    f = model.firms
    insured = f.project_insured & (f.headcount > 0)
    assert insured.sum() >= 3, f"{insured.sum()} insured crews with workers: no power"
    status = explain.firm_status(model)[insured]
    assert set(status) == {"full compliance"}, f"insured crews: {set(status)}"
    assert not any(explain.firm_gaps(model)[insured]), "an insured crew has a gap"


def test_recorded_firm_shares_count_firms_as_firm_status_does(model):
    """``frac_firms_no_scheme`` and ``_full_compliance`` are firm_status's shares.

    The project-insurance arm has crews that pay nothing and owe nothing: they count as
    compliant in both, not as paying no scheme.
    """
    from model.stocks import firm_stocks

    status = explain.firm_status(model)
    active = status != "no workers"
    shares = firm_stocks(model.firms, model.firm_terms.payable)
    for outcome, label in (
        ("frac_firms_no_scheme", "no scheme"),
        ("frac_firms_full_compliance", "full compliance"),
    ):
        expected = np.count_nonzero(status == label) / np.count_nonzero(active)
        assert shares[outcome] == pytest.approx(expected), (outcome, label)

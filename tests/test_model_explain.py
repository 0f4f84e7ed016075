"""``model.explain``: the reasons and statuses restate the coverage and evasion rules.

The reference functions below are the dashboard's pandas restatement of the rules as
it stood before the rules moved into the model (frozen here as an independent check).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from model_support import run

from model import SCHEMES, explain
from model.policies import Publicity

ALL_BITS = (1 << len(SCHEMES)) - 1


def _reference_reason(workers: pd.DataFrame, firms: pd.DataFrame, scheme=None) -> np.ndarray:
    bits = ALL_BITS if scheme is None else 1 << SCHEMES.index(scheme)
    employer = workers["employer"].to_numpy()
    emp = np.maximum(employer, 0)
    offers = firms["offers"].to_numpy()[emp] & bits
    declared = workers["declare_rank"].to_numpy() < firms["declared_share"].to_numpy()[emp]
    conditions = [
        employer < 0,
        (workers["covered"].to_numpy() & bits) != 0,
        offers == 0,
        ~declared,
        workers["opted_out"].to_numpy(),
    ]
    return np.select(conditions, list(explain.REASONS), default="other")


def _reference_status(firms: pd.DataFrame) -> np.ndarray:
    offers = firms["offers"].to_numpy()
    full = (offers == ALL_BITS) & (firms["declared_share"].to_numpy() >= 1.0) & firms["full_base"]
    return np.select(
        [firms["headcount"].to_numpy() == 0, offers == 0, full.to_numpy()],
        list(explain.FIRM_STATUS[:3]),
        default=explain.FIRM_STATUS[3],
    )


def _reference_gaps(firms: pd.DataFrame) -> list[str]:
    out = []
    for offers, share, full in zip(
        firms["offers"], firms["declared_share"].astype(float), firms["full_base"], strict=True
    ):
        missing = ", ".join(s for i, s in enumerate(SCHEMES) if not offers & (1 << i))
        parts = [f"no {missing}"] if missing else []
        if offers and share < 1.0:
            parts.append(f"declares {share:.0%} of staff")
        if offers and not full:
            parts.append("pays on the floor base")
        out.append("; ".join(parts))
    return out


@pytest.fixture(scope="module", params=[(), (Publicity(strength=2.0, start=1),)])
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

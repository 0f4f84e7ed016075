"""Why a worker has no cover and what a firm leaves out, by the model's own rules.

The labels restate, condition by condition, the coverage rule of
:func:`model.enrolment.coverage` (a scheme is paid when the worker has a job, her
employer can register for the scheme (a labour crew only for injury) and offers it,
her rank is inside the employer's declared share of its headcount, and she has not
opted out of it for cash) and the evasion rule of :func:`model.enforcement.evading`
(a firm with workers evades when it leaves a scheme unpaid that it could pay,
declares less than its whole headcount or pays on the floor base). They are
computed from the model's arrays after a month, for the dashboard's tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.codes import SCHEMES
from model.enforcement import evading, owed_schemes
from model.population import ALL_SCHEMES

if TYPE_CHECKING:
    from model.model import UptakeModel

COVERED = "covered"
#: Reasons a worker has no cover, in the order the conditions are checked.
REASONS = (
    "between jobs",
    COVERED,
    "labour crew cannot register",
    "employer offers no scheme",
    "not declared by employer",
    "opted out for cash",
)
#: Label of a worker whose lack of cover no condition explains: coverage is set before
#: disputes, and a worker who won a case this month is declared from next month on.
OTHER = "other"
#: Compliance status of a firm, in the order the conditions are checked.
FIRM_STATUS = ("no workers", "no scheme", "full compliance", "partial")


def scheme_bits(scheme: str | None) -> int:
    """Bitmask of one scheme by name, or of every scheme for ``None``.

    Raises:
        ValueError: ``scheme`` is not a scheme name.
    """
    if scheme is None:
        return int(ALL_SCHEMES)
    if scheme not in SCHEMES:
        raise ValueError(f"scheme={scheme!r} is not a scheme; allowed: {list(SCHEMES)} or None")
    return 1 << SCHEMES.index(scheme)


def why_uncovered(model: UptakeModel, scheme: str | None = None) -> np.ndarray:
    """Why each worker has no cover (of any scheme, or of ``scheme``), or ``"covered"``.

    Args:
        model: a built model; read after its last month.
        scheme: a scheme name (``model.codes.SCHEMES``), or None for any scheme.

    Returns:
        One label of :data:`REASONS` per worker (object array, worker order): the
        first condition of the coverage rule that fails, or :data:`OTHER` for a
        worker who won a dispute this month (declared from next month on).
    """
    bits = scheme_bits(scheme)
    w, f = model.workers, model.firms
    employed = w.employer >= 0
    employer = np.maximum(w.employer, 0)
    offers = f.offers[employer] & bits
    declared = w.declare_rank < f.declared_share[employer]
    conditions = [
        ~employed,
        (w.covered & bits) != 0,
        (model.firm_terms.payable[employer] & bits) == 0,
        offers == 0,
        ~declared,
        w.opted_out,
    ]
    return np.select(conditions, list(REASONS), default=OTHER).astype(object)


def firm_status(model: UptakeModel) -> np.ndarray:
    """Each firm's compliance: one label of :data:`FIRM_STATUS` (object array, firm order).

    ``full compliance`` is a firm with workers that does not evade
    (:func:`model.enforcement.evading`; a crew whose project is insured by project owes
    nothing and so complies); ``no scheme`` evades and pays nothing; ``partial`` pays
    some scheme but evades.
    """
    f = model.firms
    evades = evading(f, model.firm_terms.payable)
    return np.select(
        [f.headcount == 0, (f.offers == 0) & evades, ~evades],
        list(FIRM_STATUS[:3]),
        default=FIRM_STATUS[3],
    ).astype(object)


def scheme_names(bits: np.ndarray) -> np.ndarray:
    """Comma-separated scheme names of each coverage or offer bitmask (object array)."""
    names = np.full(bits.size, "", dtype=object)
    for s, scheme in enumerate(SCHEMES):
        has = (bits & (1 << s)) != 0
        names = np.where(has, np.where(names == "", scheme, names + ", " + scheme), names)
    return names


def firm_gaps(model: UptakeModel) -> np.ndarray:
    """What each firm leaves out: unpaid schemes, undeclared headcount, floor wage base.

    Returns:
        One text per firm (object array), e.g. ``"no injury; declares 80% of staff"``;
        empty for a firm that leaves nothing out.
    """
    f = model.firms
    owed = owed_schemes(f, model.firm_terms.payable)
    missing = scheme_names(owed & ~f.offers)
    paying = (f.offers != 0) & (owed != 0)  # a crew whose project is insured owes nothing
    out = []
    for gap, share, full, pays in zip(
        missing, f.declared_share.astype(float), f.full_base, paying, strict=True
    ):
        parts = [f"no {gap}"] if gap else []
        if pays and share < 1.0:
            parts.append(f"declares {share:.0%} of staff")
        if pays and not full:
            parts.append("pays on the floor base")
        out.append("; ".join(parts))
    return np.array(out, dtype=object)

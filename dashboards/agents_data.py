"""Tables of workers and firms for the "Look inside" tab: who is uncovered and why.

A worker's cover follows the model's rule (``model/enrolment.py``): a scheme is
paid when the worker has a job, the employer offers the scheme, the worker's rank
is inside the employer's declared share of its headcount, and the worker has not
opted out of it for cash. :func:`uncovered_reason` names the first condition
that fails, so the table explains each uncovered worker.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import SCHEMES

COVERED = "covered"
REASONS = (
    "between jobs",
    COVERED,
    "employer offers no scheme",
    "not declared by employer",
    "opted out for cash",
)
FIRM_STATUS = ("no workers", "no scheme", "full compliance", "partial")
ANY = "(all)"
ALL_BITS = (1 << len(SCHEMES)) - 1


def _schemes(bits: np.ndarray) -> np.ndarray:
    """Comma-separated scheme names of each bitmask."""
    names = np.array([""] * bits.size, dtype=object)
    for s, scheme in enumerate(SCHEMES):
        has = (bits & (1 << s)) != 0
        names = np.where(has, np.where(names == "", scheme, names + ", " + scheme), names)
    return names


def uncovered_reason(
    workers: pd.DataFrame, firms: pd.DataFrame, scheme: str | None = None
) -> np.ndarray:
    """Why each worker has no cover (any scheme, or ``scheme``), or ``covered``.

    Follows the model's rule; the first failing condition is named.
    """
    bits = ALL_BITS if scheme is None else 1 << _scheme_index(scheme)
    employer = workers["employer"].to_numpy()
    employed = employer >= 0
    emp = np.maximum(employer, 0)
    offers = firms["offers"].to_numpy()[emp] & bits
    declared = workers["declare_rank"].to_numpy() < firms["declared_share"].to_numpy()[emp]
    conditions = [
        ~employed,
        (workers["covered"].to_numpy() & bits) != 0,
        offers == 0,
        ~declared,
        workers["opted_out"].to_numpy(),
    ]
    return np.select(conditions, list(REASONS), default="other")


def _scheme_index(scheme: str) -> int:
    if scheme not in SCHEMES:
        raise ValueError(f"scheme={scheme!r}; allowed: {list(SCHEMES)}")
    return SCHEMES.index(scheme)


def worker_table(
    workers: pd.DataFrame, firms: pd.DataFrame, scheme: str | None = None
) -> pd.DataFrame:
    """Workers with their cover, their employer's traits and the reason for no cover.

    The reason is for no cover of any scheme, or of ``scheme`` when given.
    """
    emp = np.maximum(workers["employer"].to_numpy(), 0)
    employed = workers["employer"].to_numpy() >= 0
    out = pd.DataFrame(
        {
            "worker_id": workers["worker_id"],
            "age": workers["age"].astype(float).round(1),
            "sex": workers["sex"],
            "education": workers["education"].astype(str),
            "origin": workers["origin"].astype(str),
            "industry": workers["industry"].astype(str),
            "region": workers["region"].astype(str),
            "employer": workers["employer"],
            "wage": workers["wage"].astype(float).round(0),
            "contract": workers["contract"],
            "schemes paid": _schemes(workers["covered"].to_numpy()),
            "reason": uncovered_reason(workers, firms, scheme),
            "opted_out": workers["opted_out"],
            "employer offers": np.where(employed, _schemes(firms["offers"].to_numpy()[emp]), ""),
            "employer declares": np.where(
                employed, firms["declared_share"].to_numpy()[emp].astype(float).round(2), np.nan
            ),
            "contribution months": workers["contrib_months"],
            "months uncovered": workers["months_uncovered"],
            "breaks": workers["n_breaks"],
            "disputes": workers["n_disputes"],
            "awareness": workers["awareness"].astype(float).round(2),
        }
    )
    return out


def firm_status(firms: pd.DataFrame) -> np.ndarray:
    """``no workers``, ``no scheme``, ``full compliance`` or ``partial`` (as the model judges)."""
    offers = firms["offers"].to_numpy()
    full = (offers == ALL_BITS) & (firms["declared_share"].to_numpy() >= 1.0) & firms["full_base"]
    return np.select(
        [firms["headcount"].to_numpy() == 0, offers == 0, full.to_numpy()],
        list(FIRM_STATUS[:3]),
        default=FIRM_STATUS[3],
    )


def firm_gaps(firms: pd.DataFrame) -> np.ndarray:
    """What each firm leaves out: unpaid schemes, undeclared headcount, floor wage base."""
    offers = firms["offers"].to_numpy()
    missing = _schemes(ALL_BITS & ~offers)
    declared = firms["declared_share"].to_numpy().astype(float)
    out = []
    for gap, share, full, paying in zip(
        missing, declared, firms["full_base"].to_numpy(), offers != 0, strict=True
    ):
        parts = [f"no {gap}"] if gap else []
        if paying and share < 1.0:
            parts.append(f"declares {share:.0%} of staff")
        if paying and not full:
            parts.append("pays on the floor base")
        out.append("; ".join(parts))
    return np.array(out, dtype=object)


def firm_table(firms: pd.DataFrame) -> pd.DataFrame:
    """Firms: size, what they pay for, how much of the headcount they declare, inspections."""
    return pd.DataFrame(
        {
            "firm_id": firms["firm_id"],
            "industry": firms["industry"].astype(str),
            "region": firms["region"].astype(str),
            "headcount": firms["headcount"],
            "status": firm_status(firms),
            "gaps": firm_gaps(firms),
            "schemes offered": _schemes(firms["offers"].to_numpy()),
            "declared share": firms["declared_share"].astype(float).round(2),
            "true wage base": firms["full_base"],
            "inspections": firms["n_inspections"],
            "perceived risk": firms["perceived_risk"].astype(float).round(3),
            "formal": firms["formal"],
            "key firm": firms["key"],
            "supervised": firms["supervised"],
            "union": firms["union"],
            "dispatch agency": firms["dispatch"],
        }
    )


def filter_rows(table: pd.DataFrame, **equal: str) -> pd.DataFrame:
    """Rows whose columns equal the given values; a value of ``(all)`` keeps every row."""
    mask = np.ones(len(table), dtype=bool)
    for column, value in equal.items():
        if value in (None, ANY):
            continue
        if column not in table.columns:
            raise ValueError(f"no column {column!r}; columns: {list(table.columns)}")
        mask &= (table[column].astype(str) == str(value)).to_numpy()
    return table[mask]


def reason_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Workers per reason, with shares, in the fixed reason order."""
    return _counts(table, "reason", REASONS, "workers")


def status_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Firms per compliance status, with shares."""
    return _counts(table, "status", FIRM_STATUS, "firms")


def _counts(table: pd.DataFrame, column: str, order, noun: str) -> pd.DataFrame:
    counts = table[column].value_counts().reindex(list(order), fill_value=0)
    return pd.DataFrame(
        {
            column: counts.index,
            noun: counts.to_numpy(),
            "share": (counts / max(len(table), 1)).round(3).to_numpy(),
        }
    )

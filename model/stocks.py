"""Stocks at the end of a month: coverage, employment, firms' compliance, beliefs."""

from __future__ import annotations

import numpy as np

from model.codes import SCHEMES
from model.enforcement import evading
from model.table import AgentTable

_N_COVERED = [f"n_covered_{name}" for name in SCHEMES]
_FRAC_COVERED = [f"frac_covered_{name}" for name in SCHEMES]


def stocks(
    w: AgentTable, f: AgentTable, enrolment_counts: dict[str, int], payable: np.ndarray
) -> dict[str, float]:
    """Stocks at the end of the month (one pass over each worker column needed).

    Args:
        w: the workers.
        f: the firms.
        enrolment_counts: this month's counts from :func:`model.enrolment.coverage`.
        payable: the schemes each firm can pay (``FirmTerms.payable``).
    """
    n_emp = int(f.headcount.sum())
    per_emp = max(n_emp, 1)
    # Workers with each scheme's bit set (only employed workers have bits): one
    # count per bit is 5x faster than counting every bitmask.
    covered = w.covered
    out: dict[str, float] = {"n_workers": w.n, "n_employed": n_emp}
    for scheme, (n_name, frac_name) in enumerate(zip(_N_COVERED, _FRAC_COVERED, strict=True)):
        n_cov = int(np.count_nonzero(covered & np.uint8(1 << scheme)))
        out[n_name] = n_cov
        out[frac_name] = n_cov / per_emp
    n_any = int(np.count_nonzero(covered))
    out["n_covered_any"] = n_any
    out["frac_covered_any"] = n_any / per_emp
    n_uncovered = n_emp - n_any
    out["n_uncovered_employed"] = n_uncovered
    # Spells are 0 except for employed workers without cover (accrual.accrue).
    spells = int(np.add.reduce(w.months_uncovered, dtype=np.int64))
    out["mean_months_uncovered"] = spells / n_uncovered if n_uncovered else 0.0
    out["frac_contract"] = np.count_nonzero(w.contract) / per_emp
    counts = enrolment_counts  # as of coverage this month (the enrol sub-step)
    n_offered = counts["n_offered"]
    out["frac_opted_out"] = counts["n_opted_out"] / n_offered if n_offered else 0.0
    out["n_declared"] = counts["n_declared"]
    out["frac_declared"] = out["n_declared"] / per_emp
    out.update(firm_stocks(f, payable))
    out["mean_awareness"] = float(np.add.reduce(w.awareness) / w.n)
    return out


def firm_stocks(f: AgentTable, payable: np.ndarray) -> dict[str, float]:
    """Shares of active firms (with workers) by compliance, and mean perceived risk.

    ``payable``: the schemes each firm can pay (:attr:`model.compliance.FirmTerms.payable`).
    """
    active = f.headcount > 0
    n_active = np.count_nonzero(active)
    paying = active & (f.offers != 0)
    n_paying = np.count_nonzero(paying)
    evades = evading(f, payable)  # only firms with workers evade
    n_evading = np.count_nonzero(evades)
    per_active, per_paying = max(n_active, 1), max(n_paying, 1)
    return {
        "frac_firms_full_compliance": (n_active - n_evading) / per_active,
        # Evading and paying nothing: the ``no scheme`` of model.explain.firm_status.
        "frac_firms_no_scheme": np.count_nonzero(evades & (f.offers == 0)) / per_active,
        "frac_firms_underdeclaring": np.count_nonzero(paying & (f.declared_share < 0.9))
        / per_paying,
        "frac_firms_min_base": np.count_nonzero(paying & ~f.full_base) / per_paying,
        "mean_perceived_risk": float(np.add.reduce(f.perceived_risk) / f.n),
    }


def continuity(w: AgentTable, before: np.ndarray | None, new_breaks: int) -> dict[str, float]:
    """Breaks per 1,000 covered workers, and the share of records never broken.

    Breaks are counted per 1,000 workers covered at the start of the month; a record
    is a worker with contribution months, unbroken if she never had a break. The raw
    count of breaks rises with coverage (more workers covered, more who can lose
    cover); these two say whether cover became less stable.

    Args:
        w: the workers.
        before: coverage bitmask at the start of the month (None: nobody was covered).
        new_breaks: breaks in cover this month.
    """
    at_risk = 0 if before is None else np.count_nonzero(before)
    has_record = w.contrib_months > 0
    n_records = np.count_nonzero(has_record)
    unbroken = np.count_nonzero(has_record & (w.n_breaks == 0))
    return {
        "breaks_per_1000_covered": 1000.0 * new_breaks / at_risk if at_risk else 0.0,
        "frac_records_unbroken": unbroken / n_records if n_records else 0.0,
    }

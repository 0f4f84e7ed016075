"""Stocks at the end of a month: coverage, employment, firms' compliance, beliefs."""

from __future__ import annotations

import numpy as np

from model.codes import SCHEMES
from model.enforcement import evading
from model.table import AgentTable

_N_COVERED = [f"n_covered_{name}" for name in SCHEMES]
_FRAC_COVERED = [f"frac_covered_{name}" for name in SCHEMES]
#: (coverage bitmask, scheme) -> 1 if the mask includes the scheme.
_MASK_HAS_SCHEME = (np.arange(1 << len(SCHEMES))[:, None] >> np.arange(len(SCHEMES))) & 1


def stocks(w: AgentTable, f: AgentTable, enrolment_counts: dict[str, int]) -> dict[str, float]:
    """Stocks at the end of the month (one pass over each worker column needed).

    Args:
        w: the workers.
        f: the firms.
        enrolment_counts: this month's counts from :func:`model.enrolment.coverage`.
    """
    n_emp = int(f.headcount.sum())
    per_emp = max(n_emp, 1)
    # Workers by coverage bitmask (only employed workers have bits), then per scheme.
    per_mask = np.bincount(w.covered, minlength=1 << len(SCHEMES))
    per_scheme = per_mask @ _MASK_HAS_SCHEME
    out: dict[str, float] = {"n_workers": w.n, "n_employed": n_emp}
    for n_name, frac_name, n_cov in zip(
        _N_COVERED, _FRAC_COVERED, per_scheme.tolist(), strict=True
    ):
        out[n_name] = n_cov
        out[frac_name] = n_cov / per_emp
    n_any = w.n - int(per_mask[0])
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
    out.update(firm_stocks(f))
    out["mean_awareness"] = float(np.add.reduce(w.awareness) / w.n)
    return out


def firm_stocks(f: AgentTable) -> dict[str, float]:
    """Shares of active firms (with workers) by compliance, and mean perceived risk."""
    active = f.headcount > 0
    n_active = np.count_nonzero(active)
    paying = active & (f.offers != 0)
    n_paying = np.count_nonzero(paying)
    per_active, per_paying = max(n_active, 1), max(n_paying, 1)
    return {
        "frac_firms_full_compliance": np.count_nonzero(active & ~evading(f)) / per_active,
        "frac_firms_no_scheme": (n_active - n_paying) / per_active,
        "frac_firms_underdeclaring": np.count_nonzero(paying & (f.declared_share < 0.9))
        / per_paying,
        "frac_firms_min_base": np.count_nonzero(paying & ~f.full_base) / per_paying,
        "mean_perceived_risk": float(np.add.reduce(f.perceived_risk) / f.n),
    }

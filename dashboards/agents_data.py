"""Tables of workers and firms for the "Look inside" tab: who is uncovered and why.

Why a worker has no cover and what a firm leaves out are the model's own
judgements (:mod:`model.explain`: the coverage and evasion rules, condition by
condition); this module only puts them in tables with the agents' traits, and
filters and counts rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model import explain

COVERED = explain.COVERED
#: Reasons in the tables: the model's, then the label of a gap no condition explains.
REASONS = (*explain.REASONS, explain.OTHER)
FIRM_STATUS = explain.FIRM_STATUS
ANY = "(all)"


@dataclass(frozen=True, eq=False)
class Agents:
    """Workers and firms of one month with the model's explanations (taken together).

    Attributes:
        reasons: per worker, why no cover (``model.explain.why_uncovered``).
        status: per firm, its compliance (``model.explain.firm_status``).
        gaps: per firm, what it leaves out (``model.explain.firm_gaps``).
    """

    workers: pd.DataFrame
    firms: pd.DataFrame
    reasons: np.ndarray
    status: np.ndarray
    gaps: np.ndarray


def explained(model, scheme: str | None = None) -> Agents:
    """The model's agents and explanations now (call under the run's lock)."""
    return Agents(
        model.workers_frame(),
        model.firms_frame(),
        explain.why_uncovered(model, scheme),
        explain.firm_status(model),
        explain.firm_gaps(model),
    )


def worker_table(agents: Agents) -> pd.DataFrame:
    """Workers with their cover, the reason for no cover and their employer's traits."""
    workers, firms = agents.workers, agents.firms
    emp = np.maximum(workers["employer"].to_numpy(), 0)
    employed = workers["employer"].to_numpy() >= 0
    return pd.DataFrame(
        {
            "worker_id": workers["worker_id"],
            "age": workers["age"].astype(float).round(1),
            "sex": workers["sex"],
            "education": workers["education"].astype(str),
            "origin": workers["origin"].astype(str),
            "industry": workers["industry"].astype(str),
            "region": workers["region"].astype(str),
            "employer": workers["employer"],
            "wage (yuan/month)": workers["wage"].astype(float).round(0),
            "contract": workers["contract"],
            "schemes paid": explain.scheme_names(workers["covered"].to_numpy()),
            "reason": agents.reasons,
            "opted out": workers["opted_out"],
            "employer offers": np.where(
                employed, explain.scheme_names(firms["offers"].to_numpy()[emp]), ""
            ),
            "employer declares (%)": np.where(
                employed, (100 * firms["declared_share"].to_numpy()[emp]).round(0), np.nan
            ),
            "contribution months": workers["contrib_months"],
            "months uncovered": workers["months_uncovered"],
            "breaks": workers["n_breaks"],
            "disputes": workers["n_disputes"],
            "awareness (0-1)": workers["awareness"].astype(float).round(2),
        }
    )


def firm_table(agents: Agents) -> pd.DataFrame:
    """Firms: size, what they pay for, how much of the headcount they declare, inspections."""
    firms = agents.firms
    return pd.DataFrame(
        {
            "firm_id": firms["firm_id"],
            "industry": firms["industry"].astype(str),
            "region": firms["region"].astype(str),
            "headcount": firms["headcount"],
            "status": agents.status,
            "gaps": agents.gaps,
            "schemes offered": explain.scheme_names(firms["offers"].to_numpy()),
            "declared share (%)": (100 * firms["declared_share"].astype(float)).round(0),
            "true wage base": firms["full_base"],
            "inspections": firms["n_inspections"],
            "perceived risk (inspections/year)": firms["perceived_risk"].astype(float).round(3),
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
            "share (%)": (100 * counts / max(len(table), 1)).round(1).to_numpy(),
        }
    )

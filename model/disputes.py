"""Shocks (injury, illness, maternity, dismissal, wage arrears) and labour disputes.

One uniform per worker partitions the month's individual shocks (they are rare and
treated as exclusive): injury with the industry's risk, serious illness, a birth
(women aged 20-35). A firm falls into wage arrears with probability
``arrears_per_year`` times its industry's ratio (2016 arrears by industry, facts.md
1.11; in construction the labour crews carry it), converted to a month; all its
workers are then aggrieved. A worker is aggrieved by a shock the relevant scheme does
not cover (injury -> injury, illness -> medical, birth -> maternity), by a dismissal
without unemployment cover when she had a written contract (the Labour Contract
Law's compensation rests on it), or by arrears. An aggrieved worker files a case with probability

    p_file = dispute_propensity * (1 + awareness_dispute_gain * awareness)
             * (1 + contract_dispute_gain * contract) * (1 + union_dispute_gain * union)

If ``collective_threshold`` or more workers of one firm file in a month, their
cases form one collective dispute. Workers win a share ``worker_win_share``
(Shanghai arbitration 2008); a won case costs the firm ``compensation_months`` of
wage and, for a worker still employed, makes the firm declare her from then on.
"""

from __future__ import annotations

import numpy as np

from model import sectors
from model.codes import Scheme
from model.enrolment import has
from model.labour_market import Jobs, Separations, by_slot
from model.levers import Levers
from model.params import Params
from model.table import AgentTable

INT16_MAX = np.iinfo(np.int16).max
#: Coverage bit of the scheme that insures each kind of shock (injury, illness, birth, none).
SHOCK_SCHEME_BIT = np.array(
    [1 << Scheme.INJURY, 1 << Scheme.MEDICAL, 1 << Scheme.MATERNITY, 0], dtype=np.uint8
)


def shock_ceiling(p: Params) -> float:
    """Highest monthly chance of any individual shock (injury, illness or birth)."""
    injury_risk = sectors.INDUSTRY_INJURY_RISK * p.injury_scale / 12.0
    return float(injury_risk.max() + p.illness_per_year / 12.0 + p.births_per_year / 12.0)


def aggrieved(
    w: AgentTable,
    p: Params,
    candidates: np.ndarray,
    u_shock: np.ndarray,
    arrears_firm: np.ndarray,
    left: Separations,
    jobs: Jobs,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Aggrieved workers and what their cases rest on.

    Args:
        w: the workers.
        p: parameters.
        candidates: the workers whose uniform falls below :func:`shock_ceiling`
            (:func:`model.streams.below`); only they can have a shock.
        u_shock: their uniforms, below the ceiling.
        arrears_firm: bool per firm, in wage arrears this month.
        left: this month's separations (:func:`model.labour_market.separate`); a
            dismissed worker's contract and wage are those of the job she lost.
        jobs: this month's :class:`model.labour_market.Jobs`.

    Returns:
        Rows of aggrieved workers, the firm each one has a grievance against, whether
        she had a written contract there, her wage there (yuan/month), shock counts.
    """
    injury_risk = sectors.INDUSTRY_INJURY_RISK * p.injury_scale / 12.0  # per industry
    p_ill = p.illness_per_year / 12.0
    p_birth_max = p.births_per_year / 12.0
    # Shocks are rare: only workers whose uniform is below the highest possible threshold
    # can have one, so the thresholds are evaluated for those rows alone.
    at_work = jobs.employed[candidates]
    r = candidates[at_work]
    u = u_shock[at_work]
    # One uniform partitions the month: [0, injury) injury, then illness, then a birth
    # (women aged 20-35), above that nothing. kind: 0 injury, 1 illness, 2 birth, 3 none.
    ill_from = injury_risk.take(w.industry[r])
    age = w.age[r]
    fertile = w.female[r] & (age >= 20) & (age < 36)
    kind = (u >= ill_from).view(np.uint8) + (u >= ill_from + p_ill).view(np.uint8)
    kind += (u >= ill_from + p_ill + p_birth_max * fertile).view(np.uint8)
    per_kind = np.bincount(kind, minlength=4)
    # A shock hurts when the scheme for it (injury, medical, maternity) is not paid.
    shocked = (w.covered[r] & SHOCK_SCHEME_BIT.take(kind)) == 0
    shocked &= kind < 3
    if arrears_firm.any():  # all workers of a firm in arrears are aggrieved
        grievance = by_slot(arrears_firm, False).take(jobs.slot)
        grievance[r[shocked]] = True
        rows = np.flatnonzero(grievance)
    else:
        rows = r[shocked]
    dismissed = left.dismissed_firm >= 0
    # A dismissal is a grievance to take to arbitration when the worker had a written
    # contract (the Labour Contract Law's economic compensation rests on it) and no
    # unemployment insurance.
    unprotected = dismissed & ~has(left.bits, Scheme.UNEMPLOYMENT) & left.contract
    firm = np.concatenate([w.employer[rows], left.dismissed_firm[unprotected]])
    contract = np.concatenate([w.contract[rows], left.contract[unprotected]])
    wage = np.concatenate([w.wage[rows], left.wage[unprotected]])
    rows = np.concatenate([rows, left.rows[unprotected]])
    counts = {
        "new_injuries": int(per_kind[0]),
        "new_illnesses": int(per_kind[1]),
        "new_births": int(per_kind[2]),
        "new_dismissals": np.count_nonzero(dismissed),
    }
    return rows, firm, contract, wage, counts


def file_disputes(
    w: AgentTable,
    f: AgentTable,
    p: Params,
    levers: Levers,
    *,
    rows: np.ndarray,
    firm: np.ndarray,
    contract: np.ndarray,
    wage: np.ndarray,
    u_file: np.ndarray,
) -> dict[str, object]:
    """Decide who files, group collective cases, settle outcomes. Returns totals.

    ``rows``, ``firm``, ``contract`` and ``wage`` are as returned by :func:`aggrieved`;
    ``u_file`` holds one uniform per entry of ``rows``.
    """
    union = f.union_rank[firm] < levers.share_union_firms
    # Every factor is non-negative, so only the upper bound of 1 can bind.
    p_file = (1.0 + p.awareness_dispute_gain * w.awareness[rows]) * p.dispute_propensity
    p_file *= np.array([1.0, 1.0 + p.contract_dispute_gain]).take(contract.view(np.uint8))
    p_file *= np.array([1.0, 1.0 + p.union_dispute_gain]).take(union.view(np.uint8))
    np.minimum(p_file, 1.0, out=p_file)
    u = u_file
    files = u < p_file
    filers, at = rows[files], firm[files]
    # Re-use the uniform: given u < p_file, u / p_file is uniform on [0, 1).
    won = u[files] / np.maximum(p_file[files], 1e-12) < p.worker_win_share
    per_firm = np.bincount(at, minlength=f.n)
    collective = per_firm >= p.collective_threshold
    n_collective = np.count_nonzero(collective)
    n_individual = at.size - np.count_nonzero(collective[at])
    compensation = float((won * wage[files] * p.compensation_months).sum())
    w.n_disputes[filers] += 1
    still_there = won & (w.employer[filers] == at)
    w.declare_rank[filers[still_there]] = 0.0
    w.opted_out[filers[still_there]] = False
    np.minimum(per_firm, INT16_MAX, out=f.complaints, casting="unsafe")
    return {
        "firm_had_dispute": per_firm > 0,
        "new_disputes": n_individual + n_collective,
        "new_collective_disputes": n_collective,
        "new_disputants": int(filers.size),
        "new_disputes_won": np.count_nonzero(won),
        "n_aggrieved": int(rows.size),
        "compensation_yuan": compensation,
    }


def arrears_probability(p: Params, ratio: np.ndarray) -> np.ndarray:
    """Each firm's monthly chance of wage arrears: ``arrears_per_year`` x its ``ratio``.

    ``ratio`` is the firm's arrears hazard relative to all industries
    (:func:`model.projects.arrears_ratio`).
    """
    yearly = np.minimum(p.arrears_per_year * np.asarray(ratio, dtype=np.float64), 0.999999)
    return 1.0 - (1.0 - yearly) ** (1.0 / 12.0)


def arrears_firms(prob: np.ndarray, u_firm: np.ndarray) -> np.ndarray:
    """Firms that fall into wage arrears this month (``prob``: per firm, monthly)."""
    return u_firm < prob

"""The local agency: which firms are inspected, what is found, what is collected.

Firms off the agency's roll (outside the supervision system, ``unsupervised_rank``
below the lever, and never detected) are never inspected at random. Among the firms on
the roll the agency spends its yearly capacity ``inspection_rate_per_year`` with weights

    weight = (1 - risk_targeting) + risk_targeting * risk / mean(risk)
    risk   = 1 + 3 * repeat_suspect + 5 * (complaints > 0)   (assumption)

times ``key_firm_weight`` for key firms, ``dispatch_weight`` for labour-dispatch
agencies and the region's inspection capacity (``regions.csv``), where
``repeat_suspect`` marks firms found violating before whose forced-compliance period
(``honest_months``) is over (firms inside it are known to
comply). A complaint (a dispute last month) adds an inspection with probability
``complaint_inspection``, inside or outside supervision, within a separate capacity
of ``complaint_capacity_share`` times the proactive one (2006: 399k complaints
handled beside 1.413m proactive inspections, facts.md 3.2); when more complaints
arrive, each one's chance is scaled down to fit. An inspection of an
evading firm finds it with probability ``detection_power``; the firm pays the
missing contributions for up to ``lookback_months`` with a late fee of 0.05% a day
(Social Insurance Law art. 86), a fine of ``fine_multiple`` times the arrears with
probability ``share_fined``, and must comply fully for ``honest_months``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from model.compliance import BITS, FirmTerms
from model.levers import Levers
from model.params import Params
from model.table import AgentTable


def inspection_probability(
    f: AgentTable,
    levers: Levers,
    t: int,
    honest_months: int,
    complaint_capacity_share: float,
    terms: FirmTerms,
) -> np.ndarray:
    """Chance each firm is inspected this month (internal clock ``t``)."""
    supervised, n_supervised = terms.supervised(levers)
    complained = f.complaints > 0
    repeat_suspect = f.flagged & (t - f.ti_detected >= honest_months)
    risk = 1.0 + 3.0 * repeat_suspect + 5.0 * complained
    # Risk scores are whole numbers, so this sum is exact in any order.
    mean_risk = np.add.reduce(risk, where=supervised) / n_supervised if n_supervised else 1.0
    weight = (1.0 - levers.risk_targeting) + (levers.risk_targeting / mean_risk) * risk
    # Key firms and dispatch agencies: weight by kind (0 other, 1 key, 2 dispatch, 3 both).
    kind_weight = np.array(
        [
            1.0,
            levers.key_firm_weight,
            levers.dispatch_weight,
            levers.key_firm_weight * levers.dispatch_weight,
        ]
    )
    weight *= kind_weight.take(terms.kind)
    weight *= terms.capacity  # the region's inspectors (poorer regions, fewer staff)
    weight *= supervised
    total = weight.sum()
    expected = levers.inspection_rate_per_year / 12.0 * n_supervised
    prob = np.minimum(expected * weight / total, 1.0) if total > 0 else np.zeros(f.n)
    # Complaint-driven inspections have their own, limited capacity (2006: 399k complaints
    # handled beside 1.413m proactive inspections): when more complaints would be followed
    # up than that, each complaint's chance is scaled down.
    n_complained = int(np.count_nonzero(complained))
    follow_up = levers.complaint_inspection
    if n_complained:
        capacity = complaint_capacity_share * expected
        follow_up = min(follow_up, capacity / n_complained)
    return 1.0 - (1.0 - prob) * (1.0 - follow_up * complained)


def owed_schemes(f: AgentTable, payable: np.ndarray) -> np.ndarray:
    """Bitmask of the schemes each firm must pay itself this month.

    ``payable`` is :attr:`FirmTerms.payable` (every scheme, or injury for a labour
    crew). A crew whose current project is insured by project owes nothing: the
    project's premium is paid by the general contractor on the project's cost.
    """
    return np.where(f.project_insured, np.uint8(0), payable)


def evading(f: AgentTable, payable: np.ndarray) -> np.ndarray:
    """Firms with workers that break the law: a scheme owed unpaid, headcount or base short.

    A firm owes what it can pay (:func:`owed_schemes`; a labour crew: injury only, and
    nothing while its project is insured by project).
    """
    owed = owed_schemes(f, payable)
    unpaid = (f.offers & owed) != owed
    short = unpaid | (f.declared_share < 1.0) | ~f.full_base
    return (f.headcount > 0) & (owed != 0) & short


def missing_rate(f: AgentTable, levers: Levers, rows: np.ndarray, terms: FirmTerms) -> np.ndarray:
    """Unpaid employer contributions as a share of the wage bill, for firms ``rows``.

    Undeclared workers' and unpaid schemes' contributions on the full base, plus, at a
    firm paying on the floor, the declared workers' contributions on the wage above it.
    """
    rates = terms.rates(levers)[rows]  # a scheme a firm cannot pay has rate 0
    paid_share = ((f.offers[rows, None] & BITS) != 0) * f.declared_share[rows, None]
    base_gap = np.where(f.full_base[rows], 0.0, terms.floor_gap[rows])
    paid = (rates * paid_share).sum(axis=1)
    return (rates.sum(axis=1) - paid) * terms.base_ratio[rows] + paid * base_gap


def inspect(
    f: AgentTable,
    p: Params,
    levers: Levers,
    month: int,
    *,
    wage_bill: Callable[[np.ndarray], np.ndarray],
    u_pick: np.ndarray,
    u_detect: np.ndarray,
    u_fine: np.ndarray,
    terms: FirmTerms,
) -> dict[str, Any]:
    """Inspect, detect and collect. Returns this month's totals and who was inspected.

    The detected firms are made to comply by the caller
    (:func:`model.compliance.comply_fully`), after the arrears are computed here.

    Args:
        f: the firms.
        p: parameters.
        levers: the levers in force.
        month: internal clock.
        wage_bill: gives the real wage bill this month of the firms in the rows it is
            passed, yuan (agent units); called only when some evasion is found.
        u_pick: one uniform per firm from the inspect stream (who is inspected).
        u_detect: one uniform per firm (whether evasion is found).
        u_fine: one uniform per firm (whether a fine is imposed).
        terms: the firms' fixed compliance terms.

    Returns:
        ``inspected`` (bool per firm), ``detected`` (rows of firms found evading),
        ``n_inspections``, ``n_detections`` and the money collected (agent units).
    """
    inspected = u_pick < inspection_probability(
        f, levers, month, p.honest_months, p.complaint_capacity_share, terms
    )
    detected = inspected & evading(f, terms.payable) & (u_detect < levers.detection_power)
    rows = np.flatnonzero(detected)
    money = dict.fromkeys(
        ("back_payments_yuan", "late_fees_yuan", "fines_yuan", "reputation_loss_yuan"), 0.0
    )
    if rows.size:
        bill = wage_bill(rows)
        last = np.where(f.ti_inspected[rows] >= 0, f.ti_inspected[rows], month - p.lookback_months)
        # Months of forced compliance after an earlier detection were not evaded.
        forced_until = np.where(f.ti_detected[rows] >= 0, f.ti_detected[rows] + p.honest_months, -1)
        last = np.maximum(last, forced_until)
        months_back = np.minimum(p.lookback_months, np.maximum(month - last, 1))
        back_pay = bill * missing_rate(f, levers, rows, terms) * months_back
        fined = u_fine[rows] < levers.share_fined
        money["back_payments_yuan"] = float(back_pay.sum())
        money["late_fees_yuan"] = float(
            (back_pay * months_back).sum() * (p.late_fee_per_day * 30.0 / 2.0)
        )
        money["fines_yuan"] = float((back_pay * fined).sum() * levers.fine_multiple)
        money["reputation_loss_yuan"] = float(bill.sum() * levers.reputation_cost)
        f.flagged[rows] = True
        f.ti_detected[rows] = month
    f.ti_inspected[inspected] = month
    f.n_inspections[inspected] += 1
    # Complaints were read above; the dispute step replaces them all later this month.
    return {
        "inspected": inspected,
        "detected": rows,
        "n_inspections": np.count_nonzero(inspected),
        "n_detections": int(rows.size),
        **money,
    }

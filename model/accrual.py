"""Pension months, points, breaks in coverage (断保), cash-outs and money flows.

Contribution base of a covered worker (yuan/month): her wage, floored at
``base_floor_share`` of the local average wage and capped at 3 times it; a firm
paying on the floor uses the floor. Employer and employee contributions are the
rates times the base for each covered scheme; a subsidy pays a share of them (at
most ``worker_subsidy_cap`` toward the worker's part and ``firm_subsidy_cap`` toward
the employer's, yuan per worker a month) until the year's budget is spent.
"""

from __future__ import annotations

import numpy as np

from model import sectors, structure
from model.codes import N_SCHEMES, Scheme
from model.compliance import employer_rates
from model.labour_market import Jobs
from model.levers import Levers
from model.params import Params
from model.table import AgentTable

#: Local average wage by region over the national one (the floor and cap by region).
REGION_RATIO = structure.REGION_AVERAGE_WAGE_RATIO


def cash_out(
    w: AgentTable,
    movers: np.ndarray,
    portability: float,
    propensity: float,
    u: np.ndarray,
    year: float,
    ban_year: float,
) -> int:
    """Cross-region movers whose rights do not follow them may cash out (退保) and lose years.

    Only before the ban (2010-01-01: 国办发〔2009〕66号 art. 3; the parameter
    ``cash_out_ban_year``): from then on a mover's contribution years follow her.

    Args:
        w: the workers.
        movers: rows of this month's cross-region movers.
        portability: chance that pension rights follow a mover (the lever in force).
        propensity: chance that an unprotected mover cashes out before the ban.
        u: one uniform per mover.
        year: decimal calendar year of the move.
        ban_year: decimal year from which cash-outs are banned.
    """
    has_years = w.contrib_months[movers] > 0
    lose = has_years & (u < (1.0 - portability) * propensity) & (year < ban_year)
    w.contrib_months[movers[lose]] = 0
    w.points[movers] = 0  # points are local: they stay in the old city
    return np.count_nonzero(lose)


def accrue(w: AgentTable, before: np.ndarray, employed: np.ndarray) -> dict[str, int]:
    """Pension months, points, breaks and spells without cover after this month's coverage.

    Everyone whose pension is paid gains a contribution month and a point; a worker
    covered last month (``before``: last month's bits) and not now has a break; a
    pension that stopped is a pension break; the spell without cover grows for employed
    workers without cover and is 0 for everyone else. Returns the month's break counts.
    Counters cannot overflow int16: nobody works more than ~650 months (age 16 to 70).
    """
    pension = np.uint8(1 << Scheme.PENSION)
    paid = (w.covered & pension) >> np.uint8(Scheme.PENSION)  # 1 where paid, else 0
    np.add(w.contrib_months, paid, out=w.contrib_months)
    np.add(w.points, paid, out=w.points)
    uncovered = w.covered == 0
    broke = (before != 0) & uncovered
    np.add(w.n_breaks, broke, out=w.n_breaks)
    spell = w.months_uncovered
    spell += np.int16(1)  # one more month ...
    spell *= employed & uncovered  # ... for employed workers without cover, else 0
    return {
        "new_breaks": np.count_nonzero(broke),
        "new_breaks_pension": np.count_nonzero((before & pension) > (w.covered & pension)),
    }


def rate_tables(p: Params, levers: Levers) -> tuple[np.ndarray, np.ndarray]:
    """Summed rates by coverage bitmask: employer (mask x industry) and employee (mask)."""
    masks = np.arange(1 << N_SCHEMES)
    paid = ((masks[:, None] >> np.arange(N_SCHEMES)) & 1).astype(np.float64)  # (32, 5)
    industries = np.arange(len(sectors.INDUSTRY_SHARE))
    employer = paid @ employer_rates(p, levers, industries).T  # (32, n_industries)
    ee = np.zeros(N_SCHEMES)
    ee[Scheme.PENSION] = p.employee_rate_pension
    ee[Scheme.MEDICAL] = p.employee_rate_medical
    ee[Scheme.UNEMPLOYMENT] = p.employee_rate_unemployment
    return employer, paid @ ee


def money(
    w: AgentTable,
    f: AgentTable,
    p: Params,
    levers: Levers,
    *,
    wage_index: float,
    subsidy_left: float,
    scale: float,
    jobs: Jobs,
    tables: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, float]:
    """Contributions, subsidies and employer cost this month, in real yuan.

    Args:
        w: the workers.
        f: the firms.
        p: parameters.
        levers: the levers in force.
        wage_index: nominal wage level this month (1 in month 1).
        subsidy_left: subsidy budget left, yuan (real units).
        scale: real persons per agent.
        jobs: this month's jobs.
        tables: :func:`rate_tables` for these levers, if the caller keeps them.
    """
    employer_table, employee_table = tables if tables is not None else rate_tables(p, levers)
    rows = np.flatnonzero(w.covered != 0)  # (nonzero is slower on uint8 than on bool)
    # Contribution base: the wage between the local floor and 3 times the local average
    # wage, or the floor at a firm paying on the floor.
    local = (p.local_average_wage * wage_index) * REGION_RATIO.take(w.region[rows])
    floor = p.base_floor_share * local
    base = w.wage[rows].astype(np.float64)
    np.maximum(base, floor, out=base)
    np.minimum(base, 3.0 * local, out=base)
    np.copyto(base, floor, where=~f.full_base.take(jobs.slot[rows] - 1))
    bits = w.covered[rows]
    cell = bits.astype(np.intp) * employer_table.shape[1] + w.industry[rows]
    employer_rate = employer_table.ravel().take(cell)
    employer = float(np.dot(employer_rate, base))
    employee = float(np.dot(employee_table.take(bits), base))
    subsidy = firm_part = 0.0
    if levers.worker_subsidy_share or levers.firm_subsidy_share:
        subsidy, firm_part = _subsidy(
            levers,
            subsidy_left,
            scale,
            employer_rate * base,
            employee_table.take(bits) * base,
        )
    return {
        "contribution_income_yuan": (employer + employee) * scale,
        "employer_contributions_yuan": employer * scale,
        "subsidy_spending_yuan": subsidy,
        "firm_subsidy_yuan": firm_part,
    }


def _subsidy(
    levers: Levers,
    subsidy_left: float,
    scale: float,
    employer: np.ndarray,
    employee: np.ndarray,
) -> tuple[float, float]:
    """Subsidy spending this month and the part of it paying employer contributions, yuan.

    Each covered worker's subsidy (contributions ``employer`` and ``employee``, yuan a
    month) is the subsidised share of her own contributions, at most
    ``worker_subsidy_cap``, plus the subsidised share of her employer's, at most
    ``firm_subsidy_cap``; spending stops at the year's budget left (``subsidy_left``).
    """
    to_worker = levers.worker_subsidy_share * employee
    to_firm = levers.firm_subsidy_share * employer
    if np.isfinite(levers.worker_subsidy_cap):
        np.minimum(to_worker, levers.worker_subsidy_cap, out=to_worker)
    if np.isfinite(levers.firm_subsidy_cap):
        np.minimum(to_firm, levers.firm_subsidy_cap, out=to_firm)
    firm_total = float(to_firm.sum()) * scale
    total = float(to_worker.sum()) * scale + firm_total
    subsidy = min(total, max(subsidy_left, 0.0))
    # The firm's part, scaled down with the budget like the rest.
    firm_part = firm_total * subsidy / total if total > 0 else 0.0
    return subsidy, firm_part

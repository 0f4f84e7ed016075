"""Separation from employers and re-employment, possibly in another region.

Monthly separation hazard of an employed worker (``turnover_per_year`` converted once):

    p_sep = [1 - (1 - turnover_per_year)^(1/12)] * industry multiplier
            * (1 - insured_attachment * insured) * (1 - contract_attachment * contract)
            * (1 - union_attachment * union)

A share ``share_dismissal`` of separations are dismissals (an unemployment shock).
Job seekers find a job with probability 1 / months_out_of_work a month; a share
``share_moves_cross_region`` of hires are drawn anywhere in the country (by the
regional shares of migrant employment), the rest in the seeker's region; the firm
is drawn with probability proportional to its open vacancies (:class:`Vacancies`).
Wages follow the nominal wage index every month (:func:`raise_wages`), for new hires
and stayers alike. Construction crews' project ends are in :mod:`model.projects`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from model import sectors, structure
from model.table import AgentTable

CONTRACT_IF_FORMAL = structure.CONTRACT_IF_FORMAL
CONTRACT_IF_INFORMAL = structure.CONTRACT_IF_INFORMAL
VACANCY_FLOOR = 0.01  # share of its target size a full firm still hires at (a full region hires)


def monthly(rate_per_year: float) -> float:
    """Monthly probability of an event with the given annual probability."""
    return 1.0 - (1.0 - min(rate_per_year, 0.999999)) ** (1.0 / 12.0)


def separation_probability(
    w: AgentTable, rows: np.ndarray, union: np.ndarray, hazard: np.ndarray
) -> np.ndarray:
    """Monthly separation probability of workers ``rows`` (0 for those without a job).

    The hazard takes one of 7 x 2 x 2 x 2 values (industry, insured, contract, union),
    so it is computed once (:func:`hazard_table`, passed here raveled) and looked up.
    """
    # Per firm: union bit and 'employed' bit; row 0 stands for 'no firm' (all bits 0).
    firm_bits = np.empty(union.size + 1, dtype=np.uint8)
    firm_bits[0] = 0
    firm_bits[1:] = (union.view(np.uint8) << np.uint8(1)) | np.uint8(1)
    code = firm_bits.take(w.employer[rows] + 1)
    code |= w.industry[rows].view(np.uint8) << np.uint8(4)
    code |= (w.covered[rows] != 0).view(np.uint8) << np.uint8(3)
    code |= w.contract[rows].view(np.uint8) << np.uint8(2)
    return hazard.take(code)


def hazard_table(p, turnover_per_year: float) -> np.ndarray:
    """Separation hazard by (industry, insured, contract, union, employed), float32.

    Each cut is applied in turn as a float64 product rounded to float32, the same
    arithmetic as multiplying a float32 hazard array in place; the hazard of a worker
    without a job is 0.
    """
    hazard = (monthly(turnover_per_year) * structure.INDUSTRY_TURNOVER).astype(np.float32)
    table = np.broadcast_to(hazard[:, None, None, None], (hazard.size, 2, 2, 2))
    flag = np.array([0.0, 1.0])
    for axis, cut in enumerate(
        (p.insured_attachment, p.contract_attachment, p.union_attachment), start=1
    ):
        shape = [1, 1, 1, 1]
        shape[axis] = 2
        table = (table * (1.0 - cut * flag).reshape(shape)).astype(np.float32)
    return np.stack([np.zeros_like(table), table], axis=-1)


class Separations(NamedTuple):
    """This month's separations, with what the leavers had in their last month."""

    rows: np.ndarray  # workers who left
    dismissed_firm: np.ndarray  # firm that dismissed each leaver, -1 if she quit
    bits: np.ndarray  # coverage bits in the last month of the job
    contract: np.ndarray  # had a written contract
    wage: np.ndarray  # last wage, yuan/month


def separate(
    w: AgentTable,
    rows: np.ndarray,
    u: np.ndarray,
    prob: np.ndarray,
    share_dismissal: float,
    month: int,
) -> Separations:
    """End the jobs of ``rows`` where ``u < prob``; dismissals are the lowest share of those.

    ``rows`` may be any workers (those without a job have ``prob`` 0), with one uniform
    ``u`` and one probability ``prob`` each.
    """
    ends = u < prob
    leaving = rows[ends]
    dismissed_firm = np.where(
        u[ends] < prob[ends] * share_dismissal, w.employer[leaving], -1
    ).astype(np.int32)
    left = Separations(
        leaving,
        dismissed_firm,
        w.covered[leaving].copy(),
        w.contract[leaving].copy(),
        w.wage[leaving].copy(),
    )
    w.employer[leaving] = -1
    w.wage[leaving] = 0.0
    w.contract[leaving] = False
    w.ti_separated[leaving] = month
    return left


class Jobs(NamedTuple):
    """Who works where this month, taken once after hiring (nothing moves it later).

    ``slot`` is each worker's employer row + 1 (intp), 0 for a worker without a job: a
    firm column with a 'no firm' value in front (:func:`by_slot`) gives every worker's
    value with one ``take``.
    """

    slot: np.ndarray  # employer row + 1 per worker, 0 without a job
    employed: np.ndarray  # bool per worker


def jobs(w: AgentTable) -> Jobs:
    """This month's :class:`Jobs`."""
    slot = np.add(w.employer, 1, dtype=np.intp)  # one pass: widen and shift
    return Jobs(slot, slot > 0)


def by_slot(values: np.ndarray, none: object) -> np.ndarray:
    """Firm column ``values`` with ``none`` in front, to be indexed by :attr:`Jobs.slot`."""
    out = np.empty(values.size + 1, dtype=values.dtype)
    out[0] = none
    out[1:] = values
    return out


def headcount(jobs: Jobs, n_firms: int) -> np.ndarray:
    """Workers employed at each firm."""
    return np.bincount(jobs.slot, minlength=n_firms + 1)[1:]


def settle(w: AgentTable, f: AgentTable) -> Jobs:
    """Employment once hiring is over: this month's :class:`Jobs` and firms' headcount."""
    settled = jobs(w)
    f.headcount[:] = headcount(settled, f.n)
    return settled


class Vacancies:
    """Firm sampling by region with probability proportional to open vacancies.

    A firm's weight is ``max(size_target - headcount, 0) + VACANCY_FLOOR * size_target``:
    firms hire toward their target size, so a firm whose workers quit less does not
    outgrow it. Call :meth:`update` with this month's headcounts before drawing.
    """

    def __init__(self, firms: AgentTable) -> None:
        """Index the region blocks; firms must be sorted by region."""
        if np.any(np.diff(firms.region) < 0):
            raise ValueError("firms must be sorted by region")
        self.target = firms.size_target.astype(np.float64)
        starts = np.searchsorted(firms.region, np.arange(len(sectors.WORK_SHARE) + 1))
        self.start = starts[:-1]
        self.stop = starts[1:]
        if np.any(self.stop <= self.start):
            raise ValueError("every region needs at least one firm; raise n_workers")
        self.last = self.stop - 1
        self.update(np.zeros(firms.n, dtype=np.int64))

    def update(self, headcount: np.ndarray) -> None:
        """Hiring weights from the firms' current headcounts."""
        weight = np.maximum(self.target - headcount, 0.0)
        weight += VACANCY_FLOOR * self.target
        self.cum = np.cumsum(weight)
        before = np.concatenate([[0.0], self.cum])
        self.lo = before[self.start]
        self.width = before[self.stop] - self.lo

    def draw(self, region: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A firm in each given region, for uniforms ``u``."""
        target = self.lo.take(region) + u * self.width.take(region)
        # Searching the targets in increasing order walks the cumulative weights once
        # instead of jumping about them (3x faster at 1M workers); same firms.
        order = np.argsort(target)
        firm = np.empty(target.size, dtype=np.intp)
        firm[order] = self.cum.searchsorted(target[order], side="right")
        # Guard the block edges against rounding.
        np.maximum(firm, self.start.take(region), out=firm)
        np.minimum(firm, self.last.take(region), out=firm)
        return firm.astype(np.int32)


#: Cumulative shares of employment by region (destinations of cross-region moves).
_WORK_CUM = np.cumsum(sectors.WORK_SHARE)


def choose_region(current: np.ndarray, share_cross: float, u: np.ndarray) -> np.ndarray:
    """Stay in ``current`` unless ``u < share_cross``; movers draw a region by employment share."""
    moving = u < share_cross
    # Re-use the uniform: given u < share_cross, u / share_cross is uniform on [0, 1).
    dest = _WORK_CUM.searchsorted(u / max(share_cross, 1e-12), side="right")
    np.minimum(dest, len(_WORK_CUM) - 1, out=dest)  # rounding guard
    return np.where(moving, dest, current).astype(np.int8)


def raise_wages(w: AgentTable, factor: float) -> None:
    """Index every wage by this month's nominal wage growth ``factor`` (0 between jobs stays 0).

    Hires are paid ``mean_wage * wage_index * firm wage level * skill`` (:func:`hire`);
    indexing each month keeps job stayers on that formula, as the contribution floor is.
    """
    np.multiply(w.wage, np.float32(factor), out=w.wage)


def hire(
    w: AgentTable,
    f: AgentTable,
    rows: np.ndarray,
    firm: np.ndarray,
    *,
    wage_index: float,
    mean_wage: float,
    u_contract: np.ndarray,
    u_rank: np.ndarray,
    month: int,
) -> None:
    """Start jobs for workers ``rows`` at firms ``firm`` (uniforms already indexed by row).

    A hire's opt-out is reset by the enrolment step (:func:`model.enrolment.start_jobs`).
    """
    w.employer[rows] = firm
    w.region[rows] = f.region[firm]
    w.industry[rows] = f.industry[firm]
    w.wage[rows] = mean_wage * wage_index * f.wage_level[firm] * w.skill[rows]
    p_contract = np.where(f.formal[firm], CONTRACT_IF_FORMAL, CONTRACT_IF_INFORMAL)
    w.contract[rows] = u_contract < p_contract
    w.declare_rank[rows] = u_rank
    w.ti_hired[rows] = month

"""The month being simulated: its clock, prices, levers and the sub-steps' hand-offs.

One :class:`Month` is built at the top of every step (and of every burn-in month)
and passed to each sub-step in turn (:data:`model.substeps.SUBSTEPS`). A sub-step
reads what earlier sub-steps left in it and fills in what later ones need; nothing
in it outlives the month except through the agents' columns and the results table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.labour_market import Jobs, Separations
from model.levers import Levers


@dataclass(slots=True)
class Month:
    """One month's inputs and the hand-offs between its sub-steps.

    Attributes:
        t: internal clock (agents' ``ti_`` columns, random-stream keys); calendar
            month m is ``t = burn_in_months + m``, so burn-in months have m <= 0.
        month: calendar month, 1 = January of ``start_year`` (0 = the start).
        wage_index: nominal wage level relative to 2011 (NBS series, model/wage_path.py).
        floor: contribution base floor of each region, yuan/month (by region code).
        levers: the levers in force (set by the ``apply_policies`` sub-step).
        flows: this month's flows (outcome name -> value), recorded by ``record``.
        before: coverage bitmask of every worker at the start of the month (after
            retirees' rows became entrants), for breaks in coverage.
        left: this month's separations (``change_jobs``).
        hired: rows of this month's hires (``change_jobs``).
        moved: rows of this month's cross-region movers, a subset of ``hired``.
        jobs: who works where, settled once hiring is over (``change_jobs``).
        inspected: bool per firm, inspected this month (``comply_and_inspect``).
        firm_had_dispute: bool per firm, a case filed against it this month.
        enrolment_counts: declared, offered and opted-out workers (``enrol``).
    """

    t: int
    month: int
    wage_index: float
    floor: np.ndarray
    levers: Levers
    flows: dict[str, Any] = field(default_factory=dict)
    before: np.ndarray | None = None
    left: Separations | None = None
    hired: np.ndarray | None = None
    moved: np.ndarray | None = None
    jobs: Jobs | None = None
    inspected: np.ndarray | None = None
    firm_had_dispute: np.ndarray | None = None
    enrolment_counts: dict[str, int] = field(default_factory=dict)

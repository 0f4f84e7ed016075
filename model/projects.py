"""Construction as it works: labour crews (包工头), projects, and arrears concentrated there.

An informal construction firm (no contracts, ledger or payroll; 75.1% of construction
workers had no contract in 2012, facts.md 1.9) is a labour crew working for a
general contractor on one project at a time. Its project ends with probability
``1 / project_months`` a month and then every worker of the crew separates; the crew
hires again for the next project. Wage arrears, 1.8% of construction workers against
0.84% of all in 2016 (facts.md 1.11), are put on the crews: the formal general
contractors have the all-industry rate. Work-injury insurance by project
(按项目参保, 人社部发〔2014〕103号, policy ``ProjectInjuryInsurance``) insures a share of
the projects that start while it is in force.
"""

from __future__ import annotations

import numpy as np

from model import structure
from model.codes import Industry
from model.labour_market import Separations, separate
from model.levers import Levers
from model.table import AgentTable


def crews(f: AgentTable) -> np.ndarray:
    """Firms that are labour crews: informal construction firms."""
    return (f.industry == Industry.CONSTRUCTION) & ~f.formal


def arrears_ratio(f: AgentTable) -> np.ndarray:
    """Each firm's wage-arrears hazard relative to the all-industry rate (2016 structure).

    Construction's ratio is met on average: general contractors get 1, crews the rest,
    weighted by the firms' target sizes (their expected employment).
    """
    ratio = structure.INDUSTRY_ARREARS_RATIO[f.industry].astype(np.float64)
    crew = crews(f)
    construction = f.industry == Industry.CONSTRUCTION
    size = f.size_target.astype(np.float64)
    crew_size, all_size = size[crew].sum(), size[construction].sum()
    if crew_size > 0:
        target = structure.INDUSTRY_ARREARS_RATIO[Industry.CONSTRUCTION]
        ratio[construction & ~crew] = 1.0
        ratio[crew] = (target * all_size - (all_size - crew_size)) / crew_size
    return ratio


def project_ends(crew: np.ndarray, u: np.ndarray, project_months: float) -> np.ndarray:
    """Crews whose project ends this month (one uniform per firm)."""
    return crew & (u < 1.0 / project_months)


def end_projects(
    w: AgentTable,
    f: AgentTable,
    crew: np.ndarray,
    rng: np.random.Generator,
    project_months: float,
    levers: Levers,
    month: int,
) -> Separations | None:
    """End this month's finished projects: their crews' workers leave; next projects start.

    The next project of a crew whose project ended is insured against injury by project
    with the share in force (``levers.project_injury_share``; 0 at the status quo).

    Args:
        w: the workers.
        f: the firms.
        crew: bool per firm, a labour crew (:func:`crews`).
        rng: this month's ``projects`` stream (two uniforms per firm).
        project_months: mean project length, months.
        levers: the levers in force.
        month: internal clock.

    Returns:
        The crews' leavers (none of them dismissed), or None if no crew had workers.
    """
    u_end, u_insured = rng.random(f.n), rng.random(f.n)
    ended = project_ends(crew, u_end, project_months)
    f.project_insured[ended] = u_insured[ended] < levers.project_injury_share
    if not ended.any():
        return None
    # Only construction workers can work for a crew: a hire takes the firm's industry
    # (model.labour_market.hire), so a fifth of the workers are looked at, not all.
    builders = np.flatnonzero(w.industry == Industry.CONSTRUCTION)
    # A lookup with 'no firm' (False) at the end: an employer of -1 takes the last entry.
    lookup = np.zeros(f.n + 1, dtype=bool)
    lookup[: f.n] = ended
    leaving = builders[lookup.take(w.employer[builders])]
    if leaving.size == 0:
        return None
    ones = np.ones(leaving.size)
    return separate(w, leaving, u=ones, prob=ones + 1.0, share_dismissal=0.0, month=month)

"""Declared agent state and the synthetic starting population (January of the start year).

Workers and firms are drawn from the national figures in ``inputs.csv`` (age, sex,
education, origin, region of work, industry, wages); firm traits that no survey
reports are drawn from the stated assumptions in :class:`model.params.Params`.
"""

from __future__ import annotations

import numpy as np

from model import firm_traits, sectors, structure
from model.codes import N_SCHEMES, Industry, Region
from model.facts import fact
from model.params import Params
from model.table import BUILT, AgentTable, Column

NONE = -1  # 'no firm' / 'never' in integer columns

#: Why a sub-step other than the owner must write a column (``Column.also``): the change
#: happens between the owner's writes and is read before the owner runs again.
WON_CASE = "a won dispute: the employer declares the worker from then on, opt-out void"
CASH_OUT = "a cross-region mover cashes out (loses years) and leaves her points behind"

#: Worker columns: name -> Column(dtype, default, meaning and unit, owner[, also]).
#: The owner is the one sub-step (``model.substeps.SUBSTEPS``) that changes the column
#: (:class:`model.table.Column`). ``age_and_replace`` rebuilds retirees' rows as
#: entrants: it writes every column, but only on those rows (as the builder does at
#: the start).
WORKER_COLUMNS = {
    "age": Column(np.float32, 30.0, "age, years", "age_and_replace"),
    "female": Column(np.bool_, False, "sex is female", "age_and_replace"),
    "education": Column(np.int8, 0, "Education code", "age_and_replace"),
    "origin": Column(np.int8, 0, "Region code of origin (hukou)", "age_and_replace"),
    "region": Column(np.int8, 0, "Region code of current or last work", "change_jobs"),
    "industry": Column(np.int8, 0, "Industry code of current or last job", "change_jobs"),
    "employer": Column(np.int32, NONE, "firm row, or -1 between jobs", "change_jobs"),
    "skill": Column(np.float32, 1.0, "individual wage multiplier", "age_and_replace"),
    "wage": Column(np.float32, 0.0, "current wage, yuan/month (0 between jobs)", "change_jobs"),
    "contract": Column(np.bool_, False, "has a written labour contract", "change_jobs"),
    "declare_rank": Column(
        np.float32,
        0.0,
        "position in the firm's declaration order, 0-1",
        "change_jobs",
        also={"shock_and_dispute": WON_CASE},
    ),
    "opted_out": Column(
        np.bool_,
        False,
        "asked to opt out of employee-contributory schemes",
        "enrol",
        also={"shock_and_dispute": WON_CASE},
    ),
    "covered": Column(np.uint8, 0, "bit s set if the employer pays scheme s this month", "enrol"),
    "contrib_months": Column(
        np.int16, 0, "months of pension contributions", "accrue", also={"change_jobs": CASH_OUT}
    ),
    "points": Column(
        np.int16,
        0,
        "insured months in the current region (points)",
        "accrue",
        also={"change_jobs": CASH_OUT},
    ),
    "months_uncovered": Column(
        np.int16, 0, "consecutive months employed without any cover", "accrue"
    ),
    "awareness": Column(np.float32, 0.0, "knowledge of rights and rules, 0-1", "learn"),
    "awareness_base": Column(
        np.float32,
        0.0,
        "awareness the worker returns to without news (by education), 0-1",
        "age_and_replace",
    ),
    "hometown_rank": Column(
        np.float32,
        1.0,
        "in the hometown resident pension when below its enrolled share, 0-1",
        "age_and_replace",
    ),
    "present_bias": Column(
        np.float32, 1.0, "weight on future benefits (beta), 0-1", "age_and_replace"
    ),
    "taste": Column(
        np.float32, 0.0, "persistent taste for enrolment, share of wage", "age_and_replace"
    ),
    "trust": Column(np.float32, 0.0, "belief that pension rights are portable, 0-1", "enrol"),
    "n_breaks": Column(np.int16, 0, "breaks in coverage so far", "accrue"),
    "n_disputes": Column(np.int16, 0, "disputes filed so far", "shock_and_dispute"),
    "ti_hired": Column(np.int32, NONE, "month of the current hire", "change_jobs"),
    "ti_separated": Column(np.int32, NONE, "month of the last separation", "change_jobs"),
}

#: Firm columns: name -> Column(dtype, default, meaning and unit, owner[, also]).
#: ``BUILT`` columns are drawn at the start and never change.
FIRM_COLUMNS = {
    "industry": Column(np.int8, 0, "Industry code", BUILT),
    "region": Column(np.int8, 0, "Region code", BUILT),
    "size_target": Column(np.float32, 1.0, "hiring weight (target headcount), workers", BUILT),
    "wage_level": Column(np.float32, 1.0, "firm wage relative to the national mean", BUILT),
    "formal": Column(np.bool_, False, "keeps contracts, ledger and payroll records", BUILT),
    "key": Column(np.bool_, False, "'key' firm favoured for investment attraction", BUILT),
    "dispatch": Column(np.bool_, False, "labour-dispatch agency", BUILT),
    "union_rank": Column(np.float32, 0.0, "unionised when below the union share lever, 0-1", BUILT),
    "unsupervised_rank": Column(
        np.float32, 0.0, "outside supervision when below that lever, 0-1", BUILT
    ),
    "margin": Column(np.float32, 0.3, "profit per yuan of wage bill", BUILT),
    "norm": Column(np.float32, 0.0, "compliance norm, utility units", BUILT),
    "offers": Column(
        np.uint8,
        0,
        "bit s set if the firm pays scheme s for declared workers",
        "comply_and_inspect",
    ),
    "declared_share": Column(
        np.float32, 0.0, "share of real headcount declared, 0-1", "comply_and_inspect"
    ),
    "full_base": Column(
        np.bool_, False, "pays on true wages rather than the floor", "comply_and_inspect"
    ),
    "perceived_risk": Column(np.float32, 0.05, "perceived inspections per year", "learn"),
    "complaints": Column(
        np.int16, 0, "disputes last month (trigger inspections)", "shock_and_dispute"
    ),
    "flagged": Column(
        np.bool_, False, "found violating at an earlier inspection", "comply_and_inspect"
    ),
    "ti_inspected": Column(np.int32, NONE, "month of the last inspection", "comply_and_inspect"),
    "ti_detected": Column(np.int32, NONE, "month of the last detection", "comply_and_inspect"),
    "headcount": Column(np.int32, 0, "real headcount this month", "change_jobs"),
    "n_inspections": Column(np.int16, 0, "inspections so far", "comply_and_inspect"),
    "project_insured": Column(
        np.bool_, False, "a crew's current project is insured against injury", "change_jobs"
    ),
}

ALL_SCHEMES = np.uint8((1 << N_SCHEMES) - 1)


def _cdf(shares: np.ndarray) -> np.ndarray:
    """Cumulative shares normalised to end at 1.

    A uniform u falls in category ``cdf.searchsorted(u, side="right")`` with the
    category's share.
    """
    cdf = np.asarray(shares, dtype=np.float64).cumsum()
    cdf /= cdf[-1]
    return cdf


EDUCATION_CDF = _cdf(sectors.EDUCATION_SHARE)
ORIGIN_CDF = _cdf(sectors.ORIGIN_SHARE)
WORK_CDF = _cdf(sectors.WORK_SHARE)
INDUSTRY_CDF = _cdf(sectors.INDUSTRY_SHARE)
#: Region of work given region of origin (rows: origin), fitted to both NBS margins
#: from the cross-province shares by origin (facts.md 1.2).
ORIGIN_WORK = structure.ipf(structure.origin_work_seed(), sectors.ORIGIN_SHARE, sectors.WORK_SHARE)
WORK_GIVEN_ORIGIN_CDF = np.cumsum(ORIGIN_WORK / ORIGIN_WORK.sum(axis=1, keepdims=True), axis=1)
WORK_GIVEN_ORIGIN_CDF[:, -1] = 1.0
#: Baseline awareness relative to ``awareness_mean`` by education, none ... college
#: (assumption: lower effective contribution rates for low-education workers, facts.md 3.4).
EDUCATION_AWARENESS = np.array([0.6, 0.8, 1.0, 1.2, 1.4])


def new_workers(p: Params, rng: np.random.Generator) -> AgentTable:
    """Draw the starting workers (no employer yet; see :func:`model.labour_market.hire`)."""
    n = p.n_workers
    w = AgentTable(n, WORKER_COLUMNS)
    w.female[:] = rng.random(n) < p.share_female
    fill_new_entrant_traits(w, np.arange(n), p, rng)
    w.age[:] = draw_ages(n, p, w.female, rng)
    # Contribution histories depend on coverage at the start: :func:`initial_contributions`.
    return w


def fill_new_entrant_traits(
    w: AgentTable,
    rows: np.ndarray,
    p: Params,
    rng: np.random.Generator,
    portability: float | None = None,
) -> None:
    """Draw the traits of workers in ``rows`` as fresh entrants (age is set by the caller).

    Entrants' trust that pension rights follow them starts at ``portability``, the
    portability in force (default: the parameter, i.e. the status quo).
    """
    k = rows.size
    # One uniform per worker for each trait, drawn row by row: education, origin, region
    # of work, industry, hometown rank.
    w.education[rows] = EDUCATION_CDF.searchsorted(rng.random(k), side="right")
    origin = ORIGIN_CDF.searchsorted(rng.random(k), side="right")
    w.origin[rows] = origin
    u_work = rng.random(k)
    region = np.empty(k, dtype=np.int8)
    for o in range(len(Region)):  # region of work given origin
        at = origin == o
        region[at] = WORK_GIVEN_ORIGIN_CDF[o].searchsorted(u_work[at], side="right")
    del u_work
    w.region[rows] = region
    w.industry[rows] = INDUSTRY_CDF.searchsorted(rng.random(k), side="right")
    w.hometown_rank[rows] = rng.random(k)
    w.skill[rows] = np.exp(rng.normal(-0.5 * p.wage_sd_log**2, p.wage_sd_log, k))
    # Baseline awareness by education: one Beta draw per education group.
    education = w.education[rows]
    base = np.empty(k, dtype=np.float32)
    for e, factor in enumerate(EDUCATION_AWARENESS):
        at = np.flatnonzero(education == e)
        base[at] = draw_awareness(min(p.awareness_mean * factor, 0.95), at.size, rng)
    w.awareness_base[rows] = base
    w.awareness[rows] = base
    w.present_bias[rows] = np.minimum(
        np.maximum(rng.normal(p.present_bias, p.present_bias_sd, k), 0), 1
    )
    w.taste[rows] = rng.normal(0.0, p.taste_sd, k)
    w.trust[rows] = p.portability if portability is None else portability
    w.employer[rows] = -1
    w.wage[rows] = 0.0
    w.contract[rows] = False
    w.opted_out[rows] = False
    w.covered[rows] = 0
    w.contrib_months[rows] = 0
    w.points[rows] = 0
    w.months_uncovered[rows] = 0
    w.n_breaks[rows] = 0
    w.n_disputes[rows] = 0
    w.ti_hired[rows] = NONE
    w.ti_separated[rows] = NONE


def draw_awareness(mean: float, k: int, rng: np.random.Generator) -> np.ndarray:
    """Awareness of ``k`` workers, 0-1: Beta(2, b) with mean ``mean`` (constant at 0 or 1)."""
    if mean <= 0.0 or mean >= 1.0:
        return np.full(k, min(max(mean, 0.0), 1.0))
    return rng.beta(2.0, 2.0 * (1.0 - mean) / mean, k)


def initial_contributions(
    w: AgentTable, p: Params, covered: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Months of pension contributions at the start, by coverage at the start.

    Contribution years count from the unified enterprise pension (1998; inputs.csv
    ``unified_pension_start``, facts.md 2.3) or age 18, whichever is later. A worker whose
    pension is paid at the start has been covered a share U(0.5, 1) of those years, one
    whose pension is not a share U(0, 0.1) (assumption: coverage persists with the kind
    of job).

    Args:
        w: the workers.
        p: parameters (``start_year``).
        covered: bool per worker, pension paid at the start.
        rng: the init stream.
    """
    since = np.float32(p.start_year - fact("unified_pension_start"))
    months = np.clip(w.age - np.float32(18.0), np.float32(0.0), since)
    months *= np.float32(12.0)
    u = rng.random(w.n, dtype=np.float32)
    months *= np.where(covered, np.float32(0.5) + np.float32(0.5) * u, np.float32(0.1) * u)
    return months.astype(np.int16)


def draw_ages(n: int, p: Params, female: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ages with the requested mean, from 16 to just below the retirement age (years)."""
    retire = np.where(female, p.retirement_age_women, p.retirement_age_men)
    lo = 16.0
    # A beta shape on [16, retire) whose mean is mean_age for the average retirement age.
    span = retire - lo
    mean_share = np.clip((p.mean_age - lo) / span.mean(), 0.05, 0.95)
    a = 2.0
    b = a * (1 - mean_share) / mean_share
    return (lo + span * rng.beta(a, b, n) * 0.999).astype(np.float32)


def new_firms(p: Params, rng: np.random.Generator) -> AgentTable:
    """Draw the starting firms (sorted by region) by industry, region and size.

    The traits come from the structural inputs (:func:`model.firm_traits.fill_firms`).
    """
    n = max(round(p.n_workers / p.mean_firm_size), len(Region) * len(Industry))
    f = AgentTable(n, FIRM_COLUMNS)
    firm_traits.fill_firms(f, p, rng)
    return f

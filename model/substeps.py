"""The month's sub-steps, in run order: one table, read by ``step`` and the burn-in.

Each sub-step is a function ``run(model, month)`` of the model and this month's
:class:`~model.month.Month`; it reads the agents' columns and what earlier sub-steps
left in the month, and writes only the columns it owns (``owner`` in
``model.population``; ``tests/test_model_ownership.py`` checks it). Each random
sub-step draws from its own named streams (``model.streams``), so a reform and its
baseline share every random number until the reform changes who draws.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from model import (
    accrual,
    beliefs,
    compliance,
    demography,
    disputes,
    enforcement,
    enrolment,
    projects,
    stocks,
    streams,
    trend,
)
from model import labour_market as lm
from model.levers import Levers
from model.month import Month
from model.policies import levers_for_month

if TYPE_CHECKING:
    from model.model import UptakeModel


class Substep(NamedTuple):
    """One entry of :data:`SUBSTEPS`.

    Attributes:
        run: the sub-step, ``run(model, month)``.
        doc: what it does, in one line.
        streams: the random streams it draws from (``model.model.STREAMS``).
        burn_in: whether it runs in the burn-in months (status quo, nothing recorded).
    """

    run: Callable[[UptakeModel, Month], None]
    doc: str
    streams: tuple[str, ...]
    burn_in: bool


def apply_policies(model: UptakeModel, m: Month) -> None:
    """Set this month's levers from the parameters, the Law's trend and the policies."""
    # The status quo's one dated change (model/trend.py): firms' norm after the 2011 Law.
    shift = trend.norm_shift(model.params, m.month)
    base = model.status_quo
    if shift:
        base = dataclasses.replace(base, law_norm_shift=shift)
    levers = levers_for_month(base, model.policies, m.month)
    # Subsidy budgets are yearly: spending counts again from each January.
    year = (m.month - 1) // 12
    if year != model.subsidy_year:
        model.subsidy_year, model.subsidy_spent = year, 0.0
    if model.subsidy_spent >= levers.subsidy_budget_per_year:
        levers = _without_subsidy(levers)
    model.levers = m.levers = levers


def _without_subsidy(levers: Levers) -> Levers:
    return dataclasses.replace(levers, worker_subsidy_share=0.0, firm_subsidy_share=0.0)


def age_and_replace(model: UptakeModel, m: Month) -> None:
    """Age everyone a month; replace retirees by young entrants; note coverage at the start."""
    w = model.workers
    counts = demography.age_and_replace(
        w, model.params, model.stream("age_and_replace", m.t), m.levers.portability
    )
    # Coverage at the start of the month, taken after retirees' rows became entrants
    # (with no cover), so that a retirement is not counted as a break in coverage.
    m.before = w.covered.copy()
    m.flows.update(counts)


def change_jobs(model: UptakeModel, m: Month) -> None:
    """End jobs at the turnover hazard and at crews' project ends, hire job seekers, index wages."""
    w, f, p, lev = model.workers, model.firms, model.params, m.levers
    union = f.union_rank < lev.share_union_firms
    # Separations are rare: only workers whose uniform falls below the highest hazard
    # can leave, so only they are drawn and looked at (model/streams.py).
    rows, u = streams.below(model.stream("separate", m.t), w.n, model.hazard_ceiling)
    prob = lm.separation_probability(w, rows, union, model.hazard)
    m.left = lm.separate(w, rows, u, prob, p.share_dismissal, m.t)
    crew_left = projects.end_projects(
        w, f, model.crews, model.stream("projects", m.t), p.project_months, lev, m.t
    )
    if crew_left is not None:
        m.left = lm.Separations(
            *(np.concatenate([a, b]) for a, b in zip(m.left, crew_left, strict=True))
        )
    lm.raise_wages(w, m.wage_index / model.wage_index(m.t - 1))
    # Those who left a job this month (m.left) look from next month on.
    idle = w.employer < 0
    idle[m.left.rows] = False
    seekers = np.flatnonzero(idle)
    u_find = model.streams.uniforms("job_search", m.t, seekers)
    hires = seekers[u_find < 1.0 / p.months_out_of_work]
    u_region, u_firm, u_contract, u_rank, u_cash = model.streams.uniforms("hiring", m.t, hires, 5).T
    region = lm.choose_region(w.region[hires], p.share_moves_cross_region, u_region)
    cross = (region != w.region[hires]) & (w.ti_hired[hires] >= 0)
    moved = hires[cross]
    model.vacancies.update(f.headcount)
    firm = model.vacancies.draw(region, u_firm)
    lm.hire(
        w,
        f,
        hires,
        firm,
        wage_index=m.wage_index,
        mean_wage=p.mean_wage,
        u_contract=u_contract,
        u_rank=u_rank,
        month=m.t,
    )
    m.hired, m.moved = hires, moved
    cashouts = 0
    if moved.size:
        cashouts = accrual.cash_out(
            w,
            moved,
            lev.portability,
            p.cash_out_propensity,
            u_cash[cross],
            model.year(m.t),
            p.cash_out_ban_year,
        )
    m.jobs = lm.settle(w, f)  # employment is settled for the month from here on
    m.flows.update(
        {
            "new_separations": int(m.left.rows.size),
            "new_hires": int(hires.size),
            "new_cross_region_moves": int(moved.size),
            "new_cashouts": cashouts,
        }
    )


def comply_and_inspect(model: UptakeModel, m: Month) -> None:
    """Firms under review choose; the agency inspects and collects; detected firms comply."""
    w, f, p, lev = model.workers, model.firms, model.params, m.levers
    u_review = model.stream("decide_compliance", m.t).random(f.n)
    compliance.decide(
        f, p, lev, m.t, u_review=u_review, terms=model.firm_terms, wage_index=m.wage_index
    )
    rng = model.stream("inspect", m.t)
    u_pick, u_detect, u_fine = (rng.random(f.n) for _ in range(3))
    slot = m.jobs.slot

    def wage_bill(rows: np.ndarray) -> np.ndarray:
        # Only the workers of firms ``rows`` are summed (a bool take, then a short
        # bincount); each firm's wages are added in worker order, as over all workers.
        wanted = np.zeros(f.n + 1, dtype=bool)
        wanted[rows + 1] = True
        mine = np.flatnonzero(wanted.take(slot))
        bills = np.bincount(slot.take(mine), weights=w.wage.take(mine), minlength=f.n + 1)
        return bills[rows + 1]

    result = enforcement.inspect(
        f,
        p,
        lev,
        m.t,
        wage_bill=wage_bill,
        u_pick=u_pick,
        u_detect=u_detect,
        u_fine=u_fine,
        terms=model.firm_terms,
    )
    m.inspected = result.pop("inspected")
    compliance.comply_fully(f, result.pop("detected"), model.firm_terms)
    for k in ("back_payments_yuan", "late_fees_yuan", "fines_yuan", "reputation_loss_yuan"):
        result[k] *= model.scale
    m.flows.update(result)


def enrol(model: UptakeModel, m: Month) -> None:
    """Movers learn about portability; hires and reviewing workers opt in or out; cover set."""
    w, f, p, lev = model.workers, model.firms, model.params, m.levers
    enrolment.start_jobs(w, m.hired)
    beliefs.movers_learn_portability(w, m.moved, lev.portability)
    enrolment.choose(
        w,
        f,
        p,
        lev,
        m.t,
        hires=m.hired,
        floor=m.floor,
        jobs=m.jobs,
        hometown_share=model.hometown_share(m.t),
    )
    m.enrolment_counts = enrolment.set_coverage(w, f, m.jobs)
    # Trust is read only by the choice above: it drifts toward portability for next month.
    beliefs.drift_trust(w, lev.portability)


def shock_and_dispute(model: UptakeModel, m: Month) -> None:
    """Injuries, illness, births, dismissals and wage arrears; the aggrieved may file disputes."""
    w, f, p = model.workers, model.firms, model.params
    rng = model.stream("shock_and_dispute", m.t)
    candidates, u_shock = streams.below(rng, w.n, disputes.shock_ceiling(p))
    arrears = disputes.arrears_firms(model.arrears_probability, rng.random(f.n))
    rows, firm, contract, wage, counts = disputes.aggrieved(
        w, p, candidates, u_shock, arrears, m.left, m.jobs
    )
    u_file = model.streams.uniforms("dispute_file", m.t, rows)
    result = disputes.file_disputes(
        w, f, p, m.levers, rows=rows, firm=firm, contract=contract, wage=wage, u_file=u_file
    )
    m.firm_had_dispute = result.pop("firm_had_dispute")
    result["compensation_yuan"] *= model.scale
    m.flows.update(counts)
    m.flows.update(result)


def learn(model: UptakeModel, m: Month) -> None:
    """Firms update their perceived inspection risk; workers' awareness moves."""
    compliance.learn_risk(model.firms, model.params, m.inspected, model.peer_cells)
    beliefs.learn_awareness(
        model.workers, model.params, m.levers.worker_publicity, m.firm_had_dispute, m.jobs
    )


def accrue(model: UptakeModel, m: Month) -> None:
    """Pension months, points, breaks in coverage; contributions and subsidies paid."""
    w, f, p, lev = model.workers, model.firms, model.params, m.levers
    m.flows.update(accrual.accrue(w, m.before, m.jobs.employed))
    m.flows.update(
        accrual.money(
            w,
            f,
            p,
            lev,
            wage_index=m.wage_index,
            subsidy_left=lev.subsidy_budget_per_year - model.subsidy_spent,
            scale=model.scale,
            jobs=m.jobs,
            tables=model.rates(lev),
        )
    )


def record(model: UptakeModel, m: Month) -> None:
    """Write the month's flows and end-of-month stocks into the results table."""
    values = m.flows
    values.update(
        stocks.stocks(model.workers, model.firms, m.enrolment_counts, model.firm_terms.payable)
    )
    values.update(stocks.continuity(model.workers, m.before, values.get("new_breaks", 0)))
    # The firm subsidy pays part of the employer contributions, never more; a full
    # subsidy can leave -1e-6 yuan of float rounding, which must not read as a gain.
    values["firm_cost_yuan"] = (
        max(values["employer_contributions_yuan"] - values["firm_subsidy_yuan"], 0.0)
        + values["back_payments_yuan"]
        + values["late_fees_yuan"]
        + values["fines_yuan"]
        + values["compensation_yuan"]
    )
    model.results.add(m.month, values)
    model.subsidy_spent += values["subsidy_spending_yuan"]
    if hasattr(model, "datacollector"):
        model.datacollector.collect(model)


def _entry(run: Callable[[UptakeModel, Month], None], *names: str, burn_in: bool = True):
    return Substep(run, (run.__doc__ or "").strip(), names, burn_in)


#: The month, in run order: name -> :class:`Substep`. The burn-in runs the entries with
#: ``burn_in`` set (no policies, no ageing, nothing recorded).
SUBSTEPS: dict[str, Substep] = {
    "apply_policies": _entry(apply_policies, burn_in=False),
    "age_and_replace": _entry(age_and_replace, "age_and_replace", burn_in=False),
    "change_jobs": _entry(change_jobs, "separate", "projects", "job_search", "hiring"),
    "comply_and_inspect": _entry(comply_and_inspect, "decide_compliance", "inspect"),
    "enrol": _entry(enrol),
    "shock_and_dispute": _entry(shock_and_dispute, "shock_and_dispute", "dispute_file"),
    "learn": _entry(learn),
    "accrue": _entry(accrue),
    "record": _entry(record, burn_in=False),
}


def schedule() -> str:
    """The sub-steps as a numbered list (for docstrings and the command line)."""
    return "\n".join(
        f"{i}. ``{name}``: {step.doc}" for i, (name, step) in enumerate(SUBSTEPS.items(), start=1)
    )

"""``UptakeModel``: migrant workers, firms and the local agency as a vectorised Mesa model."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import mesa
import numpy as np
import pandas as pd

from model import (
    accrual,
    compliance,
    disputes,
    enrolment,
    hometown,
    population,
    projects,
    structure,
    views,
    wage_path,
)
from model import labour_market as lm
from model.codes import Scheme
from model.collector import OutcomeCollector
from model.levers import Levers
from model.month import Month
from model.outcomes import OUTCOMES, Recorder, all_columns
from model.params import Params
from model.policies import Policy
from model.population import new_firms, new_workers
from model.streams import Streams
from model.substeps import SUBSTEPS
from model.threads import one_thread

#: Random streams (model/streams.py): "init", one per sub-step as the month was first
#: divided, plus per-worker draws for the few rows that need them (job seekers, hires,
#: aggrieved workers). Append only: a name's position is its stream id. Which sub-step
#: draws from which stream is listed in ``SUBSTEPS`` (``Substep.streams``).
STREAMS = (
    "init",
    "apply_policies",
    "age_and_replace",
    "separate",
    "match",
    "decide_compliance",
    "inspect",
    "enrol",
    "shock_and_dispute",
    "learn",
    "accrue",
    "record",
    "job_search",
    "hiring",
    "dispute_file",
    "projects",
)
BREAKDOWNS = views.BREAKDOWNS
__all__ = ["BREAKDOWNS", "STREAMS", "SUBSTEPS", "UptakeModel"]


class UptakeModel(mesa.Model):
    """Social-insurance coverage of migrant workers; one step is one month.

    A step builds this month's :class:`~model.month.Month` and runs every sub-step of
    :data:`model.substeps.SUBSTEPS` on it, in the table's order (the table gives each
    one's job in a line; ``docs/ODD.md`` gives the equations).

    Args:
        policies: policy objects (see :mod:`model.policies`), applied in order.
        **params: any field of :class:`model.params.Params` (flat keywords).

    Attributes:
        params: the validated parameters; ``params.seed`` is the seed actually used.
        workers: struct-of-arrays table of workers (one row per worker).
        firms: struct-of-arrays table of firms (one row per firm).
        levers: the levers in force this month.
        status_quo: the levers implied by the parameters alone.
        results: the monthly outcome table (:class:`model.outcomes.Recorder`).
        subsidy_spent: subsidy paid so far this calendar year, yuan (real units), against
            the year's budget.
        subsidy_year: the simulated year (0 = the first) ``subsidy_spent`` counts.
        datacollector: Mesa DataCollector with every outcome, one row per month (0 = start).
    """

    def __init__(self, policies: Iterable[Policy] | Policy = (), **params: Any) -> None:
        """Validate parameters, draw the starting population and record month 0."""
        if isinstance(policies, Policy):
            policies = (policies,)
        if isinstance(policies, str | bytes) or not isinstance(policies, Iterable):
            raise TypeError(
                f"UptakeModel(policies={policies!r}): expected a Policy or an iterable of "
                "Policy objects (see model.policies)"
            )
        with one_thread():
            self._build(tuple(policies), params)

    def _build(self, policies: tuple[Policy, ...], params: dict[str, Any]) -> None:
        """The work of ``__init__`` (with one numerical thread)."""
        if params.get("seed") is None:
            params["seed"] = int(np.random.SeedSequence().entropy % (2**63))
        self.params = Params.build(**params)
        super().__init__(seed=self.params.seed)
        self.policies = policies
        for policy in self.policies:
            if not isinstance(policy, Policy):
                raise ValueError(f"policies must be Policy objects; got {policy!r}")
        p = self.params
        self.scale = p.real_scale()
        self.streams = Streams(p.seed, STREAMS)
        self.hazard = lm.hazard_table(p, p.turnover_per_year).ravel()
        self.hazard_ceiling = float(self.hazard.max())
        self._rate_tables: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        rng = self.stream("init", 0)
        self.workers = new_workers(p, rng)
        self.firms = new_firms(p, rng)
        self.vacancies = lm.Vacancies(self.firms)
        self.peer_cells = compliance.PeerCells(self.firms)
        self.firm_terms = compliance.FirmTerms(self.firms, p)
        self.crews = projects.crews(self.firms)
        self.arrears_probability = disputes.arrears_probability(
            p, projects.arrears_ratio(self.firms)
        )
        self.status_quo = Levers.status_quo(p)
        # The start (month 0) and the burn-in are the status quo for every scenario, so a
        # reform and its baseline share month 0; `apply_policies` sets month 1's levers.
        self.levers = self.status_quo
        self.results = Recorder()
        self.subsidy_spent = 0.0
        self.subsidy_year = 0
        last = self._start(rng)
        last = self._burn_in(last)
        self.datacollector = OutcomeCollector(all_columns())
        SUBSTEPS["record"].run(self, self._month_zero(last))

    # --- construction ---------------------------------------------------------------
    @classmethod
    def from_preset(cls, name: str, **overrides: Any) -> UptakeModel:
        """Build from a named parameter preset (e.g. ``"calibrated"``) plus overrides."""
        from model.presets import load_preset

        return cls(**{**load_preset(name), **overrides})

    def stream(self, name: str, t: int) -> np.random.Generator:
        """The random stream ``name`` (see :data:`STREAMS`) at internal clock ``t``."""
        return self.streams.generator(name, t)

    def _new_month(self, t: int) -> Month:
        """A fresh :class:`Month` at internal clock ``t`` with the levers now in force."""
        return Month(
            t=t,
            month=t - self.params.burn_in_months,
            wage_index=self.wage_index(t),
            floor=self.floor(t),
            levers=self.levers,
        )

    def _start(self, rng: np.random.Generator) -> Month:
        """Employ the starting workers, let firms choose, workers enrol (t = 0)."""
        p, w, f = self.params, self.workers, self.firms
        m = self._new_month(0)
        p_sep = lm.monthly(p.turnover_per_year)
        p_find = 1.0 / p.months_out_of_work
        employed = np.flatnonzero(rng.random(w.n) < p_find / (p_find + p_sep))
        firm = self.vacancies.draw(w.region[employed], rng.random(employed.size))
        lm.hire(
            w,
            f,
            employed,
            firm,
            wage_index=m.wage_index,
            mean_wage=p.mean_wage,
            u_contract=rng.random(employed.size),
            u_rank=rng.random(employed.size),
            month=0,
        )
        enrolment.start_jobs(w, employed)
        m.jobs = lm.settle(w, f)
        compliance.decide(
            f,
            p,
            m.levers,
            0,
            u_review=rng.random(f.n),
            terms=self.firm_terms,
            review_all=True,
            wage_index=m.wage_index,
        )
        enrolment.choose(
            w,
            f,
            p,
            m.levers,
            0,
            hires=employed,
            floor=m.floor,
            jobs=m.jobs,
            hometown_share=self.hometown_share(0),
        )
        m.enrolment_counts = enrolment.set_coverage(w, f, m.jobs)
        pension_paid = enrolment.has(w.covered, Scheme.PENSION)
        w.contrib_months[:] = population.initial_contributions(w, p, pension_paid, rng)
        return m

    def _burn_in(self, last: Month) -> Month:
        """Run the status quo for ``burn_in_months`` (ages frozen, nothing recorded).

        The internal clock ``t`` (agents' ``ti_`` columns, random-stream keys) counts
        from the start of the burn-in: calendar month m is ``t = burn_in_months + m``.
        Workers' histories (contribution months, points, breaks, disputes) are put back
        to their drawn start values afterwards: no time passes for them in the burn-in.

        Returns:
            The last burn-in month (``last`` itself without a burn-in).
        """
        w = self.workers
        history = ("contrib_months", "points", "n_breaks", "n_disputes")
        start = {name: getattr(w, name).copy() for name in history}
        burn_in = [step.run for step in SUBSTEPS.values() if step.burn_in]
        for t in range(1, self.params.burn_in_months + 1):
            last = self._new_month(t)
            last.before = w.covered.copy()
            for run in burn_in:
                run(self, last)
        for name in history:
            getattr(w, name)[:] = start[name]
        self._normalise_wages(last)
        return last

    def _normalise_wages(self, last: Month) -> None:
        """Scale firms' wage levels so that employed workers' mean wage is the NBS mean.

        Wage levels are normalised over target sizes when firms are drawn; after the
        burn-in the workforce is spread by vacancies and separations instead (labour
        crews, with high wages, are often short of workers), so the levels are scaled
        once more over real employment, and firms' cost terms follow.
        """
        w, f, p = self.workers, self.firms, self.params
        employed = last.jobs.employed
        if not employed.any():
            return
        factor = float(w.wage[employed].mean()) / (p.mean_wage * last.wage_index)
        f.wage_level[:] = f.wage_level / np.float32(factor)
        w.wage[:] = w.wage / np.float32(factor)
        self.firm_terms = compliance.FirmTerms(f, p)

    def _month_zero(self, last: Month) -> Month:
        """Month 0 as recorded: the state after the burn-in, no flows but money paid."""
        m = self._new_month(self.params.burn_in_months)
        m.jobs, m.enrolment_counts = last.jobs, last.enrolment_counts
        m.flows = dict.fromkeys(OUTCOMES, 0)  # stocks are filled in when recorded
        m.flows.update(
            accrual.money(
                self.workers,
                self.firms,
                self.params,
                m.levers,
                wage_index=m.wage_index,
                subsidy_left=0.0,
                scale=self.scale,
                jobs=m.jobs,
                tables=self.rates(m.levers),
            )
        )
        m.flows["subsidy_spending_yuan"] = 0.0
        m.flows["firm_subsidy_yuan"] = 0.0
        return m

    # --- time -----------------------------------------------------------------------
    @property
    def month(self) -> int:
        """Months simulated so far (Mesa increments ``steps`` before ``step`` runs)."""
        return self.steps

    def date(self) -> str:
        """Calendar month of the current step, e.g. ``2011-01``."""
        m = max(self.steps, 1) - 1
        return f"{self.params.start_year + m // 12}-{m % 12 + 1:02d}"

    def year(self, t: int) -> float:
        """Decimal calendar year in the middle of the month at internal clock ``t``."""
        p = self.params
        return wage_path.month_year(p.start_year, t - p.burn_in_months)

    def wage_index(self, t: int) -> float:
        """Nominal wage level at internal clock ``t`` relative to 2011 (NBS series)."""
        return wage_path.index(self.year(t))

    def floor(self, t: int) -> np.ndarray:
        """Contribution base floor of each region at internal clock ``t``, yuan/month."""
        p = self.params
        level = p.base_floor_share * p.local_average_wage * self.wage_index(t)
        return level * structure.REGION_AVERAGE_WAGE_RATIO

    def hometown_share(self, t: int) -> float:
        """Share of workers (by ``hometown_rank``) in their hometown resident pension."""
        return self.params.hometown_pension_enrolment * hometown.rollout(self.year(t))

    def floor_of_region(self) -> np.ndarray:
        """This month's contribution floor in each region, yuan/month (by region code)."""
        return self.floor(self.params.burn_in_months + self.steps)

    def rates(self, levers: Levers) -> tuple[np.ndarray, np.ndarray]:
        """Summed contribution rates by coverage bitmask (cached per employer pension rate)."""
        key = levers.employer_rate_pension
        if key not in self._rate_tables:
            self._rate_tables[key] = accrual.rate_tables(self.params, levers)
        return self._rate_tables[key]

    def step(self) -> None:
        """Advance one month: every sub-step of :data:`model.substeps.SUBSTEPS` in order."""
        with one_thread():
            m = self._new_month(self.params.burn_in_months + self.steps)
            for substep in SUBSTEPS.values():
                substep.run(self, m)

    # --- views (model/views.py) -----------------------------------------------------
    @property
    def current(self) -> dict[str, float]:
        """The last recorded month: every outcome with its ``cum_`` and ``_real`` columns."""
        return views.current(self)

    def results_frame(self) -> pd.DataFrame:
        """All recorded months (0 = start) as a tidy frame with seed and date columns."""
        return views.results_frame(self)

    def worker(self, i: int) -> dict[str, Any]:
        """One worker as a record with labels decoded."""
        return views.worker(self, i)

    def firm(self, i: int) -> dict[str, Any]:
        """One firm as a record with labels decoded."""
        return views.firm(self, i)

    def workers_frame(self) -> pd.DataFrame:
        """All workers, one row each, with labels and per-scheme coverage columns."""
        return views.workers_frame(self)

    def firms_frame(self) -> pd.DataFrame:
        """All firms, one row each, with labels and per-scheme offer columns."""
        return views.firms_frame(self)

    def breakdown(self, by: str) -> pd.DataFrame:
        """Coverage of employed workers by group (see :func:`model.views.breakdown`)."""
        return views.breakdown(self, by)

"""``UptakeModel``: migrant workers, firms and the local agency as a vectorised Mesa model."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import mesa
import numpy as np
import pandas as pd

from model import accrual, compliance, demography, disputes, enforcement, enrolment, streams, trend
from model import labour_market as lm
from model.codes import AGE_BANDS, EDUCATIONS, INDUSTRIES, REGIONS, SCHEMES, SEXES
from model.collector import OutcomeCollector
from model.levers import Levers
from model.outcomes import Recorder, all_columns
from model.params import Params
from model.policies import Policy, levers_for_month
from model.population import new_firms, new_workers
from model.streams import Streams
from model.table import AgentTable

#: Sub-steps in run order; each random one draws from its own stream (common random numbers).
SUBSTEPS = (
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
)
#: Random streams (model/streams.py): one per sub-step, plus per-worker draws for the few
#: rows that need them (job seekers, hires, aggrieved workers). Append only: a name's
#: position is its stream id.
STREAMS = ("init", *SUBSTEPS, "job_search", "hiring", "dispute_file")
BREAKDOWNS = ("industry", "region", "age_band", "sex", "education", "origin")


class UptakeModel(mesa.Model):
    """Social-insurance coverage of migrant workers; one step is one month.

    Sub-steps, in run order (see ``docs/ODD.md`` for the equations):

    1. ``_apply_policies``: this month's levers from parameters and policies in force.
    2. ``_age_and_replace``: ageing; retirees (vested or not) replaced by young entrants.
    3. ``_separate``: job separations at the turnover hazard (dismissals among them).
    4. ``_match``: job seekers hired, some across regions; cash-outs on unprotected moves;
       wages follow the wage index.
    5. ``_decide_compliance``: firms under review choose schemes, declared share and base.
    6. ``_inspect``: the agency inspects, detects evasion, collects arrears and fines.
    7. ``_enrol``: new hires and reviewing workers opt in or out; coverage is set.
    8. ``_shock_and_dispute``: injuries, illness, births, dismissals and arrears; disputes.
    9. ``_learn``: firms update perceived risk; workers' awareness and trust move.
    10. ``_accrue``: pension months, points, breaks, contributions and subsidies.
    11. ``_record``: the month's outcomes into the results table and the DataCollector.

    Args:
        policies: policy objects (see :mod:`model.policies`), applied in order.
        **params: any field of :class:`model.params.Params` (flat keywords).

    Attributes:
        params: the validated parameters; ``params.seed`` is the seed actually used.
        workers, firms: struct-of-arrays agent tables (one row per agent).
        levers: the levers in force this month.
        datacollector: Mesa DataCollector with every outcome, one row per month (0 = start).
    """

    def __init__(self, policies: Iterable[Policy] | Policy = (), **params: Any) -> None:
        """Validate parameters, draw the starting population and record month 0."""
        if params.get("seed") is None:
            params["seed"] = int(np.random.SeedSequence().entropy % (2**63))
        self.params = Params.build(**params)
        super().__init__(seed=self.params.seed)
        if isinstance(policies, Policy):
            policies = (policies,)
        self.policies = tuple(policies)
        for policy in self.policies:
            if not isinstance(policy, Policy):
                raise ValueError(f"policies must be Policy objects; got {policy!r}")
        p = self.params
        self.scale = p.real_scale()
        self._streams = Streams(p.seed, STREAMS)
        self._hazard = lm.hazard_table(p, p.turnover_per_year).ravel()
        self._hazard_ceiling = float(self._hazard.max())
        self._rate_tables: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        rng = self._stream("init", 0)
        self.workers = new_workers(p, rng)
        self.firms = new_firms(p, rng)
        self.vacancies = lm.Vacancies(self.firms)
        self._peer_cells = compliance.PeerCells(self.firms)
        self._firm_terms = compliance.FirmTerms(self.firms, p)
        self.status_quo = Levers.status_quo(p)
        # The start (month 0) and the burn-in are the status quo for every scenario, so a
        # reform and its baseline share month 0; `_apply_policies` sets month 1's levers.
        self.levers = self.status_quo
        self.results = Recorder()
        self._month: dict[str, Any] = {}
        self._subsidy_spent = 0.0  # yuan so far this calendar year, against the year's budget
        self._subsidy_year = 0  # simulated year (0 = first) that _subsidy_spent counts
        self._start(rng)
        self._burn_in()
        self.datacollector = OutcomeCollector(all_columns())
        self._record(0)

    # --- construction ---------------------------------------------------------------
    @classmethod
    def from_preset(cls, name: str, **overrides: Any) -> UptakeModel:
        """Build from a named parameter preset (e.g. ``"calibrated"``) plus overrides."""
        from model.presets import load_preset

        return cls(**{**load_preset(name), **overrides})

    def _stream(self, substep: str, month: int) -> np.random.Generator:
        """The random stream of one sub-step in one month, derived from the root seed."""
        return self._streams.generator(substep, month)

    def _start(self, rng: np.random.Generator) -> None:
        """Employ the starting workers, let firms choose, workers enrol (month 0)."""
        p, w, f = self.params, self.workers, self.firms
        p_sep = lm.monthly(p.turnover_per_year)
        p_find = 1.0 / p.months_out_of_work
        employed = np.flatnonzero(rng.random(w.n) < p_find / (p_find + p_sep))
        firm = self.vacancies.draw(w.region[employed], rng.random(employed.size))
        lm.hire(
            w,
            f,
            employed,
            firm,
            self._wage_index(0),
            p.mean_wage,
            rng.random(employed.size),
            rng.random(employed.size),
            month=0,
        )
        self._jobs = lm.jobs(w)
        f.headcount[:] = lm.headcount(self._jobs, f.n)
        compliance.decide(
            f,
            p,
            self.levers,
            0,
            rng.random(f.n),
            self._firm_terms,
            review_all=True,
            wage_index=self._wage_index(0),
        )
        enrolment.choose(w, f, p, self.levers, 0, employed, self._floor(0), self._jobs)
        w.covered[:], self._enrolment_counts = enrolment.coverage(w, f, self._jobs)
        self._before = w.covered.copy()
        self._month = {
            "new_separations": 0,
            "new_hires": 0,
            "new_cross_region_moves": 0,
            "new_cashouts": 0,
            "new_retirements": 0,
            "new_retirements_vested": 0,
            "new_entrants": 0,
            "new_breaks": 0,
            "new_breaks_pension": 0,
            "new_injuries": 0,
            "new_illnesses": 0,
            "new_births": 0,
            "new_dismissals": 0,
            "new_disputes": 0,
            "new_collective_disputes": 0,
            "new_disputants": 0,
            "new_disputes_won": 0,
            "n_aggrieved": 0,
            "compensation_yuan": 0.0,
            "n_inspections": 0,
            "n_detections": 0,
            "back_payments_yuan": 0.0,
            "late_fees_yuan": 0.0,
            "fines_yuan": 0.0,
            "reputation_loss_yuan": 0.0,
        }

    def _burn_in(self) -> None:
        """Run the status quo for ``burn_in_months`` (ages frozen, nothing recorded).

        The internal clock ``t`` (agents' ``ti_`` columns, random-stream keys) counts
        from the start of the burn-in: calendar month m is ``t = burn_in_months + m``.
        Workers' histories (contribution months, points, breaks, disputes) are put back
        to their drawn start values afterwards: no time passes for them in the burn-in.
        """
        w = self.workers
        history = ("contrib_months", "points", "n_breaks", "n_disputes")
        start = {name: getattr(w, name).copy() for name in history}
        for t in range(1, self.params.burn_in_months + 1):
            self._month = {}
            self._before = self.workers.covered.copy()
            self._separate(t)
            self._match(t)
            self._decide_compliance(t)
            self._inspect(t)
            self._enrol(t)
            self._shock_and_dispute(t)
            self._learn(t)
            self._accrue(t)
        for name in history:
            getattr(w, name)[:] = start[name]
        self._month = dict.fromkeys(self._month, 0)
        self._month.update({"new_retirements": 0, "new_retirements_vested": 0, "new_entrants": 0})
        t0 = self.params.burn_in_months
        self._month.update(
            accrual.money(
                self.workers,
                self.firms,
                self.params,
                self.levers,
                self._wage_index(t0),
                0.0,
                self.scale,
                self._jobs,
                self._rates(self.levers),
            )
        )
        self._month["subsidy_spending_yuan"] = 0.0
        self._month["firm_subsidy_yuan"] = 0.0

    # --- time -----------------------------------------------------------------------
    @property
    def month(self) -> int:
        """Months simulated so far (Mesa increments ``steps`` before ``step`` runs)."""
        return self.steps

    def date(self) -> str:
        """Calendar month of the current step, e.g. ``2011-01``."""
        m = max(self.steps, 1) - 1
        return f"{self.params.start_year + m // 12}-{m % 12 + 1:02d}"

    def _wage_index(self, t: int) -> float:
        """Nominal wage level at internal clock ``t``: 1 in month 1 (January of the start year)."""
        p = self.params
        return (1.0 + p.wage_growth_per_year) ** ((t - p.burn_in_months - 1) / 12.0)

    def _floor(self, t: int) -> float:
        """Contribution base floor at internal clock ``t``, yuan/month."""
        p = self.params
        return p.base_floor_share * p.local_average_wage * self._wage_index(t)

    def step(self) -> None:
        """Advance one month through the sub-steps listed in the class docstring."""
        t = self.params.burn_in_months + self.steps
        self._month = {}
        self._apply_policies(t)
        self._age_and_replace(t)
        self._separate(t)
        self._match(t)
        self._decide_compliance(t)
        self._inspect(t)
        self._enrol(t)
        self._shock_and_dispute(t)
        self._learn(t)
        self._accrue(t)
        self._record(self.steps)

    # --- sub-steps --------------------------------------------------------------------
    def _apply_policies(self, t: int) -> None:
        month = t - self.params.burn_in_months
        # The status quo's one dated change (model/trend.py): firms' norm after the 2011 Law.
        shift = trend.norm_shift(self.params, month)
        base = self.status_quo
        if shift:
            base = dataclasses.replace(base, law_norm_shift=shift)
        levers = levers_for_month(base, self.policies, month)
        # Subsidy budgets are yearly: spending counts again from each January.
        year = (month - 1) // 12
        if year != self._subsidy_year:
            self._subsidy_year, self._subsidy_spent = year, 0.0
        if self._subsidy_spent >= levers.subsidy_budget_per_year:
            levers = _without_subsidy(levers)
        self.levers = levers

    def _age_and_replace(self, t: int) -> None:
        counts = demography.age_and_replace(
            self.workers, self.params, self._stream("age_and_replace", t), self.levers.portability
        )
        # Coverage at the start of the month, taken after retirees' rows became entrants
        # (with no cover), so that a retirement is not counted as a break in coverage.
        self._before = self.workers.covered.copy()
        self._month.update(counts)

    def _separate(self, t: int) -> None:
        w, f, p = self.workers, self.firms, self.params
        union = f.union_rank < self.levers.share_union_firms
        # Separations are rare: only workers whose uniform falls below the highest hazard
        # can leave, so only they are drawn and looked at (model/streams.py).
        rows, u = streams.below(self._stream("separate", t), w.n, self._hazard_ceiling)
        prob = lm.separation_probability(w, rows, union, self._hazard)
        self._left = lm.separate(w, rows, u, prob, p.share_dismissal, t)
        self._month["new_separations"] = int(self._left.rows.size)

    def _match(self, t: int) -> None:
        w, f, p = self.workers, self.firms, self.params
        lm.raise_wages(w, self._wage_index(t) / self._wage_index(t - 1))
        # Those who left a job this month look from next month on.
        seekers = np.flatnonzero(w.employer < 0)
        seekers = seekers[w.ti_separated[seekers] != t]
        u_find = self._streams.uniforms("job_search", t, seekers)
        rows = seekers[u_find < 1.0 / p.months_out_of_work]
        u_region, u_firm, u_contract, u_rank, u_cash = self._streams.uniforms(
            "hiring", t, rows, 5
        ).T
        region = lm.choose_region(w.region[rows], p.share_moves_cross_region, u_region)
        cross = (region != w.region[rows]) & (w.ti_hired[rows] >= 0)
        moved = rows[cross]
        firm = self.vacancies.draw(region, u_firm)
        lm.hire(w, f, rows, firm, self._wage_index(t), p.mean_wage, u_contract, u_rank, t)
        self._hired = rows
        cashouts = 0
        if moved.size:
            cashouts = accrual.cash_out(
                w, moved, self.levers.portability, p.cash_out_propensity, u_cash[cross]
            )
            w.trust[moved] += 0.5 * (self.levers.portability - w.trust[moved])
        self._jobs = lm.jobs(w)  # employment is settled for the month from here on
        f.headcount[:] = lm.headcount(self._jobs, f.n)
        self._month.update(
            {
                "new_hires": int(rows.size),
                "new_cross_region_moves": int(moved.size),
                "new_cashouts": cashouts,
            }
        )

    def _decide_compliance(self, t: int) -> None:
        u = self._stream("decide_compliance", t).random(self.firms.n)
        compliance.decide(
            self.firms,
            self.params,
            self.levers,
            t,
            u,
            self._firm_terms,
            wage_index=self._wage_index(t),
        )

    def _inspect(self, t: int) -> None:
        w, f = self.workers, self.firms
        rng = self._stream("inspect", t)
        u_pick, u_detect, u_fine = (rng.random(f.n) for _ in range(3))

        def wage_bill(rows: np.ndarray) -> np.ndarray:
            # Workers between jobs have wage 0, so they add nothing to firm 0's bill.
            return np.bincount(self._jobs.slot, weights=w.wage, minlength=f.n + 1)[rows + 1]

        result = enforcement.inspect(
            f, self.params, self.levers, t, wage_bill, u_pick, u_detect, u_fine, self._firm_terms
        )
        self._inspected = result.pop("inspected")
        for k in ("back_payments_yuan", "late_fees_yuan", "fines_yuan", "reputation_loss_yuan"):
            result[k] *= self.scale
        self._month.update(result)

    def _enrol(self, t: int) -> None:
        w, f = self.workers, self.firms
        enrolment.choose(w, f, self.params, self.levers, t, self._hired, self._floor(t), self._jobs)
        w.covered[:], self._enrolment_counts = enrolment.coverage(w, f, self._jobs)

    def _shock_and_dispute(self, t: int) -> None:
        w, f, p = self.workers, self.firms, self.params
        rng = self._stream("shock_and_dispute", t)
        candidates, u_shock = streams.below(rng, w.n, disputes.shock_ceiling(p))
        u_arrears = rng.random(f.n)
        arrears = disputes.arrears_firms(p, u_arrears)
        rows, firm, contract, wage, counts = disputes.aggrieved(
            w, p, candidates, u_shock, arrears, self._left, self._jobs
        )
        u_file = self._streams.uniforms("dispute_file", t, rows)
        result = disputes.file_disputes(w, f, p, self.levers, rows, firm, contract, wage, u_file)
        self._firm_had_dispute = result.pop("firm_had_dispute")
        result["compensation_yuan"] *= self.scale
        self._month.update(counts)
        self._month.update(result)

    def _learn(self, t: int) -> None:
        w, f, p, lev = self.workers, self.firms, self.params, self.levers
        compliance.learn_risk(f, p, self._inspected, self._peer_cells)
        # awareness' = awareness (1 - decay) + gain (1 - awareness), where gain is publicity,
        # plus awareness_from_disputes for workers at a firm with a dispute this month.
        decay = p.awareness_decay_per_year / 12.0
        peers = np.flatnonzero(lm.by_slot(self._firm_had_dispute, False).take(self._jobs.slot))
        awareness = w.awareness
        before = awareness[peers]
        gain = lev.worker_publicity
        awareness *= np.float32(1.0 - decay - gain)
        awareness += np.float32(gain)
        gain_peers = gain + p.awareness_from_disputes
        awareness[peers] = before * np.float32(1.0 - decay - gain_peers) + np.float32(gain_peers)
        if max(gain, gain_peers) > 1.0:  # else awareness stays inside [0, 1]
            np.clip(awareness, 0.0, 1.0, out=awareness)
        # trust' = trust + (portability - trust) / 24
        trust = w.trust
        trust *= np.float32(23.0 / 24.0)
        trust += np.float32(lev.portability / 24.0)

    def _accrue(self, t: int) -> None:
        w, f, p = self.workers, self.firms, self.params
        self._month.update(accrual.accrue(w, self._before, self._jobs.employed))
        left = self.levers.subsidy_budget_per_year - self._subsidy_spent
        rates = self._rates(self.levers)
        self._month.update(
            accrual.money(
                w, f, p, self.levers, self._wage_index(t), left, self.scale, self._jobs, rates
            )
        )

    def _rates(self, levers: Levers) -> tuple[np.ndarray, np.ndarray]:
        """Summed contribution rates by coverage bitmask (cached per employer pension rate)."""
        key = levers.employer_rate_pension
        if key not in self._rate_tables:
            self._rate_tables[key] = accrual.rate_tables(self.params, levers)
        return self._rate_tables[key]

    def _record(self, month: int) -> None:
        values = self._month
        values.update(self._stocks())
        values.update(self._continuity(values.get("new_breaks", 0)))
        values["firm_cost_yuan"] = (
            values["employer_contributions_yuan"]
            - values["firm_subsidy_yuan"]
            + values["back_payments_yuan"]
            + values["late_fees_yuan"]
            + values["fines_yuan"]
            + values["compensation_yuan"]
        )
        self.results.add(month, values)
        self._subsidy_spent += values["subsidy_spending_yuan"]
        if hasattr(self, "datacollector"):
            self.datacollector.collect(self)

    def _continuity(self, new_breaks: int) -> dict[str, float]:
        """Breaks per 1,000 workers covered at the start of the month, and the share of
        workers with a contribution record that has never had a break.

        The raw count of breaks rises with coverage (more workers covered, more who can
        lose cover); these two say whether cover became less stable.
        """
        w = self.workers
        at_risk = np.count_nonzero(self._before)
        has_record = w.contrib_months > 0
        n_records = np.count_nonzero(has_record)
        unbroken = np.count_nonzero(has_record & (w.n_breaks == 0))
        return {
            "breaks_per_1000_covered": 1000.0 * new_breaks / at_risk if at_risk else 0.0,
            "frac_records_unbroken": unbroken / n_records if n_records else 0.0,
        }

    def _stocks(self) -> dict[str, float]:
        """Stocks at the end of the month (one pass over each worker column needed)."""
        w, f = self.workers, self.firms
        n_emp = int(f.headcount.sum())
        per_emp = max(n_emp, 1)
        # Workers by coverage bitmask (only employed workers have bits), then per scheme.
        per_mask = np.bincount(w.covered, minlength=1 << len(SCHEMES))
        per_scheme = per_mask @ _MASK_HAS_SCHEME
        out: dict[str, float] = {"n_workers": w.n, "n_employed": n_emp}
        for n_name, frac_name, n_cov in zip(
            _N_COVERED, _FRAC_COVERED, per_scheme.tolist(), strict=True
        ):
            out[n_name] = n_cov
            out[frac_name] = n_cov / per_emp
        n_any = w.n - int(per_mask[0])
        out["n_covered_any"] = n_any
        out["frac_covered_any"] = n_any / per_emp
        n_uncovered = n_emp - n_any
        out["n_uncovered_employed"] = n_uncovered
        # Spells are 0 except for employed workers without cover (accrual.accrue).
        spells = int(np.add.reduce(w.months_uncovered, dtype=np.int64))
        out["mean_months_uncovered"] = spells / n_uncovered if n_uncovered else 0.0
        out["frac_contract"] = np.count_nonzero(w.contract) / per_emp
        counts = self._enrolment_counts  # as of coverage this month (sub-step 7)
        n_offered = counts["n_offered"]
        out["frac_opted_out"] = counts["n_opted_out"] / n_offered if n_offered else 0.0
        out["n_declared"] = counts["n_declared"]
        out["frac_declared"] = out["n_declared"] / per_emp
        out.update(_firm_stocks(f))
        out["mean_awareness"] = float(np.add.reduce(w.awareness) / w.n)
        return out

    # --- inspection of agents and results --------------------------------------------
    @property
    def current(self) -> dict[str, float]:
        """The last recorded month: every outcome with its ``cum_`` and ``_real`` columns."""
        return self.results.latest(self.scale)

    def results_frame(self) -> pd.DataFrame:
        """All recorded months (0 = start) as a tidy frame with seed and date columns."""
        frame = self.results.frame(self.scale, self.params.start_year)
        frame.insert(0, "seed", self.params.seed)
        return frame

    def worker(self, i: int) -> dict[str, Any]:
        """One worker as a record with labels decoded."""
        return _decode(self.workers.record(i), worker=True, i=i)

    def firm(self, i: int) -> dict[str, Any]:
        """One firm as a record with labels decoded."""
        return _decode(self.firms.record(i), worker=False, i=i)

    def workers_frame(self) -> pd.DataFrame:
        """All workers, one row each, with labels and per-scheme coverage columns."""
        w = self.workers
        df = w.frame()
        df.insert(0, "worker_id", np.arange(w.n))
        _label_columns(df)
        for s, name in enumerate(SCHEMES):
            df[f"covered_{name}"] = (w.covered & (1 << s)) != 0
        df["age_band"] = _age_band_labels(w.age)
        return df

    def firms_frame(self) -> pd.DataFrame:
        """All firms, one row each, with labels and per-scheme offer columns."""
        f = self.firms
        df = f.frame()
        df.insert(0, "firm_id", np.arange(f.n))
        _label_columns(df)
        for s, name in enumerate(SCHEMES):
            df[f"offers_{name}"] = (f.offers & (1 << s)) != 0
        df["supervised"] = f.unsupervised_rank >= self.levers.share_unsupervised_firms
        df["union"] = f.union_rank < self.levers.share_union_firms
        return df

    def breakdown(self, by: str) -> pd.DataFrame:
        """Coverage of employed workers by group, one row per group.

        Args:
            by: one of ``industry``, ``region``, ``age_band``, ``sex``, ``education``, ``origin``.

        Returns:
            Columns ``<by>``, ``n_workers``, ``n_employed`` and ``frac_covered_<scheme>``.
        """
        if by not in BREAKDOWNS:
            raise ValueError(f"by={by!r} is not a breakdown; allowed: {list(BREAKDOWNS)}")
        w = self.workers
        if by == "age_band":
            codes = np.digitize(w.age, [b[2] for b in AGE_BANDS[:-1]])
            names = [b[0] for b in AGE_BANDS]
        elif by == "sex":
            codes, names = w.female.astype(np.int64), list(SEXES)
        else:
            codes = getattr(w, by).astype(np.int64)
            names = list(
                {
                    "industry": INDUSTRIES,
                    "region": REGIONS,
                    "education": EDUCATIONS,
                    "origin": REGIONS,
                }[by]
            )
        k = len(names)
        employed = w.employer >= 0
        n_all = np.bincount(codes, minlength=k)
        n_emp = np.bincount(codes[employed], minlength=k)
        table = {by: names, "n_workers": n_all, "n_employed": n_emp}
        for s, name in enumerate(SCHEMES):
            paid = employed & ((w.covered & (1 << s)) != 0)
            table[f"frac_covered_{name}"] = np.bincount(codes[paid], minlength=k) / np.maximum(
                n_emp, 1
            )
        return pd.DataFrame(table)


_N_COVERED = [f"n_covered_{name}" for name in SCHEMES]
_FRAC_COVERED = [f"frac_covered_{name}" for name in SCHEMES]
#: (coverage bitmask, scheme) -> 1 if the mask includes the scheme.
_MASK_HAS_SCHEME = (np.arange(1 << len(SCHEMES))[:, None] >> np.arange(len(SCHEMES))) & 1


def _firm_stocks(f: AgentTable) -> dict[str, float]:
    """Shares of active firms (with workers) by compliance, and mean perceived risk."""
    active = f.headcount > 0
    n_active = np.count_nonzero(active)
    paying = active & (f.offers != 0)
    n_paying = np.count_nonzero(paying)
    per_active, per_paying = max(n_active, 1), max(n_paying, 1)
    return {
        "frac_firms_full_compliance": np.count_nonzero(active & ~enforcement.evading(f))
        / per_active,
        "frac_firms_no_scheme": (n_active - n_paying) / per_active,
        "frac_firms_underdeclaring": np.count_nonzero(paying & (f.declared_share < 0.9))
        / per_paying,
        "frac_firms_min_base": np.count_nonzero(paying & ~f.full_base) / per_paying,
        "mean_perceived_risk": float(np.add.reduce(f.perceived_risk) / f.n),
    }


def _without_subsidy(levers: Levers) -> Levers:
    return dataclasses.replace(levers, worker_subsidy_share=0.0, firm_subsidy_share=0.0)


_LABELS = {"industry": INDUSTRIES, "region": REGIONS, "origin": REGIONS, "education": EDUCATIONS}


def _label_columns(df: pd.DataFrame) -> None:
    for col, names in _LABELS.items():
        if col in df:
            df[col] = pd.Categorical.from_codes(df[col].astype(int), categories=list(names))
    if "female" in df:
        df.insert(df.columns.get_loc("female"), "sex", np.where(df["female"], "female", "male"))


def _age_band_labels(age: np.ndarray) -> np.ndarray:
    names = np.array([b[0] for b in AGE_BANDS])
    return names[np.digitize(age, [b[2] for b in AGE_BANDS[:-1]])]


def _decode(record: dict[str, Any], worker: bool, i: int) -> dict[str, Any]:
    out = {("worker_id" if worker else "firm_id"): i}
    for key, value in record.items():
        if key in _LABELS:
            out[key] = _LABELS[key][value]
        elif key in ("covered", "offers"):
            out[key] = [name for s, name in enumerate(SCHEMES) if value & (1 << s)]
        else:
            out[key] = value
    return out

"""Published responses to policy changes, reproduced as validation experiments.

Each experiment runs two scenarios on common random numbers (the same seeds), or
measures one quantity of the baseline, and compares the model's response with a
published one, in direction and, where the source gives one, in size:

* ``chengdu-2011``: migrants moved into the urban-worker scheme with higher rates
  took part less (Tian et al. 2021, facts.md 3.4);
* ``rate-cut-2019``: the employer pension rate cut from 20% to 16% in May 2019
  (国办发〔2019〕13号, facts.md 2.2);
* ``transfer-rules-2010``: the 2010 transfer rules ended the cash-out wave
  (国办发〔2009〕66号, facts.md 2.3 and 2.4);
* ``law-2011``: how much of the 2011-13 rise the Social Insurance Law's own
  mechanisms (fines in multiples of arrears, from 2011-07) explain without the free
  norm trend (facts.md 2.1; C1, C2);
* ``audit-yield``: under-reported persons found per audited insured person, about
  4.8% in 2016 (C14, facts.md 3.2).

Design and pass criteria: ``docs/levers.md`` section 5.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model import UptakeModel
from model.enforcement import evading, inspection_probability
from model.policies import ContributionRateCut, Penalties, Policy
from model.simulation import simulate

#: The Law's minimum fine, x arrears (Social Insurance Law art. 86, facts.md 2.1).
LAW_FINE_MULTIPLE = 1.0
#: Months of 2011-2020 (the model's calendar starts in January of ``start_year`` = 2011).
HORIZON = 120


def month_of(year: int, month: int, start_year: int = 2011) -> int:
    """Simulated month (1-based) of a calendar year and month."""
    return (year - start_year) * 12 + month


def audit_yield(model: UptakeModel) -> tuple[float, float]:
    """Expected under-reported persons found and insured persons audited this month.

    Every supervised firm is audited with its inspection probability this month; an
    audit of an evading firm finds, with probability ``detection_power``, its
    undeclared workers and, at a firm paying on the floor base, its declared workers
    (an under-reported base). The audited insured are the declared workers of audited
    firms. The ratio of the two sums is the model's counterpart of C14.
    """
    f, p, lev = model.firms, model.params, model.levers
    prob = inspection_probability(
        f, lev, model.steps, p.honest_months, p.complaint_capacity_share, model.firm_terms
    )
    covers = (f.offers != 0) & (f.headcount > 0)
    declared = f.headcount * f.declared_share * covers
    under = (f.headcount - declared) + declared * ~f.full_base
    found = float((prob * lev.detection_power * evading(f) * under).sum())
    return found, float((prob * declared).sum())


def run_months(
    params: dict[str, Any],
    policies: Sequence[Policy],
    seed: int,
    n_workers: int,
    months: int,
    probe: Callable[[UptakeModel], dict[str, float]] | None = None,
) -> pd.DataFrame:
    """Monthly outcomes of one run (months 1..``months``), plus ``probe``'s columns."""
    extra: list[dict[str, float]] = []

    def watch(model: UptakeModel) -> None:
        if probe is not None:
            extra.append(probe(model))

    model = simulate(
        tuple(policies), months, watch, **{**params, "n_workers": n_workers, "seed": seed}
    )
    frame = model.results_frame()
    frame = frame[frame["month"] >= 1].reset_index(drop=True)
    if probe is not None:
        frame = pd.concat([frame, pd.DataFrame(extra)], axis=1)
    return frame


@dataclass(frozen=True)
class Result:
    """One experiment's outcome: the model's measure over replications and the verdict."""

    key: str
    experiment: str
    published: str
    source: str
    measure: str
    values: np.ndarray
    criterion: str
    passed: bool
    note: str = ""

    def row(self) -> dict[str, Any]:
        """A flat row for the report table."""
        v = self.values
        return {
            "key": self.key,
            "experiment": self.experiment,
            "published": self.published,
            "measure": self.measure,
            "model_mean": float(np.mean(v)),
            "model_p05": float(np.percentile(v, 5)),
            "model_p95": float(np.percentile(v, 95)),
            "criterion": self.criterion,
            "pass": self.passed,
            "note": self.note,
            "source": self.source,
        }


def _window(frame: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    return frame[(frame["month"] >= first) & (frame["month"] <= last)]


def chengdu(params: dict, seeds: Sequence[int], n_workers: int) -> Result:
    """Higher statutory rates lower migrants' participation (direction only)."""
    low = 0.08  # 20% -> 12%: the 2009 draft migrant scheme's employer rate (facts.md 2.2)
    switch = 12  # low rates in 2011, statutory rates from January 2012
    diffs = []
    for seed in seeds:
        stays_low = run_months(params, [ContributionRateCut(low)], seed, n_workers, 36)
        rises = run_months(params, [ContributionRateCut(low, end=switch)], seed, n_workers, 36)
        window = (switch + 1, 36)
        diffs.append(
            100.0
            * (
                _window(rises, *window)["frac_covered_pension"].mean()
                - _window(stays_low, *window)["frac_covered_pension"].mean()
            )
        )
    diffs = np.array(diffs)
    return Result(
        "chengdu-2011",
        "Chengdu 2011: migrants moved into the urban-worker scheme with higher rates",
        "participation fell significantly (DID, CMDS 2009-2016); no size comparable here",
        "https://www.frontiersin.org/articles/10.3389/fpubh.2021.736340 (facts.md 3.4)",
        "pension coverage 2012-13, employer rate 20% minus 12%, points",
        diffs,
        "mean < 0 and 95th percentile < 0",
        bool(diffs.mean() < 0 and np.percentile(diffs, 95) < 0),
        "only the employer rate changes; the employee rate stays 8%",
    )


def rate_cut_2019(params: dict, seeds: Sequence[int], n_workers: int) -> Result:
    """The May 2019 cut: coverage does not fall and employer contributions per covered fall."""
    start = month_of(2019, 5)
    cover, per_covered = [], []
    for seed in seeds:
        base = run_months(params, [], seed, n_workers, HORIZON)
        cut = run_months(params, [ContributionRateCut(0.04, start=start)], seed, n_workers, HORIZON)
        b, c = _window(base, start, HORIZON), _window(cut, start, HORIZON)
        cover.append(100.0 * (c["frac_covered_pension"].mean() - b["frac_covered_pension"].mean()))
        ratio = (c["employer_contributions_yuan"] / c["n_covered_any"]).mean() / (
            b["employer_contributions_yuan"] / b["n_covered_any"]
        ).mean()
        per_covered.append(100.0 * (ratio - 1.0))
    cover, per_covered = np.array(cover), np.array(per_covered)
    return Result(
        "rate-cut-2019",
        "2019: employer pension rate 20% -> 16% from May",
        "pension fees -190 bn yuan in 2019 (all insured); coverage response not published",
        "https://english.www.gov.cn/policies/latestreleases/201904/04/"
        "content_WS5d16ce2ec6d03ce67879556c.html (facts.md 2.2)",
        "pension coverage May 2019-Dec 2020, cut minus none, points",
        cover,
        "coverage change >= 0 (mean) and employer contributions per covered worker fall",
        bool(cover.mean() >= 0 and per_covered.mean() < 0),
        f"employer contributions per covered worker {per_covered.mean():+.1f}% "
        "(all schemes; mechanical share of the cut about -13%)",
    )


def transfer_rules_2010(params: dict, seeds: Sequence[int], n_workers: int) -> Result:
    """Cash-outs under pre-2010 rules (nothing follows a mover) vs the status quo."""
    before, after = [], []
    for seed in seeds:
        pre = run_months({**params, "portability": 0.0}, [], seed, n_workers, 36)
        now = run_months(params, [], seed, n_workers, 36)
        for frame, out in ((pre, before), (now, after)):
            yearly = frame.groupby("year").agg(
                cash=("new_cashouts", "sum"), insured=("n_covered_pension", "mean")
            )
            out.append(float((yearly["cash"] / yearly["insured"]).mean()))
    before, after = np.array(before), np.array(after)
    in_range = 0.19 <= before.mean() <= 0.38
    ended = after.mean() <= 0.1 * before.mean()
    return Result(
        "transfer-rules-2010",
        "2010 transfer rules: cash-outs forbidden, pooled rights (12 of 20 points) follow",
        "pre-2010: 19% (Shenzhen 2007) to 38% (Dongguan 2005) of the insured cashed out "
        "in a year; after: cash-outs stopped",
        "http://jjckb.xinhuanet.com/wzpd/2008-02/15/content_85192.htm; "
        "https://m.fx361.cc/news/2019/0918/5566326.html (facts.md 2.3, 2.4)",
        "yearly cash-outs per pension-insured worker, pre-2010 rules (portability 0)",
        before,
        "pre-2010 rate in [0.19, 0.38] and status-quo rate <= 10% of it",
        bool(in_range and ended),
        f"status quo (2010 rules as modelled): {after.mean():.3f} a year",
    )


def law_2011(params: dict, seeds: Sequence[int], n_workers: int) -> Result:
    """Share of the 2011-13 rise explained by the Law's fines, with no free trend."""
    in_force = month_of(2011, 7)
    # Before the Law the 1999 rules fined managers only (facts.md 2.1): no fine in
    # multiples of arrears. From 2011-07 the Law's minimum, 1 x arrears, in the share
    # of cases fined today (share_fined=0 leaves it unchanged).
    quiet = {**params, "norm_trend_per_year": 0.0, "fine_multiple": 0.0}
    law = [Penalties(LAW_FINE_MULTIPLE, share_fined=0.0, start=in_force)]
    shares = []
    for seed in seeds:
        frame = run_months(quiet, law, seed, n_workers, 36)
        yearly = frame.groupby("year")[["frac_covered_pension", "frac_covered_injury"]].mean()
        rise = (yearly.iloc[-1] - yearly.iloc[0]) * 100.0
        shares.append(float(rise["frac_covered_pension"] / 1.8))
    shares = np.array(shares)
    return Result(
        "law-2011",
        "Social Insurance Law 2011-07: fines of 1-3 x arrears, no free trend",
        "pension coverage +1.8 points 2011-2013 (C1); injury +4.9 (C2)",
        "facts.md 2.1 (law text), 5 (C1, C2)",
        "share of the 2011-13 pension rise explained by the Law's mechanisms",
        shares,
        "mean share > 0 (direction); the size is reported, the free trend covers the rest",
        bool(shares.mean() > 0),
        "modelled: fines from 0 to 1 x arrears; the 30-day enrolment rule (art. 58) has no "
        "mechanism of its own in the model, and the Law's publicity is the fitted trend",
    )


def audit(params: dict, seeds: Sequence[int], n_workers: int) -> Result:
    """Audit yield of 2016 against C14."""
    first, last = month_of(2016, 1), month_of(2016, 12)

    def probe(model: UptakeModel) -> dict[str, float]:
        found, audited = audit_yield(model)
        return {"audit_found": found, "audit_insured": audited}

    values = []
    for seed in seeds:
        frame = _window(run_months(params, [], seed, n_workers, last, probe), first, last)
        values.append(float(frame["audit_found"].sum() / frame["audit_insured"].sum()))
    values = np.array(values)
    return Result(
        "audit-yield",
        "SI field audits 2016: under-reported persons per audited insured",
        "6.76m of 141.85m, about 4.8% (C14)",
        "http://m.handmsg.com/page/2019/0910/10498496.shtml (facts.md 3.2)",
        "expected under-reported persons found per insured person audited, 2016",
        values,
        "within a factor of 2: 2.4%-9.6%",
        bool(0.024 <= values.mean() <= 0.096),
        "the model's audits see migrant workers' employers only, where most workers are "
        "undeclared; the national figure is over all insured (mostly urban hukou)",
    )


EXPERIMENTS = {
    "chengdu-2011": chengdu,
    "rate-cut-2019": rate_cut_2019,
    "transfer-rules-2010": transfer_rules_2010,
    "law-2011": law_2011,
    "audit-yield": audit,
}


def run_all(
    params: dict[str, Any], seeds: Sequence[int], n_workers: int, only: Sequence[str] = ()
) -> pd.DataFrame:
    """Every experiment (or those in ``only``) as one table, one row each."""
    unknown = [k for k in only if k not in EXPERIMENTS]
    if unknown:
        raise ValueError(f"unknown validation experiment(s) {unknown}; allowed {list(EXPERIMENTS)}")
    keys = list(only) or list(EXPERIMENTS)
    return pd.DataFrame([EXPERIMENTS[k](params, seeds, n_workers).row() for k in keys])

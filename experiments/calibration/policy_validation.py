"""Published responses to policy changes, reproduced as validation experiments.

Each experiment runs two or more scenarios on common random numbers (the same seeds),
or measures one quantity of the baseline, and compares the model's response with a
published one: in direction and, where the source gives one, in size (each verdict
is ``None`` where there is nothing to judge). The statistics are defined in
:mod:`experiments.calibration.response_measures`.

* ``chengdu-2011``: migrants moved into the urban-worker scheme with higher rates
  took part less (Tian et al. 2021, facts.md 3.4);
* ``rate-cut-2019``: the employer pension rate cut from 20% to 16% in May 2019
  (国办发〔2019〕13号, facts.md 2.2);
* ``transfer-rules-2010``: the world without the 2010 transfer rules (cash-outs
  allowed, nothing follows a mover) against the rules: the cash-out wave and its
  end (国办发〔2009〕66号, facts.md 2.3 and 2.4);
* ``law-2011``: how much of the 2011-13 rise the Social Insurance Law's own
  mechanisms explain without the free norm trend (facts.md 2.1; C1);
* ``audit-yield``: under-reported insured persons found per audited insured person,
  about 4.8% in 2016 (C14, facts.md 3.2).

The published figures and the verdict rules are in
:mod:`experiments.calibration.response_verdicts`. Design and pass criteria:
``docs/levers.md`` section 5.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration import response_measures as rm
from experiments.calibration.response_verdicts import (
    AUDIT_FACTOR,
    AUDIT_YIELD,
    LAW_MIN_SHARE,
    PRE_RULES_CASH_OUTS,
    PUBLISHED_RISE,
    audit_size,
    law_verdicts,
    surely_negative,
    transfer_verdicts,
)
from model import UptakeModel
from model.policies import ContributionRateCut, Penalties, Policy
from model.simulation import simulate

#: Months of 2011-2020 (the model's calendar starts in January of ``start_year`` = 2011).
HORIZON = 120
#: A cash-out ban year past every run: the world without the 2010 transfer rules.
NEVER = 2100.0
#: The Law's fines (art. 84/86, facts.md 2.1): 1-3 x arrears.
LAW_FINE = (1.0, 3.0)


def month_of(year: int, month: int, start_year: int = 2011) -> int:
    """Simulated month (1-based) of a calendar year and month."""
    return (year - start_year) * 12 + month


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
    """One experiment's outcome: the model's measure over replications and the verdicts.

    ``direction`` and ``size`` are the verdicts on the sign and on the size of the
    response, each ``None`` where the source gives nothing to judge it by; the
    experiment passes when every verdict given is True.
    """

    key: str
    experiment: str
    published: str
    source: str
    measure: str
    values: np.ndarray
    criterion: str
    direction: bool | None
    size: bool | None
    note: str = ""

    @property
    def passed(self) -> bool:
        """True when every verdict given (direction, size) holds."""
        verdicts = [v for v in (self.direction, self.size) if v is not None]
        return bool(verdicts) and all(verdicts)

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
            "pass_direction": _verdict(self.direction),
            "pass_size": _verdict(self.size),
            "pass": self.passed,
            "note": self.note,
            "source": self.source,
        }


def _verdict(value: bool | None) -> str:
    return "none" if value is None else ("yes" if value else "no")


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
        "direction: mean < 0 and 95th percentile < 0; size: none published",
        surely_negative(diffs),
        None,
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
        "direction: coverage change >= 0 (mean) and employer contributions per covered "
        "worker fall; size: none published for migrants",
        bool(cover.mean() >= 0 and per_covered.mean() < 0),
        None,
        f"employer contributions per covered worker {per_covered.mean():+.1f}% "
        "(all schemes; mechanical share of the cut about -13%)",
    )


def transfer_rules_2010(params: dict, seeds: Sequence[int], n_workers: int) -> Result:
    """The world without the 2010 transfer rules against the rules, 2011-2013.

    Without the rules (``cash_out_ban_year`` past the run, ``portability`` 0: neither
    the individual account nor the pooled part follows a mover) cross-region movers
    cash out; with them (the status quo: the ban, and the pooled share that follows)
    nobody does. Measured: yearly cash-outs per pension-insured worker in both worlds,
    and, for employed workers away from their region of origin, pension coverage and
    contribution years held at the end of 2013. A third world, the ban alone (nothing
    follows a mover), splits the coverage response between the ban and portability.
    """
    without_rules = {**params, "cash_out_ban_year": NEVER, "portability": 0.0}
    ban_alone = {**params, "portability": 0.0}
    pre, post, cover, years, by_ban = [], [], [], [], []
    for seed in seeds:
        none, rules, ban = (
            run_months(world, [], seed, n_workers, 36, rm.away_from_home)
            for world in (without_rules, params, ban_alone)
        )
        pre.append(rm.cash_outs_per_insured(none))
        post.append(rm.cash_outs_per_insured(rules))
        cover.append(100.0 * (rm.away_coverage(rules) - rm.away_coverage(none)))
        years.append(rm.away_contrib_years(rules) - rm.away_contrib_years(none))
        by_ban.append(100.0 * (rm.away_coverage(ban) - rm.away_coverage(none)))
    pre, post, cover, years, by_ban = map(np.array, (pre, post, cover, years, by_ban))
    low, high = PRE_RULES_CASH_OUTS
    direction, size = transfer_verdicts(pre, cover)
    return Result(
        "transfer-rules-2010",
        "2010 transfer rules: cash-outs forbidden, the account and 12 of 20 pooled points follow",
        f"before: {low:.2f} (Shenzhen 2007) to {high:.2f} (Dongguan 2005) of the insured "
        "cashed out in a year; after: cash-outs stopped",
        "http://jjckb.xinhuanet.com/wzpd/2008-02/15/content_85192.htm; "
        "https://m.fx361.cc/news/2019/0918/5566326.html (facts.md 2.3, 2.4)",
        "yearly cash-outs per pension-insured worker without the 2010 rules, 2011-13",
        pre,
        "direction: pension coverage of workers away from home is higher with the rules "
        f"(mean and 5th percentile > 0); size: cash-outs without the rules in [{low:.2f}, "
        f"{high:.2f}]",
        direction,
        size,
        f"with the rules {post.mean():.3f} cash-outs a year (0 by construction: the 2010 ban "
        "precedes the run; not judged); pension coverage of employed workers away "
        f"from home, rules minus none, {cover.mean():+.2f} points [{np.percentile(cover, 5):+.2f},"
        f" {np.percentile(cover, 95):+.2f}], of which the ban alone {by_ban.mean():+.2f}; "
        f"their contribution years at the end of 2013 {years.mean():+.2f} a worker",
    )


def law_2011(params: dict, seeds: Sequence[int], n_workers: int) -> Result:
    """Share of the 2011-13 pension rise the Law's fines explain, against no Law.

    Three worlds on the same seeds, with no free trend in the first two: no Law (no
    fine in multiples of arrears: the 1999 rules fined managers only, facts.md 2.1);
    the Law's fines from 2011-07 (``LAW_FINE`` minimum, in the share of detected cases
    fined today); and the calibrated status quo (the fines and the fitted norm trend).
    The Law explains the rise with the Law minus the rise without it. Reported beside
    it: the status quo's rise minus the Law world's, which is not the trend's share
    alone (the status quo also fines through the burn-in and January-June 2011, where
    the Law world fines nobody), and an upper bound: the Law's maximum fine in every
    detected case.
    """
    in_force = month_of(2011, 7)
    no_law = {**params, "norm_trend_per_year": 0.0, "fine_multiple": 0.0}
    least = [Penalties(LAW_FINE[0], share_fined=0.0, start=in_force)]  # share stays
    most = [Penalties(LAW_FINE[1], share_fined=1.0, start=in_force)]
    law, top, rest, drift = [], [], [], []
    for seed in seeds:
        none = rm.rise(run_months(no_law, [], seed, n_workers, 36), "frac_covered_pension")
        fines = rm.rise(run_months(no_law, least, seed, n_workers, 36), "frac_covered_pension")
        bound = rm.rise(run_months(no_law, most, seed, n_workers, 36), "frac_covered_pension")
        status_quo = rm.rise(run_months(params, [], seed, n_workers, 36), "frac_covered_pension")
        law.append((fines - none) / PUBLISHED_RISE)
        top.append((bound - none) / PUBLISHED_RISE)
        rest.append((status_quo - fines) / PUBLISHED_RISE)
        drift.append(none / PUBLISHED_RISE)
    law, top, rest, drift = map(np.array, (law, top, rest, drift))
    return Result(
        "law-2011",
        "Social Insurance Law 2011-07: fines of 1-3 x arrears, against no Law, no free trend",
        f"pension coverage +{PUBLISHED_RISE:.1f} points 2011-2013 (C1)",
        "facts.md 2.1 (law text), 5 (C1)",
        "share of the published 2011-13 pension rise the Law's fines explain "
        "(rise with the Law minus rise without it, common seeds)",
        law,
        "direction: mean share > 0 and 5th percentile > 0; size: mean share >= "
        f"{LAW_MIN_SHARE:g} (argued, not sourced: the trend "
        "is dated to the Law, so its mechanisms should carry at least half of that rise)",
        *law_verdicts(law),
        f"upper bound (3 x arrears in every detected case) {top.mean():.2f}; status quo "
        f"minus the Law world {rest.mean():.2f} (the fitted trend, and the status quo's "
        "fines before 2011-07, which the Law world lacks); the model without Law or trend "
        f"{drift.mean():+.2f}. "
        "Not modelled: the 30-day enrolment rule (art. 58) and any change in inspection "
        "capacity; the late fee is the same in all worlds",
    )


def audit(params: dict, seeds: Sequence[int], n_workers: int) -> Result:
    """Audit yield of 2016 against C14: under-reported insured found per insured audited."""
    first, last = month_of(2016, 1), month_of(2016, 12)

    def probe(model: UptakeModel) -> dict[str, float]:
        found, audited = rm.audit_yield(model)
        power = model.levers.detection_power
        return {"audit_found": found, "audit_insured": audited, "audit_power": power}

    values, powers = [], []
    for seed in seeds:
        frame = _window(run_months(params, [], seed, n_workers, last, probe), first, last)
        values.append(float(frame["audit_found"].sum() / frame["audit_insured"].sum()))
        powers.append(float(frame["audit_power"].mean()))
    values, power = np.array(values), float(np.mean(powers))
    low, high = AUDIT_YIELD / AUDIT_FACTOR, AUDIT_YIELD * AUDIT_FACTOR
    on_low_base = f"{values.mean() / power:.1%}" if power > 0 else "an unknown share"
    return Result(
        "audit-yield",
        "SI field audits 2016: under-reported insured persons per audited insured person",
        f"6.76m of 141.85m, about {AUDIT_YIELD:.1%} (C14)",
        "http://m.handmsg.com/page/2019/0910/10498496.shtml (facts.md 3.2)",
        "expected pension-insured workers found with a base below their wage, per "
        "pension-insured worker of the audited firms, 2016",
        values,
        f"size: within a factor of {AUDIT_FACTOR:g}, {low:.1%}-{high:.1%} (an assumed "
        "tolerance, not sourced); direction: none",
        None,
        audit_size(values),
        f"{on_low_base} of the audited insured are on a base below their wage "
        f"and an audit finds each with detection_power {power:.2f} (fitted to coverage); "
        "the national figure is over all insured (mostly urban hukou), the model's over "
        "insured migrant workers",
    )


EXPERIMENTS = {
    "chengdu-2011": chengdu,
    "rate-cut-2019": rate_cut_2019,
    "transfer-rules-2010": transfer_rules_2010,
    "law-2011": law_2011,
    "audit-yield": audit,
}


def run_all(
    params: dict[str, Any],
    seeds: Sequence[int],
    n_workers: int,
    only: Sequence[str] = (),
    root_seed: int | None = None,
) -> pd.DataFrame:
    """Every experiment (or those in ``only``) as one table, one row each.

    Each row records its size: ``n_runs`` (replications, one per seed), ``workers``
    (worker agents per run) and ``seed_root`` (the root the seeds were drawn from,
    empty when the seeds were given directly).
    """
    unknown = [k for k in only if k not in EXPERIMENTS]
    if unknown:
        raise ValueError(f"unknown validation experiment(s) {unknown}; allowed {list(EXPERIMENTS)}")
    keys = list(only) or list(EXPERIMENTS)
    table = pd.DataFrame([EXPERIMENTS[k](params, seeds, n_workers).row() for k in keys])
    return table.assign(n_runs=len(seeds), workers=n_workers, seed_root=root_seed)

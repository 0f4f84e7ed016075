"""The Compare tab's ensemble part: its controls and each reform's gain with two intervals.

The numbers come from :mod:`dashboards.ensemble` (over :mod:`experiments.analysis`):
this module only chooses and writes them.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import solara

from dashboards import ensemble
from dashboards import format as fmt
from dashboards.ensemble import GAINS, EnsembleResult
from dashboards.fields import NumberField
from dashboards.jobs import Job
from dashboards.pairs import by_title, title
from dashboards.ui import CAPTION, Line, Table
from experiments.analysis.ensemble_gains import ROBUST
from experiments.run.experiment import Experiment
from experiments.scenarios import PRESETS


@solara.component
def ScenarioSelect(label: str, names: list[str], value: solara.Reactive):
    """Choose a scenario by its human name; ``value`` holds the scenario's name."""
    titles = by_title(names)
    solara.Select(label, list(titles), title(value.value), on_value=lambda t: value.set(titles[t]))


def duration(seconds: float) -> str:
    """``40 s``, ``3 min``, ``1.5 h``."""
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@solara.component
def EnsembleControls(
    use_sets: solara.Reactive,
    sets: solara.Reactive,
    more: solara.Reactive,
    a: str,
    b: str,
    reps: int,
    months: int,
    workers: int,
):
    """Whether to run over the ensemble, how many sets, which further reforms; runs and time."""
    solara.Checkbox(
        label="Also over the calibrated ensemble (parameter sets that fit the targets "
        "about equally well)",
        value=use_sets,
    )
    if not use_sets.value:
        return
    have = ensemble.available()  # read at every render: `uptake ensemble` may rewrite it
    if have.sets == 0:
        solara.Warning(f"No ensemble: {have.problem}")
        return
    chosen = sets.value or have.sets
    titles = by_title(n for n in PRESETS if n not in (a, b))
    extra = ensemble.extra_reforms(more.value, a, b)
    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
        with solara.Div(style={"width": "160px"}):
            NumberField(f"parameter sets (1-{have.sets})", chosen, sets.set, lo=1, hi=have.sets)
        with solara.Div(style={"width": "520px"}):
            solara.SelectMultiple(
                "More reforms to rank over the ensemble (optional)",
                [title(n) for n in extra],
                list(titles),
                on_value=lambda picked: more.set([titles[t] for t in picked]),
            )
    reforms = 1 + len(extra)
    runs = ensemble.runs(chosen, reps, reforms)
    seconds = ensemble.estimate_seconds(chosen, reps, reforms, workers, months)
    solara.Text(
        f"{chosen} of the {have.sets} parameter sets x {reps} replications x {reforms + 1} "
        f"scenarios = {runs:,} more runs after the comparison, about {duration(seconds)} "
        "on an idle machine (longer when it is busy). Presets only: the custom scenario "
        "fixes every parameter.",
        style=CAPTION,
        classes=["uptake-ensemble-plan"],
    )


def _interval(lo: float, hi: float) -> str:
    """``+1.20 to +3.45``, or ``-`` when either end is missing (one seed gives no interval)."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "-"
    return f"{fmt.signed(lo)} to {fmt.signed(hi)}"


def _intervals(summary: pd.DataFrame, low: str, high: str) -> list[str]:
    """:func:`_interval` of each row's ``low`` and ``high`` columns."""
    return [_interval(lo, hi) for lo, hi in zip(summary[low], summary[high], strict=True)]


def gain_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Each reform's gain (points): mean over sets, set 0 and its seed interval, spread."""
    return pd.DataFrame(
        {
            "reform": summary["scenario"].map(title),
            "gain, mean over sets (pp)": summary["gain_mean"].map(fmt.signed),
            "set 0, calibrated (pp)": summary["gain_member0"].map(fmt.signed),
            "90% interval over seeds, set 0 (pp)": _intervals(
                summary, "seed_ci90_low", "seed_ci90_high"
            ),
            "5-95% over sets (pp)": _intervals(summary, "ensemble_q05", "ensemble_q95"),
            "range over sets (pp)": _intervals(summary, "ensemble_min", "ensemble_max"),
        }
    )


def ranking_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """Every pair (the higher mean gain first) with the share of sets in that order."""
    return pd.DataFrame(
        {
            "higher": pairs["first"].map(title),
            "lower": pairs["second"].map(title),
            "sets where higher": pairs["share_of_members_first_higher"].map("{:.0%}".format),
            "mean difference (pp)": pairs["mean_difference"].map(fmt.signed),
            "ranking": pairs["ranking"],
        }
    )


def robust_count(ranks: pd.DataFrame, result: EnsembleResult) -> str:
    """How many pairs are robust, those against the baseline and those between reforms.

    ``uptake compare --ensemble`` ranks only the reforms among themselves, so its count
    is the second part.
    """
    base = title(result.baseline)
    against = (ranks["higher"] == base) | (ranks["lower"] == base)
    robust = ranks["ranking"] == ROBUST
    between = len(ranks) - int(against.sum())
    return (
        f"{int(robust.sum())} of {len(ranks)} pairs robust: {int(robust[against].sum())} of "
        f"{int(against.sum())} against {base} (a gain of 0), {int(robust[~against].sum())} "
        f"of {between} between reforms (the pairs `uptake compare --ensemble` ranks)."
    )


@solara.component
def EnsembleView(result: EnsembleResult, workers: int, months: int):
    """Gains with their seed and ensemble intervals, and which rankings are robust."""
    column = solara.use_reactive(next(iter(GAINS)))
    Line(
        "Across the calibrated ensemble: ",
        f"{result.sets} parameter sets x {result.replications} replications",
        f" ({workers:,} workers, {months} months, the same seeds in every set); gain over ",
        title(result.baseline),
        f" in percentage points, mean of the last 12 months. Took {result.seconds:.0f} s.",
        classes=["uptake-ensemble-title"],
    )
    with solara.Div(style={"width": "300px"}):
        solara.Select(
            "Gain in",
            list(GAINS.values()),
            GAINS[column.value],
            on_value=lambda text: column.set(next(k for k, v in GAINS.items() if v == text)),
        )
    summary = solara.use_memo(
        lambda: gain_table(result.summary(column.value)), [result, column.value]
    )
    Table(summary, numeric=tuple(summary.columns[1:]), classes=["uptake-ensemble-gains"])
    seeds_note = "" if result.replications > 1 else " One replication gives no interval (-)."
    solara.Text(
        "Seeds: the 90% t-interval of set 0's mean gain over its replications (run-to-run "
        f"noise).{seeds_note} Sets: the 5th-95th percentile and the range of the sets' mean "
        "gains (what the calibration targets leave open).",
        style=CAPTION,
    )
    ranks = solara.use_memo(
        lambda: ranking_table(result.rankings(column.value)), [result, column.value]
    )
    Line("Rankings: ", robust_count(ranks, result), classes=["uptake-ensemble-robust"])
    Table(
        ranks,
        numeric=("sets where higher", "mean difference (pp)"),
        classes=["uptake-ensemble-ranks"],
    )
    note = (
        "Robust: the same order in every set, and in every set the seeds' 90% interval of "
        "the paired difference excludes 0."
    )
    if result.replications < 2:
        note += " With one replication there is no seed interval, so no ranking is robust."
    solara.Text(note, style=CAPTION)


def run_in_job(
    job: Job, a: str, reforms: list[str], sets: int, exp: Experiment, before: int, total: int
) -> EnsembleResult | None:
    """The ensemble part of a comparison, reporting progress and the time left to ``job``.

    Args:
        job: the comparison's background job.
        a: the baseline.
        reforms: B and the further reforms.
        sets: parameter sets to run.
        exp: the comparison (its replications, months, workers and root seed).
        before: runs done before this part (the comparison's own).
        total: runs in all, this part included.
    """
    began = time.monotonic()
    per_set = exp.replications * (1 + len(reforms))

    def report(done: int, runs: int) -> None:
        left = (time.monotonic() - began) / done * (runs - done)
        job.report(
            (before + done) / total,
            f"ensemble: parameter set {(done - 1) // per_set + 1} of {sets}, run {done} "
            f"of {runs}, about {left:.0f} s left",
        )

    return ensemble.run(
        a,
        reforms,
        sets,
        exp.replications,
        exp.months,
        exp.workers,
        exp.root_seed,
        report,
        lambda: job.stopping,
    )

"""Compare tab: two scenarios with the same seeds, both and their difference, with bands.

The run happens in a background :class:`~dashboards.jobs.Job` owned by the
session, so switching tabs neither stops nor loses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import solara

from dashboards import charts
from dashboards.jobs import Job, Status
from dashboards.pairs import (
    MAX_COMPARE_WORKERS,
    MAX_REPS,
    METRICS,
    PairSpec,
    arm_for,
    bands,
    difference,
    run_pair,
    summary,
)
from dashboards.settings import CUSTOM
from dashboards.state import Session
from experiments.scenarios import PRESETS

CAPTION = {"font-size": "0.8em", "color": "#555"}


@dataclass(frozen=True, eq=False)
class Comparison:
    """A finished comparison: the tidy frame of every run and how it was made."""

    frame: pd.DataFrame
    arms: tuple[str, str]
    spec: PairSpec
    start_year: int


class Comparer:
    """A session's comparison: its settings, background job and last result."""

    def __init__(self, session: Session) -> None:
        """Attach to ``session`` (its Explore settings feed the 'custom' choice)."""
        self.session = session
        self.result = solara.Reactive(None)
        self.status = solara.Reactive(Status())
        self.message = solara.Reactive("")
        self.job = Job(self.status, self.message)

    def run(self, a: str, b: str, spec: PairSpec, wait: bool = False) -> bool:
        """Validate, then run both scenarios in the background."""
        custom = self.session.settings.value
        try:
            spec.validate()
            arms = (arm_for(a, custom), arm_for(b, custom))
        except ValueError as error:
            self.message.value = str(error)
            return False

        def work(job: Job) -> None:
            frame = run_pair(arms, spec, job.report, lambda: job.stopping)
            if frame is not None:
                names = tuple(dict.fromkeys(frame["arm"]))
                start_year = int(frame.loc[frame["month"] == 0, "year"].iloc[0])
                self.result.value = Comparison(frame, names, spec, start_year)

        started = self.job.start("comparing", work)
        if wait:
            self.job.wait()
        return started

    def close(self) -> None:
        """Stop a running comparison (the page was closed)."""
        self.job.stop(wait=False)


@solara.component
def CompareControls(comparer: Comparer):
    """Scenario choices, replications, months, population, seed; run and cancel."""
    choices = [*PRESETS, CUSTOM]
    a = solara.use_reactive("baseline")
    b = solara.use_reactive("paper-package")
    reps = solara.use_reactive(3)
    months = solara.use_reactive(60)
    n_workers = solara.use_reactive(3_000)
    seed = solara.use_reactive(42)
    status = comparer.status.value

    def run():
        spec = PairSpec(reps.value, months.value, n_workers.value, seed.value)
        comparer.run(a.value, b.value, spec)

    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
        with solara.Div(style={"width": "200px"}):
            solara.Select("Scenario A (baseline)", choices, a)
        with solara.Div(style={"width": "200px"}):
            solara.Select("Scenario B (reform)", choices, b)
        with solara.Div(style={"width": "140px"}):
            solara.InputInt(f"replications (1-{MAX_REPS})", reps, dense=True)
        with solara.Div(style={"width": "110px"}):
            solara.InputInt("months", months, dense=True)
        with solara.Div(style={"width": "170px"}):
            solara.InputInt(f"workers (max {MAX_COMPARE_WORKERS:,})", n_workers, dense=True)
        with solara.Div(style={"width": "110px"}):
            solara.InputInt("first seed", seed, dense=True)
        solara.Button("Run comparison", color="primary", on_click=run, disabled=status.busy)
        solara.Button("Cancel", on_click=lambda: comparer.job.stop(wait=False), disabled=not status.busy)
    solara.Text(
        f"'{CUSTOM}' uses the Explore tab's levers and parameters. Replication r of both "
        "scenarios uses seed first+r (common random numbers); bands: 10-90% of replications.",
        style=CAPTION,
    )
    if status.busy:
        solara.ProgressLinear(True if status.progress is None else 100 * status.progress)
        solara.Text(f"Working: {status.label}", style=CAPTION)
    if comparer.message.value:
        solara.Error(comparer.message.value, classes=["uptake-message"])


def _fmt(x: float) -> str:
    return f"{x:.3f}" if abs(x) < 10 else f"{x:,.0f}"


@solara.component
def CompareResult(result: Comparison):
    """Charts of both scenarios and of their difference, and a summary table."""
    metric = solara.use_reactive("frac_covered_any")
    a, b = result.arms
    spec = result.spec
    solara.Markdown(
        f"**{a}** (A) vs **{b}** (B): {spec.reps} replications x {spec.months} months, "
        f"{spec.n_workers:,} workers, seeds {spec.seeds()[0]}-{spec.seeds()[-1]} in both."
    )
    with solara.Div(style={"width": "380px"}):
        solara.Select("Outcome", list(METRICS), metric)
    label = METRICS[metric.value]

    def draw() -> tuple[bytes, bytes]:
        both = charts.compare_lines(bands(result.frame, metric.value), metric.value, label, result.start_year)
        diff = charts.compare_difference(
            difference(result.frame, metric.value), metric.value, f"{b} minus {a}", result.start_year
        )
        return charts.png(both), charts.png(diff)

    both, diff = solara.use_memo(draw, [result, metric.value])
    with solara.ColumnsResponsive(default=12, large=6):
        with solara.Div(classes=["uptake-chart", "chart-compare-both"]):
            solara.Image(both, format="png")
        with solara.Div(classes=["uptake-chart", "chart-compare-diff"]):
            solara.Image(diff, format="png")
    table = summary(result.frame)
    shown = table.copy()
    for column in shown.columns[1:]:
        shown[column] = shown[column].map(_fmt)
    solara.Text(
        "Means over the last 12 months; difference = B - A paired by seed, with its 10-90% band.",
        style=CAPTION,
    )
    with solara.Div(classes=["uptake-compare-summary"]):
        solara.DataFrame(shown, items_per_page=len(shown))


@solara.component
def Compare(comparer: Comparer):
    """The Compare tab."""
    CompareControls(comparer)
    result = comparer.result.value
    if result is None:
        solara.Info("Choose two scenarios and press Run comparison.")
    else:
        CompareResult(result)

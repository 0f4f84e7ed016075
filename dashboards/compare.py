"""Compare tab: two scenarios with the same seeds, both and their difference, with bands.

The run happens in a background :class:`~dashboards.jobs.Job` owned by the
session, so switching tabs neither stops nor loses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import solara

from dashboards import charts, ensemble, pairs
from dashboards import format as fmt
from dashboards.compare_ensemble import (
    EnsembleControls,
    EnsembleView,
    ScenarioSelect,
    run_in_job,
)
from dashboards.ensemble import EnsembleResult
from dashboards.fields import NumberField
from dashboards.jobs import Job, Status
from dashboards.pairs import COMPARE_WORKERS, MAX_COMPARE_WORKERS, MAX_REPS, METRICS, title
from dashboards.settings import CUSTOM, DEFAULT_SEED, MAX_MONTHS
from dashboards.state import Session
from dashboards.ui import CAPTION, Line, Table
from experiments.run.experiment import Experiment
from experiments.scenarios import PRESETS


@dataclass(frozen=True, eq=False)
class Comparison:
    """A finished comparison: every run's outcomes and the experiment that made them."""

    outcomes: pd.DataFrame
    experiment: Experiment
    ensemble: EnsembleResult | None = None

    @property
    def names(self) -> tuple[str, str]:
        """Baseline (A) and reform (B) scenario names."""
        a, b = self.experiment.scenarios
        return a.name, b.name

    @property
    def start_year(self) -> int:
        """Calendar year of month 1."""
        return int(self.outcomes.loc[self.outcomes["month"] == 0, "year"].iloc[0])


class Comparer:
    """A session's comparison: its background job and last result."""

    def __init__(self, session: Session) -> None:
        """Attach to ``session`` (its Explore settings feed the 'custom' choice)."""
        self.session = session
        self.result = solara.Reactive(session.run.comparison)  # kept over a page reload
        self.status = solara.Reactive(Status())
        self.message = solara.Reactive("")
        self.job = Job(self.status, self.message)

    def run(
        self,
        a: str,
        b: str,
        reps: int,
        months: int,
        n_workers: int,
        seed: int,
        wait: bool = False,
        sets: int = 0,
        more: Sequence[str] = (),
    ) -> bool:
        """Validate, then run both scenarios in the background.

        Args:
            a: baseline scenario (a preset's name or ``custom``).
            b: reform scenario.
            reps: replications (the same seeds in both).
            months: months per run.
            n_workers: worker agents per run.
            seed: root seed of the replication seeds.
            wait: block until the work ends (tests).
            sets: also run A, B and ``more`` reforms on the first ``sets`` parameter
                sets of the calibrated ensemble (0: not).
            more: further reforms ranked over the ensemble.
        """
        reforms = [b, *more]
        try:
            exp = pairs.experiment(a, b, self.session.settings.value, reps, months, n_workers, seed)
            if sets:
                ensemble.check(a, reforms, sets, ensemble.available())
        except ValueError as error:
            self.message.value = str(error)
            return False
        compared = len(exp.specs())
        total = compared + (ensemble.runs(sets, reps, len(reforms)) if sets else 0)

        def work(job: Job) -> None:
            outcomes = pairs.run(
                exp, lambda f, text: job.report(f * compared / total, text), lambda: job.stopping
            )
            if outcomes is None:
                return
            spread = None
            if sets:
                spread = run_in_job(job, a, reforms, sets, exp, compared, total)
                if spread is None:
                    self.message.value = "Ensemble runs cancelled: the comparison is shown alone."
            self.session.run.comparison = Comparison(outcomes, exp, spread)
            self.result.value = self.session.run.comparison

        started = self.job.start("comparing", work)
        if wait:
            self.job.wait()
        return started

    def close(self) -> None:
        """Stop a running comparison (the page was closed)."""
        self.job.stop(wait=False)


@solara.component
def CompareControls(comparer: Comparer):
    """Scenario choices, replications, months, population, seed, the ensemble; run and cancel."""
    choices = [*PRESETS, CUSTOM]
    a = solara.use_reactive("baseline")
    b = solara.use_reactive("paper-package")
    reps = solara.use_reactive(3)
    months = solara.use_reactive(60)
    n_workers = solara.use_reactive(COMPARE_WORKERS)
    seed = solara.use_reactive(DEFAULT_SEED)
    use_sets = solara.use_reactive(False)
    sets = solara.use_reactive(0)  # 0: all the sets the ensemble file holds
    more = solara.use_reactive([])
    status = comparer.status.value

    def run():
        comparer.run(
            a.value,
            b.value,
            reps.value,
            months.value,
            n_workers.value,
            seed.value,
            sets=(sets.value or ensemble.available().sets) if use_sets.value else 0,
            more=ensemble.extra_reforms(more.value, a.value, b.value) if use_sets.value else (),
        )

    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
        with solara.Div(style={"width": "280px"}):
            ScenarioSelect("Scenario A (baseline)", choices, a)
        with solara.Div(style={"width": "280px"}):
            ScenarioSelect("Scenario B (reform)", choices, b)
        with solara.Div(style={"width": "140px"}):
            NumberField(f"replications (1-{MAX_REPS})", reps.value, reps.set, lo=1, hi=MAX_REPS)
        with solara.Div(style={"width": "130px"}):
            NumberField(f"months (1-{MAX_MONTHS})", months.value, months.set, lo=1, hi=MAX_MONTHS)
        with solara.Div(style={"width": "190px"}):
            NumberField(
                f"workers (100-{MAX_COMPARE_WORKERS:,})",
                n_workers.value,
                n_workers.set,
                lo=100,
                hi=MAX_COMPARE_WORKERS,
            )
        with solara.Div(style={"width": "110px"}):
            NumberField("root seed", seed.value, seed.set, lo=0)
    solara.Text(
        f"'{pairs.CUSTOM_TITLE}' uses the Explore tab's levers and parameters. Replication r "
        "has the same seed in both scenarios (common random numbers, as `uptake compare`); "
        "bands: 5-95% of replications.",
        style=CAPTION,
    )
    EnsembleControls(
        use_sets, sets, more, a.value, b.value, reps.value, months.value, n_workers.value
    )
    with solara.Row(gap="8px"):
        solara.Button("Run comparison", color="primary", on_click=run, disabled=status.busy)
        solara.Button(
            "Cancel", on_click=lambda: comparer.job.stop(wait=False), disabled=not status.busy
        )
    if status.busy:
        solara.ProgressLinear(True if status.progress is None else 100 * status.progress)
        solara.Text(f"Working: {status.label}", style=CAPTION, classes=["uptake-compare-progress"])
    if comparer.message.value:
        solara.Error(comparer.message.value, classes=["uptake-message"])


def formatted(table: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The summary with labels, one number style per column and no row index.

    Shares in % (differences in pp); every other value to three significant figures
    with k / M / bn, its unit in the unit column. ``names`` maps scenario names to titles.
    """
    rows = []
    for row in table.to_dict("records"):
        column = row.pop("column")
        out = {"outcome": fmt.label(column), "unit": fmt.unit_text(column)}
        for key, x in row.items():
            signed = key in ("difference", "band 5%", "band 95%")
            out[names.get(key, key)] = fmt.table_value(x, column, signed)
        rows.append(out)
    return pd.DataFrame(rows)


@solara.component
def CompareResult(result: Comparison):
    """Charts of both scenarios and of their difference, and a summary table."""
    metric = solara.use_reactive(METRICS[0])
    a, b = result.names
    exp = result.experiment
    names = {a: title(a), b: title(b)}
    Line(
        "",
        names[a],
        " (A) vs ",
        names[b],
        f" (B): {exp.replications} replications x {exp.months} months, "
        f"{exp.workers:,} workers, root seed {exp.root_seed} (same seeds in both).",
        classes=["uptake-compare-title"],
    )
    with solara.Div(style={"width": "380px"}):
        solara.Select(
            "Outcome",
            [fmt.label(m) for m in METRICS],
            fmt.label(metric.value),
            on_value=lambda text: metric.set(next(m for m in METRICS if fmt.label(m) == text)),
        )

    def draw() -> tuple[bytes, bytes]:
        m = metric.value
        unit, axis = fmt.unit(m), fmt.unit_text(m)
        bands = pairs.bands(result.outcomes, m)
        bands = bands.assign(scenario=bands["scenario"].map(names))
        both = charts.compare_lines(bands, fmt.label(m), axis, unit, result.start_year)
        diff = charts.compare_difference(
            pairs.difference(result.outcomes, m, a),
            f"{names[b]} minus {names[a]}",
            f"difference, {'percentage points' if unit == 'share' else axis}",
            unit,
            result.start_year,
        )
        return charts.png(both), charts.png(diff)

    both, diff = solara.use_memo(draw, [result, metric.value])
    with solara.ColumnsResponsive(default=12, large=6):
        with solara.Div(classes=["uptake-chart", "chart-compare-both"]):
            solara.Image(both, format="png")
        with solara.Div(classes=["uptake-chart", "chart-compare-diff"]):
            solara.Image(diff, format="png")
    table = solara.use_memo(lambda: formatted(pairs.summary(result.outcomes, a), names), [result])
    solara.Text(
        "Means over the last 12 months; difference = B - A paired by replication, "
        "with the 5-95% band of the paired differences (pp = percentage points). "
        "A difference whose band spans 0 is within the noise of "
        f"{exp.replications} replications.",
        style=CAPTION,
    )
    numeric = tuple(c for c in table.columns if c not in ("outcome", "unit"))
    Table(table, numeric=numeric, classes=["uptake-compare-summary"])
    first = result.outcomes.iloc[0]
    scale = first["n_workers_real"] / first["n_workers"]
    solara.Text(f"{fmt.scale_note(scale, greyed=False)} {fmt.BREAKS_NOTE}", style=CAPTION)
    if result.ensemble is not None:
        EnsembleView(result.ensemble, result.experiment.workers, result.experiment.months)


@solara.component
def Compare(comparer: Comparer):
    """The Compare tab."""
    CompareControls(comparer)
    result = comparer.result.value
    if result is None:
        solara.Info("Choose two scenarios and press Run comparison.")
    else:
        CompareResult(result)

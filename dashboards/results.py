"""Results tab: download the current run (data and charts) and browse saved folders.

Downloads are produced lazily (``solara.FileDownload`` with a callback), from the
snapshot and the model at the moment the button is pressed.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import solara

from dashboards import charts, sweeps
from dashboards import format as fmt
from dashboards.compare import Comparer
from dashboards.explore_charts import EXPLORE_CHARTS
from dashboards.state import Session, Snapshot
from dashboards.ui import CAPTION, KeyValues, Line
from experiments import analysis
from experiments.run import manifest as run_manifest
from experiments.run.storage import json_normal

#: Where saved experiment folders are looked for (relative to the working directory).
RESULTS_ROOT = Path("results")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV."""
    return frame.to_csv(index=False).encode("utf-8")


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as Parquet."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def json_bytes(data: Any) -> bytes:
    """Strict JSON, normalised as the experiments' manifests are (``inf`` as ``"inf"``)."""
    return json.dumps(json_normal(data), indent=1, allow_nan=False).encode("utf-8")


def manifest(session: Session) -> dict[str, Any]:
    """A self-describing record of the session's current run, for downloads.

    An interactive run has no run specs, so this is not an experiment manifest
    (``experiments.run.manifest.build``), but it records the same provenance
    (time, versions, git state) with the experiments' own functions.
    """
    snap = session.snapshot.value
    if snap is None:
        raise ValueError("No run yet.")
    s = snap.settings
    with session.run.lock:
        model = session.model
        params = model.params.to_dict() if model is not None else {}
        policies = [p.to_dict() for p in model.policies] if model is not None else []
    return {
        "source": "uptake dashboard",
        "kind": "interactive run",
        "created": run_manifest.now(),
        "versions": run_manifest.versions(),
        "git": run_manifest.git_state(),
        "preset": s.preset,
        "label": s.label(),
        "seed": s.seed,
        "n_workers": s.n_workers,
        "months": snap.month,
        "date": snap.date,
        "parameter_overrides": dict(s.params),
        "parameters": params,
        "policies": policies,
        "log": list(snap.log),
        "settings_levers": {k: dataclasses.asdict(v) for k, v in s.levers.items()},
    }


def stem(snap: Snapshot) -> str:
    """File-name stem of the current run, e.g. ``uptake_baseline_seed42_m12``."""
    s = snap.settings
    name = s.preset if s.is_preset() else f"{s.preset}-modified"
    return f"uptake_{name}_seed{s.seed}_m{snap.month}"


def groups_frame(snap: Snapshot) -> pd.DataFrame:
    """Coverage by industry and by region, every month, in one long frame."""
    parts = []
    for by, view in snap.groups.items():
        t = view.frame().rename(columns={by: "group"})
        t["group"] = t["group"].astype(str)
        t.insert(1, "by", by)
        parts.append(t)
    return pd.concat(parts, ignore_index=True)


@solara.component
def RunDownloads(session: Session):
    """Data (CSV, Parquet, JSON) and charts (PNG) of the Explore run."""
    snap = session.snapshot.value
    if snap is None:
        solara.Info("No run yet: build one in the Explore tab.")
        return
    s = stem(snap)
    Line("Current run: ", snap.settings.title(), f", month {snap.when}.")
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}, classes=["uptake-downloads"]):
        solara.FileDownload(
            lambda: csv_bytes(snap.results),
            f"{s}_results.csv",
            "Results (CSV)",
            mime_type="text/csv",
        )
        solara.FileDownload(
            lambda: parquet_bytes(snap.results), f"{s}_results.parquet", "Results (Parquet)"
        )
        solara.FileDownload(
            lambda: csv_bytes(groups_frame(snap)), f"{s}_by_group.csv", "By industry/region (CSV)"
        )
        solara.FileDownload(
            lambda: parquet_bytes(session.frames()[0]), f"{s}_workers.parquet", "Workers (Parquet)"
        )
        solara.FileDownload(
            lambda: parquet_bytes(session.frames()[1]), f"{s}_firms.parquet", "Firms (Parquet)"
        )
        solara.FileDownload(
            lambda: json_bytes(manifest(session)), f"{s}_manifest.json", "Run manifest (JSON)"
        )
    solara.Text("Charts (PNG):", style=CAPTION)
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}, classes=["uptake-chart-downloads"]):
        for key, title in EXPLORE_CHARTS.items():
            solara.FileDownload(
                snap.images[key],
                f"{s}_{key}.png",
                title,
                mime_type="image/png",
            )


@solara.component
def ComparisonDownloads(comparer: Comparer):
    """The last comparison's runs and summary."""
    result = comparer.result.value
    if result is None:
        solara.Text("No comparison yet (Compare tab).", style=CAPTION)
        return
    a, b = result.names
    s = f"uptake_compare_{a}_vs_{b}"
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        solara.FileDownload(
            lambda: parquet_bytes(result.outcomes), f"{s}_runs.parquet", "Comparison runs (Parquet)"
        )
        solara.FileDownload(
            lambda: csv_bytes(analysis.differences(result.outcomes, a)),
            f"{s}_differences.csv",
            "Paired differences (CSV)",
        )
        spread = result.ensemble
        if spread is not None:
            solara.FileDownload(
                lambda: csv_bytes(spread.gains),
                f"{s}_ensemble_gains.csv",
                "Gains per parameter set and seed (CSV)",
            )


@solara.component
def SavedResults():
    """Open a saved experiment folder under ``results/``: overview, table, chart, figures."""
    found = solara.use_memo(
        lambda: [str(p.relative_to(RESULTS_ROOT)) for p in sweeps.find_folders(RESULTS_ROOT)], []
    )
    path = solara.use_reactive(found[0] if found else "")
    opened = solara.use_reactive(None)
    error = solara.use_reactive("")

    def open_folder():
        try:
            opened.value = sweeps.load(path.value, RESULTS_ROOT)
            error.value = ""
        except ValueError as exc:
            opened.value = None
            error.value = str(exc)

    if found:
        with solara.Div(style={"max-width": "600px"}):
            solara.Select(f"Folders found under {RESULTS_ROOT}/", found, path)
    with solara.Row(gap="8px", style={"align-items": "center"}):
        with solara.Div(style={"width": "520px"}):
            solara.InputText(f"Folder under {RESULTS_ROOT}/ (holds manifest.json)", path)
        solara.Button("Open", on_click=open_folder, color="primary")
    solara.Text(
        f"Only folders under {RESULTS_ROOT.resolve()}/ open; symbolic links are not followed.",
        style=CAPTION,
    )
    if error.value:
        solara.Error(error.value, classes=["uptake-message"])
    if opened.value is not None:
        SweepView(opened.value)


def sweep_table(sweep: sweeps.Sweep) -> pd.DataFrame:
    """The saved folder's final table with labels and values in their units."""
    table = sweeps.final_table(sweep)
    rows = []
    for row in table.to_dict("records"):
        column = row["column"]
        rows.append(
            {
                "scenario": row["scenario"],
                "outcome": fmt.label(column),
                "unit": fmt.unit_text(column),
                "replications": row["replications"],
                **{k: fmt.column_value(row[k], column) for k in ("mean", "q05", "q95")},
            }
        )
    return pd.DataFrame(rows)


def scenario_groups(names: list[str]) -> list[list[str]]:
    """Scenarios in charts of at most :data:`charts.MAX_LINES` (every scenario is shown)."""
    size = charts.MAX_LINES
    return [names[i : i + size] for i in range(0, len(names), size)]


@solara.component
def SweepView(sweep: sweeps.Sweep):
    """One loaded folder."""
    outcome = solara.use_reactive("frac_covered_any")
    with solara.Div(classes=["uptake-sweep"]):
        KeyValues(sweeps.overview(sweep))
        solara.Text("Last 12 months, mean and 5-95% band over replications:", style=CAPTION)
        table = solara.use_memo(lambda: sweep_table(sweep), [sweep])
        solara.DataFrame(table, items_per_page=16)
        solara.Text(fmt.BREAKS_NOTE, style=CAPTION)
        options = [c for c in sweeps.TABLE_OUTCOMES if c in sweep.outcomes.columns]
        with solara.Div(style={"width": "300px"}):
            solara.Select(
                "Outcome",
                [fmt.label(c) for c in options],
                fmt.label(outcome.value),
                on_value=lambda text: outcome.set(next(c for c in options if fmt.label(c) == text)),
            )
        groups = scenario_groups(sweep.scenarios)
        if len(groups) > 1:
            solara.Text(
                f"{len(sweep.scenarios)} scenarios, in {len(groups)} charts of at most "
                f"{charts.MAX_LINES} (one colour each).",
                style=CAPTION,
            )

        def draw() -> list[bytes]:
            column = outcome.value
            start = int(sweep.outcomes["year"].min())
            images = []
            for names in groups:
                rows = sweep.outcomes[sweep.outcomes["scenario"].isin(names)]
                summary = analysis.summarise(rows, [column])
                figure = charts.compare_lines(
                    summary, fmt.label(column), fmt.unit_text(column), fmt.unit(column), start
                )
                images.append(charts.png(figure))
            return images

        for image in solara.use_memo(draw, [sweep, outcome.value]):
            with solara.Div(classes=["uptake-sweep-chart"]):
                solara.Image(image, format="png")
        if sweep.figures:
            solara.Text(f"Figures in the folder ({len(sweep.figures)}):", style=CAPTION)
            with solara.ColumnsResponsive(default=12, large=6):
                for figure in sweep.figures:
                    with solara.Column(gap="2px"):
                        solara.Text(str(figure.relative_to(sweep.folder)), style=CAPTION)
                        solara.Image(figure.read_bytes(), format="png")


@solara.component
def Results(session: Session, comparer: Comparer, active: bool = True):
    """The Results tab (hidden, it skips the run's downloads, which change every month)."""
    with solara.Card("Download the current run", margin=0):
        if active:
            RunDownloads(session)
        ComparisonDownloads(comparer)
    with solara.Card("Saved results", margin=0):
        SavedResults()

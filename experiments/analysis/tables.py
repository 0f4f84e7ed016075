"""All analysis tables of one output folder, and their CSV/Excel export.

:func:`analyse_folder` reads the manifest and, from the parts, only the columns the
tables need (:func:`analysis_columns`, through a pyarrow dataset), and computes the
summary, the paired differences (compare experiments), cost-effectiveness, the
industry/region breakdowns and, for Morris/Sobol/LHS sweeps, sensitivity indices.
:func:`export` writes them as CSV files and one Excel workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis import summaries
from experiments.errors import InputError
from experiments.run.storage import BREAKDOWNS, ResultStore, atomic_write
from model.policies import Policy, make_policy

EXCEL_MAX_ROWS = 1_000_000
#: Outcome columns read besides the summarised ones: ids and time, the
#: cost-effectiveness inputs, and what the findings' text uses (population scale).
ANALYSIS_COLUMNS = (
    "scenario",
    "replication",
    "seed",
    "run_id",
    "point",
    "month",
    "year",
    "n_workers",
    "n_employed",
    "n_employed_real",
    "cum_subsidy_spending_yuan",
    "cum_n_inspections_real",
    "cum_contribution_income_yuan",
)
#: Breakdown columns the breakdown summary reads (and every ``frac_covered_*``).
BREAKDOWN_COLUMNS = ("scenario", "month", "year", "by", "group")


@dataclass
class FolderTables:
    """The analysis of one output folder."""

    folder: Path
    manifest: dict[str, Any]
    outcomes: pd.DataFrame
    summary: pd.DataFrame
    breakdowns: pd.DataFrame
    baseline: str | None = None
    differences: pd.DataFrame = field(default_factory=pd.DataFrame)
    cost_effectiveness: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    ensemble: pd.DataFrame = field(default_factory=pd.DataFrame)
    ensemble_rankings: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    cost_per_inspection: float = summaries.COST_PER_INSPECTION_YUAN

    @property
    def kind(self) -> str:
        """``run``, ``compare`` or ``sweep``."""
        return self.manifest.get("experiment", {}).get("kind", "run")

    def named(self) -> dict[str, pd.DataFrame]:
        """The non-empty tables by export name."""
        tables = {
            "summary": self.summary,
            "differences": self.differences,
            "cost_effectiveness": self.cost_effectiveness,
            "breakdowns": self.breakdowns,
            "sensitivity": self.sensitivity,
        }
        return {k: v for k, v in tables.items() if not v.empty}


def analyse_folder(
    folder: str | Path,
    baseline: str | None = None,
    cost_per_inspection: float = summaries.COST_PER_INSPECTION_YUAN,
    outcomes: list[str] | None = None,
) -> FolderTables:
    """Compute every table for the experiment in ``folder``.

    Args:
        folder: an output folder written by ``uptake run/compare/sweep``.
        baseline: the scenario others are compared with (default: the manifest's
            baseline for ``compare``, ``baseline`` if present, else none).
        cost_per_inspection: yuan per extra inspection in the enforcement cost.
        outcomes: outcome columns to summarise (default: ``summaries.SUMMARY_OUTCOMES``).
    """
    store = ResultStore(folder)
    manifest = store.read_manifest()
    if manifest is None:
        raise InputError(f"{folder}: no manifest.json; not an output folder of `uptake`")
    names = store.columns()
    if not names:
        raise InputError(f"{folder}: no finished runs yet (see manifest.json for failures)")
    experiment = manifest.get("experiment", {})
    wanted = outcomes or [c for c in summaries.SUMMARY_OUTCOMES if c in names]
    policies = scenario_policies(experiment.get("scenarios", []))
    frame = store.load(columns=analysis_columns(names, wanted, policies))
    split = store.columns(BREAKDOWNS)
    keep = [c for c in split if c in BREAKDOWN_COLUMNS or c.startswith("frac_covered_")]
    tables = FolderTables(
        Path(folder),
        manifest,
        frame,
        summaries.summarise(frame, wanted),
        summaries.breakdown_summary(store.load(BREAKDOWNS, columns=keep) if keep else frame[:0]),
        cost_per_inspection=cost_per_inspection,
    )
    names = set(frame["scenario"])
    tables.baseline = (
        baseline
        or experiment.get("baseline")
        or ("baseline" if "baseline" in names and len(names) > 1 else None)
    )
    if baseline is not None and baseline not in names:
        raise InputError(f"--baseline {baseline!r} has no finished runs; have {sorted(names)}")
    if tables.baseline is not None and tables.kind != "sweep" and len(names) > 1:
        try:
            tables.differences = summaries.differences(frame, tables.baseline, wanted)
            tables.cost_effectiveness = summaries.cost_effectiveness(
                frame, tables.baseline, cost_per_inspection, policies=policies
            )
        except ValueError as exc:  # e.g. every baseline run failed: report the rest
            tables.notes.append(f"No differences from {tables.baseline!r}: {exc}")
    elif tables.kind == "compare" and len(names) == 1:
        tables.notes.append(f"No differences: only {sorted(names)[0]!r} has finished runs.")
    order = {name: i for i, name in enumerate(experiment.get("scenario_names", []))}
    for name in ("summary", "breakdowns", "differences", "cost_effectiveness"):
        setattr(tables, name, _in_order(getattr(tables, name), order))
    # Written by `uptake compare --ensemble K` beside the runs.
    for name, attr in (
        ("ensemble_summary", "ensemble"),
        ("ensemble_rankings", "ensemble_rankings"),
    ):
        path = Path(folder) / f"{name}.csv"
        if path.is_file():
            setattr(tables, attr, pd.read_csv(path))
    if experiment.get("design"):
        from experiments.sweeps.indices import analyse

        try:
            tables.sensitivity = analyse(str(folder))
        except (InputError, ValueError) as exc:
            tables.notes.append(f"Sensitivity indices not computed: {exc}")
    failed = [k for k, v in manifest.get("runs", {}).items() if v.get("status") == "failed"]
    if failed:
        tables.notes.append(
            f"{len(failed)} run(s) failed and are left out: {', '.join(failed[:10])}"
            + (" ..." if len(failed) > 10 else "")
        )
    return tables


def analysis_columns(
    available: list[str], wanted: list[str], policies: dict[str, list[Policy]]
) -> list[str]:
    """The outcome columns :func:`analyse_folder` reads, in the parts' order.

    Args:
        available: the parts' columns.
        wanted: the outcomes summarised (absent ones are left to the summary to name).
        policies: each scenario's policies (their measured cost columns are read).
    """
    costs = {
        p.cost.column
        for group in policies.values()
        for p in group
        if p.cost is not None and getattr(p.cost, "column", None)
    }
    needed = {*ANALYSIS_COLUMNS, *wanted, *summaries.CE_OUTCOMES, *summaries.BREAK_COLUMNS, *costs}
    return [c for c in available if c in needed or c.startswith("frac_covered_")]


def _in_order(table: pd.DataFrame, order: dict[str, int]) -> pd.DataFrame:
    """Rows in the experiment's scenario order (baseline first), stable within a scenario."""
    if table.empty or "scenario" not in table.columns or not order:
        return table
    rank = table["scenario"].map(order).fillna(len(order))
    return table.iloc[rank.argsort(kind="stable")].reset_index(drop=True)


def export(tables: FolderTables, out: str | Path | None = None, excel: bool = True) -> list[Path]:
    """Write every table as ``<name>.csv`` and all of them to ``summary.xlsx``.

    Returns:
        The files written.
    """
    folder = Path(out) if out is not None else tables.folder
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.named().items():
        path = folder / f"{name}.csv"
        atomic_write(path, lambda tmp, t=table: t.to_csv(tmp, index=False))
        written.append(path)
    if excel:
        path = folder / "summary.xlsx"
        atomic_write(path, lambda tmp: _excel(tables, tmp))
        written.append(path)
    return written


def _excel(tables: FolderTables, path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        notes = list(tables.notes)
        for name, table in tables.named().items():
            if len(table) > EXCEL_MAX_ROWS and "month" in table.columns:
                table = table[(table["month"] % 12 == 0) | (table["month"] == table["month"].max())]
                notes.append(f"sheet {name}: only December months kept (Excel row limit)")
            if len(table) > EXCEL_MAX_ROWS:
                notes.append(f"sheet {name}: {len(table)} rows, too many for Excel; see the CSV")
                continue
            table.to_excel(xl, sheet_name=name[:31], index=False)
        about = _about(tables) + [("note", n) for n in notes]
        pd.DataFrame(about, columns=["item", "value"]).to_excel(xl, sheet_name="about", index=False)


def _about(tables: FolderTables) -> list[tuple[str, Any]]:
    m, e = tables.manifest, tables.manifest.get("experiment", {})
    return [
        ("folder", str(tables.folder)),
        ("kind", e.get("kind")),
        ("root_seed", e.get("root_seed")),
        ("replications", e.get("replications")),
        ("months", e.get("months")),
        ("workers", e.get("workers")),
        ("baseline", tables.baseline),
        ("git_commit", m.get("git", {}).get("commit")),
        ("created", m.get("created")),
        ("intervals", "q05/q95: 5% and 95% quantiles across replications (90% interval)"),
        ("cost_per_inspection_yuan", tables.cost_per_inspection),
    ]


def scenario_policies(scenarios: list[dict]) -> dict[str, list[Policy]]:
    """Policy objects of each scenario written in a manifest (unreadable ones left out)."""
    out = {}
    for scenario in scenarios:
        try:
            out[scenario["name"]] = [make_policy(**dict(p)) for p in scenario.get("policies", [])]
        except (KeyError, TypeError, ValueError):
            continue  # an old manifest: its reforms stay uncosted rather than guessed
    return out

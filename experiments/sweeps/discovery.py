"""Scenario discovery over a sweep folder: which levers and uncertainties reach a target?

:func:`discover` reads the design (``design.csv``: one row per design point with
its lever strengths and parameter values) and one outcome of every finished run,
reduces the outcome to one number per run (the mean of the last
:data:`~experiments.analysis.FINAL_MONTHS` months, or the last value of a ``cum_``
total: :func:`experiments.analysis.run_table.run_statistic`), averages it over the
replications of each point (common random numbers make the replications of two
points comparable), marks the points whose mean reaches the threshold as cases of
interest, and runs PRIM (:mod:`experiments.sweeps.prim`) on them. Only the columns
needed are read from the Parquet parts (``run_id``, ``month`` and the outcome).

:func:`write_discovery` writes the tables and a figure to ``<folder>/discovery/``:
``prim_boxes.csv`` (one row per box and restricted input: limits, coverage,
density, mass), ``prim_trajectory.csv`` (every peeling step), ``prim_cases.csv``
(the points, their mean outcome and whether they are cases of interest, and which
box holds them), ``prim.png`` and ``discovery.json`` (the settings).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis import FINAL_MONTHS
from experiments.errors import InputError
from experiments.sweeps import prim

#: Sub-folder of a results folder that holds the discovery tables.
FOLDER = "discovery"


@dataclass
class Discovery:
    """The result of :func:`discover`.

    Attributes:
        outcome: the outcome column.
        threshold: the level that defines a case of interest.
        below: cases of interest are at or below the threshold (else at or above).
        cases: one row per design point: inputs, ``n_runs``, ``value``, ``of_interest``,
            ``box`` (0 = in no chosen box).
        trajectory: one row per box search and step.
        boxes: one row per chosen box and restricted input.
        inputs: the input columns PRIM used.
        notes: what a reader should know (e.g. no box dense enough).
    """

    outcome: str
    threshold: float
    below: bool
    min_density: float
    cases: pd.DataFrame
    trajectory: pd.DataFrame
    boxes: pd.DataFrame
    inputs: list[str]
    notes: list[str] = field(default_factory=list)


def run_means(folder: Path, outcome: str) -> pd.DataFrame:
    """Per run: ``run_id``, ``point`` and one number for the outcome (``run_statistic``)."""
    from experiments.analysis.run_table import read_columns, run_statistic

    if not (folder / "runs").is_dir():
        raise InputError(f"{folder}: no runs/ folder; is it an `uptake sweep` output folder?")
    try:
        frame = read_columns(folder, ["run_id", "point", "month", outcome])
    except InputError as exc:
        raise InputError(f"--outcome {outcome!r}: {exc}") from exc
    if frame.empty:
        raise InputError(f"{folder}: no finished runs yet")
    frame = frame.sort_values(["run_id", "month"])
    grouped = frame.groupby(["run_id", "point"], sort=False)[outcome]
    return grouped.apply(lambda s: run_statistic(s, outcome)).reset_index()


def read_design(folder: Path) -> pd.DataFrame:
    """The design points with their inputs (``design.csv`` of a sweep)."""
    path = folder / "design.csv"
    if not path.is_file():
        raise InputError(f"{folder}: no design.csv; discovery needs an `uptake sweep` folder")
    design = pd.read_csv(path)
    if "point" not in design.columns:
        raise InputError(f"{path}: no 'point' column")
    return design


def discover(
    folder: str | Path,
    outcome: str,
    threshold: float,
    below: bool = False,
    min_density: float = prim.MIN_DENSITY,
    max_boxes: int = 2,
    inputs: list[str] | None = None,
    **options: float,
) -> Discovery:
    """PRIM scenario discovery over a sweep folder.

    Args:
        folder: output folder of ``uptake sweep``.
        outcome: outcome column (e.g. ``frac_covered_pension``, a share 0-1).
        threshold: cases of interest have a mean outcome >= threshold (``below``: <=).
        below: look for points at or below the threshold instead.
        min_density: least density of a chosen box, in (0, 1].
        max_boxes: boxes to find by covering, >= 1.
        inputs: design columns to use (default: every varied column).
        **options: ``peel_alpha``, ``paste_alpha``, ``mass_min`` for PRIM.

    Raises:
        InputError: not a sweep folder, unknown outcome or input, bad settings, or
            no (or only) cases of interest.
    """
    folder = Path(folder)
    if not math.isfinite(threshold):
        raise InputError(f"--threshold {threshold!r}: expected a finite number")
    if not 0 < min_density <= 1:
        raise InputError(f"--min-density {min_density!r}: out of range; allowed (0, 1]")
    if isinstance(max_boxes, bool) or not isinstance(max_boxes, int) or max_boxes < 1:
        raise InputError(f"--boxes {max_boxes!r}: expected a whole number >= 1")
    design = read_design(folder)
    candidates = [c for c in design.columns if c not in ("point", "scenario")]
    varied = [c for c in candidates if design[c].nunique() > 1]
    chosen = inputs or varied
    unknown = [c for c in chosen if c not in candidates]
    if unknown:
        raise InputError(
            f"--input {unknown}: not in {folder / 'design.csv'}; allowed: {candidates}"
        )
    runs = run_means(folder, outcome)
    per_point = runs.groupby("point")[outcome].agg(["mean", "count"])
    cases = design.merge(per_point, left_on="point", right_index=True, how="inner")
    cases = cases.rename(columns={"mean": "value", "count": "n_runs"})
    cases["of_interest"] = cases["value"] <= threshold if below else cases["value"] >= threshold
    hits = int(cases["of_interest"].sum())
    side = "<=" if below else ">="
    if hits == 0 or hits == len(cases):
        share = "none" if hits == 0 else "all"
        raise InputError(
            f"--threshold {threshold}: {share} of the {len(cases)} points have {outcome} "
            f"{side} {threshold} (range {cases['value'].min():.4g} to "
            f"{cases['value'].max():.4g}); choose a threshold inside that range"
        )
    try:
        searches = prim.find_boxes(
            cases[chosen].reset_index(drop=True),
            cases["of_interest"].to_numpy(),
            max_boxes=max_boxes,
            min_density=min_density,
            **options,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    trajectory, boxes = _tables(searches)
    cases = cases.reset_index(drop=True)
    result = Discovery(outcome, threshold, below, min_density, cases, trajectory, boxes, chosen)
    result.cases["box"] = 0
    for b, (steps, i) in enumerate(searches, start=1):
        if i is not None:
            result.cases.loc[steps[i].inside & (result.cases["box"] == 0), "box"] = b
    if searches[0][1] is None:
        best = max(searches[0][0], key=lambda s: s.density)
        result.notes.append(
            f"no box reaches density {min_density:.2f}; the densest has {best.density:.2f} "
            f"at coverage {best.coverage:.2f} (lower --min-density or add design points)"
        )
    return result


def _tables(searches) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, boxes = [], []
    for b, (steps, chosen) in enumerate(searches, start=1):
        for k, s in enumerate(steps):
            rows.append(
                {
                    "search": b,
                    "step": k,
                    "coverage": s.coverage,
                    "density": s.density,
                    "mass": s.mass,
                    "n_restricted": len(s.restricted),
                    "restricted": ", ".join(s.restricted),
                    "chosen": k == chosen,
                }
            )
        if chosen is None:
            continue
        s, full = steps[chosen], steps[0].limits
        for name in s.restricted:
            lim = s.limits[name]
            numeric = isinstance(lim, tuple)
            boxes.append(
                {
                    "box": b,
                    "input": name,
                    "lo": lim[0] if numeric else np.nan,
                    "hi": lim[1] if numeric else np.nan,
                    "values": "" if numeric else ", ".join(sorted(map(str, lim))),
                    "data_lo": full[name][0] if numeric else np.nan,
                    "data_hi": full[name][1] if numeric else np.nan,
                    "coverage": s.coverage,
                    "density": s.density,
                    "mass": s.mass,
                }
            )
    columns = ["box", "input", "lo", "hi", "values", "data_lo", "data_hi", "coverage"]
    box_frame = pd.DataFrame(boxes, columns=[*columns, "density", "mass"])
    return pd.DataFrame(rows), box_frame


def write_discovery(result: Discovery, folder: str | Path) -> Path:
    """Write the tables, ``prim.png`` and ``discovery.json`` to ``folder/discovery/``."""
    from experiments.analysis.plots import to_png
    from experiments.run.storage import atomic_write, atomic_write_text
    from experiments.sweeps.discovery_plot import discovery_figure

    out = Path(folder) / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    for name, table in (
        ("prim_boxes", result.boxes),
        ("prim_trajectory", result.trajectory),
        ("prim_cases", result.cases),
    ):
        atomic_write(out / f"{name}.csv", lambda tmp, t=table: t.to_csv(tmp, index=False))
    png = to_png(discovery_figure(result))
    atomic_write(out / "prim.png", lambda tmp: tmp.write_bytes(png))
    settings = {
        "outcome": result.outcome,
        "threshold": result.threshold,
        "below": result.below,
        "min_density": result.min_density,
        "inputs": result.inputs,
        "points": len(result.cases),
        "cases_of_interest": int(result.cases["of_interest"].sum()),
        "final_months": FINAL_MONTHS,
        "notes": result.notes,
    }
    atomic_write_text(out / "discovery.json", json.dumps(settings, indent=1) + "\n")
    return out


def describe(result: Discovery) -> str:
    """The chosen boxes in words, e.g. for the terminal and the report."""
    side = "<=" if result.below else ">="
    hits = int(result.cases["of_interest"].sum())
    lines = [
        f"{hits} of {len(result.cases)} design points have mean {result.outcome} "
        f"{side} {result.threshold:g} over the last {FINAL_MONTHS} months"
    ]
    for b, box in result.boxes.groupby("box"):
        first = box.iloc[0]
        lines.append(
            f"box {b}: coverage {first['coverage']:.2f}, density {first['density']:.2f}, "
            f"mass {first['mass']:.2f}"
        )
        for _, row in box.iterrows():
            if row["values"]:
                lines.append(f"  {row['input']} in {{{row['values']}}}")
            else:
                lines.append(
                    f"  {row['lo']:.4g} <= {row['input']} <= {row['hi']:.4g}   "
                    f"(data {row['data_lo']:.4g} to {row['data_hi']:.4g})"
                )
    lines.extend(result.notes)
    return "\n".join(lines)


def report_section(folder: str | Path) -> str:
    """The discovery of ``folder`` as an HTML section for the report ('' if none)."""
    import base64
    import html

    out = Path(folder) / FOLDER
    settings_path = out / "discovery.json"
    if not settings_path.is_file():
        return ""
    try:
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
        boxes = pd.read_csv(out / "prim_boxes.csv", keep_default_na=False)
    except (OSError, ValueError) as exc:
        return f"<h2>Scenario discovery (PRIM)</h2><p class='note'>unreadable: {exc!r}</p>"
    side = "&le;" if settings.get("below") else "&ge;"
    text = (
        f"Design points whose mean {html.escape(str(settings['outcome']))} over the last "
        f"{settings['final_months']} months is {side} {settings['threshold']:g}: "
        f"{settings['cases_of_interest']} of {settings['points']}. Each box bounds the "
        "inputs where such points concentrate: coverage is the share of those points "
        "inside it, density the share of its points that are such points "
        f"(at least {settings['min_density']:g})."
    )
    parts = ["<h2>Scenario discovery (PRIM)</h2>", f"<p>{text}</p>"]
    png = out / "prim.png"
    if png.is_file():
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        parts.append(f'<p><img alt="PRIM trade-off and boxes" src="data:image/png;base64,{data}">')
    if boxes.empty:
        parts.append("<p class='note'>No box reached the least density.</p>")
    else:
        parts.append(boxes.to_html(index=False, border=0, float_format=lambda v: f"{v:.4g}"))
    parts.extend(f"<p class='note'>{html.escape(n)}</p>" for n in settings.get("notes", []))
    return "\n".join(parts)

"""A self-contained HTML report of an output folder (figures embedded, no scripts).

``write_report(folder)`` analyses the folder (:mod:`experiments.analysis.tables`), draws the
figures (:mod:`experiments.analysis.plots`), embeds them as base64 PNG in ``report.html``,
and exports the tables as CSV and Excel next to it. The page loads nothing from
the web and runs no JavaScript, so it can be mailed or opened offline.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from experiments.analysis import findings, plots, summaries
from experiments.analysis import formatting as fmt
from experiments.analysis.tables import FolderTables, analyse_folder, export
from experiments.run.storage import atomic_write, atomic_write_text

CSS = """
body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1180px;
color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}
td,th{border:1px solid #ddd;padding:.25em .5em;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
img{max-width:100%;border:1px solid #eee}.note{color:#555;font-size:.9em}
table.ranked td:nth-child(2){text-align:left}
code{background:#f6f6f6;padding:0 .2em}
"""


def figures(t: FolderTables) -> dict[str, bytes]:
    """The report's charts as PNG bytes, by file stem (only those with data)."""
    made = {
        "coverage": plots.coverage_figure(t.summary, t.baseline),
        "events": plots.events_figure(t.summary, t.baseline, findings.population_scale(t)),
        "breakdowns": plots.breakdown_figure(t.breakdowns),
    }
    if not t.cost_effectiveness.empty:
        made["differences"] = plots.differences_figure(t.cost_effectiveness, t.differences)
        made["cost"] = plots.cost_figure(t.cost_effectiveness)
    if not t.sensitivity.empty:
        made["sensitivity"] = plots.sensitivity_figure(t.sensitivity)
    return {name: plots.to_png(fig) for name, fig in made.items() if fig is not None}


def _img(png: bytes | None) -> str:
    if png is None:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return f'<p><img alt="figure" src="data:image/png;base64,{data}"></p>'


def _table(frame: pd.DataFrame, digits: int = 3, css_class: str = "") -> str:
    if frame.empty:
        return "<p class='note'>(no rows)</p>"
    return frame.to_html(
        index=False, float_format=lambda v: f"{v:,.{digits}f}", border=0, classes=css_class
    )


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _header(t: FolderTables) -> str:
    m, e = t.manifest, t.manifest.get("experiment", {})
    runs = m.get("runs", {})
    status = pd.Series([r.get("status") for r in runs.values()]).value_counts().to_dict()
    sources = sorted({s.get("params_source", "?") for s in e.get("scenarios", [])})
    items = [
        ("experiment", e.get("kind")),
        ("command", m.get("command")),
        ("root seed", e.get("root_seed")),
        ("replications", e.get("replications")),
        ("months simulated", e.get("months")),
        ("worker agents per run", e.get("workers") or "model default"),
        ("parameters", "; ".join(sources)),
        ("parameter overrides", e.get("overrides") or "none"),
        ("runs", ", ".join(f"{v} {k}" for k, v in status.items())),
        (
            "git commit",
            f"{m.get('git', {}).get('commit')} (dirty: {m.get('git', {}).get('dirty')})",
        ),
        ("created / updated", f"{m.get('created')} / {m.get('updated')}"),
        ("versions", ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())),
    ]
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td style='text-align:left'>{html.escape(str(v))}</td></tr>"
        for k, v in items
    )
    return f"<table>{rows}</table>"


def _scenarios(t: FolderTables) -> str:
    e = t.manifest.get("experiment", {})
    if e.get("kind") == "sweep":
        d = e.get("design", {})
        factors = ", ".join(f"{f['name']} [{f['lo']:g}, {f['hi']:g}]" for f in d.get("factors", []))
        return _p(
            f"Sweep '{d.get('name')}': {d.get('method')} design, {len(d.get('points', []))} "
            f"points over {factors}; base scenario {d.get('base_scenario', {}).get('name')}. "
            "The design table is in design.csv."
        )
    rows = []
    for s in e.get("scenarios", []):
        reforms = "; ".join(
            f"{p['lever']} {p['strength']:g} from {fmt.month_label(p['start'])}"
            + (f" to {fmt.month_label(p['end'])}" if p.get("end") else "")
            for p in s.get("policies", [])
        )
        rows.append(
            {
                "scenario": s["name"],
                "description": s.get("description", ""),
                "reforms": reforms or "none",
                "own parameters": s.get("params") or "",
            }
        )
    return _table(pd.DataFrame(rows))


#: Most scenario rows shown in a report table (sweeps can have thousands of points).
MAX_ROWS = 40


def _cost_text(t: FolderTables) -> str:
    return (
        "Coverage points gained (last 12 months) per 100 million yuan of extra public cost "
        "to the last month. The public cost is the sum of the reform's levers' own costs "
        "(docs/levers.md): subsidy paid; extra inspections x "
        f"{t.cost_per_inspection:,.0f} yuan each (an assumption: four staff-days at the "
        "2011 urban average wage x1.5); campaign contacts at 50 yuan a worker and 500 a "
        "firm (assumption); contributions forgone by a rate cut. Levers that reallocate "
        "inspections cost nothing extra. A reform with a lever whose cost is not modelled "
        "(data sharing, portability, points, unions, penalties, credit rating) shows 'not "
        "costed' and the levers, never a ratio, and is not drawn. Back payments and fines "
        "are not netted off."
    )


def _findings(t: FolderTables) -> list[str]:
    parts = ["<h2>Findings</h2>", "<ul>"]
    parts += [f"<li>{html.escape(line)}</li>" for line in findings.headlines(t)]
    parts.append("</ul>")
    ranked = findings.ranking_display(t)
    if not ranked.empty:
        parts += [
            f"<h3>Reforms ranked by pension coverage gain over {html.escape(str(t.baseline))}</h3>",
            _p(
                "Percentage points of employed migrant workers, mean of the last 12 months "
                "of paired runs (each reform shares its seeds with the baseline: common "
                "random numbers), with the 90% confidence interval of the mean gain."
            ),
            _table(ranked, css_class="ranked"),
        ]
    return parts


def _sensitivity_table(indices: pd.DataFrame) -> pd.DataFrame:
    """Sensitivity indices with the outcomes' labels in place of their column names."""
    if "outcome" not in indices:
        return indices
    return indices.assign(outcome=indices["outcome"].map(fmt.label))


def _ensemble_table(table: pd.DataFrame) -> pd.DataFrame:
    """The ensemble summary with plain headers, gains in signed percentage points."""

    def pts(column: str) -> pd.Series:
        if column not in table:
            return pd.Series([""] * len(table), index=table.index)
        return table[column].map(fmt.points)

    out = pd.DataFrame({"reform": table["scenario"]})
    out["pension gain, mean over sets (pts)"] = pts("gain_mean")
    if "gain_member0" in table:
        out["calibrated set [90% CI over seeds]"] = (
            pts("gain_member0") + " [" + pts("seed_ci90_low") + ", " + pts("seed_ci90_high") + "]"
        )
    out["5%-95% over sets"] = "[" + pts("ensemble_q05") + ", " + pts("ensemble_q95") + "]"
    return out


def render(t: FolderTables, pngs: dict[str, bytes] | None = None) -> str:
    """The report as one HTML string (``pngs``: :func:`figures`, made here if not given)."""
    pngs = figures(t) if pngs is None else pngs
    parts = [f"<h1>Uptake experiment report: {html.escape(t.folder.name)}</h1>"]
    parts += _findings(t)
    final = findings.coverage_table(t)
    more = f"First {MAX_ROWS} of {len(final)} scenarios; all are in summary.csv."
    parts += [
        "<h2>Coverage</h2>",
        _p(
            f"% of employed migrant workers whose employer pays the scheme, mean of the last "
            f"12 months ({findings.window_text(t)}) across replications, with the 5%-95% "
            "range of the replications."
        ),
        _table(final.head(MAX_ROWS)),
        _p(more) if len(final) > MAX_ROWS else "",
        _p(
            "Over time: black and bold, the baseline with its 5%-95% band across "
            "replications; one colour per reform (their intervals are those of the paired "
            "differences, below)."
        ),
        _img(pngs.get("coverage")),
    ]
    breaks = findings.breaks_table(t)
    parts += ["<h2>Breaks in coverage, disputes and inspections</h2>", _p(summaries.BREAKS_NOTE)]
    if not breaks.empty:
        parts.append(_table(breaks.head(MAX_ROWS)))
        if any("*" in str(v) for v in breaks.to_numpy().ravel()):
            parts.append(_p(fmt.noise_note(findings.population_scale(t))))
    parts += [
        _p(
            "Monthly counts in real persons, cases or firms: agents x the population scale "
            f"(~{findings.population_scale(t):,.0f} real workers per agent)."
        ),
        _img(pngs.get("events")),
    ]
    parts += ["<h2>By industry and region</h2>", _img(pngs.get("breakdowns"))]
    if not t.cost_effectiveness.empty:
        parts += [
            f"<h2>Differences from {html.escape(str(t.baseline))}</h2>",
            _p(
                "Reform minus baseline, paired by replication (each pair shares its seed: "
                "common random numbers). Bars: mean over the last 12 months with 90% "
                "t-intervals across replications."
            ),
            _img(pngs.get("differences")),
            "<h2>Cost-effectiveness</h2>",
            _p(_cost_text(t)),
            _img(pngs.get("cost")),
        ]
    if not t.ensemble.empty:
        robust = t.ensemble_rankings
        held = robust[robust["robust"]] if not robust.empty else robust
        parts += [
            "<h2>Parameter uncertainty: gains across calibrated parameter sets</h2>",
            _p(
                "Pension gain (points, last 12 months) for each calibrated parameter set of "
                "the ensemble (uptake ensemble: sets whose calibration objective is within "
                "chi2_0.68 of the best), with the seeds' 90% interval for the calibrated set "
                "and the 5-95% range over sets. A ranking is robust when it holds in every "
                "set and the seeds' interval of the difference excludes 0 in each. Robust: "
                + (", ".join(f"{r.first} > {r.second}" for r in held.itertuples()) or "none")
                + "."
            ),
            _table(_ensemble_table(t.ensemble)),
        ]
    if not t.sensitivity.empty:
        parts += [
            "<h2>Sensitivity indices</h2>",
            _img(pngs.get("sensitivity")),
            _table(_sensitivity_table(t.sensitivity)),
        ]
    from experiments.sweeps.discovery import report_section

    parts.append(report_section(t.folder))  # after `uptake discover`
    if t.notes:
        parts += ["<h2>Notes</h2>", "".join(_p(n) for n in t.notes)]
    parts += ["<h2>Scenarios</h2>", _scenarios(t)]
    parts += ["<h2>About these runs</h2>", _header(t)]
    parts += [
        "<h2>Files</h2>",
        _p(
            "summary.csv, differences.csv, cost_effectiveness.csv, breakdowns.csv and "
            "summary.xlsx hold the tables; the charts above are also PNG files beside this "
            "report; runs/ the monthly outcomes of every run (one Parquet dataset, "
            "partitioned by block and chunk); manifest.json the seeds and parameters; "
            "runs.jsonl each run's spec and status."
        ),
    ]
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Uptake report: {html.escape(t.folder.name)}</title><style>{CSS}</style>"
        f"</head><body>{body}</body></html>\n"
    )


def write_report(folder: str | Path, out: str | Path | None = None, **options) -> Path:
    """Analyse ``folder`` and write ``report.html``, its charts as PNG and the tables.

    Args:
        folder: an output folder of ``uptake run/compare/sweep``.
        out: where to write (default: ``folder``).
        **options: passed to :func:`experiments.analysis.tables.analyse_folder` (``baseline``,
            ``cost_per_inspection``, ``outcomes``).

    Returns:
        The path of ``report.html``.
    """
    return make_report(folder, out, **options)[0]


def make_report(
    folder: str | Path, out: str | Path | None = None, **options
) -> tuple[Path, FolderTables]:
    """:func:`write_report`, also returning the analysed tables."""
    tables = analyse_folder(folder, **options)
    target = Path(out) if out is not None else Path(folder)
    export(tables, target)
    pngs = figures(tables)
    for name, png in pngs.items():
        atomic_write(target / f"{name}.png", lambda tmp, png=png: tmp.write_bytes(png))
    path = target / "report.html"
    atomic_write_text(path, render(tables, pngs))
    return path, tables

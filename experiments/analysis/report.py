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

from experiments.analysis import plots, summaries
from experiments.analysis.summaries import ratio_text
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
code{background:#f6f6f6;padding:0 .2em}
"""


def figures(t: FolderTables) -> dict[str, bytes]:
    """The report's charts as PNG bytes, by file stem (only those with data)."""
    made = {
        "coverage": plots.coverage_figure(t.summary),
        "events": plots.events_figure(t.summary),
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


def _table(frame: pd.DataFrame, digits: int = 3) -> str:
    if frame.empty:
        return "<p class='note'>(no rows)</p>"
    return frame.to_html(index=False, float_format=lambda v: f"{v:,.{digits}f}", border=0)


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
            f"{p['lever']} {p['strength']:g} from month {p['start']}"
            + (f" to {p['end']}" if p.get("end") else "")
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


def _final_table(t: FolderTables) -> pd.DataFrame:
    s = t.summary
    last = s[s["month"] == s["month"].max()]
    keep = ["frac_covered_pension", "frac_covered_medical", "frac_covered_any"]
    last = last[last["outcome"].isin(keep)]
    wide = last.pivot_table(
        index="scenario", columns="outcome", values=["mean", "q05", "q95"], sort=False
    )
    out = pd.DataFrame(index=wide.index)
    for o in keep:
        if ("mean", o) in wide:
            out[o.removeprefix("frac_covered_") + " %"] = [
                f"{100 * m:.1f} [{100 * lo:.1f}, {100 * hi:.1f}]"
                for m, lo, hi in zip(wide["mean", o], wide["q05", o], wide["q95", o], strict=True)
            ]
    return out.reset_index()


def _ce_table(t: FolderTables) -> pd.DataFrame:
    ce = t.cost_effectiveness
    if ce.empty:
        return ce
    out = ce[["scenario", "outcome", "gain_points", "gain_ci90_low", "gain_ci90_high"]].copy()
    out["public cost (M yuan)"] = ce["public_cost_yuan"] / 1e6
    out["points per 100M yuan"] = [
        ratio_text(v) if pd.notna(v) else status
        for v, status in zip(ce["points_per_100m_yuan"], ce["cost_status"], strict=True)
    ]
    return out


def render(t: FolderTables, pngs: dict[str, bytes] | None = None) -> str:
    """The report as one HTML string (``pngs``: :func:`figures`, made here if not given)."""
    pngs = figures(t) if pngs is None else pngs
    parts = [f"<h1>Uptake experiment report: {html.escape(t.folder.name)}</h1>", _header(t)]
    parts += ["<h2>Scenarios</h2>", _scenarios(t)]
    final = _final_table(t)
    more = f"First {MAX_ROWS} of {len(final)} scenarios; all are in summary.csv."
    parts += [
        "<h2>Coverage at the last month</h2>",
        _p(
            "Mean across replications with the 5%-95% range, % of employed migrant "
            "workers whose employer pays the scheme."
        ),
        _table(final.head(MAX_ROWS)),
        _p(more) if len(final) > MAX_ROWS else "",
    ]
    parts += ["<h2>Coverage by scheme over time</h2>", _img(pngs.get("coverage"))]
    parts += [
        "<h2>Breaks in coverage, disputes and inspections</h2>",
        _p(
            "Monthly counts in real persons/cases/firms (agents x population scale), and "
            "breaks per 1,000 covered workers. " + summaries.BREAKS_NOTE
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
        ]
        parts += [
            "<h2>Cost-effectiveness</h2>",
            _p(
                "Coverage points gained (last 12 months) per 100 million yuan of extra "
                "public cost to the last month. The public cost is the sum of the reform's "
                "levers' own costs (docs/levers.md): subsidy paid; extra inspections x "
                f"{t.cost_per_inspection:,.0f} yuan each (an assumption: four staff-days "
                "at the 2011 urban average wage x1.5); campaign contacts at 50 yuan a "
                "worker and 500 a firm (assumption); contributions forgone by a rate cut. "
                "Levers that reallocate inspections cost nothing extra. A reform with a "
                "lever whose cost is not modelled (data sharing, portability, points, "
                "unions, penalties, credit rating) shows 'not costed' and the levers, "
                "never a ratio. Back payments and fines are not netted off."
            ),
            _img(pngs.get("cost")),
            _table(_ce_table(t)),
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
            _table(t.ensemble),
        ]
    if not t.sensitivity.empty:
        parts += [
            "<h2>Sensitivity indices</h2>",
            _img(pngs.get("sensitivity")),
            _table(t.sensitivity),
        ]
    from experiments.sweeps.discovery import report_section

    parts.append(report_section(t.folder))  # after `uptake discover`
    if t.notes:
        parts += ["<h2>Notes</h2>", "".join(_p(n) for n in t.notes)]
    parts += [
        "<h2>Files</h2>",
        _p(
            "summary.csv, differences.csv, cost_effectiveness.csv, breakdowns.csv and "
            "summary.xlsx hold the tables; the charts above are also PNG files beside this "
            "report; runs/*.parquet the monthly outcomes of every run; manifest.json the "
            "seeds, parameters and per-run status."
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


def summary_text(t: FolderTables, last_months: int = 12) -> str:
    """A plain-text table of the comparison for the terminal.

    Per scenario, means over replications of the last ``last_months`` months: pension
    and any-scheme coverage (% of employed workers), breaks and disputes (a month, per
    1,000 employed workers), and, for reforms, the paired gain in pension coverage over
    the baseline (points, with its 90% interval).
    """
    s = t.summary
    if s.empty:
        return "(no finished runs)"
    last = s[s["month"] > s["month"].max() - last_months]
    mean = last.pivot_table(index="scenario", columns="outcome", values="mean", sort=False)
    needed = ["frac_covered_pension", "frac_covered_any", "new_breaks_real"]
    needed += ["new_disputes_real", "n_employed_real"]
    if any(c not in mean for c in needed):
        return "(the summary lacks " + ", ".join(c for c in needed if c not in mean) + ")"
    per_1000 = 1000.0 / mean["n_employed_real"]
    rows = pd.DataFrame(
        {
            "pension %": 100 * mean["frac_covered_pension"],
            "any %": 100 * mean["frac_covered_any"],
            "breaks": mean["new_breaks_real"] * per_1000,
            "disputes": mean["new_disputes_real"] * per_1000,
        }
    )
    if "breaks_per_1000_covered" in mean:
        rows.insert(3, "breaks/1000 covered", mean["breaks_per_1000_covered"])
        rows.insert(4, "records unbroken %", 100 * mean["frac_records_unbroken"])
    ce = t.cost_effectiveness
    if not ce.empty:
        gain = ce[ce["outcome"] == "frac_covered_pension"].set_index("scenario")
        rows["pension gain"] = gain["gain_points"].map("{:+.1f}".format)
        rows["90% interval"] = [
            f"{lo:+.1f} to {hi:+.1f}" if pd.notna(lo) else ""
            for lo, hi in zip(
                gain["gain_ci90_low"].reindex(rows.index),
                gain["gain_ci90_high"].reindex(rows.index),
                strict=True,
            )
        ]
        rows = rows.fillna({"pension gain": "", "90% interval": ""})
    months = sorted(last["month"].unique())
    n = int(last["n"].max())
    head = (
        f"Last {len(months)} months (months {months[0]}-{months[-1]}), mean of {n} "
        "replications; breaks and disputes a month per 1,000 employed workers; gains in "
        "pension coverage (points) are paired with the baseline (same seeds):"
    )
    return head + "\n" + rows.round(2).to_string() + "\n" + summaries.BREAKS_NOTE

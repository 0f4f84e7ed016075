"""Tables, charts and the Markdown/HTML report of ``uptake validate``.

Writes into one folder: ``targets.csv``, ``ordering.csv``, ``groups.csv``,
``monthly.csv``, ``patterns.csv``, three PNG charts (targets vs model with 90%
bands, gaps, coverage by group side by side), ``report.md`` (links the PNGs),
``report.html`` (one self-contained file: the charts embedded as base64) and
``manifest.json`` (preset, seeds, sizes, versions, git commit).
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.calibration.targets import ORDERING, YEARS
from experiments.calibration.validation import ALL_GROUPS, BREAKDOWNS, TOLERANCE_PP

COLOURS = dict(zip(ORDERING, ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"), strict=True))


def plot_targets(result: dict[str, Any], path: Path) -> None:
    """Per scheme: monthly model mean with a 90% band, yearly model means and the data."""
    monthly, targets = result["monthly"], result["targets"]
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
    panels = [*ORDERING, "contract"]
    for ax, name in zip(axes.ravel(), panels, strict=True):
        column = "frac_contract" if name == "contract" else f"frac_covered_{name}"
        key = "contract_share" if name == "contract" else f"coverage_{name}"
        by_month = monthly.groupby("month")[column]
        x = 2011 + (by_month.mean().index - 0.5) / 12
        ax.fill_between(
            x,
            100 * by_month.quantile(0.05),
            100 * by_month.quantile(0.95),
            color=COLOURS.get(name, "grey"),
            alpha=0.2,
            label="model 90% band",
        )
        ax.plot(x, 100 * by_month.mean(), color=COLOURS.get(name, "grey"), lw=1, label="model mean")
        rows = targets[targets["key"] == key]
        ax.errorbar(
            rows["year"] + 0.5,
            100 * rows["model_mean"],
            yerr=[
                100 * (rows["model_mean"] - rows["model_p05"]),
                100 * (rows["model_p95"] - rows["model_mean"]),
            ],
            fmt="s",
            color=COLOURS.get(name, "grey"),
            capsize=3,
            label="model, year mean",
        )
        ax.plot(rows["year"] + 0.5, 100 * rows["data"], "ko", label="NBS")
        ax.set_title(name if name == "contract" else f"{name} coverage")
        ax.set_ylabel("% of employed migrant workers")
        ax.set_xticks([y + 0.5 for y in YEARS], [str(y) for y in YEARS])
    axes[0, 0].legend(fontsize=7)
    fig.suptitle("Calibrated baseline vs national targets (NBS, facts.md section 5)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_gaps(result: dict[str, Any], path: Path) -> None:
    """Gap (model mean - data) per target in pp, with the +-2 pp acceptance band."""
    table = result["targets"].dropna(subset=["gap_pp"])
    table = table[table["key"].str.startswith(("coverage_", "contract_"))]
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(table) + 1.2))
    y = np.arange(len(table))
    lo = 100 * (table["model_p05"] - table["data"])
    hi = 100 * (table["model_p95"] - table["data"])
    ax.barh(y, table["gap_pp"], color="#888888")
    ax.errorbar(
        table["gap_pp"],
        y,
        xerr=[table["gap_pp"] - lo, hi - table["gap_pp"]],
        fmt="none",
        ecolor="black",
        capsize=2,
    )
    ax.axvspan(-TOLERANCE_PP, TOLERANCE_PP, color="green", alpha=0.1, label="within 2 pp")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, table["target"])
    ax.invert_yaxis()
    ax.set_xlabel("model mean - data, percentage points (bars: 90% interval over runs)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_groups(result: dict[str, Any], path: Path, year: int = YEARS[0]) -> None:
    """Coverage by industry, region, age band and sex side by side (one year)."""
    groups = result["groups"]
    fig, axes = plt.subplots(1, 4, figsize=(17, 4.5), gridspec_kw={"width_ratios": [7, 3, 5, 2]})
    for ax, by in zip(axes, BREAKDOWNS, strict=True):
        table = groups[(groups["by"] == by) & (groups["year"] == year)]
        names = list(dict.fromkeys(table["group"]))
        width = 0.8 / len(ORDERING)
        for i, scheme in enumerate(ORDERING):
            rows = table[table["scheme"] == scheme].set_index("group").loc[names]
            x = np.arange(len(names)) + (i - 2) * width
            ax.bar(x, 100 * rows["mean"], width, color=COLOURS[scheme], label=scheme)
            ax.errorbar(
                x,
                100 * rows["mean"],
                yerr=[100 * (rows["mean"] - rows["p05"]), 100 * (rows["p95"] - rows["mean"])],
                fmt="none",
                ecolor="black",
                lw=0.6,
                capsize=1,
            )
        ax.set_xticks(np.arange(len(names)), [n.replace("_", "\n") for n in names], fontsize=8)
        ax.set_title(by.replace("_", " "))
    axes[0].set_ylabel(f"% of employed covered, {year} mean (bars: 90% interval)")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub-style Markdown table (no extra dependency)."""

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return "" if np.isnan(v) else f"{v:.{digits}f}"
        return str(v)

    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def group_wide(groups: pd.DataFrame, by: str, year: int) -> pd.DataFrame:
    """Coverage (%) of each group by scheme for one breakdown and year, with 90% intervals."""
    table = groups[(groups["by"] == by) & (groups["year"] == year)]
    out = table.pivot(index="group", columns="scheme", values="mean")[list(ORDERING)] * 100
    lo = table.pivot(index="group", columns="scheme", values="p05")[list(ORDERING)] * 100
    hi = table.pivot(index="group", columns="scheme", values="p95")[list(ORDERING)] * 100
    text = (
        out.round(1).astype(str)
        + " ("
        + lo.round(1).astype(str)
        + "-"
        + hi.round(1).astype(str)
        + ")"
    )
    share = table.drop_duplicates("group").set_index("group")["employed_share"] * 100
    text.insert(0, "employed %", share.round(1).astype(str))
    order = list(dict.fromkeys(table["group"]))
    return text.loc[order].reset_index()


def write_report(result: dict[str, Any], folder: Path) -> Path:
    """Write tables, charts, ``report.md``, ``report.html`` and ``manifest.json``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("targets", "ordering", "groups", "drivers", "monthly", "patterns", "responses"):
        if name in result:
            result[name].to_csv(folder / f"{name}.csv", index=False)
    plot_targets(result, folder / "targets.png")
    plot_gaps(result, folder / "gaps.png")
    plot_groups(result, folder / "groups.png")
    info = result["info"]
    (folder / "manifest.json").write_text(json.dumps(info, indent=2, default=str) + "\n")
    sections = _sections(result)
    (folder / "report.md").write_text(_markdown(sections, info), encoding="utf-8")
    (folder / "report.html").write_text(_html(sections, info, folder), encoding="utf-8")
    return folder


def _sections(result: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(title, text, table or image name) in report order."""
    t = result["targets"]
    cols = [
        "target",
        "role",
        "data",
        "model_mean",
        "model_p05",
        "model_p95",
        "gap_pp",
        "within_2pp",
    ]
    fitted = t[t["role"] == "fitted"]
    worst = fitted.loc[fitted["gap_pp"].abs().idxmax()]
    ok = bool(fitted[fitted["key"].str.startswith("coverage_")]["within_2pp"].all())
    order_ok = bool(result["ordering"]["holds_for_mean"].all())
    summary = (
        f"All 15 coverage targets within {TOLERANCE_PP:g} pp (model mean): "
        f"**{'yes' if ok else 'NO'}**. "
        f"Scheme ordering (C5) in every year: **{'yes' if order_ok else 'NO'}**. Largest gap "
        f"among fitted targets: {worst['target']} ({worst['gap_pp']:+.2f} pp)."
    )
    out: list[tuple[str, str, Any]] = [
        ("Summary", summary, None),
        (
            "Targets vs model",
            "Mean and 90% interval (5th-95th percentile) over replications; "
            "gap = model mean - data in percentage points. 'check' rows were not fitted.",
            _targets_shown(t[[*cols, "model_quantity"]]),
        ),
        ("", "", "targets.png"),
        ("", "", "gaps.png"),
        ("Scheme ordering (C5)", "Published: " + " > ".join(ORDERING) + ".", result["ordering"]),
        (
            "Coverage by industry, region, age band, sex, firm size and contract",
            "Model only: the model was not fitted to any of these. Percent of employed workers "
            "covered, mean over replications (90% interval in brackets).",
            None,
        ),
        ("", "", "groups.png"),
    ]
    for by in ALL_GROUPS:
        for year in (YEARS[0], YEARS[-1]):
            out.append(
                (f"{by.replace('_', ' ')}, {year}", "", group_wide(result["groups"], by, year))
            )
    out.append(
        (
            "Why groups differ",
            "Coverage of each group's employed workers and the drivers the mechanisms act "
            "through (shares of the group's employed workers; firm size: mean headcount), "
            "mean over months and replications, 2011-2013. The reasons name the drivers that "
            "differ most from all employed workers in the direction of the group's gap "
            "(docs/structure.md).",
            driver_summary(result["drivers"]),
        )
    )
    out.append(("Published patterns outside section 5 (not fitted)", "", result["patterns"]))
    if "responses" in result:
        r = result["responses"]
        out.append(
            (
                "Published responses to policy changes",
                f"{int(r['pass'].sum())} of {len(r)} pass (every verdict given holds: "
                "direction, and size where the source gives one; 'none' where it gives none). "
                "Each experiment runs its scenarios on common random numbers; model = mean "
                "and 90% interval over replications (design: docs/levers.md section 5).",
                r,
            )
        )
    return out


def _targets_shown(table: pd.DataFrame) -> pd.DataFrame:
    """The targets table as shown: a target without a yearly model value names where it is."""
    shown = table.drop(columns="model_quantity")
    shown["model_mean"] = [
        where if np.isnan(v) else f"{v:.3f}"
        for v, where in zip(table["model_mean"], table["model_quantity"], strict=True)
    ]
    shown["within_2pp"] = ["" if v is None else v for v in table["within_2pp"]]
    return shown


def driver_summary(drivers: pd.DataFrame) -> pd.DataFrame:
    """The drivers table as shown in the report: percent, rounded, with the reasons."""
    shown = drivers[
        [
            "by",
            "group",
            "covered_pension",
            "covered_injury",
            "registered",
            "formal",
            "crew",
            "floor_above_wage",
            "contract",
            "size",
            "reason_pension",
            "reason_injury",
        ]
    ].copy()
    for column in shown.columns[2:-3]:
        shown[column] = (100 * shown[column]).round(1)
    shown["size"] = shown["size"].round(1)
    return shown


def _markdown(sections: list[tuple[str, str, Any]], info: dict[str, Any]) -> str:
    lines = [
        f"# Validation of preset `{info['preset']}`",
        "",
        f"{info['replications']} replications x {info['n_workers']:,} workers x {info['months']} "
        f"months (January 2011 - December 2013); root seed {info['root_seed']} (not the "
        f"calibration's); {info['seconds']} s. Calibration: "
        f"`{info['preset_meta'].get('command', '?')}` ({info['preset_meta'].get('date', '?')}).",
    ]
    for title, text, item in sections:
        if title:
            lines += ["", f"## {title}" if not title[0].islower() else f"### {title}"]
        if text:
            lines += ["", text]
        if isinstance(item, pd.DataFrame):
            lines += ["", markdown_table(item)]
        elif isinstance(item, str):
            lines += ["", f"![{item}]({item})"]
    return "\n".join(lines) + "\n"


def _embedded(path: Path) -> str:
    """A PNG file as a ``data:`` URI, so that report.html is one self-contained file."""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _html(sections: list[tuple[str, str, Any]], info: dict[str, Any], folder: Path) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Validation of {html.escape(info['preset'])}</title>",
        "<style>body{font-family:sans-serif;max-width:1200px;margin:auto}"
        "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;"
        "padding:2px 6px}</style></head><body>",
        f"<h1>Validation of preset <code>{html.escape(info['preset'])}</code></h1>",
        f"<p>{info['replications']} replications x {info['n_workers']:,} workers x "
        f"{info['months']} months; root seed {info['root_seed']}.</p>",
    ]
    for title, text, item in sections:
        if title:
            level = "h3" if title[0].islower() else "h2"
            parts.append(f"<{level}>{html.escape(title)}</{level}>")
        if text:
            parts.append(f"<p>{html.escape(text).replace('**', '')}</p>")
        if isinstance(item, pd.DataFrame):
            parts.append(item.to_html(index=False, float_format=lambda v: f"{v:.3f}", na_rep=""))
        elif isinstance(item, str):
            parts.append(
                f"<img alt='{html.escape(item)}' src='{_embedded(folder / item)}' "
                "style='max-width:100%'>"
            )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"

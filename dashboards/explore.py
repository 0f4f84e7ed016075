"""Explore tab: run controls, headline numbers and live charts of one run.

Only :func:`Live` reads the snapshot, so a new month re-renders the headline and
the chart images, not the controls column. The chart images come with the
snapshot (drawn by the session when it publishes, see :mod:`dashboards.live`).
"""

from __future__ import annotations

import solara

from dashboards import format as fmt
from dashboards.controls import Controls
from dashboards.explore_charts import EXPLORE_CHARTS, NOTES
from dashboards.fields import NumberField
from dashboards.settings import MAX_MONTHS
from dashboards.snapshot import Snapshot
from dashboards.state import DEFAULT_PACE, DEFAULT_UNTIL, PACES, Session
from dashboards.ui import CAPTION
from model import SCHEMES

NOISY = {"color": "#888"}


@solara.component
def RunBar(session: Session):
    """Step / play / pause / reset, the horizon and speed, and progress."""
    until = solara.use_reactive(DEFAULT_UNTIL)
    pace = solara.use_reactive(DEFAULT_PACE)
    status = session.status.value
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(
            "Step", icon_name="mdi-skip-next", on_click=session.step, disabled=status.busy
        )
        solara.Button(
            "Step a year",
            icon_name="mdi-skip-forward",
            on_click=lambda: session.step(12),
            disabled=status.busy,
        )
        solara.Button(
            "Play",
            icon_name="mdi-play",
            color="primary",
            on_click=lambda: session.play(until.value, pace.value),
            disabled=status.busy,
        )
        solara.Button(
            "Pause", icon_name="mdi-pause", on_click=session.pause, disabled=not status.busy
        )
        solara.Button("Reset", icon_name="mdi-restore", on_click=session.reset)
        with solara.Div(style={"width": "170px"}):
            NumberField(
                f"run until month (1-{MAX_MONTHS})", until.value, until.set, lo=1, hi=MAX_MONTHS
            )
        with solara.Div(style={"width": "190px"}):
            solara.Select("speed", values=list(PACES), value=pace, dense=True)
    if status.busy:
        solara.ProgressLinear(True if status.progress is None else 100 * status.progress)
        solara.Text(f"Working: {status.label}", style=CAPTION, classes=["uptake-progress"])
    if session.message.value:
        solara.Error(session.message.value, classes=["uptake-message"])


def headline(snap: Snapshot) -> list[tuple[str, str, str]]:
    """The month and headline figures as (label, value, note); a note marks a noisy value."""
    c = snap.current
    scale = snap.scale

    def counted(column: str) -> tuple[str, str]:
        return fmt.count_with_noise(c[column], scale)

    breaks, breaks_noise = counted("new_breaks")
    covered = snap.results["n_covered_any"].iloc[-2] if snap.month > 0 else 0
    rate = 1000 * c["new_breaks"] / covered if covered else float("nan")
    money = c["fines_yuan"] + c["back_payments_yuan"]
    detected = c["n_detections"]
    money_noise = (
        f"from {detected:,.0f} firms found evading (agents)" if fmt.noisy(detected) else ""
    )
    rows = [
        ("Month", snap.when, ""),
        ("Coverage, any scheme", fmt.pct(c["frac_covered_any"]), ""),
        ("Pension", fmt.pct(c["frac_covered_pension"]), ""),
        ("Medical", fmt.pct(c["frac_covered_medical"]), ""),
        ("Work injury", fmt.pct(c["frac_covered_injury"]), ""),
        ("Employed", fmt.count(c["n_employed_real"]), ""),
        ("Breaks this month", breaks, breaks_noise),
        ("Breaks per 1,000 covered", "-" if snap.month == 0 else f"{rate:.1f}", ""),
        ("Disputes this month", *counted("new_disputes")),
        ("of which collective", *counted("new_collective_disputes")),
        ("Inspections this month", *counted("n_inspections")),
        ("Fines + back payments", fmt.yuan(money), money_noise),
        ("Subsidies so far", fmt.yuan(c["cum_subsidy_spending_yuan"]), ""),
    ]
    if snap.month == 0:  # flows start in month 1
        flows = {"Breaks this month", "Disputes this month", "of which collective"}
        flows |= {"Inspections this month", "Fines + back payments"}
        rows = [(k, "-", "") if k in flows else (k, v, n) for k, v, n in rows]
    return rows


@solara.component
def Headline(snap: Snapshot):
    """Headline numbers as small cards; a value resting on few agents is greyed."""
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}, classes=["uptake-headline"]):
        for label, value, note in headline(snap):
            classes = ["uptake-card"] + (["uptake-noisy"] if note else [])
            with solara.Div(
                classes=classes,
                style={"border": "1px solid #ddd", "border-radius": "4px", "padding": "4px 8px"},
            ):
                solara.Text(label, style=CAPTION)
                solara.Div(children=[value], style={"font-weight": "bold", **(NOISY if note else {})})
                if note:
                    solara.Text(note, style={**CAPTION, "font-size": "0.7em"})


@solara.component
def Charts(session: Session, snap: Snapshot):
    """All Explore charts, two per row (images drawn with the snapshot)."""
    # Effects run after the page took the images: lets a running play publish again.
    solara.use_effect(lambda: session.mark_shown(snap.data_version), [snap.version])
    with solara.Div(style={"width": "280px"}):
        solara.Select(
            "Scheme in the by-industry and by-region charts",
            list(SCHEMES),
            snap.scheme,
            on_value=session.set_scheme,
        )
    with solara.ColumnsResponsive(default=12, large=6):
        for key in EXPLORE_CHARTS:
            with solara.Div(classes=["uptake-chart", f"chart-{key}"]):
                solara.Image(snap.images[key], format="png")
                if key in NOTES:
                    solara.Text(NOTES[key], style=CAPTION, classes=[f"note-{key}"])


@solara.component
def Live(session: Session):
    """Everything that follows the run month by month."""
    snap = session.snapshot.value
    if snap is None:
        solara.Info("No model yet: fix the settings and press Reset.")
        return
    Headline(snap)
    solara.Text(fmt.scale_note(snap.scale), style=CAPTION, classes=["uptake-scale-note"])
    in_force = "; ".join(snap.in_force) or "none (status quo)"
    solara.Text(f"Levers in force: {in_force}", style=CAPTION, classes=["uptake-in-force"])
    Charts(session, snap)
    with solara.Details("Run log"):
        for line in snap.log:
            solara.Text(line, style=CAPTION)


@solara.component
def Explore(session: Session):
    """The Explore tab: controls on the left, run and charts on the right."""
    with solara.Columns([1, 3]):
        with solara.Column(style={"max-height": "85vh", "overflow-y": "auto"}):
            Controls(session)
        with solara.Column():
            RunBar(session)
            Live(session)

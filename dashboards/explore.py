"""Explore tab: run controls, headline numbers and live charts of one run."""

from __future__ import annotations

import solara

from dashboards import charts
from dashboards.controls import Controls
from dashboards.state import DEFAULT_PACE, DEFAULT_UNTIL, MAX_MONTHS, PACES, Session, Snapshot
from dashboards.ui import CAPTION
from model import SCHEMES


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
            solara.InputInt(f"run until month (1-{MAX_MONTHS})", value=until, dense=True)
        with solara.Div(style={"width": "190px"}):
            solara.Select("speed", values=list(PACES), value=pace, dense=True)
    if status.busy:
        solara.ProgressLinear(True if status.progress is None else 100 * status.progress)
        solara.Text(f"Working: {status.label}", style=CAPTION, classes=["uptake-progress"])
    if session.message.value:
        solara.Error(session.message.value, classes=["uptake-message"])


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _count(x: float) -> str:
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.2f} M"
    if abs(x) >= 1e3:
        return f"{x / 1e3:,.1f} k"
    return f"{x:,.0f}"


def _yuan(x: float) -> str:
    if abs(x) >= 1e9:
        return f"{x / 1e9:,.2f} bn yuan"
    return f"{x / 1e6:,.1f} M yuan"


def headline(snap: Snapshot) -> list[tuple[str, str]]:
    """The month and the headline figures as (label, formatted value)."""
    c = snap.current
    return [
        ("Month", f"{snap.month} ({snap.date})"),
        ("Coverage, any scheme", _pct(c["frac_covered_any"])),
        ("Pension", _pct(c["frac_covered_pension"])),
        ("Medical", _pct(c["frac_covered_medical"])),
        ("Work injury", _pct(c["frac_covered_injury"])),
        ("Employed", _count(c["n_employed_real"])),
        ("Breaks this month", _count(c["new_breaks_real"])),
        ("Disputes this month", _count(c["new_disputes_real"])),
        ("of which collective", _count(c["new_collective_disputes_real"])),
        ("Inspections this month", _count(c["n_inspections_real"])),
        ("Fines + back payments", _yuan(c["fines_yuan"] + c["back_payments_yuan"])),
        ("Subsidies so far", _yuan(c["cum_subsidy_spending_yuan"])),
    ]


@solara.component
def Headline(snap: Snapshot):
    """Headline numbers as small cards (counts in real persons, money in yuan)."""
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}, classes=["uptake-headline"]):
        for label, value in headline(snap):
            with solara.Div(
                style={"border": "1px solid #ddd", "border-radius": "4px", "padding": "4px 8px"}
            ):
                solara.Text(label, style=CAPTION)
                solara.Div(children=[value], style={"font-weight": "bold"})


@solara.component
def Chart(session: Session, snap: Snapshot, key: str, scheme: str = "pension"):
    """One Explore chart, redrawn only when the run's data or the scheme change."""
    image = solara.use_memo(
        lambda: session.charts.get(snap, key, scheme), [snap.data_version, key, scheme]
    )
    with solara.Div(classes=["uptake-chart", f"chart-{key}"]):
        solara.Image(image, format="png")


@solara.component
def Charts(session: Session, snap: Snapshot):
    """All Explore charts, two per row."""
    scheme = solara.use_reactive("pension")
    # Effects run after the charts below are drawn: lets a running play publish again.
    solara.use_effect(lambda: session.mark_shown(snap.data_version), [snap.data_version])
    with solara.Div(style={"width": "260px"}):
        solara.Select("Scheme in the by-industry and by-region charts", list(SCHEMES), scheme)
    with solara.ColumnsResponsive(default=12, large=6):
        for key in charts.EXPLORE_CHARTS:
            Chart(session, snap, key, scheme.value)


@solara.component
def Explore(session: Session):
    """The Explore tab: controls on the left, run and charts on the right."""
    snap = session.snapshot.value
    with solara.Columns([1, 3]):
        with solara.Column(style={"max-height": "85vh", "overflow-y": "auto"}):
            Controls(session)
        with solara.Column():
            RunBar(session)
            if snap is None:
                solara.Info("No model yet: fix the settings and press Reset.")
                return
            Headline(snap)
            in_force = "; ".join(snap.in_force) or "none (status quo)"
            solara.Text(f"Levers in force: {in_force}", style=CAPTION, classes=["uptake-in-force"])
            Charts(session, snap)
            with solara.Details("Run log"):
                for line in snap.log:
                    solara.Text(line, style=CAPTION)

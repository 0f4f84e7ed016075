"""Explore tab: run controls, headline numbers and live charts of one run.

Only :func:`Live` reads the snapshot, so a new month re-renders the headline and
the chart images, not the controls column. The chart images come with the
snapshot (drawn by the session when it publishes, see :mod:`dashboards.live`).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
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


@solara.component
def RunBar(session: Session):
    """Step / play / pause / reset, the horizon and speed, and progress."""
    until = solara.use_reactive(DEFAULT_UNTIL)
    pace = solara.use_reactive(DEFAULT_PACE)
    status = session.status.value
    progress = solara.use_memo(widgets.HTML, [])

    def show_progress(fraction: float, text: str) -> None:
        bar = f"<div style='height:4px;background:#1976d2;width:{100 * fraction:.0f}%'></div>"
        progress.value = f"{bar}<div style='font-size:0.8em;color:#555'>{html.escape(text)}</div>"

    solara.use_effect(lambda: session.subscribe_progress(show_progress), [session])
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
        solara.Text(f"Working: {status.label}", style=CAPTION, classes=["uptake-progress"])
        if status.label.startswith("running"):
            solara.Div(children=[progress], classes=["uptake-play-progress"])
        else:
            solara.ProgressLinear(True if status.progress is None else 100 * status.progress)
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


CARD = "display:inline-block;border:1px solid #ddd;border-radius:4px;padding:4px 8px;margin:3px"


def headline_html(snap: Snapshot) -> str:
    """The headline cards as one HTML string (one widget: cheap to update every month)."""
    cards = []
    for label, value, note in headline(snap):
        colour = "#888" if note else "inherit"
        extra = f"<div style='font-size:0.7em;color:#666'>{html.escape(note)}</div>" if note else ""
        noisy = " uptake-noisy" if note else ""
        cards.append(
            f"<div class='uptake-card{noisy}' style='{CARD}'>"
            f"<div style='font-size:0.8em;color:#555'>{html.escape(label)}</div>"
            f"<div style='font-weight:bold;color:{colour}'>{html.escape(value)}</div>{extra}</div>"
        )
    return "".join(cards)


def _small(*lines: str) -> str:
    """Lines of small grey text as HTML (escaped)."""
    body = "".join(f"<div>{html.escape(line)}</div>" for line in lines)
    return f"<div style='font-size:0.8em;color:#555;line-height:1.4'>{body}</div>"


class LiveView:
    """The widgets that follow the run month by month, updated in place.

    A new month sets these widgets' values directly (one message each to the
    browser) instead of re-rendering components: Solara would otherwise walk the
    whole page's component tree for every month. Created once per page.
    """

    def __init__(self) -> None:
        """Empty widgets: headline, notes, one image per chart, run log."""
        self.headline = widgets.HTML()
        self.scale_note = widgets.HTML()
        self.in_force = widgets.HTML()
        self.images = {key: widgets.Image(format="png") for key in EXPLORE_CHARTS}
        self.log = widgets.HTML()
        self.shown: Snapshot | None = None

    def show(self, snap: Snapshot) -> None:
        """Put ``snap`` on the page (only the widgets whose content changed)."""
        old = self.shown
        self.headline.value = headline_html(snap)
        for key, image in self.images.items():
            if old is None or old.images.get(key) is not snap.images[key]:
                image.value = snap.images[key]
        if old is None or old.scale != snap.scale:
            self.scale_note.value = _small(fmt.scale_note(snap.scale))
        if old is None or old.in_force != snap.in_force:
            in_force = "; ".join(snap.in_force) or "none (status quo)"
            self.in_force.value = _small(f"Levers in force: {in_force}")
        if old is None or old.log != snap.log:
            self.log.value = _small(*snap.log)
        self.shown = snap


@solara.component
def Live(session: Session):
    """Headline, notes, charts and log of the run (updated in place, see :class:`LiveView`)."""
    view = solara.use_memo(LiveView, [])
    scheme = solara.use_reactive(session.run.scheme)

    def attach():
        snap = session.snapshot.peek()
        if snap is not None:
            view.show(snap)
        return session.subscribe(view.show)

    solara.use_effect(attach, [session])
    if not session.has_model.value:
        solara.Info("No model yet: fix the settings and press Reset.")
    solara.Div(classes=["uptake-headline"], children=[view.headline])
    solara.Div(classes=["uptake-scale-note"], children=[view.scale_note])
    solara.Div(classes=["uptake-in-force"], children=[view.in_force])
    with solara.Div(style={"width": "280px"}):
        solara.Select(
            "Scheme in the by-industry and by-region charts",
            list(SCHEMES),
            scheme.value,
            on_value=lambda s: session.set_scheme(s) and scheme.set(s),
        )
    with solara.ColumnsResponsive(default=12, large=6):
        for key, image in view.images.items():
            with solara.Div(classes=["uptake-chart", f"chart-{key}"]):
                solara.Div(children=[image])
                if key in NOTES:
                    solara.Text(NOTES[key], style=CAPTION, classes=[f"note-{key}"])
    with solara.Details("Run log"):
        solara.Div(children=[view.log])


@solara.component
def Explore(session: Session):
    """The Explore tab: controls on the left, run and charts on the right."""
    with solara.Columns([1, 3]):
        with solara.Column(style={"max-height": "85vh", "overflow-y": "auto"}):
            Controls(session)
        with solara.Column():
            RunBar(session)
            Live(session)

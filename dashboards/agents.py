"""Look-inside tab: filterable tables of workers and firms at the current month."""

from __future__ import annotations

import solara

from dashboards.agents_data import (
    ANY,
    FIRM_STATUS,
    REASONS,
    filter_rows,
    firm_table,
    reason_counts,
    status_counts,
    worker_table,
)
from dashboards.state import Session
from dashboards.ui import CAPTION, Line
from model import INDUSTRIES, REGIONS, SCHEMES

ANY_SCHEME = "any scheme"


def _select(label: str, values, value) -> None:
    with solara.Div(style={"width": "190px"}):
        solara.Select(label, [ANY, *values], value, dense=True)


@solara.component
def Workers(session: Session, version: int):
    """Workers with their cover and the reason for no cover, filterable."""
    scheme = solara.use_reactive(ANY_SCHEME)
    industry = solara.use_reactive(ANY)
    region = solara.use_reactive(ANY)
    reason = solara.use_reactive(ANY)
    sex = solara.use_reactive(ANY)

    def build():
        chosen = None if scheme.value == ANY_SCHEME else scheme.value
        return worker_table(session.agents(chosen))

    table = solara.use_memo(build, [version, scheme.value])
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        with solara.Div(style={"width": "190px"}):
            solara.Select("Cover of", [ANY_SCHEME, *SCHEMES], scheme, dense=True)
        _select("Industry", INDUSTRIES, industry)
        _select("Region of work", REGIONS, region)
        _select("Sex", ["male", "female"], sex)
        _select("Reason", REASONS, reason)
    shown = filter_rows(
        table, industry=industry.value, region=region.value, sex=sex.value, reason=reason.value
    )
    solara.Text(
        f"{len(shown):,} of {len(table):,} workers. Reason = first condition of the model's "
        "rule that fails: a job, a scheme offered, declared by the employer, not opted out; "
        "'other' = won a dispute this month (declared from next month on). Breaks = times "
        "the worker went from some cover to none.",
        style=CAPTION,
    )
    with solara.Columns([1, 3]):
        with solara.Div(classes=["uptake-reasons"]):
            solara.DataFrame(reason_counts(shown), items_per_page=len(REASONS))
        with solara.Div(classes=["uptake-workers"]):
            solara.DataFrame(shown, items_per_page=15, scrollable=True)


@solara.component
def Firms(session: Session, version: int):
    """Firms with size, schemes offered, declared share and inspections, filterable."""
    industry = solara.use_reactive(ANY)
    region = solara.use_reactive(ANY)
    status = solara.use_reactive(ANY)
    table = solara.use_memo(lambda: firm_table(session.agents()), [version])
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        _select("Industry", INDUSTRIES, industry)
        _select("Region", REGIONS, region)
        _select("Compliance", FIRM_STATUS, status)
    shown = filter_rows(table, industry=industry.value, region=region.value, status=status.value)
    solara.Text(
        f"{len(shown):,} of {len(table):,} firms. Gaps: schemes not paid, share of the "
        "headcount declared, contributions on the floor base instead of true wages.",
        style=CAPTION,
    )
    with solara.Columns([1, 3]):
        with solara.Div(classes=["uptake-status"]):
            solara.DataFrame(status_counts(shown), items_per_page=len(FIRM_STATUS))
        with solara.Div(classes=["uptake-firms"]):
            solara.DataFrame(shown, items_per_page=15, scrollable=True)


@solara.component
def LookInside(session: Session, active: bool = True):
    """The Look-inside tab (tables follow the Explore run's current month).

    Args:
        session: the browser session.
        active: whether the tab is shown; hidden, it skips building the tables.
    """
    which = solara.use_reactive("Workers")
    if not active:  # hidden: do not even read the snapshot, so a new month skips this tab
        solara.Text("(tables are built when this tab is open)")
        return
    snap = session.snapshot.value
    if snap is None:
        solara.Info("No model yet: build one in the Explore tab.")
        return
    Line("Agents at month ", snap.when, " of the Explore run.")
    solara.ToggleButtonsSingle(value=which, values=["Workers", "Firms"])
    if which.value == "Workers":
        Workers(session, snap.data_version)
    else:
        Firms(session, snap.data_version)

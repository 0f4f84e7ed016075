"""Small text helpers shared by the tabs.

``solara.Markdown`` loads KaTeX from Solara's CDN proxy, which fails with no
internet; these helpers render plain HTML (escaped) instead, so the app makes no
failed requests offline.
"""

from __future__ import annotations

import html

import solara

CAPTION = {"font-size": "0.8em", "color": "#555"}


@solara.component
def Caption(text: str, classes: list[str] | None = None):
    """Small grey explanatory text."""
    solara.Text(text, style=CAPTION, classes=classes or [])


@solara.component
def Heading(text: str):
    """A section heading."""
    solara.HTML(tag="h3", unsafe_innerHTML=html.escape(text))


@solara.component
def Line(*parts: str, classes: list[str] | None = None):
    """A line of text; odd-numbered parts (1, 3, ...) are bold."""
    inner = "".join(
        f"<b>{html.escape(str(p))}</b>" if i % 2 else html.escape(str(p))
        for i, p in enumerate(parts)
    )
    with solara.Div(classes=classes or []):
        solara.HTML(tag="div", unsafe_innerHTML=inner)


@solara.component
def KeyValues(rows: list[tuple[str, str]]):
    """A two-column table of labels and values."""
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:12px'>{html.escape(k)}</th>"
        f"<td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    solara.HTML(tag="table", unsafe_innerHTML=body)


#: Tables: numbers right-aligned in figures of one width, so a column reads down.
TABLE_STYLE = "border-collapse:collapse;font-size:0.9em;margin:4px 0"
CELL = "padding:3px 10px;border-bottom:1px solid #e0e0e0"


@solara.component
def Table(frame, numeric: tuple[str, ...] = (), classes: list[str] | None = None):
    """A DataFrame as a plain HTML table: no row index, ``numeric`` columns right-aligned."""

    def align(column: str) -> str:
        if column in numeric:
            return "text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap"
        return "text-align:left"

    head = "".join(
        f"<th style='{CELL};{align(c)};font-weight:600'>{html.escape(str(c))}</th>"
        for c in frame.columns
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td style='{CELL};{align(c)}'>{html.escape(str(v))}</td>"
            for c, v in zip(frame.columns, row, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    with solara.Div(classes=classes or [], style={"overflow-x": "auto"}):
        solara.HTML(
            tag="table",
            unsafe_innerHTML=f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>",
            style=TABLE_STYLE,
        )

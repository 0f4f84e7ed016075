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

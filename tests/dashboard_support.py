"""Helpers for the dashboard component tests (a helper module, not a test file)."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from pathlib import Path

import ipyvuetify as v
import ipywidgets as widgets

from dashboards.settings import Settings, from_preset
from dashboards.state import Session

SMALL = {"burn_in_months": 12}


def small_settings(preset: str = "baseline", seed: int = 5, n_workers: int = 2_000) -> Settings:
    """A preset at a small population with a short burn-in."""
    s = from_preset(preset, seed=seed, n_workers=n_workers)
    return dataclasses.replace(s, params={**s.params, **SMALL})


def small_session(preset: str = "baseline", seed: int = 5) -> Session:
    """A session built synchronously on a small population."""
    return Session(small_settings(preset, seed))


def descendants(widget) -> list:
    """The widget and every widget under it (children and slots), depth first."""
    out = []

    def walk(w) -> None:
        if not isinstance(w, widgets.Widget):
            return
        out.append(w)
        for child in getattr(w, "children", []) or []:
            walk(child)
        for slot in getattr(w, "v_slots", []) or []:
            for child in slot.get("children", []) or []:
                walk(child)

    walk(widget)
    return out


def text_of(widget) -> str:
    """All text under a widget: string children, HTML and labels, space-separated."""
    out: list[str] = []
    for w in descendants(widget):
        for attr in ("v_html", "label"):
            value = getattr(w, attr, None)
            if isinstance(value, str):
                out.append(value)
        out.extend(c for c in getattr(w, "children", []) or [] if isinstance(c, str))
        rows = getattr(w, "items", None)  # solara.DataFrame (the page shown)
        if isinstance(rows, list):
            for row in rows:
                out.extend(map(str, row.values() if isinstance(row, dict) else [row]))
        html = getattr(w, "unsafe_innerHTML", None)  # solara.HTML
        if isinstance(html, str):
            out.append(re.sub(r"<[^>]+>", " ", html))
        if isinstance(w, widgets.HTML):  # widgets updated in place (the Explore headline)
            out.append(re.sub(r"<[^>]+>", " ", w.value))
    return " ".join(out)


def by_class(rc, name: str):
    """The single widget rendered with CSS class ``name``."""
    root = rc.find(widgets.Widget).widgets[0]
    found = [w for w in descendants(root) if name in (getattr(w, "class_", None) or "").split()]
    assert len(found) == 1, f"expected one element with class {name!r}, found {len(found)}"
    return found[0]


def button(rc, label: str) -> v.Btn:
    """The single button whose text is ``label``."""
    found = [b for b in rc.find(v.Btn).widgets if label in b.children]
    assert len(found) == 1, f"expected one button {label!r}, found {len(found)}"
    return found[0]


def field(rc, cls, label: str):
    """The single input of type ``cls`` labelled ``label``."""
    found = [w for w in rc.find(cls).widgets if w.label == label]
    assert len(found) == 1, f"expected one {cls.__name__} labelled {label!r}, found {len(found)}"
    return found[0]


def enter(rc, label: str, text: str) -> None:
    """Type ``text`` into the text field ``label`` and leave it (as a user would)."""
    widget = field(rc, v.TextField, label)
    widget.v_model = text
    widget.fire_event("focusout", {})


def images(rc) -> list[bytes]:
    """The bytes of every image on the page, in order."""
    return [w.value for w in rc.find(widgets.Image).widgets]


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    """Poll ``condition`` until true, failing after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")


def make_saved_folder(out: Path) -> Path:
    """Write a tiny saved comparison (baseline vs points, 1 replication) with the runner."""
    from experiments.run.experiment import Experiment
    from experiments.run.runner import run_experiment
    from experiments.scenarios import PRESETS

    exp = Experiment("compare", (PRESETS["baseline"], PRESETS["points"]), 1, 12, 3, workers=500)
    summary = run_experiment(exp, out, progress=False)
    assert summary.ok, f"could not write the saved folder: {summary}"
    return out

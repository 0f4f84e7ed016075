"""Explore controls: preset, seed, population, parameters and every policy lever.

Each control calls a :class:`~dashboards.state.Session` method that validates the
change; an invalid value leaves the settings unchanged and shows the model's message.
Units and meanings come from the model (``Params`` metadata, policy class variables).
"""

from __future__ import annotations

import math

import solara

from dashboards.fields import NumberField
from dashboards.pairs import by_title
from dashboards.settings import (
    KEY_PARAMS,
    LEVERS,
    MAX_MONTHS,
    MAX_WORKERS,
    OWN_CONTROLS,
    PARAMS,
    lever_info,
    param_tooltip,
)
from dashboards.state import Session
from dashboards.ui import CAPTION
from experiments.scenarios import PRESETS


def _verdict(session: Session, accepted: bool) -> bool | str:
    """What a field shows: accepted, or the session's reason for refusing."""
    return True if accepted else session.message.value or "not accepted"


@solara.component
def PresetControls(session: Session):
    """Preset, population and seed (each rebuilds the model at month 0)."""
    s = session.settings.value
    titles = by_title(PRESETS)
    solara.Select(
        label="Preset scenario",
        values=list(titles),
        value=PRESETS[s.preset].title if s.preset in PRESETS else None,
        on_value=lambda t: session.choose_preset(titles[t]),
    )
    description = PRESETS[s.preset].description if s.preset in PRESETS else ""
    solara.Text(f"{s.title()}: {description}. Base parameters: {s.base}.", style=CAPTION)
    with solara.Tooltip(param_tooltip("n_workers")):
        NumberField(
            f"Population (worker agents, max {MAX_WORKERS:,})",
            s.n_workers,
            lambda v: _verdict(session, session.set_param("n_workers", v)),
        )
    with solara.Tooltip(param_tooltip("seed")):
        NumberField("Seed", s.seed, lambda v: _verdict(session, session.set_param("seed", v)))


@solara.component
def ParamInput(session: Session, name: str):
    """One parameter as a number input labelled with its unit, with a tooltip."""
    row = PARAMS[name]
    value = session.settings.value.params.get(name, row["default"])
    with solara.Tooltip(param_tooltip(name)):
        NumberField(
            name.replace("_", " "),
            None if value is None else float(value),
            lambda v: _verdict(session, session.set_param(name, v)),
            integer=isinstance(row["default"], int) and not isinstance(row["default"], bool),
            optional=row["default"] is None,  # e.g. scale: blank = derived from the data
            hint=row["unit"] + ("; blank: derived from the data" if row["default"] is None else ""),
        )


@solara.component
def ParamEditor(session: Session):
    """Any other parameter: pick it, read its meaning and source, set or restore it."""
    names = [n for n in PARAMS if n not in OWN_CONTROLS and n not in KEY_PARAMS]
    chosen = solara.use_reactive(names[0])
    overrides = session.settings.value.params
    solara.Select(label="Parameter", values=names, value=chosen)
    solara.Text(param_tooltip(chosen.value), style=CAPTION)
    ParamInput(session, chosen.value)
    solara.Button(
        "Restore default",
        text=True,
        disabled=chosen.value not in overrides,
        on_click=lambda: session.set_param(chosen.value, None),
    )
    if overrides:
        changed = ", ".join(f"{k.replace('_', ' ')} = {v:.4g}" for k, v in overrides.items())
        solara.Text(f"Differs from the model defaults: {changed}", style=CAPTION)


@solara.component
def LeverControl(session: Session, lever: str):
    """Strength slider, dates and the lever's own further fields (e.g. a subsidy's cap)."""
    info = lever_info(lever)
    setting = session.settings.value.levers[lever]
    tip = f"{info['doc']} Paper: {info['paper']}. Strength unit: {info['unit']}."
    step = info["max"] / 1000

    def on_strength(value: float) -> None:
        # The slider snaps to its step and echoes the snapped value back (e.g. a preset's
        # 0.777 as 0.78): only a move of at least half a step is a user's change.
        if abs(value - setting.strength) >= step / 2:
            session.set_lever(lever, strength=round(value, 6))

    with solara.Tooltip(tip), solara.Column(gap="0px", classes=[f"lever-{lever}"]):
        solara.SliderFloat(
            label=info["title"],
            value=setting.strength,
            min=info["min"],
            max=info["max"],
            step=step,
            on_value=on_strength,
        )
        solara.Text(f"strength: {setting.strength:g} ({info['unit']})", style=CAPTION)
    with solara.Row(gap="8px"):
        NumberField(
            "from month",
            setting.start,
            lambda v: _verdict(session, session.set_lever(lever, start=v)),
            lo=1,
            hi=MAX_MONTHS,
        )
        NumberField(
            "to month",
            setting.end,
            lambda v: _verdict(session, session.set_lever(lever, end=v)),
            optional=True,
            lo=1,
            hi=MAX_MONTHS,
            hint="blank: no end",
        )
    extra = info["extra"]
    if extra:
        with solara.Row(gap="8px"):
            for name, unit, default in extra:
                blank = math.isinf(default)  # blank = no limit
                NumberField(
                    name.replace("_", " "),
                    setting.extra.get(name, default),
                    lambda v, name=name, default=default: _verdict(
                        session, session.set_lever(lever, **{name: default if v is None else v})
                    ),
                    integer=False,
                    optional=blank,
                    hint=f"{unit}{'; blank: none' if blank else ''}",
                )


@solara.component
def Controls(session: Session):
    """The Explore tab's left column."""
    with solara.Card("Scenario", margin=0):
        PresetControls(session)
        solara.Text(
            "Preset, population, seed and parameters rebuild the model at month 0; "
            "levers act on the running model from the next month.",
            style=CAPTION,
        )
    with solara.Card("Policy levers", margin=0):
        solara.Text("Strength 0 = lever not used. Hover for the paper reference.", style=CAPTION)
        for lever in LEVERS:
            LeverControl(session, lever)
    with solara.Card("Key parameters", margin=0):
        for name in KEY_PARAMS:
            ParamInput(session, name)
    with solara.Card("All parameters", margin=0):
        ParamEditor(session)

"""A number input that rejects a bad entry in place.

Solara's own number inputs keep an entry they cannot parse (or that the model
refuses) in the field while the old value stays in force, so the page shows one
value and runs another. :func:`NumberField` instead puts the value in force back
into the field and says, under it, what was rejected and why.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import solara
from solara.alias import rv as v

#: When a typed value is taken: on leaving the field or pressing Enter.
EVENTS = ("focusout", "keyup.enter")


def shown(value: float | None, integer: bool) -> str:
    """The text of a value in force (``""`` for none)."""
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return ""
    if integer:
        return str(int(value))
    if abs(value) >= 1e6:  # money: 30,000,000,000 rather than 3e+10
        return f"{value:,.0f}"
    return f"{value:.4g}"


def parse(text: str, integer: bool, optional: bool) -> float | int | None:
    """A typed number (``,`` and ``_`` allowed as thousands separators); ``ValueError`` if not.

    Args:
        text: what the user typed.
        integer: whether only whole numbers are allowed.
        optional: whether a blank field (None) is allowed.
    """
    raw = text.strip().replace(",", "").replace("_", "")
    if not raw:
        if optional:
            return None
        raise ValueError("a number is required")
    try:
        number = float(raw)
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    if integer:
        if not number.is_integer():
            raise ValueError("not a whole number")
        return int(number)
    return number


@solara.component
def NumberField(
    label: str,
    value: float | None,
    on_value: Callable[[float | int | None], bool | str | None],
    integer: bool = True,
    optional: bool = False,
    lo: float | None = None,
    hi: float | None = None,
    classes: list[str] | None = None,
    hint: str = "",
):
    """A number field whose entry is either taken or replaced by the value in force.

    Args:
        label: the field's label (name and unit).
        value: the value in force.
        on_value: called with an accepted number; returns ``False`` or a reason
            (string) to reject it, anything else to accept.
        integer: whole numbers only.
        optional: a blank field means None.
        lo: smallest allowed value (inclusive), checked before ``on_value``.
        hi: largest allowed value (inclusive), checked before ``on_value``.
        classes: CSS classes of the field.
        hint: small text always shown under the field (it wraps, where a long label
            would be cut off in a narrow field): units, what a blank means.
    """
    error = solara.use_reactive("")
    text = shown(value, integer)

    def on_change(widget, typed: str) -> None:
        if str(typed or "") == text:  # left unchanged: the shown text may be rounded
            error.set("")
            return
        try:
            number = parse(str(typed or ""), integer, optional)
            if number is not None and lo is not None and number < lo:
                raise ValueError(f"below the minimum {lo:,g}")
            if number is not None and hi is not None and number > hi:
                raise ValueError(f"above the maximum {hi:,g}")
            verdict = on_value(number)
            if verdict is False or isinstance(verdict, str):
                raise ValueError(verdict or "not accepted")
        except ValueError as reason:
            kept = text or "blank"
            error.set(f"{typed!r} rejected ({reason}); kept {kept}")
            widget.v_model = text  # the field shows the value in force
            return
        error.set("")

    field = v.TextField(
        v_model=text,
        label=label,
        dense=True,
        error=bool(error.value),
        messages=[error.value] if error.value else [],
        hint=hint,
        persistent_hint=bool(hint),
        hide_details="auto",
        class_=" ".join(["uptake-number", *(classes or [])]),
    )
    handler = solara.use_ref(on_change)
    handler.current = on_change  # the latest render's value in force and callback

    def listen():
        widget = solara.get_widget(field)

        def changed(w, _event, _data):
            handler.current(w, w.v_model)

        for event in EVENTS:
            widget.on_event(event, changed)

        def stop():
            for event in EVENTS:
                widget.on_event(event, changed, remove=True)

        return stop

    solara.use_effect(listen, [])
    return field

"""One way to write numbers, dates and sampling noise across the dashboard.

Convention: shares as % (differences in percentage points), counts of persons,
firms or cases with thousands separators (k / M above ten thousand), money in
yuan with M / bn. Months: month 0 is the starting state ("start"); month 1 is
January of the start year, written ``2011-01``.

Sampling noise: a count of ``k`` agent events stands for ``k x scale`` real events,
so its relative sampling error is about ``1/sqrt(k)``. Counts from fewer than
:data:`NOISY_BELOW` agents (the analysis' threshold, the same in the CLI and the
report) are flagged, with an approximate 95% interval
(Poisson: ``k +- 1.96 sqrt(k)``; at ``k = 0``, up to 3 events, the rule of three).
"""

from __future__ import annotations

import math

from experiments.analysis.formatting import NOISE_AGENTS, month_label
from model import outcomes

#: Counts from fewer agent events than this are shown as noisy (about 18% or more).
NOISY_BELOW = NOISE_AGENTS
Z95 = 1.96
START = "start"


def month_text(month: int, start_year: int) -> str:
    """Month number with its date, e.g. ``12 (2011-12)`` or ``0 (start)``."""
    return f"{month} ({month_label(month, start_year)})"


def pct(share: float, digits: int = 1) -> str:
    """A share (0-1) as a percentage, e.g. ``30.7%``."""
    if share is None or not math.isfinite(share):
        return "-"
    return f"{100 * share:.{digits}f}%"


def points(diff: float, digits: int = 1) -> str:
    """A difference of shares in percentage points, signed, e.g. ``+2.3 pp``."""
    return _signed(100 * diff, digits) + " pp"


def signed(x: float, digits: int = 2) -> str:
    """A signed number to ``digits`` decimals: ``+1.25``, ``-0.40``, ``0.00``; ``-`` if missing."""
    if x is None or not math.isfinite(x):
        return "-"
    return _signed(x, digits)


def _signed(x: float, digits: int) -> str:
    text = f"{x:+,.{digits}f}"
    # "-0.0" reads as a loss: a value that rounds to zero is written without a sign.
    return text[1:] if round(x, digits) == 0 else text


def _digits(body: float) -> int:
    """Decimals that keep about three significant figures (2.31, 23.1, 231)."""
    a = abs(body)
    return 2 if a < 10 else 1 if a < 100 else 0


def count(x: float, signed: bool = False) -> str:
    """A count: ``840``, ``12,400``, ``31.7 k``, ``2.31 M`` (sign kept with ``signed``)."""
    if x is None or not math.isfinite(x):
        return "-"
    a = abs(x)
    if a >= 1e6:
        body, unit = x / 1e6, " M"
        digits = _digits(body)
    elif a >= 1e4:
        body, unit = x / 1e3, " k"
        digits = 1
    else:
        body, unit, digits = x, "", 0
    text = _signed(body, digits) if signed else f"{body:,.{digits}f}"
    return text + unit


def yuan(x: float, signed: bool = False) -> str:
    """Money: ``8,400 yuan``, ``42.1 M yuan``, ``3.27 bn yuan``."""
    if x is None or not math.isfinite(x):
        return "-"
    a = abs(x)
    if a >= 1e9:
        body, unit = x / 1e9, " bn yuan"
        digits = _digits(body)
    elif a >= 1e6:
        body, unit = x / 1e6, " M yuan"
        digits = _digits(body)
    else:
        body, unit, digits = x, " yuan", 0
    return (_signed(body, digits) if signed else f"{body:,.{digits}f}") + unit


def number(x: float, signed: bool = False) -> str:
    """Any other quantity, to three significant figures (``0.132``, ``1,230``)."""
    if x is None or not math.isfinite(x):
        return "-"
    if x == 0:
        return "0"
    digits = max(0, 2 - math.floor(math.log10(abs(x))))
    return _signed(x, digits) if signed else f"{x:,.{digits}f}"


def value(x: float, unit: str, signed: bool = False) -> str:
    """``x`` written in the convention for ``unit`` (a unit of the outcome table)."""
    if unit in ("share", "%"):
        return points(x) if signed else pct(x)
    if unit == "yuan":
        return yuan(x, signed)
    if unit in ("agents", "persons", "workers", "firms", "cases"):
        return count(x, signed)
    return number(x, signed)


def short(x: float, signed: bool = False) -> str:
    """Three significant figures with k / M / bn (``840``, ``1.98 k``, ``15.2 k``, ``5.00 bn``).

    For tables whose unit column names the unit: every row of a column is written
    the same way, whatever its size.
    """
    if x is None or not math.isfinite(x):
        return "-"
    if abs(x) < 5e-7:  # float noise of a difference of equal means (e.g. 9e-13)
        return "0"
    a = abs(x)
    for size, suffix in ((1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if round(a / size, 2) >= 1.0 and a >= size * (1 - 5e-4):
            body = x / size
            digits = _digits(body)
            return (_signed(body, digits) if signed else f"{body:.{digits}f}") + suffix
    return number(x, signed)


def table_value(x: float, column: str, signed: bool = False) -> str:
    """A value of ``column`` in a table with a unit column: shares in % / pp, else :func:`short`."""
    if unit(column) in ("share", "%"):
        return points(x) if signed else pct(x)
    return short(x, signed)


def tick(x: float) -> str:
    """Short axis-tick text: ``500 k``, ``2.5 M``, ``20 bn`` (the axis label names the unit)."""
    a = abs(x)
    for size, suffix in ((1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if a >= size:
            return f"{x / size:g}{suffix}"
    return f"{x:g}"


def interval(agents: float, scale: float) -> tuple[float, float]:
    """Approximate 95% sampling interval of ``agents x scale`` (Poisson, in real units)."""
    k = max(float(agents), 0.0)
    if k == 0:
        return 0.0, 3.0 * scale
    half = Z95 * math.sqrt(k)
    return max(k - half, 0.0) * scale, (k + half) * scale


def noisy(agents: float) -> bool:
    """Whether a count rests on too few agent events to read as a real-world number."""
    return agents < NOISY_BELOW


def count_with_noise(agents: float, scale: float) -> tuple[str, str]:
    """A real-world count and, when noisy, its interval text (else ``""``)."""
    text = count(agents * scale)
    if not noisy(agents):
        return text, ""
    lo, hi = interval(agents, scale)
    noun = "agent" if agents == 1 else "agents"
    return text, f"95%: {count(lo)} to {count(hi)}, from {agents:,.0f} {noun}"


def scale_note(scale: float, greyed: bool = True) -> str:
    """How to read counts: each agent stands for ``scale`` real workers.

    Args:
        scale: real workers per agent.
        greyed: whether the page greys noisy counts (else its bands show the noise).
    """
    head = (
        f"Each worker agent stands for {scale:,.0f} real migrant workers, so a count is "
        f"agents x {scale:,.0f}: one agent event shows as {count(scale)}. "
    )
    if greyed:
        return head + (
            f"Counts from fewer than {NOISY_BELOW} agent events are greyed, with their 95% "
            "sampling interval; more agents (the population field) give less noise."
        )
    return head + "Bands show the spread over replications: more workers give narrower bands."


# --- outcome columns: labels and units from the model's outcome table ----------------------
#: Breaks per 1,000 workers covered the month before: the dashboard's one derived column.
BREAK_RATE = "breaks_per_1000_covered"
BREAKS_NOTE = (
    "A break = a worker going from some cover to none. More covered workers means more "
    "people who can lose cover, so the raw count of breaks rises with coverage; the rate "
    "per 1,000 covered workers shows whether cover became less stable."
)
_DERIVED = {BREAK_RATE: ("Breaks per 1,000 covered workers", "per 1,000 covered workers")}


def label(column: str) -> str:
    """Human label of a results column (``model.outcomes.label``).

    The dashboard shows every count in real persons, so the model's ", real" suffix
    is left out.
    """
    if column in _DERIVED:
        return _DERIVED[column][0]
    return outcomes.label(column).removesuffix(", real")


def unit(column: str) -> str:
    """Unit of a results column (``model.outcomes.unit``): share, persons, cases, yuan..."""
    if column in _DERIVED:
        return _DERIVED[column][1]
    return outcomes.unit(column)


def is_flow(column: str) -> bool:
    """Whether a column counts events of one month (shown "per month")."""
    return column == BREAK_RATE or column.removesuffix("_real") in outcomes.FLOWS


def unit_text(column: str) -> str:
    """How values of ``column`` are written, e.g. ``%``, ``persons per month``, ``yuan``."""
    u = unit(column)
    text = "% of employed workers" if u == "share" and "covered" in column else u
    text = "%" if u == "share" and text == u else text
    return text + (" per month" if is_flow(column) else "")


def heading(column: str) -> str:
    """Label with unit, e.g. ``Coverage by any scheme (%)``."""
    return f"{label(column)} ({unit_text(column)})"


def column_value(x: float, column: str, signed: bool = False) -> str:
    """A value of ``column`` in the dashboard's convention (see :func:`value`)."""
    return value(x, unit(column), signed)

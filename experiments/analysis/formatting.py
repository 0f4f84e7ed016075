"""Labels, units and number formats for every table and chart of the analysis.

One convention everywhere (terminal tables, the HTML report, chart axes):

* shares in % (``30.7%``), differences of shares in percentage points (``+1.2 pts``);
* counts of people, cases or firms as whole numbers with thousands separators,
  millions as ``12.3 M``;
* money in yuan as ``M yuan`` or ``bn yuan`` (``4.23 bn yuan``);
* no ``-0.0``: a value that rounds to zero prints as zero;
* months as calendar months (``2011-01`` for month 1); month 0 is ``start``.

Labels and units come from the model's own outcome table
(:func:`model.outcomes.label`, :func:`model.outcomes.unit`); only the "real" suffix
is dropped, because the unit (persons, cases, firms) already says it.

Sampling noise: a count in real persons is agents x scale (~7,900 real workers per
agent with 20,000 agents). Below :data:`NOISE_AGENTS` agents a month, the relative
sampling error (about 1/sqrt(agents)) exceeds ~18%; :func:`noisy` flags such counts.
"""

from __future__ import annotations

import math

from model import outcomes

#: Below this many agents behind a monthly count, it is flagged as noisy (Poisson
#: relative error 1/sqrt(30) ~ 18%).
NOISE_AGENTS = 30
#: Month 1 is January of this year (``Params.start_year``).
START_YEAR = 2011
#: Units that count things, shown as whole numbers.
COUNT_UNITS = ("persons", "cases", "firms", "agents")

NOISE_NOTE = (
    "* fewer than {n} agents a month behind this count: each agent stands for about "
    "{scale:,.0f} real workers, so sampling noise is larger than ~18%; read the interval, "
    "or run more agents (--workers) or replications."
)


def month_label(month: int, start_year: int = START_YEAR) -> str:
    """Calendar month of a model month: ``start`` for 0, ``2011-01`` for 1, ``2011-12`` for 12."""
    month = int(month)
    if month <= 0:
        return "start"
    return f"{start_year + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"


def label(column: str) -> str:
    """Human label of a results column (the model's label, without the ", real" suffix)."""
    try:
        text = outcomes.label(column)
    except ValueError:
        return column.replace("_", " ")
    return text.replace(", real", "")


def unit(column: str) -> str:
    """Unit of a results column as shown: ``%`` for shares, else the model's unit."""
    try:
        raw = outcomes.unit(column)
    except ValueError:
        return ""
    return "%" if raw == "share" else raw


def heading(column: str) -> str:
    """``Label (unit)`` for a table header or chart axis."""
    shown = unit(column)
    return f"{label(column)} ({shown})" if shown else label(column)


def _clean(value: float, digits: int) -> float:
    """``value`` rounded to ``digits``, with -0.0 turned into 0.0."""
    rounded = round(float(value), digits)
    return 0.0 if rounded == 0 else rounded


def share(value: float, digits: int = 1) -> str:
    """A share (0.307) as a percentage: ``30.7%``."""
    if value is None or math.isnan(value):
        return "n/a"
    return f"{_clean(100 * value, digits):.{digits}f}%"


def points(value: float, digits: int = 1) -> str:
    """A difference of shares already in percentage points, signed: ``+1.2``."""
    if value is None or math.isnan(value):
        return "n/a"
    cleaned = _clean(value, digits)
    return f"{cleaned:+.{digits}f}" if cleaned else f"{0:.{digits}f}"


def count(value: float, signed: bool = False) -> str:
    """A count of persons, cases or firms: ``12,345`` or ``12.3 M``."""
    if value is None or math.isnan(value):
        return "n/a"
    sign = "+" if signed else ""
    if abs(value) >= 1e7:
        return f"{_clean(value / 1e6, 1):{sign},.1f} M"
    return f"{_clean(value, 0):{sign},.0f}"


def yuan(value: float, signed: bool = False) -> str:
    """Money: ``270.0 bn yuan``, ``4.23 bn yuan``, ``12.3 M yuan`` or ``5,400 yuan``."""
    if value is None or math.isnan(value):
        return "n/a"
    sign = "+" if signed else ""
    if abs(value) >= 1e10:
        return f"{_clean(value / 1e9, 1):{sign},.1f} bn yuan"
    if abs(value) >= 1e9:
        return f"{_clean(value / 1e9, 2):{sign},.2f} bn yuan"
    if abs(value) >= 1e6:
        return f"{_clean(value / 1e6, 1):{sign},.1f} M yuan"
    return f"{_clean(value, 0):{sign},.0f} yuan"


def value(column: str, x: float, signed: bool = False) -> str:
    """``x`` of ``column`` in the column's unit convention (see the module docstring)."""
    shown = unit(column)
    if shown == "%":
        return points(100 * x) if signed else share(x)
    if shown in COUNT_UNITS:
        return count(x, signed)
    if shown == "yuan":
        return yuan(x, signed)
    if x is None or math.isnan(x):
        return "n/a"
    cleaned = _clean(x, 2)
    return f"{cleaned:+,.2f}" if signed and cleaned else f"{cleaned:,.2f}"


def interval(column: str, mean: float, low: float, high: float, signed: bool = False) -> str:
    """``mean [low, high]`` in the column's convention (shares: in %, without repeating %)."""
    if unit(column) == "%" and not signed:
        return f"{share(mean)} [{_clean(100 * low, 1):.1f}, {_clean(100 * high, 1):.1f}]"
    low_text, high_text = value(column, low, signed), value(column, high, signed)
    return f"{value(column, mean, signed)} [{low_text}, {high_text}]"


def noisy(real_count: float, scale: float, threshold: int = NOISE_AGENTS) -> bool:
    """Whether a monthly count in real units rests on fewer than ``threshold`` agents."""
    if scale is None or not scale > 0 or real_count is None or math.isnan(real_count):
        return False
    return abs(real_count) / scale < threshold


def noise_note(scale: float, threshold: int = NOISE_AGENTS) -> str:
    """The footnote that explains the ``*`` of :func:`noisy` counts."""
    return NOISE_NOTE.format(n=threshold, scale=scale)

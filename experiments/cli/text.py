"""Plain-text tables for the terminal: left-aligned columns, long cells shortened."""

from __future__ import annotations

from typing import Any


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table(rows: list[dict[str, Any]], widths: dict[str, int] | None = None) -> str:
    """Rows of dicts as aligned text; ``widths`` caps a column (cells end with '~')."""
    if not rows:
        return "(none)"
    columns = list(rows[0])
    widths = widths or {}
    cells = []
    for row in rows:
        line = []
        for c in columns:
            text = _cell(row.get(c))
            cap = widths.get(c)
            if cap and len(text) > cap:
                text = text[: cap - 1] + "~"
            line.append(text)
        cells.append(line)
    size = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    fmt = "  ".join(f"{{:<{w}}}" for w in size)
    out = [fmt.format(*columns).rstrip(), fmt.format(*("-" * w for w in size)).rstrip()]
    out += [fmt.format(*r).rstrip() for r in cells]
    return "\n".join(out)

"""A fixed-capacity struct-of-arrays table: one typed numpy column per agent attribute.

Columns are declared once (name -> dtype, default, meaning) and edited in place;
they are never rebound, so views handed out stay valid.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

#: Owner of a column that is drawn at the start and never changes afterwards.
BUILT = "built"


class Column(NamedTuple):
    """Declaration of one agent column.

    Attributes:
        dtype: numpy dtype of the column.
        default: value of a new row.
        doc: meaning and unit.
        owner: the one sub-step (``model.substeps.SUBSTEPS``) that writes the column
            during a month, or :data:`BUILT` for a column fixed at the start.
        also: sub-step -> reason, for a sub-step that must write the column too
            (between the owner's writes, before anyone else reads it); empty for most.
    """

    dtype: type | str
    default: object
    doc: str
    owner: str
    also: dict[str, str] = {}  # noqa: RUF012 - never mutated; a NamedTuple field default


class AgentTable:
    """Typed columns of equal length, accessed as attributes (``table.age``)."""

    def __init__(self, n: int, columns: dict[str, Column]) -> None:
        """Allocate ``n`` rows of every declared column.

        Args:
            n: number of agents (rows).
            columns: name -> :class:`Column` (dtype, default value, meaning, owner).
        """
        self.n = int(n)
        self.columns = dict(columns)
        for name, column in self.columns.items():
            object.__setattr__(self, name, np.full(self.n, column.default, dtype=column.dtype))

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse to rebind a column: write into it with ``table.col[:] = ...`` instead."""
        if name in getattr(self, "columns", {}):
            raise AttributeError(f"column {name!r} is edited in place, not rebound")
        object.__setattr__(self, name, value)

    def __len__(self) -> int:
        """Number of rows."""
        return self.n

    def record(self, i: int) -> dict[str, object]:
        """All columns of row ``i`` as plain Python values."""
        if not -self.n <= i < self.n:
            raise IndexError(f"row {i} out of range for {self.n} agents")
        return {name: getattr(self, name)[i].item() for name in self.columns}

    def frame(self) -> pd.DataFrame:
        """All rows as a DataFrame (copies the columns)."""
        return pd.DataFrame({name: getattr(self, name).copy() for name in self.columns})

    def nbytes(self) -> int:
        """Bytes held by the columns."""
        return sum(getattr(self, name).nbytes for name in self.columns)

"""A fixed-capacity struct-of-arrays table: one typed numpy column per agent attribute.

Columns are declared once (name -> dtype, default, meaning) and edited in place;
they are never rebound, so views handed out stay valid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class AgentTable:
    """Typed columns of equal length, accessed as attributes (``table.age``)."""

    def __init__(self, n: int, columns: dict[str, tuple[type | str, object, str]]) -> None:
        """Allocate ``n`` rows of every declared column.

        Args:
            n: number of agents (rows).
            columns: name -> (numpy dtype, default value, meaning with unit).
        """
        self.n = int(n)
        self.columns = dict(columns)
        for name, (dtype, default, _doc) in self.columns.items():
            object.__setattr__(self, name, np.full(self.n, default, dtype=dtype))

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

"""Reading result parts: only the columns and rows asked for, in bounded memory.

:func:`read_parts` reads a list of Parquet parts into one frame through pyarrow
datasets of :data:`BATCH` parts at a time: only ``columns`` are read from disk, a
``where`` expression filters rows while reading, and the memory pyarrow keeps for
each part it has open (about 0.5 MB of metadata for 143 columns, measured in
``docs/scale.md``) stays bounded however many runs a folder holds. A batch whose
parts differ in columns or types (an extension of an older folder) is read part by
part and the tables are unified; a part that cannot be read is named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from experiments.errors import InputError

#: Parts read per pyarrow dataset.
BATCH = 8


def damaged(path: Path, exc: Exception) -> InputError:
    """The one-line error for a part that cannot be read."""
    return InputError(
        f"{path}: damaged result file ({str(exc)[:160]}); rerun the command that made this "
        "folder to recompute it"
    )


def read_parts(
    paths: list[Path], columns: list[str] | None = None, where: Any = None
) -> pd.DataFrame:
    """``columns`` (default: all) of the rows of ``paths`` that pass ``where``, in order.

    Raises:
        InputError: a part cannot be read, or no part has a column asked for.
    """
    import pyarrow as pa

    tables = [_batch(paths[i : i + BATCH], columns, where) for i in range(0, len(paths), BATCH)]
    if not tables:
        return pd.DataFrame()
    try:
        table = pa.concat_tables(tables, promote_options="default")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InputError(f"{paths[0].parent}: parts with clashing column types ({exc})") from exc
    missing = [c for c in columns or () if c not in table.column_names]
    if missing:
        raise InputError(f"{paths[0].parent.parent}: no column(s) {missing} in the parts")
    return table.to_pandas()


def _batch(paths: list[Path], columns: list[str] | None, where: Any):
    """One pyarrow table of a few parts (part by part if their schemas differ)."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    try:
        dataset = ds.dataset([str(p) for p in paths], format="parquet")
        schemas = [f.physical_schema for f in dataset.get_fragments()]
        same = all(s.equals(dataset.schema) for s in schemas)  # else: columns dropped
        if same and (columns is None or set(columns) <= set(dataset.schema.names)):
            return dataset.to_table(columns=columns, filter=where)
    except (OSError, ValueError, TypeError):  # pyarrow errors derive from these
        pass  # read part by part below, which names a damaged part
    tables = []
    for path in paths:
        try:
            part = ds.dataset(str(path), format="parquet")
            names = part.schema.names
            keep = None if columns is None else [c for c in columns if c in names]
            tables.append(part.to_table(columns=keep, filter=where))
        except (OSError, ValueError, TypeError) as exc:
            raise damaged(path, exc) from exc
    try:
        return pa.concat_tables(tables, promote_options="default")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InputError(f"{paths[0].parent}: parts with clashing column types ({exc})") from exc

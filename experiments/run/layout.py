"""Where a run's Parquet parts live: a Hive-partitioned dataset with bounded folders.

One file per run, in sub-folders named ``key=value`` so that pyarrow, DuckDB, Polars
and R's arrow read ``DIR/runs`` (and ``DIR/breakdowns``) as one dataset with two
partition columns, ``block`` and ``chunk``::

    DIR/runs/block=baseline/chunk=0/baseline__r000.parquet     run and compare
    DIR/runs/block=p00100/chunk=3/p00142__r031.parquet         sweeps

* A run without a design point (``uptake run``, ``compare``): ``block`` is its
  scenario and ``chunk`` its replication // :data:`RUNS_PER_CHUNK`.
* A sweep run: ``block`` names the first design point of its block of
  :data:`POINTS_PER_BLOCK` points (``p00100`` holds points 100-199, so 100,000
  points make 1,000 blocks, not 100,000 folders) and ``chunk`` is its replication
  // :data:`REPLICATIONS_PER_CHUNK`.

So no folder holds more than 1,000 parts, and a part's place follows from its run's
scenario, replication and point alone (the same in the caller and in every worker,
and unchanged when an experiment is extended with more replications or points).
The partition keys are not column names of the parts (pyarrow refuses a dataset
whose partition key repeats a column); :data:`PARTITION_KEYS` are reserved.

Folders written before this layout hold every part directly in ``runs/`` and
``breakdowns/`` (``flat``); :func:`scan` reads both, and
:func:`experiments.run.storage.ResultStore` refuses to add runs to a flat folder.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Partition keys in the folder names; no outcome, breakdown or hook column may use them.
BLOCK, CHUNK = "block", "chunk"
PARTITION_KEYS = (BLOCK, CHUNK)
#: Replications of one scenario per chunk folder (run and compare experiments).
RUNS_PER_CHUNK = 1000
#: Design points per block folder, and replications per chunk folder (sweeps).
POINTS_PER_BLOCK = 100
REPLICATIONS_PER_CHUNK = 10
#: Temporary files being written (never read as parts).
TMP_PREFIX = ".tmp-"


def location(scenario: str, replication: int, point: int | None) -> str:
    """The partition folder of one run, relative to ``runs/`` (``block=.../chunk=...``)."""
    if point is None:
        return f"{BLOCK}={scenario}/{CHUNK}={replication // RUNS_PER_CHUNK}"
    first = point // POINTS_PER_BLOCK * POINTS_PER_BLOCK
    return f"{BLOCK}=p{first:05d}/{CHUNK}={replication // REPLICATIONS_PER_CHUNK}"


def location_of(spec: dict) -> str:
    """:func:`location` of a run spec as the run table stores it."""
    return location(spec["scenario"], int(spec["replication"]), spec.get("point"))


def location_of_frame(outcomes) -> str:
    """:func:`location` of a run from the ids on its first outcome row (a DataFrame).

    Raises:
        ValueError: the frame has no rows or no ``scenario``/``replication``.
    """
    try:
        row = outcomes.iloc[0]
        point = row["point"] if "point" in outcomes.columns else None
        return location(
            str(row["scenario"]), int(row["replication"]), None if point is None else int(point)
        )
    except (IndexError, KeyError) as exc:
        raise ValueError("outcomes without scenario and replication: pass where=") from exc


def scan(folder: Path) -> dict[str, Path]:
    """Every part in ``folder`` (``runs/`` or ``breakdowns/``), flat or partitioned.

    Returns:
        Run id -> path, in no particular order; temporary files are left out.

    Raises:
        ValueError: one run id has two parts (e.g. a flat and a partitioned one).
    """
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    stack = [folder]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if "=" in name:
                        stack.append(Path(entry.path))
                elif name.endswith(".parquet"):
                    run_id = name[: -len(".parquet")]
                    if run_id in found:
                        raise ValueError(
                            f"run {run_id!r} has two parts, {found[run_id]} and {entry.path}; "
                            "delete the one that is not in its partition folder"
                        )
                    found[run_id] = Path(entry.path)
    return found


def is_flat(folder: Path) -> bool:
    """Whether ``folder`` holds parts directly (the layout before partitions)."""
    if not folder.is_dir():
        return False
    with os.scandir(folder) as entries:
        return any(
            e.name.endswith(".parquet") and not e.name.startswith(".") and e.is_file()
            for e in entries
        )


def temporaries(folder: Path) -> list[Path]:
    """Temporary files under ``folder`` left by interrupted writes."""
    if not folder.is_dir():
        return []
    return [p for p in folder.rglob(TMP_PREFIX + "*") if p.is_file()]

"""Workers write their results straight to the output folder, when they can see it.

On one machine the calling process receives every run's frames and writes them
(about 156 KiB and 40 ms per 10,000-agent run: one writer caps a sweep near 25
runs/s and a 100k-run sweep would send 16 GB to it). On a cluster with a shared
file system each Dask worker writes the parts of its own runs with the same
atomic writes (:meth:`experiments.run.storage.ResultStore.write`) and returns only
the run's status, time and error text; the caller records them in the manifest.

Whether a worker sees the output folder is tested, not assumed: the caller writes
a marker file with a random token into the folder, and a task stores its results
only if it reads the same token there. A worker on another disk (no shared file
system) returns its frames as before and the caller writes them, so a mixed
cluster still gives a complete folder.
"""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path

from experiments.run.single import RunResult

#: Marker file in the output folder (a random token per run of the experiment).
MARKER = ".worker-write-check"


def write_marker(root: Path) -> str:
    """Put a fresh token in ``root``'s marker file and return it."""
    from experiments.run.storage import atomic_write_text

    token = secrets.token_hex(8)
    atomic_write_text(Path(root) / MARKER, token)
    return token


def sees_folder(root: str, token: str) -> bool:
    """Whether this process reads ``token`` in the marker file of ``root``."""
    try:
        return (Path(root) / MARKER).read_text(encoding="utf-8") == token
    except OSError:
        return False


def store_results(
    results: list[RunResult], root: str, token: str, where: dict[str, str] | None = None
) -> list[RunResult]:
    """Write the finished runs' parts here, if this process sees ``root``; slim them.

    ``where`` maps run ids to their partition folders
    (:func:`experiments.run.layout.location`; default: from each run's outcome rows).

    Returns:
        The results, each finished one without its frames and marked ``stored``
        (or failed, with the reason, if writing failed); unchanged if ``root`` is
        not visible from here.
    """
    if not sees_folder(root, token):
        return results
    from experiments.run.storage import ResultStore

    store = ResultStore(root)
    out = []
    for result in results:
        if result.status != "done":
            out.append(result)
            continue
        try:
            part = store.write(result, (where or {}).get(result.run_id))
        except Exception as exc:  # a disk error fails this run only
            out.append(
                dataclasses.replace(
                    result,
                    status="failed",
                    error=f"could not write results on the worker: {exc!r}",
                    outcomes=None,
                    breakdowns=None,
                )
            )
            continue
        slim = dataclasses.replace(result, outcomes=None, breakdowns=None, stored=True, part=part)
        out.append(slim)
    return out


def run_and_store(chunk: list, fingerprint: str, root: str, token: str) -> list[RunResult]:
    """A Dask task: check the code, run the chunk, store its results if the folder is seen."""
    from experiments.run.cluster import checked_chunk

    where = {spec.run_id: spec.location for spec in chunk}
    return store_results(checked_chunk(chunk, fingerprint), root, token, where)

"""Dask clusters of any shape: connect, wait for workers, check their code, SLURM jobs.

:func:`open_client` accepts what an analyst has: nothing (a LocalCluster is
started), a scheduler address (``tcp://host:8786``), a scheduler file (written by
``dask scheduler --scheduler-file`` or by a SLURM/MPI launcher, the usual way on
HPC systems, where the address is not known in advance), a ``distributed.Client``,
or a cluster object (``LocalCluster``, dask-jobqueue's ``SLURMCluster``,
dask-kubernetes' ``KubeCluster``...). Clusters that adapt may start with no
worker; :func:`wait_for_workers` waits for the first one, and :func:`slots`
re-reads the count while a sweep runs.

Workers must run the same code as the client, or results would mix two model
versions. :func:`code_fingerprint` hashes the source of the ``model`` and
``experiments`` packages with the versions of the packages that shape results;
:func:`check_workers` compares every connected worker with the client, and
:func:`checked_chunk` repeats the check inside each task, for workers that join
later.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from experiments.errors import InputError

#: Packages whose version changes results (the model's arithmetic and its inputs).
RESULT_PACKAGES = ("numpy", "pandas", "pyarrow", "mesa", "scipy")
#: Seconds to wait for the first worker of a cluster that starts empty.
WAIT_FOR_WORKERS = 300.0


class CodeMismatchError(RuntimeError):
    """A worker runs other model code or package versions than the client."""


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A short hash of the model and experiments sources and the result-shaping packages."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in ("model", "experiments"):
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".toml", ".csv") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    for name in RESULT_PACKAGES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none".encode())
    digest.update(sys.version.split()[0].encode())
    return digest.hexdigest()[:16]


def environment() -> dict[str, str]:
    """What a process runs: code fingerprint, Python and result-shaping package versions."""
    out = {"fingerprint": code_fingerprint(), "python": sys.version.split()[0]}
    for name in RESULT_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "none"
    return out


def worker_environment() -> dict[str, str]:
    """:func:`environment` as a worker computes it (sent to workers by reference)."""
    return environment()


def check_workers(client) -> int:
    """Compare every connected worker's :func:`environment` with this process's.

    Returns:
        How many workers were checked.

    Raises:
        CodeMismatchError: naming each differing worker and what differs.
    """
    mine = environment()
    theirs = client.run(worker_environment)
    bad = []
    for worker, env in theirs.items():
        diff = {k: (mine[k], env.get(k)) for k in mine if env.get(k) != mine[k]}
        if diff:
            shown = ", ".join(f"{k}: here {a}, there {b}" for k, (a, b) in diff.items())
            bad.append(f"{worker} ({shown})")
    if bad:
        raise CodeMismatchError(
            f"{len(bad)} of {len(theirs)} Dask worker(s) run other code than this process: "
            + "; ".join(bad[:3])
            + ". Install the same commit and packages on the workers (see docs/scale.md)"
        )
    return len(theirs)


def checked_chunk(chunk: list, fingerprint: str) -> list:
    """Run a chunk on a worker after checking it runs the client's code.

    Raises:
        CodeMismatchError: this worker's :func:`code_fingerprint` differs from ``fingerprint``.
    """
    from experiments.run.single import execute_chunk

    here = code_fingerprint()
    if here != fingerprint:
        raise CodeMismatchError(
            f"worker code {here} differs from the client's {fingerprint}; install the "
            "same commit and packages on every worker"
        )
    return execute_chunk(chunk)


def read_scheduler_file(path: str | Path) -> str:
    """The scheduler address in a scheduler file, checked."""
    import json

    path = Path(path)
    if not path.is_file():
        raise InputError(f"--scheduler-file {str(path)!r}: no such file")
    try:
        address = json.loads(path.read_text(encoding="utf-8"))["address"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"--scheduler-file {str(path)!r}: not a Dask scheduler file (no 'address': {exc!r})"
        ) from None
    return str(address)


def open_client(
    scheduler: Any = None,
    scheduler_file: str | Path | None = None,
    workers: int | None = None,
    timeout: str = "30s",
):
    """A Dask client for the cluster the caller has, and the LocalCluster started (if any).

    Args:
        scheduler: None (start a LocalCluster), an address string, a
            ``distributed.Client``, or a cluster object with ``scheduler_address``.
        scheduler_file: path of a Dask scheduler file (instead of ``scheduler``).
        workers: processes of a LocalCluster started here (default 2).
        timeout: how long to try to reach the scheduler.

    Returns:
        ``(client, owned_cluster, owns_client, scratch)``: close the client only if
        this function made it; close ``owned_cluster`` (None unless a LocalCluster
        was started here) and delete ``scratch``, the temporary folder of its
        scratch files (None if none), with :func:`close_client`.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None and scheduler_file is not None:
        raise InputError("give --scheduler or --scheduler-file, not both")
    if isinstance(scheduler, Client):
        return scheduler, None, False, None
    if scheduler_file is not None:
        scheduler = read_scheduler_file(scheduler_file)
    if scheduler is not None and not isinstance(scheduler, str):
        address = getattr(scheduler, "scheduler_address", None)
        if not isinstance(address, str):
            raise InputError(
                f"scheduler {scheduler!r}: expected an address, a Client or a cluster object"
            )
        scheduler = address
    if scheduler is not None:
        try:
            return Client(scheduler, timeout=timeout), None, True, None
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise InputError(f"--scheduler {scheduler!r}: cannot connect ({exc})") from exc
    import dask

    scratch = tempfile.mkdtemp(prefix="uptake-dask-")
    try:
        # the scheduler's scratch follows the config, the workers' local_directory
        with dask.config.set({"temporary-directory": scratch}):
            cluster = LocalCluster(
                n_workers=workers or 2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                local_directory=scratch,
            )
        return Client(cluster), cluster, True, scratch
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def close_client(client, cluster, owns_client: bool, scratch: str | None) -> None:
    """Undo :func:`open_client`: close what it opened, delete the scratch folder."""
    try:
        if owns_client:
            client.close()
        if cluster is not None:
            cluster.close()
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def slots(client) -> int:
    """Task slots (worker threads) connected now; 0 while an adaptive cluster is empty."""
    return sum(client.nthreads().values())


def wait_for_workers(client, timeout: float = WAIT_FOR_WORKERS) -> int:
    """Wait until at least one worker is connected; return the slots then.

    Raises:
        InputError: no worker joined within ``timeout`` seconds.
    """
    if slots(client) > 0:
        return slots(client)
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise InputError(
            f"no Dask worker joined the scheduler within {timeout:.0f} s; start workers, "
            "or scale/adapt the cluster (e.g. cluster.adapt(maximum=...))"
        ) from None
    return slots(client)


def slurm_cluster(
    cores: int = 16,
    memory: str = "32GB",
    walltime: str = "04:00:00",
    queue: str | None = None,
    account: str | None = None,
    python: str | None = None,
    log_directory: str = "dask-logs",
    **options: Any,
):
    """A dask-jobqueue ``SLURMCluster`` set up for Uptake sweeps.

    Each SLURM job runs ``cores`` single-threaded worker processes (the model holds
    the GIL, so one thread per process) with numerical libraries pinned to one
    thread, using this process's Python (the same environment, hence the same
    code). Call ``cluster.scale(jobs=n)`` or ``cluster.adapt(maximum_jobs=n)``.

    Args:
        cores: cores (and worker processes) per job.
        memory: memory per job, e.g. ``"32GB"`` (a 10,000-worker run needs ~100 MB).
        walltime: job time limit ``HH:MM:SS``.
        queue: SLURM partition (``-p``).
        account: SLURM account (``-A``).
        python: Python on the compute nodes (default: this interpreter).
        log_directory: where SLURM writes the workers' logs.
        **options: passed to ``SLURMCluster`` (e.g. ``job_extra_directives``).
    """
    slurm_cluster_class = _import_slurm_cluster()
    prologue = [f"export {k}=1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")]
    prologue.append("export MKL_NUM_THREADS=1")
    prologue += list(options.pop("job_script_prologue", []))
    return slurm_cluster_class(
        cores=cores,
        processes=cores,
        memory=memory,
        walltime=walltime,
        queue=queue,
        account=account,
        python=python or sys.executable,
        log_directory=log_directory,
        job_script_prologue=prologue,
        **options,
    )


def _import_slurm_cluster():
    """``dask_jobqueue.SLURMCluster``, without the SIGINT handler its import installs.

    Importing dask-jobqueue runs its ``runner`` module, which makes SIGINT call
    ``sys.exit()`` in this process: Ctrl-C would then end a sweep with exit code 0 and
    no message. The handler in place before the import is put back.
    """
    import signal
    import threading

    previous = signal.getsignal(signal.SIGINT)
    from dask_jobqueue import SLURMCluster

    if previous is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, previous)
    return SLURMCluster

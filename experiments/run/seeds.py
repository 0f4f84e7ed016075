"""Replication seeds from one root seed (common random numbers across scenarios).

Replication ``r`` gets the same model seed in every scenario and every design
point, so that a reform and its baseline see the same random draws and their
difference is not noise. Seeds come from ``numpy.random.SeedSequence(root).spawn``:
child ``r`` depends only on the root and ``r``, so adding replications later keeps
the seeds of the earlier ones (and resumed experiments stay consistent).
"""

from __future__ import annotations

import functools

import numpy as np

from experiments.errors import InputError

MAX_SEED = 2**63 - 1


def check_root_seed(root_seed: object) -> int:
    """The root seed as an int, or an :class:`InputError` naming the bad value."""
    if isinstance(root_seed, bool) or not isinstance(root_seed, int | np.integer):
        raise InputError(f"root seed {root_seed!r} must be a whole number in [0, {MAX_SEED}]")
    if not 0 <= int(root_seed) <= MAX_SEED:
        raise InputError(f"root seed {root_seed!r} is out of range; allowed [0, {MAX_SEED}]")
    return int(root_seed)


def replication_seeds(root_seed: int, replications: int) -> list[int]:
    """Model seeds (integers in [0, 2**63)) of replications ``0 .. replications-1``.

    Args:
        root_seed: the experiment's one root seed.
        replications: how many replications (>= 1).

    Returns:
        One seed per replication, the same for every scenario.
    """
    root = check_root_seed(root_seed)
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise InputError(f"replications={replications!r} must be a whole number >= 1")
    return list(_seeds(root, replications))


@functools.lru_cache(maxsize=8)
def _seeds(root: int, replications: int) -> tuple[int, ...]:
    """The seeds, kept: planning asks twice (specs and manifest), 2 s at 100,000."""
    children = np.random.SeedSequence(root).spawn(replications)
    return tuple(
        int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for child in children
    )

"""Workers' beliefs: awareness of their rights, and trust that pension rights are portable.

Awareness (0-1) returns toward the worker's own baseline ``awareness_base`` (drawn at
entry, by education) at ``awareness_decay_per_year / 12`` a month and closes a share
``worker_publicity`` of its gap to 1 (publicity lever); workers at a firm where
someone filed a dispute this month then close a further ``awareness_from_disputes``
of the gap. Without a policy it therefore stays near the baselines:

    awareness' = awareness (1 - decay - publicity) + decay * base + publicity
    awareness' += awareness_from_disputes * (1 - awareness')    (dispute at her firm)

Trust (0-1) is read only by the enrolment choice. A cross-region mover learns at
once whether her rights followed her (half of the gap to ``portability``); every
worker's trust moves 1/24 of the way to the portability in force each month.
"""

from __future__ import annotations

import numpy as np

from model.labour_market import Jobs, by_slot
from model.params import Params
from model.table import AgentTable


def learn_awareness(
    w: AgentTable, p: Params, publicity: float, firm_had_dispute: np.ndarray, jobs: Jobs
) -> None:
    """Move every worker's awareness toward her baseline, for publicity and for disputes."""
    decay = p.awareness_decay_per_year / 12.0
    peers = np.flatnonzero(by_slot(firm_had_dispute, False).take(jobs.slot))
    awareness = w.awareness
    # a' = a (1 - decay - gain) + decay base + gain: inside [0, 1] while decay + gain <= 1.
    awareness *= np.float32(1.0 - decay - publicity)
    awareness += np.float32(decay) * w.awareness_base
    if publicity:
        awareness += np.float32(publicity)
    if peers.size:
        gain = np.float32(p.awareness_from_disputes)
        awareness[peers] += gain * (np.float32(1.0) - awareness[peers])
    if decay + publicity > 1.0:
        np.clip(awareness, 0.0, 1.0, out=awareness)


def movers_learn_portability(w: AgentTable, movers: np.ndarray, portability: float) -> None:
    """Cross-region movers' trust moves half-way to the portability in force."""
    if movers.size:
        w.trust[movers] += 0.5 * (portability - w.trust[movers])


def drift_trust(w: AgentTable, portability: float) -> None:
    """Every worker's trust moves 1/24 of the way to ``portability``.

    trust' = trust + (portability - trust) / 24, as trust * 23/24 + portability / 24.
    """
    trust = w.trust
    trust *= np.float32(23.0 / 24.0)
    trust += np.float32(portability / 24.0)

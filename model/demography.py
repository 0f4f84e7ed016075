"""Ageing, retirement and the entry of young workers.

Workers age one month per step. At the statutory age (men 60, women 50 for
workers) they retire: with 15 years of contributions they draw a pension
(vested), otherwise not. Each retiree's row is taken by a new entrant aged 16-22
(uniform; assumption) with fresh traits, so the population size is constant.
"""

from __future__ import annotations

import numpy as np

from model.enrolment import VESTING_MONTHS, retirement_age
from model.params import Params
from model.population import fill_new_entrant_traits
from model.table import AgentTable


def age_and_replace(
    w: AgentTable, p: Params, rng: np.random.Generator, portability: float
) -> dict[str, int]:
    """Age everyone a month; replace retirees by entrants. Returns counts.

    The number of draws is the number of retirees, which depends on ages and sexes
    alone (no policy changes them), so reforms and baseline still share numbers.
    ``portability`` is the lever in force, entrants' starting trust.
    """
    w.age[:] += np.float32(1.0 / 12.0)
    # Only workers past the lower of the two statutory ages can be due.
    older = np.flatnonzero(w.age >= min(p.retirement_age_men, p.retirement_age_women))
    retiring = older[w.age[older] >= retirement_age(p, w.female[older])]
    vested = int((w.contrib_months[retiring] >= VESTING_MONTHS).sum())
    k = retiring.size
    if k:
        w.female[retiring] = rng.random(k) < p.share_female
        fill_new_entrant_traits(w, retiring, p, rng, portability)
        w.age[retiring] = rng.uniform(16.0, 22.0, k).astype(np.float32)
    return {"new_retirements": int(k), "new_retirements_vested": vested, "new_entrants": int(k)}

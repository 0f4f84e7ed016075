"""The hometown resident pension (新农保, from 2014 城乡居民养老保险): migrants' outside option.

The paper says migrants are reluctant to stop their home-town (rural) scheme and
join the workplace one. The rural scheme was rolled out from pilots in 2009 to 60%
of rural areas by July 2011 and to all of them by the end of 2012 (inputs.csv,
``hometown_pension_*``); where it is available, ``hometown_pension_enrolment`` of
migrants are in it (67.3%, Wuhan survey, facts.md 1.10). A worker is enrolled when
her fixed rank (uniform, drawn at entry) is below the enrolled share in force, so
that the enrolled are a stable, growing set rather than redrawn every month:

    rollout(year)  = piecewise linear: 0 at the pilot start, 0.6 at 2011-07, 1 at 2013-01
    enrolled       = hometown_rank < hometown_pension_enrolment * rollout(year)
"""

from __future__ import annotations

import numpy as np

from model.facts import fact


def rollout(year: float) -> float:
    """Share of rural areas where the resident pension is available at decimal ``year``."""
    knots = [
        fact("hometown_pension_pilot"),
        2011.5,  # the white paper's date (2011-07)
        fact("hometown_pension_full"),
    ]
    shares = [0.0, fact("hometown_pension_rollout"), 1.0]
    return float(np.interp(year, knots, shares))


def enrolled(rank: np.ndarray, enrolment: float, year: float) -> np.ndarray:
    """Workers (by their rank, 0-1) enrolled in the hometown scheme at ``year``."""
    return rank < enrolment * rollout(year)

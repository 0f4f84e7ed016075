"""The status quo's one dated change: firms' compliance norm after the Social Insurance Law.

The NBS series the model is calibrated to (facts.md section 5, C1-C4) rise from
2011 to 2013, most of all work injury (+4.9 percentage points). With constant
inputs the model has no reason to rise, so the status quo carries one documented,
time-varying driver: from the day the Social Insurance Law came into force
(2011-07-01; facts.md section 2.1, ``social_insurance_law_in_force`` in
``model/data/inputs.csv``) firms' compliance norm rises linearly by
``norm_trend_per_year`` utility units a year until ``norm_trend_end_year``:

    shift(year) = norm_trend_per_year * clip(year - norm_trend_start_year,
                                             0, norm_trend_end_year - norm_trend_start_year)

Independent evidence that firms' compliance was still rising years after the Law
came into force: the share of enterprises enrolling new hires within 30 days (the
Law's art. 58) rose 15 percentage points from 2013 to 2015 (51社保 white paper,
facts.md section 3.4). The rate itself is a free parameter fitted by
``uptake calibrate``: the rise is imposed, not explained. After
``norm_trend_end_year`` (default: the end of 2013, the last year with data) the norm
stays at its level (an assumption; no data to extrapolate with).
"""

from __future__ import annotations

from model.params import Params


def calendar_year(p: Params, month: int) -> float:
    """Decimal calendar year at the start of simulated ``month`` (1 = January of start_year)."""
    return p.start_year + (month - 1) / 12.0


def norm_shift(p: Params, month: int) -> float:
    """Shift of every firm's compliance norm in simulated ``month``, utility units."""
    if p.norm_trend_per_year == 0.0:
        return 0.0
    span = max(p.norm_trend_end_year - p.norm_trend_start_year, 0.0)
    elapsed = min(max(calendar_year(p, month) - p.norm_trend_start_year, 0.0), span)
    return p.norm_trend_per_year * elapsed

"""Per-industry and per-region input tables, indexed by the codes in :mod:`model.codes`.

Shares and wages come from ``inputs.csv`` (NBS migrant-worker surveys); the
turnover and injury multipliers are assumptions, stated as such.
"""

import numpy as np

from model import structure
from model.codes import EDUCATIONS, INDUSTRIES, REGIONS
from model.facts import fact


def _normalised(values: list[float]) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    return array / array.sum()


#: Share of migrant workers by industry (NBS 2015; transport and hospitality 2023).
INDUSTRY_SHARE = _normalised([fact(f"share_industry_{name}") for name in INDUSTRIES])

#: Industry wage relative to the all-industry mean (NBS 2013, 外出 workers).
INDUSTRY_WAGE_RATIO = np.array([fact(f"wage_industry_{name}") for name in INDUSTRIES]) / fact(
    "mean_wage", 2013
)

#: Employer work-injury rate by industry (人社部发〔2015〕71号 class rates), share of base.
INDUSTRY_INJURY_RATE = np.array([fact(f"injury_rate_{name}") for name in INDUSTRIES])

#: Per-industry turnover and injury risks: model/structure.py (industries.csv).
INDUSTRY_TURNOVER = structure.INDUSTRY_TURNOVER
INDUSTRY_INJURY_RISK = structure.INDUSTRY_INJURY_RISK

#: Share of workers by region of origin (NBS 2011).
ORIGIN_SHARE = _normalised([fact(f"share_origin_{name}") for name in REGIONS])

#: Share of workers by region of work (NBS 2011 East; 2013 split of the rest).
WORK_SHARE = _normalised([fact(f"share_work_{name}") for name in REGIONS])

#: Regional wage relative to the national mean (NBS 2011, 外出 workers).
REGION_WAGE_RATIO = np.array([fact(f"wage_region_{name}", 2011) for name in REGIONS]) / fact(
    "mean_wage", 2011
)

#: Share of workers by education (NBS 2015).
EDUCATION_SHARE = _normalised([fact(f"share_education_{name}") for name in EDUCATIONS])

assert len(INDUSTRY_TURNOVER) == len(INDUSTRIES) == len(INDUSTRY_INJURY_RISK)

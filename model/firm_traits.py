"""Firms' traits drawn by industry, region and size from the structural inputs.

The employment of migrant workers by region and industry is the table nearest the
published qualitative pattern (:func:`employment_table`: the East mainly
manufacturing, the Centre construction and manufacturing about equally, the West
mainly construction) whose margins are the national shares of employment by region
and by industry. Firms are drawn cell by cell, with a mean size that depends on the
industry, so that smaller-firm industries have more firms per worker. Then:

* formality (contracts, ledger, payroll) with the industry's share from the 2012
  contract shares (:data:`model.structure.INDUSTRY_FORMAL_SHARE`); an informal
  construction firm is a labour crew under a contractor (包工头);
* the rank that puts a firm outside the supervision system when it falls below the
  lever's share: a weighted random order in which construction sites, supermarkets
  and restaurants, small processing workshops (manufacturers under 8 workers; paper
  1.1) and regions with fewer inspectors come first (:func:`supervision_rank`);
* the wage level: industry x region x firm noise, normalised so that the
  employment-weighted mean is 1 (the mean wage of employed workers is the NBS mean).
"""

from __future__ import annotations

import numpy as np

from model import sectors, structure
from model.codes import Industry, Region

SMALL_WORKSHOP = 8  # workers: a manufacturer below this is a "small processing workshop"
SMALL_WORKSHOP_WEIGHT = 3.0  # assumption: its odds multiple of being outside supervision


def employment_table() -> np.ndarray:
    """Share of migrant employment by (region, industry); sums to 1."""
    return structure.ipf(
        structure.region_industry_odds(), sectors.WORK_SHARE, sectors.INDUSTRY_SHARE
    )


def draw_cells(n: int, size_ratio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Region x industry cell of ``n`` firms: firm counts proportional to employment / size.

    One firm in every region for sure (hiring searches a region), the rest drawn.
    """
    per_firm = employment_table() / size_ratio[None, :]
    p = (per_firm / per_firm.sum()).ravel()
    n_ind = len(Industry)
    fixed = np.array([r * n_ind + int(np.argmax(per_firm[r])) for r in range(len(Region))])
    drawn = rng.choice(p.size, size=n - fixed.size, p=p)
    return np.sort(np.concatenate([fixed, drawn]))


def mean_size(cells: np.ndarray, mean_firm_size: float, n_workers: int) -> np.ndarray:
    """Mean target size of a firm in each cell so that cells' capacity follows employment."""
    table = employment_table().ravel()
    count = np.bincount(cells, minlength=table.size)
    size = table * n_workers / np.maximum(count, 1)
    return size[cells]


def supervision_rank(
    industry: np.ndarray, region: np.ndarray, size: np.ndarray, formal: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Uniform ranks (0-1) that put the most exposed firms first.

    Weighted random order (Efraimidis & Spirakis 2006): key ``u ** (1 / weight)``,
    rank = share of firms with a larger key. A lever that sets the share ``s`` of firms
    outside supervision takes the ``s`` lowest ranks: a weighted sample without
    replacement, so the share of firms is exactly ``s`` whatever the weights.
    """
    weight = structure.INDUSTRY_UNSUPERVISED_WEIGHT[industry]
    # Construction sites: the labour crews, not the general contractors (formal firms).
    weight = np.where((industry == Industry.CONSTRUCTION) & formal, 1.0, weight)
    weight = weight / structure.REGION_INSPECTION_CAPACITY[region]
    workshop = (industry == Industry.MANUFACTURING) & (size < SMALL_WORKSHOP)
    weight = weight * np.where(workshop, SMALL_WORKSHOP_WEIGHT, 1.0)
    key = np.log(np.maximum(u, 1e-300)) / weight  # log of u ** (1 / weight), same order
    order = np.argsort(-key, kind="stable")
    rank = np.empty(u.size, dtype=np.float64)
    rank[order] = (np.arange(u.size) + 0.5) / u.size
    return rank


def wage_level(
    industry: np.ndarray, region: np.ndarray, size: np.ndarray, noise: np.ndarray
) -> np.ndarray:
    """Firm wage relative to the national mean; employment-weighted mean exactly 1."""
    level = sectors.INDUSTRY_WAGE_RATIO[industry] * sectors.REGION_WAGE_RATIO[region] * noise
    return level / (np.dot(level, size) / size.sum())


def fill_firms(f, p, rng: np.random.Generator) -> None:
    """Draw every firm's structural traits into the firm table ``f`` (sorted by region)."""
    n = f.n
    n_ind = len(Industry)
    cells = draw_cells(n, structure.INDUSTRY_SIZE_RATIO, rng)
    region, industry = cells // n_ind, cells % n_ind
    f.region[:] = region
    f.industry[:] = industry
    sigma = 1.0
    mean = mean_size(cells, p.mean_firm_size, p.n_workers)
    f.size_target[:] = mean * np.exp(rng.normal(-0.5 * sigma**2, sigma, n))
    f.wage_level[:] = wage_level(industry, region, f.size_target, np.exp(rng.normal(0, 0.1, n)))
    f.formal[:] = rng.random(n) < structure.INDUSTRY_FORMAL_SHARE[industry]
    big = f.size_target > np.quantile(f.size_target, 1 - min(3 * p.share_key_firms, 1.0))
    f.key[:] = big & (rng.random(n) < 1.0 / 3.0) if p.share_key_firms > 0 else False
    f.dispatch[:] = rng.random(n) < p.share_dispatch_firms
    f.union_rank[:] = rng.random(n)
    f.unsupervised_rank[:] = supervision_rank(
        industry, region, f.size_target, f.formal, rng.random(n)
    )
    f.margin[:] = np.exp(rng.normal(np.log(p.mean_margin) - 0.125, 0.5, n))
    f.norm[:] = rng.normal(0.0, p.firm_norm_sd, n) + 0.5 * f.formal
    f.perceived_risk[:] = p.inspection_rate_per_year * rng.uniform(0.5, 1.5, n)

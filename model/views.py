"""Read-only views of a model: results frames, agent tables and records, breakdowns.

Nothing here changes the model; :class:`model.model.UptakeModel` exposes each view
as a method of the same name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model.codes import AGE_BANDS, EDUCATIONS, INDUSTRIES, REGIONS, SCHEMES, SEXES

if TYPE_CHECKING:
    from model.model import UptakeModel

#: Groups :func:`breakdown` can split workers by.
BREAKDOWNS = ("industry", "region", "age_band", "sex", "education", "origin")
#: Coded columns and their labels (code = position).
LABELS = {"industry": INDUSTRIES, "region": REGIONS, "origin": REGIONS, "education": EDUCATIONS}


def current(model: UptakeModel) -> dict[str, float]:
    """The last recorded month: every outcome with its ``cum_`` and ``_real`` columns."""
    return model.results.latest(model.scale)


def results_frame(model: UptakeModel) -> pd.DataFrame:
    """All recorded months (0 = start) as a tidy frame with seed and date columns."""
    frame = model.results.frame(model.scale, model.params.start_year)
    frame.insert(0, "seed", model.params.seed)
    return frame


def worker(model: UptakeModel, i: int) -> dict[str, Any]:
    """Worker row ``i`` as a record with labels decoded."""
    return decode(model.workers.record(i), worker=True, i=i)


def firm(model: UptakeModel, i: int) -> dict[str, Any]:
    """Firm row ``i`` as a record with labels decoded."""
    return decode(model.firms.record(i), worker=False, i=i)


def workers_frame(model: UptakeModel) -> pd.DataFrame:
    """All workers, one row each, with labels and per-scheme coverage columns."""
    w = model.workers
    df = w.frame()
    df.insert(0, "worker_id", np.arange(w.n))
    label_columns(df)
    for s, name in enumerate(SCHEMES):
        df[f"covered_{name}"] = (w.covered & (1 << s)) != 0
    df["age_band"] = age_band_labels(w.age)
    return df


def firms_frame(model: UptakeModel) -> pd.DataFrame:
    """All firms, one row each, with labels and per-scheme offer columns."""
    f = model.firms
    df = f.frame()
    df.insert(0, "firm_id", np.arange(f.n))
    label_columns(df)
    for s, name in enumerate(SCHEMES):
        df[f"offers_{name}"] = (f.offers & (1 << s)) != 0
    df["supervised"] = f.unsupervised_rank >= model.levers.share_unsupervised_firms
    df["union"] = f.union_rank < model.levers.share_union_firms
    return df


def breakdown(model: UptakeModel, by: str) -> pd.DataFrame:
    """Coverage of employed workers by group, one row per group.

    Args:
        model: the model, read after its last month.
        by: one of ``industry``, ``region``, ``age_band``, ``sex``, ``education``, ``origin``.

    Returns:
        Columns ``<by>``, ``n_workers``, ``n_employed`` and ``frac_covered_<scheme>``.

    Raises:
        ValueError: ``by`` is not one of :data:`BREAKDOWNS`.
    """
    if by not in BREAKDOWNS:
        raise ValueError(f"by={by!r} is not a breakdown; allowed: {list(BREAKDOWNS)}")
    w = model.workers
    if by == "age_band":
        codes = np.digitize(w.age, [b[2] for b in AGE_BANDS[:-1]])
        names = [b[0] for b in AGE_BANDS]
    elif by == "sex":
        codes, names = w.female.astype(np.int64), list(SEXES)
    else:
        codes = getattr(w, by).astype(np.int64)
        names = list(LABELS[by])
    k = len(names)
    employed = w.employer >= 0
    n_all = np.bincount(codes, minlength=k)
    n_emp = np.bincount(codes[employed], minlength=k)
    table = {by: names, "n_workers": n_all, "n_employed": n_emp}
    for s, name in enumerate(SCHEMES):
        paid = employed & ((w.covered & (1 << s)) != 0)
        table[f"frac_covered_{name}"] = np.bincount(codes[paid], minlength=k) / np.maximum(n_emp, 1)
    return pd.DataFrame(table)


def label_columns(df: pd.DataFrame) -> None:
    """Replace coded columns of an agent frame by categorical labels; add ``sex``."""
    for col, names in LABELS.items():
        if col in df:
            df[col] = pd.Categorical.from_codes(df[col].astype(int), categories=list(names))
    if "female" in df:
        df.insert(df.columns.get_loc("female"), "sex", np.where(df["female"], "female", "male"))


def age_band_labels(age: np.ndarray) -> np.ndarray:
    """Age band label of each age (``model.codes.AGE_BANDS``)."""
    names = np.array([b[0] for b in AGE_BANDS])
    return names[np.digitize(age, [b[2] for b in AGE_BANDS[:-1]])]


def decode(record: dict[str, Any], worker: bool, i: int) -> dict[str, Any]:
    """An agent record with coded values as labels and bitmasks as scheme lists."""
    out = {("worker_id" if worker else "firm_id"): i}
    for key, value in record.items():
        if key in LABELS:
            out[key] = LABELS[key][value]
        elif key in ("covered", "offers"):
            out[key] = [name for s, name in enumerate(SCHEMES) if value & (1 << s)]
        else:
            out[key] = value
    return out

"""The figure of a PRIM scenario discovery: the trade-off and the chosen boxes' limits."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from typing import Any

import matplotlib.pyplot as plt
import matplotlib.ticker
from matplotlib.figure import Figure


def discovery_figure(result: Any) -> Figure:
    """The figure of a :class:`experiments.sweeps.discovery.Discovery`.

    Left: coverage against density of every peeling step (chosen boxes ringed).

    Right: each chosen box's limits on every restricted input, as a share of the
    input's range in the design (0 = the lowest value sampled, 1 = the highest).
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    trajectory = result.trajectory
    scatter = left.scatter(
        trajectory["coverage"],
        trajectory["density"],
        c=trajectory["n_restricted"],
        cmap="viridis",
        s=18,
    )
    chosen = trajectory[trajectory["chosen"]]
    left.scatter(
        chosen["coverage"], chosen["density"], s=140, facecolors="none", edgecolors="crimson"
    )
    for _, row in chosen.iterrows():
        left.annotate(
            f"box {row['search']}",
            (row["coverage"], row["density"]),
            xytext=(-38, -14),
            textcoords="offset points",
            color="crimson",
        )
    left.axhline(result.min_density, color="grey", lw=0.8, ls="--")
    left.set_xlabel("coverage (share of cases of interest inside)")
    left.set_ylabel("density (share of the box that are cases)")
    left.set_xlim(0, 1.05)
    left.set_ylim(0, 1.05)
    bar = fig.colorbar(scatter, ax=left, label="restricted inputs")
    bar.locator = matplotlib.ticker.MaxNLocator(integer=True)
    bar.update_ticks()
    side = "<=" if result.below else ">="
    left.set_title(f"PRIM: mean {result.outcome} {side} {result.threshold:g}", fontsize=10)
    _limits_panel(right, result)
    fig.tight_layout()
    return fig


def _limits_panel(ax, result: Any) -> None:
    boxes = result.boxes[result.boxes["values"] == ""]
    if boxes.empty:
        ax.text(0.5, 0.5, "no numeric limits to show", ha="center", va="center")
        ax.set_axis_off()
        return
    labels = []
    for k, (_, row) in enumerate(boxes.iterrows()):
        span = row["data_hi"] - row["data_lo"]
        lo = (row["lo"] - row["data_lo"]) / span if span else 0.0
        hi = (row["hi"] - row["data_lo"]) / span if span else 1.0
        colour = plt.get_cmap("tab10")(int(row["box"]) - 1)
        ax.plot([lo, hi], [k, k], lw=6, color=colour, solid_capstyle="butt")
        ax.text(hi + 0.02, k, f"{row['lo']:.3g} to {row['hi']:.3g}", va="center", fontsize=8)
        labels.append(f"box {row['box']}: {row['input']}")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlim(0, 1.35)
    ax.invert_yaxis()
    ax.set_xlabel("limit as a share of the sampled range")
    ax.set_title("limits of the chosen boxes", fontsize=10)

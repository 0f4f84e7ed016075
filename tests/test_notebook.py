"""The walkthrough notebook executes from a fresh kernel (nbclient), as a reader would."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parent.parent / "experiments" / "examples" / "walkthrough.ipynb"


@pytest.mark.slow
def test_walkthrough_notebook_executes(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"], "no cell failed"
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "the plot cell shows a figure"
    runs = pd.read_csv(tmp_path / "results" / "walkthrough" / "runs.csv")
    assert len(runs) == 9, "3 scenarios x 3 replications, one row per run"
    assert runs["frac_covered_pension"].between(0, 1).all(), "coverage is a share"
    text = "".join(str(o.get("text", "")) for o in outputs)
    assert "box 1: coverage" in text, "the discovery cell reports a box"

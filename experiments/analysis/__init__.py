"""Analysis of result folders.

Summaries across replications and costs (:mod:`.summaries`), folder tables
(:mod:`.tables`), charts (:mod:`.plots`) and the HTML report (:mod:`.report`).

The summary functions are re-exported here: ``from experiments import analysis;
analysis.summarise(...)``.
"""

from experiments.analysis.summaries import (
    CE_OUTCOMES,
    COSTED_LEVERS,
    FINAL_MONTHS,
    SUMMARY_OUTCOMES,
    breakdown_summary,
    cost_effectiveness,
    differences,
    final_window,
    paired,
    summarise,
    unit,
)

__all__ = [
    "CE_OUTCOMES",
    "COSTED_LEVERS",
    "FINAL_MONTHS",
    "SUMMARY_OUTCOMES",
    "breakdown_summary",
    "cost_effectiveness",
    "differences",
    "final_window",
    "paired",
    "summarise",
    "unit",
]

"""Sweeps over parameters and levers, and what they show.

Designs (:mod:`.designs`), sensitivity indices (:mod:`.indices`), the two-stage
sensitivity study (:mod:`.study`), PRIM scenario discovery (:mod:`.prim`,
:mod:`.discovery`, :mod:`.discovery_plot`) and the EMA Workbench adapter (:mod:`.ema`).
"""

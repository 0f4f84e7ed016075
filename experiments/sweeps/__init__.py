"""Sweeps over parameters and levers, and what they show.

Designs (:mod:`.designs`), sensitivity indices (:mod:`.indices`) and the two-stage
sensitivity study (:mod:`.study`).
"""

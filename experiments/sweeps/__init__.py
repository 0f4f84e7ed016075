"""Sweeps: designs over parameters and levers (:mod:`.designs`), sensitivity indices
(:mod:`.indices`) and the two-stage sensitivity study (:mod:`.study`).
"""

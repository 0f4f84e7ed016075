"""Calibration and validation against the national figures.

The targets (:mod:`.targets`), the objective (:mod:`.objective`), the staged fit
(:mod:`.fit`) with its cache (:mod:`.state`) and output (:mod:`.output`), and the
held-out validation (:mod:`.validation`, :mod:`.validation_report`).
"""

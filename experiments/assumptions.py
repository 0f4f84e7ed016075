"""Assumptions of the analysis that have no source, in one place (imported cheaply by the CLI).

``COST_PER_INSPECTION_YUAN``: public cost of one inspection, yuan. No source was
found. Four staff-days (two inspectors, two days including preparation and
follow-up) at the 2011 national average wage (42,452 yuan a year, 3,538 a month;
``regions.csv``), about 160 yuan per working day, times 1.5 for overheads:
4 x 160 x 1.5 ~ 1,000 yuan. Enforcement cost = extra inspections (real units) x
this; change it with ``--cost-per-inspection``.
"""

COST_PER_INSPECTION_YUAN = 1_000.0

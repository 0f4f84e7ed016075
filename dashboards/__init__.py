"""The Uptake dashboard: a Solara app over :class:`model.UptakeModel` (``dashboards/app.py``).

Modules, one job each:

- :mod:`dashboards.settings`: what the user chose (preset, seed, population, parameters, levers).
- :mod:`dashboards.jobs`: a background thread with progress and a stop flag.
- :mod:`dashboards.state`: one browser session's model, runner and snapshots.
- :mod:`dashboards.charts`: matplotlib figures from snapshots and comparisons.
- :mod:`dashboards.pairs`: paired replications of two scenarios (common random numbers).
- :mod:`dashboards.agents_data` / :mod:`dashboards.sweeps`: tables of agents, saved sweeps.
- :mod:`dashboards.controls`, :mod:`dashboards.explore`, :mod:`dashboards.compare`,
  :mod:`dashboards.agents`, :mod:`dashboards.results`: the tabs; :mod:`dashboards.ui`: text.
- :mod:`dashboards.screenshot`: regenerates ``docs/dashboard.png`` in chromium.
"""

"""The Uptake dashboard: a Solara app over :class:`model.UptakeModel` (``dashboards/app.py``).

Modules, one job each:

- :mod:`dashboards.settings`: what the user chose (preset, seed, population, parameters, levers).
- :mod:`dashboards.jobs`: a background thread with progress and a stop flag.
- :mod:`dashboards.run`: a run (model, history, log, live charts); :mod:`dashboards.state`:
  one page's handle on a run (reactive values, background job, user changes);
  :mod:`dashboards.sessions` keeps runs per browser session, so a reload finds its run.
- :mod:`dashboards.snapshot`: the immutable view of a run that the page shows.
- :mod:`dashboards.live` / :mod:`dashboards.explore_charts`: the Explore charts, redrawn by
  blitting; :mod:`dashboards.charts`: figures of comparisons and saved results.
- :mod:`dashboards.format`: one convention for numbers, units, dates and sampling noise;
  :mod:`dashboards.fields`: number inputs that reject a bad entry in place.
- :mod:`dashboards.pairs`: paired replications of two scenarios (common random numbers);
  :mod:`dashboards.ensemble`: the same over the calibrated ensemble's parameter sets.
- :mod:`dashboards.agents_data` / :mod:`dashboards.sweeps`: tables of agents, saved sweeps.
- :mod:`dashboards.controls`, :mod:`dashboards.explore`, :mod:`dashboards.compare` (with
  :mod:`dashboards.compare_ensemble`), :mod:`dashboards.agents`, :mod:`dashboards.results`:
  the tabs; :mod:`dashboards.ui`: text and tables.
- :mod:`dashboards.serve`: starts the app for the browser tests and ``tools/screenshot.py``
  (which regenerates ``docs/dashboard.png`` in chromium).
"""

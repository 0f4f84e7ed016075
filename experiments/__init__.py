"""Experiments: scenarios, runs, sweeps, analysis and reports for the Uptake model."""

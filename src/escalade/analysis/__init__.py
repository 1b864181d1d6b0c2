"""Pure functions from results to tables."""

"""Vectorised Monte Carlo simulation of compiled scenarios, and the reference interpreter."""

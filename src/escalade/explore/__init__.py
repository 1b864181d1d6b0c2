"""Exploratory modelling: designs, experiments, robustness, discovery and sensitivity."""

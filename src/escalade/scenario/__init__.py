"""Scenario files: parse with line numbers, validate, and compile to a frozen model."""

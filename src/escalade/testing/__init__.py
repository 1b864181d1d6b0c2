"""Conformance checks and Hypothesis strategies shipped for users and used by our tests."""

"""Scenarios shipped with escalade, loaded by id through importlib.resources."""

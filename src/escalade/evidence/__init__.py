"""Provenance of assumptions, quote verification and article ingestion."""

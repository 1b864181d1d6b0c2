"""End-to-end jobs shared by the command line and the dashboard (simulate, store, report)."""

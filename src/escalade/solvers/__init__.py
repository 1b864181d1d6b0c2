"""Equilibrium solvers, one module per method, and their verification (regret)."""

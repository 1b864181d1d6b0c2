"""The compiled round kernel: the engine's hot path through Numba (see docs/architecture.md)."""

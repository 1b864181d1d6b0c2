"""Shared type aliases."""

from __future__ import annotations

from typing import NewType

import numpy as np
import numpy.typing as npt

__all__ = ["ActorId", "ArenaId", "BoolArray", "FloatArray", "IntArray", "OptionId", "Seed"]

ActorId = NewType("ActorId", str)
ArenaId = NewType("ArenaId", str)
OptionId = NewType("OptionId", str)
Seed = int
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

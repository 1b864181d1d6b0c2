"""The allocator settings of :mod:`escalade.engine.allocator`."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from escalade.engine import allocator

GLIBC = platform.libc_ver()[0] == "glibc"

PROBE = """
import resource, numpy as np
from escalade.engine import allocator
tuned = allocator.tune()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    tables = [np.ones((28000, 27)) for _ in range(4)]  # 6 MB each, as a rollout batch's
    del tables
print(int(tuned), resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def probe(env: dict[str, str]) -> tuple[int, int]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env={**os.environ, **env}, capture_output=True, text=True,
        check=True,
    ).stdout.split()  # fmt: skip
    return int(out[0]), int(out[1])


def test_tune_is_applied_once_and_answers_the_same() -> None:
    assert allocator.tune() == allocator.tune()


@pytest.mark.skipif(not GLIBC, reason="the settings exist in glibc only")
def test_freed_arrays_are_reused_without_page_faults() -> None:
    tuned, faults = probe({})
    system, system_faults = probe({"ESCALADE_MALLOC": "system"})
    assert (tuned, system) == (1, 0)
    # 50 times 4 tables of 6 MB: with the settings, their pages are faulted in once
    # (about 6,000); without them, glibc hands the memory back and faults it in again.
    assert faults < 20_000 < system_faults

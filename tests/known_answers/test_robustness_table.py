"""Regret, minimax regret, maximin and satisficing on a hand-computed 4×3 table.

Payoffs (maximise), best per experiment in brackets:

    experiment   A    B    C    best
    e1          10    8    5    10
    e2           2    6    7     7
    e3           4    5    9     9
    e4           9    3    1     9

Regret = best - value:  A: 0 5 5 0 (max 5)   B: 2 1 4 6 (max 6)   C: 5 0 0 8 (max 8)
-> minimax regret chooses A. Worst cases A 2, B 3, C 1 -> maximin chooses B.
Threshold 5 (value >= 5): A 2/4, B 3/4, C 3/4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from escalade.errors import UsageError
from escalade.explore.robustness import (
    maximin,
    minimax_regret,
    regret,
    regret_long,
    robustness_table,
    satisficing,
)

TABLE = pd.DataFrame(
    {"A": [10, 2, 4, 9], "B": [8, 6, 5, 3], "C": [5, 7, 9, 1]},
    index=pd.Index(["e1", "e2", "e3", "e4"], name="experiment"),
)
REGRET = np.array([[0, 2, 5], [5, 1, 0], [5, 4, 0], [0, 6, 8]], dtype=float)


def test_regret_matrix():
    np.testing.assert_array_equal(regret(TABLE, direction="maximize").to_numpy(), REGRET)
    # minimising the negated payoffs gives the same regrets
    np.testing.assert_array_equal(regret(-TABLE, direction="minimize").to_numpy(), REGRET)


def test_choices():
    assert minimax_regret(TABLE, direction="maximize") == "A"
    assert maximin(TABLE, direction="maximize") == "B"
    assert minimax_regret(-TABLE, direction="minimize") == "A"
    assert maximin(-TABLE, direction="minimize") == "B"


def test_satisficing_shares():
    got = satisficing(TABLE, threshold=5, direction="maximize")
    assert got.to_dict() == {"A": 0.5, "B": 0.75, "C": 0.75}
    got = satisficing(-TABLE, threshold=-5, direction="minimize")
    assert got.to_dict() == {"A": 0.5, "B": 0.75, "C": 0.75}


def test_summary_table():
    summary = robustness_table(TABLE, direction="maximize", threshold=5).set_index("strategy")
    assert summary["mean"].to_dict() == {"A": 6.25, "B": 5.5, "C": 5.5}
    assert summary["worst"].to_dict() == {"A": 2, "B": 3, "C": 1}
    assert summary["max_regret"].to_dict() == {"A": 5, "B": 6, "C": 8}
    assert summary["mean_regret"].to_dict() == {"A": 2.5, "B": 3.25, "C": 3.25}
    assert summary["satisficing"].to_dict() == {"A": 0.5, "B": 0.75, "C": 0.75}
    assert summary.index[summary["minimax_regret"]].tolist() == ["A"]
    assert summary.index[summary["maximin"]].tolist() == ["B"]


def test_long_form_for_heatmaps():
    long = regret_long(TABLE, direction="maximize")
    assert list(long.columns) == ["experiment", "strategy", "value", "regret"]
    assert len(long) == 12
    row = long[(long["experiment"] == "e4") & (long["strategy"] == "C")].iloc[0]
    assert (row["value"], row["regret"]) == (1, 8)


def test_minimax_regret_differs_from_maximin_here():
    assert minimax_regret(TABLE, direction="maximize") != maximin(TABLE, direction="maximize")


@pytest.mark.parametrize("direction", ["max", None])
def test_bad_direction(direction):
    with pytest.raises(UsageError, match="direction: expected 'maximize' or 'minimize'"):
        regret(TABLE, direction=direction)

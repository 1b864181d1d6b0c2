"""Strategy comparison on a hand-computed table (Savage regret, Wald maximin)."""

from __future__ import annotations

import pandas as pd
import pytest

from escalade.analysis.strategies import compare_strategies, rank_by_mindset, regret_table

# utility[strategy][mindset], computed by hand below
TABLE = {
    "indecision": {"cautious": 1.0, "opportunist": -4.0, "resolved": -6.0},
    "graduated": {"cautious": 0.5, "opportunist": -1.0, "resolved": -5.0},
    "decisive": {"cautious": -1.0, "opportunist": 0.0, "resolved": -7.0},
}


@pytest.fixture
def cells() -> pd.DataFrame:
    rows = [
        {
            "strategy": s,
            "mindset": m,
            "utility": u,
            "utility_ci_low": u - 0.1,
            "utility_ci_high": u + 0.1,
        }
        for s, by in TABLE.items()
        for m, u in by.items()
    ]
    return pd.DataFrame(rows)


def test_regret_by_hand(cells: pd.DataFrame) -> None:
    r = regret_table(cells).set_index(["strategy", "mindset"])["regret"]
    # best per mindset: cautious 1.0 (indecision), opportunist 0.0 (decisive),
    # resolved -5 (graduated)
    assert r["indecision", "opportunist"] == pytest.approx(4.0)
    assert r["graduated", "cautious"] == pytest.approx(0.5)
    assert r["decisive", "resolved"] == pytest.approx(2.0)
    assert r["graduated", "resolved"] == 0.0


def test_compare(cells: pd.DataFrame) -> None:
    table = compare_strategies(cells).set_index("strategy")
    # max regret: indecision max(0, 4, 1) = 4; graduated max(0.5, 1, 0) = 1;
    # decisive max(2, 0, 2) = 2
    assert table.loc["graduated", "max_regret"] == pytest.approx(1.0)
    assert table.loc["indecision", "max_regret"] == pytest.approx(4.0)
    assert table.loc["decisive", "max_regret"] == pytest.approx(2.0)
    assert table["minimax_regret"].tolist() == [True, False, False]
    assert table.index[0] == "graduated"
    # worst case (maximin): graduated -5 > indecision -6 > decisive -7
    assert table.loc["graduated", "worst_mindset"] == "resolved"
    assert table.loc["decisive", "rank_worst"] == 3
    # mean: indecision -3, graduated -1.833, decisive -2.667
    assert table.loc["graduated", "rank_mean"] == 1
    assert table.loc["indecision", "mean_utility"] == pytest.approx(-3.0)


def test_rank_by_mindset(cells: pd.DataFrame) -> None:
    ranked = rank_by_mindset(cells)
    top = ranked[ranked["rank"] == 1].set_index("mindset")["strategy"].to_dict()
    assert top == {"cautious": "indecision", "opportunist": "decisive", "resolved": "graduated"}


def test_missing_columns() -> None:
    with pytest.raises(ValueError, match="lacks columns"):
        compare_strategies(pd.DataFrame({"strategy": ["a"]}))

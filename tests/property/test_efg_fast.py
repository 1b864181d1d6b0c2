"""The one-line-per-node fast path of the .efg reader matches the full parser exactly."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalade.game._efg_fast import fast_parse
from escalade.game.efg import EfgState, _slow_parse, format_efg, parse_efg
from escalade.game.examples import kmvs_1994, kuhn_poker, leduc, stripped_down_poker, trust_game
from escalade.game.tree import Chance, Decision, Node, Terminal, tree_game

HEAD1 = 'EFG 2 R "g" { "A" }\n""\n'
HEAD2 = 'EFG 2 R "g" { "A" "B" }\n""\n'
DATA = Path(__file__).resolve().parent.parent / "data" / "games"
NAMES = st.text(alphabet="abc xyz-'/.0123{}", max_size=6)
PAYOFF = st.one_of(
    st.integers(-1000, 1000).map(float),
    st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
    st.sampled_from([1 / 3, -2 / 7, 0.1, 1e-12, 123456.789]),
)


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> Node:
    kind = draw(st.sampled_from(["t", "p", "c"] if depth < 4 else ["t"]))
    if kind == "t":
        return Terminal((draw(PAYOFF), draw(PAYOFF)))
    n = draw(st.integers(1, 3))
    kids = [draw(trees(depth + 1)) for _ in range(n)]
    if kind == "p":
        player = draw(st.integers(0, 1))
        # the same name always means the same player and number of actions
        infoset = f"{player}/{n}/{draw(st.integers(0, 2))}"
        return Decision(player, {f"a{i}": k for i, k in enumerate(kids)}, infoset=infoset)
    weights = [draw(st.sampled_from([1, 2, 3])) for _ in kids]
    return Chance(
        {f"c{i}": (w / sum(weights), k) for i, (w, k) in enumerate(zip(weights, kids, strict=True))}
    )


def _same_state(a: EfgState, b: EfgState) -> None:
    assert asdict(a) == asdict(b)


@settings(max_examples=150, deadline=None)
@given(trees(), NAMES)
def test_fast_path_reads_every_generated_game_like_the_full_parser(root: Node, title: str) -> None:
    game = tree_game(root, players=("A", "B"), name=title)
    text = format_efg(game)
    fast = fast_parse(text, EfgState)
    assert fast is not None, "our own writer's output must take the fast path"
    title_f, players_f, st_fast = fast
    title_s, players_s, st_slow = _slow_parse(text, "<string>")
    assert (title_f, players_f) == (title_s, players_s)
    _same_state(st_fast, st_slow)


@pytest.mark.parametrize("make", [kmvs_1994, kuhn_poker, leduc, stripped_down_poker, trust_game])
def test_fast_path_on_the_example_games(make) -> None:
    text = format_efg(make())
    fast = fast_parse(text, EfgState)
    assert fast is not None
    _same_state(fast[2], _slow_parse(text, "<string>")[2])


@pytest.mark.parametrize("path", sorted(DATA.glob("*.efg")), ids=lambda p: p.name)
def test_other_layouts_give_the_same_game_either_way(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = fast_parse(text, EfgState)
    if fast is not None:
        _same_state(fast[2], _slow_parse(text, path.name)[2])
    assert parse_efg(text).n_nodes > 0


@pytest.mark.parametrize(
    "text",
    [
        HEAD2 + 'p "" 1 1 "" { "x" "x" } 0\nt "" 1 "" { 1 2 }\nt "" 2 "" { 3 4 }\n',
        HEAD1 + 'c "" 1 "" { "x" 1/2 "y" 1/3 } 0\nt "" 1 "" { 1 }\nt "" 2 "" { 3 }\n',
        HEAD1 + 'c "" 1 "" { "x" 1/0 "y" 1 } 0\nt "" 1 "" { 1 }\nt "" 2 "" { 3 }\n',
        'EFG 2 R "g" { "A" }\n""\nt "" 1 "" { 1 }\nt "" 1 "" { 2 }\n',
        'EFG 2 R "g" { "A" }\n""\nt "a\\"b" 1 "" { 1 }\n',
        'EFG 2 R "g" { "A" }\n""\np "" 1 1 "" { "x" "y" }\n0\nt "" 1 "" { 1 }\nt "" 2 "" { 3 }\n',
    ],
    ids=["duplicate-label", "probs-not-1", "divide-by-zero", "extra-node", "escape", "split-line"],
)
def test_anything_unusual_leaves_the_fast_path(text: str) -> None:
    assert fast_parse(text, EfgState) is None

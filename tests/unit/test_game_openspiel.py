"""Interoperability with OpenSpiel (optional extra ``openspiel``): files both ways.

OpenSpiel reads our strict ``.efg`` dialect (``pyspiel.load_efg_game``) and
we read OpenSpiel's own ``.efg`` examples. The checks go through OpenSpiel's
own algorithms: the equilibria our solvers find are evaluated by OpenSpiel's
``expected_game_score`` and ``exploitability.nash_conv``, so neither side's
answer is taken on trust.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

pyspiel = pytest.importorskip("pyspiel")
exploitability_os = pytest.importorskip("open_spiel.python.algorithms.exploitability")
expected_game_score = pytest.importorskip("open_spiel.python.algorithms.expected_game_score")
os_policy = pytest.importorskip("open_spiel.python.policy")

from escalade.game.efg import format_efg, parse_efg  # noqa: E402
from escalade.game.examples import (  # noqa: E402
    kuhn_poker,
    leduc,
    stripped_down_poker,
    trust_game,
)
from escalade.game.extensive import ExtensiveFormGame, NodeKind  # noqa: E402
from escalade.game.profiles import BehaviorProfile  # noqa: E402
from escalade.solvers import backward_induction, zerosum_lp  # noqa: E402


def _infoset_map(game: ExtensiveFormGame, spiel_game: object) -> dict[str, int]:
    """Walk both trees in step; map OpenSpiel's information-state strings to our infosets."""
    out: dict[str, int] = {}
    stack = [(0, spiel_game.new_initial_state())]
    fc, nc = game.first_child, game.n_children
    while stack:
        node, state = stack.pop()
        kind = game.kind[node]
        if kind == NodeKind.TERMINAL:
            assert state.is_terminal()
            continue
        if kind == NodeKind.CHANCE:
            assert state.is_chance_node()
            actions = [a for a, _ in state.chance_outcomes()]
            probs = [p for _, p in state.chance_outcomes()]
            children = range(fc[node], fc[node] + nc[node])
            assert np.allclose(probs, game.prob[list(children)])
        else:
            assert state.current_player() == game.player[node]
            key = state.information_state_string()
            assert out.setdefault(key, int(game.infoset[node])) == game.infoset[node]
            actions = state.legal_actions()
        assert len(actions) == nc[node]
        for k, action in enumerate(actions):
            stack.append((int(fc[node]) + k, state.child(action)))
    return out


class _OurPolicy(os_policy.Policy):  # type: ignore[misc]
    """An escalade behaviour profile, seen through OpenSpiel's policy interface."""

    def __init__(self, spiel_game, game: ExtensiveFormGame, profile: BehaviorProfile) -> None:
        super().__init__(spiel_game, list(range(game.n_players)))
        self._map = _infoset_map(game, spiel_game)
        self._game = game
        self._p = profile.probabilities

    def action_probabilities(self, state, player_id=None):
        h = self._map[state.information_state_string()]
        start = int(self._game.infoset_offset[h])
        return {a: float(self._p[start + k]) for k, a in enumerate(state.legal_actions())}


def _load(game: ExtensiveFormGame):
    return pyspiel.load_efg_game(format_efg(game))


@pytest.mark.parametrize(
    ("make", "value"),
    [(kuhn_poker, -1 / 18), (stripped_down_poker, 1 / 3), (leduc, -0.085606424078)],
)
def test_openspiel_evaluates_our_zero_sum_equilibria(
    make: Callable[[], ExtensiveFormGame], value: float
) -> None:
    game = make()
    spiel_game = _load(game)
    result = zerosum_lp.solve(game)
    policy = _OurPolicy(spiel_game, game, result.equilibria[0])
    returns = expected_game_score.policy_value(spiel_game.new_initial_state(), [policy] * 2)
    assert returns[0] == pytest.approx(value, abs=1e-7)
    assert returns[1] == pytest.approx(-value, abs=1e-7)
    assert exploitability_os.nash_conv(spiel_game, policy) < 1e-6


def test_openspiel_agrees_our_spe_of_the_trust_game_is_an_equilibrium() -> None:
    game = trust_game()
    spiel_game = _load(game)
    result = backward_induction.solve(game)
    policy = _OurPolicy(spiel_game, game, result.equilibria[0])
    assert exploitability_os.nash_conv(spiel_game, policy) == pytest.approx(0.0, abs=1e-12)
    returns = expected_game_score.policy_value(spiel_game.new_initial_state(), [policy] * 2)
    assert list(returns) == [0.0, 0.0]  # Not trust; the seller would abuse


def test_a_non_equilibrium_is_caught_by_openspiel_too() -> None:
    """The check above can fail: the uniform profile of Kuhn poker is exploitable."""
    game = kuhn_poker()
    spiel_game = _load(game)
    uniform = np.repeat(1.0 / game.n_actions, game.n_actions)
    policy = _OurPolicy(spiel_game, game, BehaviorProfile(uniform))
    assert exploitability_os.nash_conv(spiel_game, policy) > 0.1


@pytest.mark.parametrize(
    "data", [pyspiel.get_kuhn_poker_efg_data, pyspiel.get_sample_efg_data], ids=["kuhn", "sample"]
)
def test_we_read_openspiel_example_files_and_write_them_back(data: Callable[[], str]) -> None:
    text = data()
    ours = parse_efg(text, file="openspiel-example.efg")
    theirs = pyspiel.load_efg_game(text)
    again = pyspiel.load_efg_game(format_efg(ours))
    # Same tree as OpenSpiel sees it: same information sets, same moves, same
    # expected payoffs under the uniform policy, before and after our round trip.
    mapping = _infoset_map(ours, again)
    assert len(set(mapping.values())) == ours.n_infosets
    uniform = os_policy.UniformRandomPolicy(theirs)
    before = expected_game_score.policy_value(theirs.new_initial_state(), [uniform] * 2)
    uniform_again = os_policy.UniformRandomPolicy(again)
    after = expected_game_score.policy_value(again.new_initial_state(), [uniform_again] * 2)
    assert np.allclose(before, after)
    _infoset_map(ours, theirs)


def test_kuhn_value_from_openspiel_file() -> None:
    """OpenSpiel's own Kuhn poker file, solved by our LP: -1/18 (Kuhn 1950)."""
    game = parse_efg(pyspiel.get_kuhn_poker_efg_data(), file="kuhn_poker.efg")
    result = zerosum_lp.solve(game)
    assert result.payoffs[0, 0] == pytest.approx(-1 / 18, abs=1e-9)

"""External-sampling MCCFR through OpenSpiel, for two-player zero-sum games at scale.

:func:`to_openspiel` wraps any :class:`~escalade.game.extensive.ExtensiveFormGame`
(a scenario's game from ``build_game(..., information="scenario")`` included)
as an OpenSpiel game through its Python game interface: a state is a node,
an action the index of a child, an information state the game's information
set. :func:`solve` runs OpenSpiel's external-sampling Monte Carlo CFR
(Lanctot et al. 2009, "Monte Carlo sampling for regret minimization in
extensive games", *NIPS*) for ``iterations`` iterations and returns the
average policy as a behaviour profile, with OpenSpiel's exploitability
(``exploitability.exploitability``: the mean of the two players' best-response
gains) in the diagnostics; :func:`exploitability` measures any profile the
same way, so an exact answer (``zerosum-lp``) can be cross-checked.

Scenario games are general-sum; :func:`zero_sum_abstraction` gives the
two-player zero-sum game in which each player's payoff is half the
difference of the two players' utilities (each gains what the other loses).

Needs the optional ``openspiel`` extra (``pip install escalade[openspiel]``).
The solver is OpenSpiel's C++ ``ExternalSamplingMCCFRSolver`` (calling back
into the Python game); its seed comes from :func:`escalade.random.make_rng`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from escalade.errors import DependencyNotInstalled, UnsupportedGameError
from escalade.game.extensive import ExtensiveFormGame, NodeKind
from escalade.game.profiles import BehaviorProfile
from escalade.game.types import GameType, check_supported
from escalade.random import make_rng
from escalade.solvers._common import TWO_PLAYER_ZERO_SUM, finish
from escalade.solvers.result import SolveResult

__all__ = ["METHOD", "exploitability", "solve", "supports", "to_openspiel", "zero_sum_abstraction"]

METHOD = "mccfr"

supports: frozenset[GameType] = TWO_PLAYER_ZERO_SUM


def _pyspiel() -> Any:
    try:
        return importlib.import_module("pyspiel")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DependencyNotInstalled("open_spiel", "openspiel") from exc


def zero_sum_abstraction(game: ExtensiveFormGame) -> ExtensiveFormGame:
    """The two-player zero-sum game with payoffs ``±(u_0 - u_1) / 2``."""
    if game.n_players != 2:
        raise UnsupportedGameError(
            f"zero_sum_abstraction: expected a two-player game, found {game.n_players} players"
        )
    half = (game.payoffs[:, 0] - game.payoffs[:, 1]) / 2.0
    return dataclasses.replace(
        game, payoffs=np.stack([half, -half], axis=1), name=f"{game.name} (zero-sum)"
    )


def to_openspiel(game: ExtensiveFormGame) -> Any:
    """An OpenSpiel game (Python game interface) playing ``game`` (see module docstring)."""
    pyspiel = _pyspiel()
    game_type, game_info = _spiel_description(pyspiel, game)
    state = _state_class(pyspiel, game)
    observer = _observer_class(game)

    class _Game(pyspiel.Game):  # type: ignore[misc, name-defined]
        def __init__(self, params: Any = None) -> None:
            super().__init__(game_type, game_info, params or {})

        def new_initial_state(self) -> Any:
            return state(self)

        def make_py_observer(self, *_args: Any) -> Any:
            return observer()

    return _Game()


def _spiel_description(pyspiel: Any, game: ExtensiveFormGame) -> tuple[Any, Any]:
    """OpenSpiel's ``GameType`` and ``GameInfo`` of ``game``."""
    kids = game.n_children
    depth = np.zeros(game.n_nodes, dtype=np.int64)
    for node in range(1, game.n_nodes):
        depth[node] = depth[game.parent[node]] + 1
    game_type = pyspiel.GameType(
        short_name="escalade_efg",
        long_name=game.name or "escalade game",
        dynamics=pyspiel.GameType.Dynamics.SEQUENTIAL,
        chance_mode=pyspiel.GameType.ChanceMode.EXPLICIT_STOCHASTIC,
        information=pyspiel.GameType.Information.IMPERFECT_INFORMATION,
        utility=pyspiel.GameType.Utility.ZERO_SUM,
        reward_model=pyspiel.GameType.RewardModel.TERMINAL,
        max_num_players=2,
        min_num_players=2,
        provides_information_state_string=True,
        provides_information_state_tensor=False,
        provides_observation_string=True,
        provides_observation_tensor=False,
    )
    game_info = pyspiel.GameInfo(
        num_distinct_actions=int(kids[game.kind == NodeKind.DECISION].max(initial=1)),
        max_chance_outcomes=int(kids[game.kind == NodeKind.CHANCE].max(initial=1)),
        num_players=2,
        min_utility=float(game.payoffs.min()),
        max_utility=float(game.payoffs.max()),
        utility_sum=0.0,
        max_game_length=int(depth.max()) + 1,
    )
    return game_type, game_info


def _state_class(pyspiel: Any, game: ExtensiveFormGame) -> Any:
    """The OpenSpiel state class walking ``game``'s node arrays (a state is a node index)."""
    first, kids, kind = game.first_child, game.n_children, game.kind

    class _State(pyspiel.State):  # type: ignore[misc]
        def __init__(self, spiel_game: Any, node: int = 0) -> None:
            super().__init__(spiel_game)
            self.node = node

        def current_player(self) -> int:
            k = kind[self.node]
            if k == NodeKind.TERMINAL:
                return int(pyspiel.PlayerId.TERMINAL)
            if k == NodeKind.CHANCE:
                return int(pyspiel.PlayerId.CHANCE)
            return int(game.player[self.node])

        def _legal_actions(self, _player: int) -> list[int]:
            return list(range(int(kids[self.node])))

        def chance_outcomes(self) -> list[tuple[int, float]]:
            start = int(first[self.node])
            return [
                (a, float(game.prob[start + a]))
                for a in range(int(kids[self.node]))
                if game.prob[start + a] > 0
            ]

        def _apply_action(self, action: int) -> None:
            self.node = int(first[self.node]) + int(action)

        def _action_to_string(self, _player: int, action: int) -> str:
            return game.action_label(int(first[self.node]) + int(action))

        def is_terminal(self) -> bool:
            return bool(kind[self.node] == NodeKind.TERMINAL)

        def returns(self) -> list[float]:
            if kind[self.node] != NodeKind.TERMINAL:
                return [0.0, 0.0]
            return [float(v) for v in game.payoffs[int(game.terminal[self.node])]]

        def __str__(self) -> str:
            return f"node {self.node}"

    return _State


def _observer_class(game: ExtensiveFormGame) -> type:
    """The observer: a player's information set at its own decisions, else the node."""

    class _Observer:
        def __init__(self) -> None:
            self.tensor = np.zeros(0)
            self.dict: dict[str, Any] = {}

        def set_from(self, state: Any, player: int) -> None:
            """Nothing to fill: strings only."""

        def string_from(self, state: Any, player: int) -> str:
            node = state.node
            if game.kind[node] == NodeKind.DECISION and int(game.player[node]) == player:
                return f"h{int(game.infoset[node])}"
            return f"p{player} n{node}"

    return _Observer


def _spiel_policy(game: ExtensiveFormGame, profile: BehaviorProfile) -> Any:
    pyspiel = _pyspiel()
    table = {}
    for h in range(game.n_infosets):
        start = int(game.infoset_offset[h])
        row = profile.probabilities[start : start + int(game.n_actions[h])]
        table[f"h{h}"] = [(a, float(p)) for a, p in enumerate(row)]
    return pyspiel.TabularPolicy(table)


def exploitability(game: ExtensiveFormGame, profile: BehaviorProfile) -> float:
    """OpenSpiel's exploitability of a behaviour profile of a two-player zero-sum game."""
    pyspiel = _pyspiel()
    return float(pyspiel.exploitability(to_openspiel(game), _spiel_policy(game, profile)))


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 (OpenSpiel's C++ prints an error per never-sampled state)."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _profile(game: ExtensiveFormGame, average: Any) -> BehaviorProfile:
    probabilities = np.zeros(game.n_slots)
    for h in range(game.n_infosets):
        start, n = int(game.infoset_offset[h]), int(game.n_actions[h])
        row = np.full(n, 1.0 / n)  # never reached while sampling: uniform, as OpenSpiel
        try:
            pairs = average.get_state_policy(f"h{h}")
        except Exception:  # OpenSpiel raises a bare error for states never sampled
            pairs = []
        if pairs:
            row = np.zeros(n)
            for a, p in pairs:
                row[int(a)] = float(p)
        probabilities[start : start + n] = row / row.sum()
    return BehaviorProfile(probabilities)


def solve(
    game: ExtensiveFormGame,
    *,
    iterations: int = 10_000,
    seed: int = 0,
    verify: bool = True,
) -> SolveResult:
    """Run external-sampling MCCFR on a two-player zero-sum game (see module docstring).

    Parameters
    ----------
    game : ExtensiveFormGame
        Two players, payoffs summing to zero (see :func:`zero_sum_abstraction`).
    iterations : int
        MCCFR iterations (one sampled traversal per player each).
    seed : int
        Seed of the sampling.
    verify : bool
        Compute the regret of the average profile with our exact best responses.

    Returns
    -------
    SolveResult
        The average profile; ``diagnostics.extra`` holds ``exploitability``
        (OpenSpiel's) and ``iterations``.
    """
    check_supported(game.game_type, supports, METHOD)
    pyspiel = _pyspiel()
    spiel_game = to_openspiel(game)
    started = time.perf_counter()
    solver = pyspiel.ExternalSamplingMCCFRSolver(
        spiel_game,
        seed=int(make_rng(seed, 0x3CCF).integers(2**31)),
        avg_type=pyspiel.MCCFRAverageType.SIMPLE,
    )
    for _ in range(iterations):
        solver.run_iteration()
    with _quiet_stderr():
        profile = _profile(game, solver.average_policy())
    gap = float(pyspiel.exploitability(spiel_game, _spiel_policy(game, profile)))
    return finish(
        game,
        METHOD,
        {"iterations": iterations, "seed": seed},
        [profile],
        started=started,
        verify=verify,
        extra={"exploitability": gap, "iterations": iterations},
    )

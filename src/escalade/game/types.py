"""Declared properties of games, and the check that a solver accepts a game.

Every game reports exactly one flag along each of five dimensions:

========== =============================================================
dynamics   ``SIMULTANEOUS`` (normal form) or ``SEQUENTIAL`` (a game tree)
information ``PERFECT_INFORMATION`` (every information set is one node) or
           ``IMPERFECT_INFORMATION``
chance     ``DETERMINISTIC`` or ``CHANCE`` (the tree has chance nodes)
utility    ``ZERO_SUM`` (payoffs sum to the same constant at every outcome,
           i.e. constant-sum) or ``GENERAL_SUM``
players    ``ONE_PLAYER``, ``TWO_PLAYER`` or ``N_PLAYER`` (three or more)
========== =============================================================

A solver declares ``supports: frozenset[GameType]``; it accepts a game when
every flag of the game is in that set (:func:`check_supported`).
"""

from __future__ import annotations

from enum import Enum

from escalade.errors import UnsupportedGameError

__all__ = ["GameType", "check_supported", "describe"]


class GameType(Enum):
    """One property of a game; a game is described by a frozenset of them."""

    SIMULTANEOUS = "simultaneous"
    SEQUENTIAL = "sequential"
    PERFECT_INFORMATION = "perfect information"
    IMPERFECT_INFORMATION = "imperfect information"
    DETERMINISTIC = "no chance moves"
    CHANCE = "chance moves"
    ZERO_SUM = "zero-sum"
    GENERAL_SUM = "general-sum"
    ONE_PLAYER = "one player"
    TWO_PLAYER = "two players"
    N_PLAYER = "three or more players"


ALL_TYPES: frozenset[GameType] = frozenset(GameType)


def players_flag(n_players: int) -> GameType:
    """Return the player-count flag for ``n_players``."""
    if n_players == 1:
        return GameType.ONE_PLAYER
    if n_players == 2:
        return GameType.TWO_PLAYER
    return GameType.N_PLAYER


def describe(flags: frozenset[GameType]) -> str:
    """Return the flags as a readable, deterministic phrase."""
    return ", ".join(f.value for f in GameType if f in flags)


def check_supported(
    game_flags: frozenset[GameType], supports: frozenset[GameType], method: str
) -> None:
    """Raise if a game has a property that a method does not support.

    Parameters
    ----------
    game_flags : frozenset of GameType
        The game's ``game_type``.
    supports : frozenset of GameType
        The method's ``supports``.
    method : str
        The method name, used in the message.

    Raises
    ------
    UnsupportedGameError
        Naming each property of the game the method does not accept.
    """
    missing = game_flags - supports
    if missing:
        raise UnsupportedGameError(
            f"method {method!r} does not support games with {describe(frozenset(missing))} "
            f"(it supports: {describe(supports)}); this game is: {describe(game_flags)}"
        )

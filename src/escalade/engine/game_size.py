"""How large a scenario's game would be, estimated before building it.

Knuth's estimator (Knuth 1975, "Estimating the efficiency of backtrack
programs", *Mathematics of Computation* 29): walk from the root to a leaf,
picking one child at random at every node; the sum over the nodes of the path
of the product of the branching factors above them is an unbiased estimate of
the number of nodes. :func:`estimate_size` averages such probes, each made by
the game builder itself (:mod:`escalade.engine.game_builder`) with every
child left unbuilt until picked, so the estimate counts exactly the nodes
``build_game`` would create. The seconds estimate scales the probes' time per
visited node to the estimated node count.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from escalade.engine._game_private import private_draws
from escalade.engine.game_builder import GameBuilder, players_and_policies
from escalade.engine.reference import One, ReferenceInterpreter
from escalade.errors import UsageError
from escalade.random import make_rng
from escalade.scenario.compiled import CompiledScenario
from escalade.scenario.schema import PolicySpec

__all__ = ["SizeEstimate", "estimate_game_size", "estimate_size"]

_RECURSIVE = (
    "round",
    "event",
    "branches",
    "decision",
    "resolve",
    "choices",
    "resolutions",
    "accidents",
    "close",
)


class _Lazy:
    """A child not built yet."""

    __slots__ = ("build",)

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build


def _force(node: Any) -> Any:
    while isinstance(node, _Lazy):
        node = node.build()
    return node


class _Probe(GameBuilder):
    """The builder walking one random path (see module docstring)."""

    def __init__(self, *args: Any, rng: np.random.Generator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rng = rng
        self.weight = 1.0
        self.total = 0.0
        self.visited = 0

    def count(self) -> None:
        self.total += self.weight
        self.visited += 1

    def pick(self, children: list[Any]) -> Any:
        self.weight *= len(children)
        return _force(children[int(self.rng.integers(len(children)))])

    def chance(self, outcomes: list[tuple[str, float, Any]], label: str) -> Any:  # noqa: ARG002
        kept = [node for _, p, node in outcomes if p > 0.0]
        if len(kept) == 1:
            return kept[0]
        self.count()
        return self.pick(kept)

    def player_node(self, s: Any, r: Any, i: int, actions: dict[str, Any]) -> Any:  # noqa: ARG002
        self.count()
        return self.pick(list(actions.values()))

    def terminal(self, s: Any) -> Any:  # noqa: ARG002
        self.count()
        return None


def _lazy(name: str) -> Callable[..., _Lazy]:
    method = getattr(GameBuilder, name)

    def wrapper(self: _Probe, *args: Any) -> _Lazy:
        return _Lazy(lambda: method(self, *args))

    return wrapper


for _name in _RECURSIVE:
    setattr(_Probe, _name, _lazy(_name))


@dataclass(frozen=True)
class SizeEstimate:
    """Estimated nodes (mean of the probes, with its standard error) and build seconds."""

    nodes: float
    se: float
    seconds: float
    probes: int
    elapsed: float

    def describe(self) -> str:
        """One line for people."""
        return (
            f"estimated size: {self.nodes:,.0f} nodes (± {self.se:,.0f}, {self.probes} random "
            f"probes), about {self.seconds:,.1f} s to build"
        )


def estimate_size(
    compiled: CompiledScenario,
    *,
    horizon: int,
    specs: Sequence[PolicySpec],
    players: Sequence[int],
    uncertainties: Sequence[float],
    simultaneous: bool = False,
    decision_every: int = 1,
    start_state: One | None = None,
    first_round: int = 0,
    probes: int = 400,
    budget: float = 1.0,
    seed: int = 0,
    limit: float | None = None,
) -> SizeEstimate:
    """Estimate the node count of :func:`~escalade.engine.game_builder.build_game`.

    Parameters
    ----------
    compiled : CompiledScenario
        The scenario.
    horizon : int
        Rounds.
    specs : sequence of PolicySpec
        Every actor's policy.
    players : sequence of int
        Indices of the actors who choose.
    uncertainties : sequence of float
        Fixed uncertainty values.
    simultaneous : bool
        Simultaneous rounds kept simultaneous (``information="scenario"``).
    decision_every : int
        Players decide every this many rounds (``build_game``'s ``decision_every``).
    start_state, first_round : One, int
        The root state and its round (``build_game``'s).
    probes : int
        At most this many random root-to-leaf walks ...
    budget : float
        ... and at most about this many seconds of them (at least 8 probes).
    seed : int
        Seed of the walks.
    limit : float, optional
        A node limit the caller will refuse above: once 8 probes have all
        estimated more than 100 times it, probing stops (the answer is clear and
        a refusal should be quick).
    """
    if probes < 1:
        raise UsageError(f"probes: expected at least 1, found {probes}")
    ref = ReferenceInterpreter(compiled, list(specs), seed=0)
    rng = make_rng(seed, 0x517E)
    totals: list[float] = []
    visited = 0
    started = time.perf_counter()
    while len(totals) < probes and (len(totals) < 8 or time.perf_counter() - started < budget):
        if limit is not None and len(totals) >= 8 and min(totals) > 100 * limit:
            break
        probe = _Probe(
            compiled,
            ref,
            players=tuple(players),
            horizon=first_round + horizon,
            node_limit=1,
            simultaneous=simultaneous,
            decision_every=decision_every,
            first_round=first_round,
            rng=rng,
        )
        start = ref.start(0, fixed=list(uncertainties)) if start_state is None else start_state
        _force(probe.round(start.copy(), first_round))
        totals.append(probe.total)
        visited += probe.visited
    elapsed = time.perf_counter() - started
    values = np.asarray(totals)
    mean = float(values.mean())
    se = float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0
    return SizeEstimate(mean, se, mean * elapsed / max(visited, 1), len(values), elapsed)


def estimate_game_size(
    compiled: CompiledScenario,
    *,
    horizon: int,
    strategy: str | None = None,
    mindset: str | None = None,
    players: Sequence[str] | None = None,
    uncertainties: Sequence[float] | None = None,
    policies: Sequence[PolicySpec] | None = None,
    information: Literal["perfect", "scenario"] = "perfect",
    decision_every: int = 1,
    start_state: One | None = None,
    first_round: int = 0,
    probes: int = 400,
    budget: float = 1.0,
    seed: int = 0,
    limit: float | None = None,
    private: Literal["nominal", "chance"] = "nominal",
) -> SizeEstimate:
    """:func:`estimate_size` with the arguments of ``build_game`` (and its ``limit``).

    With ``private="chance"`` the estimate at the nominal values is multiplied by
    the number of joint draws of the private values (one subtree each).
    """
    if isinstance(horizon, bool) or not 1 <= int(horizon) <= compiled.horizon - first_round:
        raise UsageError(
            f"horizon: expected 1 to {compiled.horizon - first_round}, found {horizon!r}"
        )
    ids, chosen, specs = players_and_policies(compiled, players, strategy, mindset, policies)
    values = (
        compiled.nominal_uncertainties() if uncertainties is None else np.asarray(uncertainties)
    )
    index = tuple(ids.index(p) for p in chosen)
    draws = len(private_draws(compiled, index)) if private == "chance" else 0
    size = estimate_size(
        compiled,
        horizon=int(horizon),
        specs=specs,
        players=[ids.index(p) for p in chosen],
        uncertainties=[float(v) for v in values],
        simultaneous=information == "scenario" and not compiled.sequential,
        decision_every=max(int(decision_every), 1),
        start_state=start_state,
        first_round=first_round,
        probes=probes,
        budget=budget,
        seed=seed,
        limit=limit if not draws else limit / draws if limit else None,
    )
    if not draws:
        return size
    return SizeEstimate(
        size.nodes * draws + 1, size.se * draws, size.seconds * draws, size.probes, size.elapsed
    )

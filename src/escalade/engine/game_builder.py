r"""Build the extensive-form game of a scenario over a short horizon (DESIGN.md §2).

The formal model: the same rounds as the engine (``docs/engine.md``), expanded
instead of sampled. In round :math:`t`:

1. each event is a chance node when its firing probability is strictly between
   0 and 1 (branches add a chance node over the branches);
2. the actors move one after the other in file order and each move is resolved
   before the next actor moves — perfect information. A scenario with
   ``order: simultaneous`` is *sequentialised*: an actor later in the file sees
   the moves of earlier actors in the same round, which it could not in the
   simulation; the game is then an approximation of the scenario that favours
   the later movers (file order is the order of commitment). *Players* choose
   among their available options and hold; the other actors follow their
   policy, which must be deterministic without lookahead in the policy
   registry (hold, plan, rules, reactive and its presets, deescalate).
   An actor with ``moves: k`` decides k times a round (one decision per
   *slot*, labelled ``r2 usa move 2: ...`` after the first), each time
   among the options its earlier slots did not pick, and holds for the rest
   of the round once it holds, as in the engine.
   Consent is decided as in the engine. A success probability strictly
   between 0 and 1 is a chance node;
3. each arena with a non-zero accident probability is a chance node over up,
   down and stay; with ``jump`` sizes, over each size up and down (probability
   ``up`` or ``down`` times the size's weight); with ``revert``, each move is
   split again into walked back or kept (probability ``revert`` on the state
   before the accident), and a walked-back move is undone at the start of the
   next round, before its events, as in the engine;
4. payoffs accrue as in the engine; a terminal condition ends the play.

Terminal payoffs are each player's discounted utility (final weights
included). Uncertainties are fixed (nominal values unless given). Nodes and
actions are labelled ``r2 usa: lift_strike_limits``.

With ``information="scenario"`` a scenario with ``order: simultaneous`` is not
sequentialised but expanded exactly as the engine plays it: in each round
every actor decides on the state after the events, without seeing the other
actors' choices of that round (each player's decision nodes of a round form
one information set per public history: everything that happened in earlier
rounds and the events of this round), then the choices are resolved in file
order. The game then has imperfect information (perfect recall) and is solved
for Nash equilibria (e.g. support enumeration on its normal form) instead of
by backward induction. For ``order: sequential`` both modes give the same game.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal

import numpy as np

from escalade.engine._game_private import PrivateDraw, drawn_start
from escalade.engine._game_support import (
    check_game_arguments,
    deterministic_kinds,
    one_signature,
    players_and_policies,
    signature,
)
from escalade.engine.game_round import Next, Round, accident_laws, saw
from escalade.engine.game_setup import game_setup
from escalade.engine.reference import One, ReferenceInterpreter
from escalade.errors import GameTooLargeError, UnsupportedGameError
from escalade.game.extensive import ExtensiveFormGame
from escalade.game.tree import Chance, Decision, Node, Terminal, tree_game
from escalade.scenario.compiled import CompiledScenario, compile_scenario
from escalade.scenario.model import Scenario
from escalade.scenario.schema import PolicySpec

__all__ = [
    "GameBuilder",
    "build_game",
    "deterministic_kinds",
    "one_signature",
    "players_and_policies",
    "signature",
]


class GameBuilder:
    """Expands a scenario into game-tree nodes, round by round (the module docstring's steps).

    :func:`build_game` drives it; :mod:`escalade.engine.game_size` subclasses it to walk one
    random path for a size estimate (overriding :meth:`count`, :meth:`chance`,
    :meth:`player_node` and :meth:`terminal`).
    """

    def __init__(
        self,
        compiled: CompiledScenario,
        ref: ReferenceInterpreter,
        *,
        players: tuple[int, ...],
        horizon: int,
        node_limit: int,
        simultaneous: bool = False,
        decision_every: int = 1,
        first_round: int = 0,
    ) -> None:
        self.c, self.ref, self.players = compiled, ref, players
        self.simultaneous = simultaneous
        self.every, self.first = decision_every, first_round
        self.payees = players or tuple(range(len(compiled.actors)))
        self.horizon, self.node_limit = horizon, node_limit
        self.nodes = 0
        self.k = ref.layout.k
        self.private = False
        """Key every player's decision nodes by what it has seen (``private="chance"``)."""

    def count(self) -> None:
        """Count one node; raise when the node limit is passed."""
        self.nodes += 1
        if self.nodes > self.node_limit:
            raise GameTooLargeError(
                f"node_limit: expected at most {self.node_limit:,} nodes, reached "
                f"{self.nodes:,} at horizon {self.horizon - self.first}; hint: a smaller "
                "`horizon`, fewer `players`, `decision_every` K, or a larger `node_limit`",
                parameter="node_limit",
            )

    def chance(self, outcomes: list[tuple[str, float, Node]], label: str) -> Node:
        """A chance node over the outcomes with positive probability (or the only one)."""
        kept = [(name, p, node) for name, p, node in outcomes if p > 0.0]
        if len(kept) == 1:
            return kept[0][2]
        self.count()
        return Chance({name: (p, node) for name, p, node in kept}, label=label)

    def terminal(self, s: One) -> Node:
        """A terminal node: the players' discounted utilities, final weights included."""
        self.count()
        done = s.copy()
        self.ref.final(done)
        return Terminal(tuple(done.utility[i] for i in self.payees))

    def round(
        self, s: One, t: int, seen: tuple[str, ...] = (), secret: tuple[tuple[int, str], ...] = ()
    ) -> Node:
        """The subtree from the start of round ``t`` (a terminal past the horizon or the end)."""
        if t >= self.horizon or not s.alive:
            return self.terminal(s)
        s.round, s.day = t, int(self.c.days[t])
        before = (dict(s.rung_max), dict(s.view_max))
        if any(s.revert.values()):  # last round's accidental moves that are walked back
            s = s.copy()
            self.ref.walk_back(s)
        r = Round(t, before, [0.0] * len(self.c.actors), {}, seen, secret=secret)
        return self.event(s, r, 0)

    @property
    def public_now(self) -> bool:
        """Moves and outcomes are seen at once (sequential rounds), not at the round's end."""
        return not self.simultaneous

    def event(self, s: One, r: Round, e: int) -> Node:
        """The subtree from event ``e`` of the round (a chance node when it may or may not fire)."""
        if e == len(self.c.events):
            return self.decision(s, r, 0)
        ev = self.c.events[e]
        if not self.ref.holds(ev.when, s) or (ev.once and ev.id in s.fired):
            p = 0.0
        elif ev.prob is None:
            p = 1.0 if r.t == ev.at_round else 0.0
        else:
            p = min(max(self.ref.value(ev.prob, s), 0.0), 1.0)
        outcomes = []
        if p < 1.0:
            name = f"r{r.t} {ev.id}: no"
            rr = saw(r, name, public=True)
            outcomes.append((name, 1.0 - p, self.event(s.copy(), rr, e + 1)))
        if p > 0.0:
            fired = s.copy()
            fired.fired.add(ev.id)
            self.ref.apply(fired, ev.effects, f"event {ev.id!r}")
            self.ref.move_rungs(fired, ev.rung_effects, f"event {ev.id!r}")
            name = f"r{r.t} {ev.id}"
            outcomes.append((name, p, self.branches(fired, saw(r, name, public=True), e)))
        return self.chance(outcomes, f"r{r.t} {ev.id}?")

    def branches(self, s: One, r: Round, e: int) -> Node:
        """The subtree over the branches of fired event ``e``."""
        ev = self.c.events[e]
        if not ev.branches:
            return self.event(s, r.copy(), e + 1)
        probs = [self.ref.value(b.prob, s) for b in ev.branches]
        outcomes = []
        for b, p in zip(ev.branches, probs, strict=True):
            child = s.copy()
            self.ref.apply(child, b.effects, f"event {ev.id!r} branch {b.id!r}")
            self.ref.move_rungs(child, b.rung_effects, f"event {ev.id!r} branch {b.id!r}")
            name = f"r{r.t} {ev.id}: {b.id}"
            outcomes.append((name, p, self.event(child, saw(r, name, public=True), e + 1)))
        return self.chance(outcomes, f"r{r.t} {ev.id} branch")

    def decision(self, s: One, r: Round, k: int) -> Node:
        """The subtree from decision slot ``k`` of the round (actor ``c.slots[k]``'s move)."""
        if self.simultaneous:
            return self.choices(s, r, 0, ())
        if k == len(self.c.slots):
            return self.accidents(s, r, 0)
        actions = self.options(s, r, k)
        if isinstance(actions, int):
            return self.resolve(s, self.saw_move(r, k, actions), k, actions)
        children = {a: self.resolve(s, self.saw(r, a), k, o) for a, o in actions.items()}
        return self.player_node(s, r, self.c.slots[k], children)

    def saw(self, r: Round, label: str) -> Round:
        """``r`` having seen ``label`` when information sets are kept (else ``r`` itself)."""
        return saw(r, label, public=self.public_now) if self.private else r

    def saw_move(self, r: Round, k: int, choice: int) -> Round:
        """``r`` having seen a non-player's move in slot ``k`` (it may reveal what it knows)."""
        if not self.private:
            return r
        what = self.c.options[choice].id if choice >= 0 else "hold"
        return self.saw(r, f"{self.slot_name(r.t, k)}: {what}")

    def slot_name(self, t: int, k: int) -> str:
        """``r2 usa`` for an actor's first move of round ``t``, ``r2 usa move 2`` for its next."""
        actor, m = self.c.actors[self.c.slots[k]].id, self.ref.move_of[k]
        return f"r{t} {actor}" if m == 0 else f"r{t} {actor} move {m + 1}"

    def options(self, s: One, r: Round, k: int) -> dict[str, int] | int:
        """Slot ``k``'s actions ``label -> option`` (-1 hold) for a player, else the choice.

        As in the engine, an actor's later slots offer what its earlier slots of the
        round did not pick, and hold once one of them held.
        """
        i = self.c.slots[k]
        actor = self.c.actors[i]
        earlier = r.picked.get(i, ())
        if any(p < 0 for p in earlier):
            return -1
        mine = list(self.c.options_by_actor[i])
        avail = {o: o not in earlier and self.ref.is_available(s, o) for o in mine}
        if i in self.players and self.every > 1 and (r.t - self.first) % self.every:
            kept = s.prev_moves.get(k, (-1, False))[0]  # between decisions: keep the move
            return kept if kept >= 0 and avail.get(kept, False) else -1
        if i in self.players:
            name = self.slot_name(r.t, k)
            actions = {f"{name}: hold": -1}
            actions |= {f"{name}: {self.c.options[o].id}": o for o in mine if avail[o]}
            return actions
        spec = self.ref.specs[i]
        if spec.kind not in deterministic_kinds():
            raise UnsupportedGameError(
                f"build_game: actor {actor.id!r} is not a player and its policy {spec.kind!r} is "
                "not deterministic; hint: make it a player (`players`) or give it a "
                "deterministic policy",
                parameter="players",
            )
        slot = self.ref.move_of[k]
        return int(self.ref.decide(s, i, 0.5, spec, avail=avail, rollouts=False, slot=slot))

    def player_node(self, s: One, r: Round, i: int, actions: dict[str, Node]) -> Node:
        """A player's decision node over its actions."""
        self.count()
        actor = self.c.actors[i].id
        infoset = None
        if self.simultaneous or self.private:
            known = tuple(name for u, name in r.secret if i in self.c.uncertainties[u].known_to)
            key: tuple[object, ...] = (r.seen, known, sorted(actions)) if self.private else r.seen
            if self.c.actors[i].moves > 1:  # it knows what its earlier moves of the round picked
                key = (key, r.picked.get(i, ()))
            digest = hashlib.sha1(repr(key).encode(), usedforsecurity=False).hexdigest()[:12]
            infoset = f"r{r.t} {actor} | {digest}"
        label = f"r{r.t} {actor} #{one_signature(self.c, s)}"
        return Decision(actor, actions, infoset=infoset, label=label)

    def consent(self, s: One, r: Round, k: int, choice: int) -> tuple[Round, int]:
        """Slot ``k`` picks ``choice``; consent as in the engine (a refused option becomes hold)."""
        r = r.copy()
        i = self.c.slots[k]
        r.picked[i] = (*r.picked.get(i, ()), choice)
        consent = self.c.options[choice].consent if choice >= 0 else ()
        if consent and not all(self.ref.gain(s, choice, j, pay=False) >= 0 for j in consent):
            r.moves[k] = (choice, "refused")
            choice = -1
        return r, choice

    def resolve(self, s: One, r: Round, k: int, choice: int) -> Node:
        """Slot ``k``'s choice resolved (consent, success), then the next slot."""
        r, choice = self.consent(s, r, k, choice)
        return self.succeed(s, r, k, choice, lambda s2, r2: self.decision(s2, r2, k + 1))

    def succeed(self, s: One, r: Round, k: int, choice: int, then: Next) -> Node:
        """Step 3 for slot ``k`` (a chance node when 0 < success < 1), then ``then``."""
        if choice < 0:
            return then(s.copy(), r.copy())
        p = min(max(self.ref.value(self.c.options[choice].success, s), 0.0), 1.0)
        outcomes = []
        for ok, q in ((True, p), (False, 1.0 - p)):
            if q <= 0.0:
                continue
            label = f"r{r.t} {self.c.options[choice].id}: {'success' if ok else 'failure'}"
            child, rr = s.copy(), saw(r, label, public=self.private and self.public_now)
            u = np.full(self.k, 0.0 if ok else 1.0)
            self.ref.resolve(child, k, choice, u, paid=rr.paid, moves=rr.moves, down=rr.down)
            outcomes.append((label, q, then(child, rr)))
        return self.chance(outcomes, f"r{r.t} {self.c.options[choice].id} succeeds?")

    def choices(self, s: One, r: Round, k: int, chosen: tuple[int, ...]) -> Node:
        """Simultaneous decisions: every slot chooses on the same state, unseen by the others."""
        if k == len(self.c.slots):
            return self.resolutions(s, r, 0, chosen)
        actions = self.options(s, r, k)
        if isinstance(actions, int):
            rr, choice = self.consent(s, self.saw_move(r, k, actions), k, actions)
            return self.choices(s, rr, k + 1, (*chosen, choice))
        children: dict[str, Node] = {}
        for label, o in actions.items():
            rr, choice = self.consent(s, saw(r, label, public=False), k, o)
            children[label] = self.choices(s, rr, k + 1, (*chosen, choice))
        return self.player_node(s, r, self.c.slots[k], children)

    def resolutions(self, s: One, r: Round, k: int, chosen: tuple[int, ...]) -> Node:
        """Resolve simultaneous choices in slot order, then accidents."""
        if k == len(chosen):
            return self.accidents(s, r, 0)
        return self.succeed(
            s, r, k, chosen[k], lambda s2, r2: self.resolutions(s2, r2, k + 1, chosen)
        )

    def accidents(self, s: One, r: Round, a: int) -> Node:
        """The subtree from arena ``a``'s accident chance node."""
        if a == 0 and r.down:
            s = s.copy()
            self.ref.settle(s, r.down)
            r = r.copy()
            r.down = {}
        if a == len(self.c.arenas):
            return self.close(s, r)
        arena = self.c.arenas[a]
        outcomes = []
        for name, step, back, q in accident_laws(self.ref, arena, s):
            child = s.copy()
            for party in (0, 1):
                key = self.ref.key(a, party)
                new = min(max(child.views[key] + step, arena.low), arena.high)
                if arena.revert is not None:
                    child.revert[key] = new - child.views[key] if back else 0
                child.views[key] = new
            self.ref.sync(child)
            label = f"r{r.t} {arena.id} accident: {name}"
            rr = saw(r, label, public=self.private and self.public_now)
            outcomes.append((label, q, self.accidents(child, rr, a + 1)))
        return self.chance(outcomes, f"r{r.t} {arena.id} accident?")

    def close(self, s: One, r: Round) -> Node:
        """Payoffs and terminal conditions at the end of the round, then the next round."""
        s = s.copy()
        self.ref.payoffs(s, r.t, r.paid, r.before)
        s.rounds_played += 1
        s.prev_moves = {
            i: (o, res == "succeeded") for i, (o, res) in r.moves.items() if res != "refused"
        }
        self.ref.end(s, r.t)
        return self.round(s, r.t + 1, r.seen + r.hidden, r.secret)


def build_game(
    compiled: CompiledScenario | Scenario,
    *,
    horizon: int,
    strategy: str | None = None,
    mindset: str | None = None,
    players: Sequence[str] | None = None,
    uncertainties: Sequence[float] | None = None,
    node_limit: int = 200_000,
    policies: Sequence[PolicySpec] | None = None,
    all_payoffs: bool = False,
    information: Literal["perfect", "scenario"] = "perfect",
    decision_every: int = 1,
    start_state: One | None = None,
    first_round: int = 0,
    private: Literal["nominal", "chance"] = "nominal",
) -> ExtensiveFormGame:
    """Expand a scenario into an extensive-form game tree over ``horizon`` rounds.

    The rounds are those of the engine, expanded instead of sampled: events,
    accidents and uncertain successes become chance nodes, the players' moves
    decision nodes, and the payoffs are each player's discounted utility
    (:mod:`escalade.engine.game_builder` tells the model in full).

    Parameters
    ----------
    compiled : CompiledScenario or Scenario
        The scenario (a loaded one is compiled first).
    horizon : int
        Rounds to expand (1 to the scenario's horizon).
    strategy, mindset : str, optional
        Strategy and mindset whose policies the non-players follow.
    players : sequence of str, optional
        Actor ids that choose freely (default: every actor). An empty sequence
        builds a chance-only tree whose players are all actors, none of them
        choosing: its value is every actor's expected utility under the policies.
    uncertainties : sequence of float, optional
        Values of the uncertainties (default: nominal).
    node_limit : int
        Largest tree built before :class:`~escalade.errors.GameTooLargeError`.
    policies : sequence of PolicySpec, optional
        Every actor's policy (instead of ``strategy`` and ``mindset``).
    all_payoffs : bool
        Make every actor a player of the game (those not in ``players`` never
        move), so the solution gives every actor's expected utility.
    decision_every : int
        Players decide in rounds 0, k, 2k, ... only; in between each repeats
        its previous round's move (hold when that option is no longer
        available). 1 (the default): every round.
    start_state : One, optional
        The root state, at the start of round ``first_round``
        (:func:`escalade.engine.replay.state_at`); rounds ``first_round`` to
        ``first_round + horizon - 1`` are expanded and payoffs include the
        utility accrued before. Default: the scenario's initial state.
    first_round : int
        The round ``start_state`` is at.
    private : {"nominal", "chance"}
        ``nominal`` (the default): every uncertainty is fixed and every player
        knows it. ``chance``: the values some player does not know
        (``known_to``) are drawn by a chance move at the root and hidden from
        those players by information sets (:mod:`escalade.engine._game_private`);
        the game then has imperfect information.

    Returns
    -------
    ExtensiveFormGame
        The tree; solve it with :func:`escalade.solve`.

    Raises
    ------
    GameTooLargeError
        Past ``node_limit`` nodes (the message gives the size and a hint).
    UnsupportedGameError
        For what a tree cannot expand (several moves per round, a non-player's
        policy that is not deterministic).

    Examples
    --------
    >>> from escalade.scenario import load_scenario
    >>> game = build_game(load_scenario("kursk-mini"), horizon=1)
    >>> game.players
    ('usa', 'rus')
    """
    if isinstance(compiled, Scenario):
        compiled = compile_scenario(compiled)
    check_game_arguments(
        compiled,
        horizon=horizon,
        first_round=first_round,
        start_state=start_state,
        decision_every=decision_every,
        information=information,
    )
    setup = game_setup(
        compiled,
        horizon=horizon,
        strategy=strategy,
        mindset=mindset,
        players=players,
        uncertainties=uncertainties,
        policies=policies,
        information=information,
        decision_every=decision_every,
        start_state=start_state,
        first_round=first_round,
        private=private,
    )
    ids = setup.ids
    builder = setup.builder(GameBuilder, node_limit=node_limit)
    if all_payoffs:
        builder.payees = tuple(range(len(compiled.actors)))
    root = _root(builder, setup.start, first_round, setup.draws, start_state)
    name = f"{compiled.scenario.id} (horizon {horizon})"
    if first_round:
        name = f"{compiled.scenario.id} (rounds {first_round}-{first_round + int(horizon) - 1})"
    return tree_game(root, players=[ids[i] for i in builder.payees], name=name)


def _root(
    builder: GameBuilder, start: One, first: int, draws: list[PrivateDraw], given: One | None
) -> Node:
    """The game's root: round ``first``, after a chance move over ``draws`` when there are any."""
    if not draws:
        return builder.round(start, first)
    builder.private = True
    outcomes = [
        (
            d.label,
            d.probability,
            builder.round(drawn_start(builder.ref, start, d, given), first, secret=d.secret),
        )
        for d in draws
    ]
    return builder.chance(outcomes, "private values")

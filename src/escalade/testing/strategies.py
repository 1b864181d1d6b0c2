"""Hypothesis strategies for valid scenarios (needs the ``hypothesis`` package).

>>> from hypothesis import given
>>> from escalade.testing.strategies import scenario_texts
>>> @given(scenario_texts())
... def test_loads(text):
...     load(text)

Every generated text is a valid scenario (schema 2): two sides, two or three
actors (some with two moves a round), one or two arenas on the built-in
``compact`` ladder, variables, options with conditions, costs, success
probabilities, effects, per-side ``perceived`` rungs and escalation on attempt
or on success, scheduled, random and branched events (some moving rungs),
accidents (some with jumps and reverts), uncertainties (some private),
terminal states (absorbing or not, with utility), strategies and mindsets with
the deterministic and stochastic built-in policies (some rules reacting to the
other side's ``last_move``), and outcomes (some reading one side's view or its
last move).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from escalade.engine.policies import kinds
from escalade.scenario.schema import POLICY_CLASSES

__all__ = ["scenario_data", "scenario_texts"]


def _kinds() -> tuple[str, ...]:
    """Built-in kinds without lookahead (rollouts and solvers are too slow to generate)."""
    return tuple(
        kind
        for kind, info in sorted(kinds().items())
        if kind in POLICY_CLASSES and not info.lookahead
    )


_POLICIES = _kinds()


def _prob() -> st.SearchStrategy[float]:
    return st.sampled_from([0.0, 0.05, 0.1, 0.25, 0.5, 0.9, 1.0])


@st.composite
def _option(
    draw: st.DrawFn, i: int, actors: list[str], arenas: list[str], variables: list[str]
) -> dict[str, Any]:
    option: dict[str, Any] = {"id": f"o{i}", "actor": draw(st.sampled_from(actors))}
    in_arena = draw(st.booleans())
    if arenas and in_arena:
        option["arena"] = draw(st.sampled_from(arenas))
        option["rung"] = draw(st.integers(0, 12))
        if draw(st.integers(0, 4)) == 0:
            option["deescalate"] = True
            option["rung"] = draw(st.integers(0, 4))
        if draw(st.integers(0, 3)) == 0:
            option["perceived"] = {
                draw(st.sampled_from(["west", "east"])): draw(st.integers(0, 12))
            }
        if draw(st.integers(0, 2)) == 0:
            option["escalates"] = "success"
    if draw(st.booleans()):
        option["once"] = True
    if draw(st.integers(0, 3)) == 0:
        option["cooldown"] = draw(st.integers(1, 3))
    option["cost"] = draw(st.sampled_from([0, 0.1, 0.5, 1.0]))
    option["success"] = draw(_prob().filter(lambda p: p > 0))
    with_effect = draw(st.booleans())
    if variables and with_effect:
        var = draw(st.sampled_from(variables))
        op = draw(st.sampled_from(["add", "set", "mul"]))
        value: Any = draw(st.sampled_from([0.5, -1, 2, "$u0"]))
        option["effects"] = [{"var": var, op: value}]
    condition = draw(
        st.sampled_from(
            ["true", "round >= 1", "round < 3", "rung('a0') >= 2", "last_move('a0', 'west') < 6"]
        )
    )
    if arenas and condition != "true":
        option["when"] = condition
    return option


@st.composite
def _policy(draw: st.DrawFn, actor: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    own = [o["id"] for o in options if o["actor"] == actor]
    kind = draw(st.sampled_from(_POLICIES))
    if kind == "rules":
        if not own:
            return {"kind": "hold"}
        return {
            "kind": "rules",
            "rules": [
                {
                    "if": draw(
                        st.sampled_from(["round >= 1", "true", "last_move('a0', 'east') >= 3"])
                    ),
                    "then": draw(st.sampled_from(own)),
                }
            ],
        }
    if kind == "plan":
        if not own:
            return {"kind": "hold"}
        return {
            "kind": "plan",
            "steps": [{"at": draw(st.integers(0, 3)), "option": draw(st.sampled_from(own))}],
        }
    if kind == "reactive":
        return {"kind": "reactive", "offset": draw(st.integers(-1, 2))}
    if kind == "quantal":
        return {"kind": "quantal", "lambda": draw(st.sampled_from([0.0, 1.0, 5.0]))}
    return {"kind": kind}


@st.composite
def scenario_data(draw: st.DrawFn, *, max_horizon: int = 6) -> dict[str, Any]:
    """Return a valid scenario as plain data (see module docstring)."""
    n_actors = draw(st.integers(2, 3))
    actors = [f"p{i}" for i in range(n_actors)]
    sides = ["west", "east"]
    actor_side = {a: sides[i % 2] for i, a in enumerate(actors)}
    arenas = [f"a{i}" for i in range(draw(st.integers(1, 2)))]
    variables = [f"v{i}" for i in range(draw(st.integers(0, 2)))]
    options = [draw(_option(i, actors, arenas, variables)) for i in range(draw(st.integers(1, 5)))]
    data: dict[str, Any] = {
        "schema_version": 2,
        "id": "generated",
        "title": "Generated scenario",
        "calendar": {
            "start": "2024-01-01",
            "step": "week",
            "horizon": draw(st.integers(1, max_horizon)),
        },
        "order": draw(st.sampled_from(["simultaneous", "sequential"])),
        "sides": [{"id": s} for s in sides],
        "actors": [_actor(draw, a, actor_side[a], (arenas, variables), options) for a in actors],
        "arenas": [
            {"id": arena, "ladder": "compact", "parties": sides, "initial": draw(st.integers(0, 6))}
            for arena in arenas
        ],
        "variables": [{"id": v, "initial": 0, "min": -5, "max": 5} for v in variables],
        "options": options,
        "uncertainties": [{"id": "u0", "dist": "uniform", "low": 0.0, "high": 1.0}],
        "accidents": {arena: _accident(draw) for arena in arenas},
        "events": _events(draw, variables, arenas),
        "strategies": [_side_policies(draw, "s0", "west", actor_side, options)],
        "mindsets": [_side_policies(draw, "m0", "east", actor_side, options)],
        "outcomes": _outcomes(arenas[0], variables),
        "terminal": _terminal(draw, arenas[0]),
    }
    known_to = _known_to(draw, data, actor_side)
    if known_to is not None:
        data["uncertainties"][0]["known_to"] = known_to
    return data


def _actor(
    draw: st.DrawFn,
    actor: str,
    side: str,
    names: tuple[list[str], list[str]],
    options: list[dict[str, Any]],
) -> dict[str, Any]:
    """One actor: utility over the variables and rungs (``names``: arenas, variables), a policy."""
    arenas, variables = names
    return {
        "id": actor,
        "name": actor.upper(),
        "side": side,
        "utility": {
            "per_round": {
                **{v: draw(st.sampled_from([-1.0, 0.5, 1.0])) for v in variables},
                **{f"rung.{arena}": draw(st.sampled_from([-0.2, 0.0, 0.1])) for arena in arenas},
            },
            "thresholds": {"armed_conflict": -2.0} if len(arenas) == 1 else {},
            "discount": draw(st.sampled_from([1.0, 0.95])),
        },
        "policy": draw(_policy(actor, options)),
        "moves": draw(st.sampled_from([1, 1, 2])),
    }


def _side_policies(
    draw: st.DrawFn,
    ident: str,
    side: str,
    actor_side: dict[str, str],
    options: list[dict[str, Any]],
) -> dict[str, Any]:
    """A strategy or mindset of ``side``: a policy for each of its actors."""
    policies = {a: draw(_policy(a, options)) for a, s in actor_side.items() if s == side}
    return {"id": ident, "side": side, "policies": policies}


def _outcomes(arena: str, variables: list[str]) -> list[dict[str, Any]]:
    """The outcomes: the top rung, a side's view of it, a last move and each variable's end."""
    return [
        {"id": "top", "expr": f"rung('{arena}')", "at": "max", "direction": "minimize"},
        {"id": "west_view", "expr": f"rung('{arena}', 'west')", "at": "end"},
        {"id": "east_last", "expr": f"last_move('{arena}', 'east')", "at": "max"},
    ] + [{"id": f"final_{v}", "expr": v, "at": "end"} for v in variables]


def _known_to(
    draw: st.DrawFn, data: dict[str, Any], actor_side: dict[str, str]
) -> list[str] | None:
    """A valid ``known_to`` for ``u0`` (or None): every actor whose decisions read it is listed.

    ``$u0`` appears only in option effects, which are a decision input of a
    ``quantal`` actor (``docs/scenario-format.md``, private knowledge).
    """
    if not draw(st.booleans()):
        return None
    policies = [a["policy"] for a in data["actors"]]
    for bundle in data["strategies"] + data["mindsets"]:
        policies += [{**p, "actor": actor} for actor, p in bundle["policies"].items()]
    quantal = {a["id"] for a in data["actors"] if a["policy"]["kind"] == "quantal"}
    quantal |= {p["actor"] for p in policies if p.get("actor") and p["kind"] == "quantal"}
    readers = {
        o["actor"]
        for o in data["options"]
        if o["actor"] in quantal and any("$u0" in str(e) for e in o.get("effects", []))
    }
    extra = draw(st.sampled_from([[], ["west"], ["east"], ["p0"]]))
    return sorted({actor_side[a] for a in readers} | set(extra))


def _accident(draw: st.DrawFn) -> dict[str, Any]:
    accident: dict[str, Any] = {
        "up": draw(_prob().filter(lambda p: p <= 0.5)),
        "down": draw(_prob().filter(lambda p: p <= 0.5)),
    }
    if draw(st.integers(0, 2)) == 0:
        accident["jump"] = {"sizes": [1, 2, 3], "weights": [0.6, 0.3, 0.1]}
        accident["revert"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
    return accident


def _terminal(draw: st.DrawFn, arena: str) -> list[Any]:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return []
    if choice == 1:
        return [f"rung('{arena}') >= 9"]
    return [
        {
            "when": f"rung('{arena}') >= {draw(st.integers(7, 10))}",
            "utility": {"p0": draw(st.sampled_from([-5.0, 1.0]))},
            "absorbing": choice == 2,
        }
    ]


def _events(draw: st.DrawFn, variables: list[str], arenas: list[str]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    if draw(st.booleans()):
        side = draw(st.sampled_from([None, "west", "east"]))
        move: dict[str, Any] = {"rung": arenas[0], "add": draw(st.sampled_from([-2, 1, 3]))}
        if side is not None:
            move["side"] = side
        events.append({"id": "jolt", "prob": draw(_prob()), "effects": [move]})
    if not variables:
        return events
    var = variables[0]
    if draw(st.booleans()):
        events.append({"id": "shock", "prob": draw(_prob()), "effects": [{"var": var, "add": -1}]})
    if draw(st.booleans()):
        p = draw(st.sampled_from([0.0, 0.3, 0.5, 1.0]))
        events.append(
            {
                "id": "vote",
                "at": "2024-01-08",
                "branches": [
                    {
                        "id": "yes",
                        "prob": p,
                        "effects": [{"var": var, "set": 1}, {"rung": "a0", "to": 5}],
                    },
                    {"id": "no", "prob": round(1 - p, 10), "effects": [{"var": var, "set": -1}]},
                ],
            }
        )
    return events


def scenario_texts(*, max_horizon: int = 6) -> st.SearchStrategy[str]:
    """Valid scenarios as YAML text (JSON is valid YAML)."""
    return scenario_data(max_horizon=max_horizon).map(lambda d: json.dumps(d, indent=1))

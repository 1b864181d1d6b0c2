"""One registry per policy kind: factory, deterministic flag, lookahead, scalar decision.

The game builder and ``escalade.testing`` read it instead of keeping their own
lists of kinds.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import escalade.engine.equilibrium  # registers 'equilibrium'
import escalade.engine.reference  # noqa: F401 - attaches the scalar decisions
from escalade._types import IntArray
from escalade.engine import policies
from escalade.engine.game_builder import deterministic_kinds
from escalade.engine.policies import (
    DecisionContext,
    RulesPolicy,
    kind_info,
    kinds,
    register,
)
from escalade.scenario.schema import POLICY_CLASSES
from escalade.testing.strategies import _POLICIES


class _Fixed:
    deterministic = True

    def decide(self, ctx: DecisionContext) -> IntArray:
        return np.full(ctx.state.n, -1, dtype=np.int64)


@pytest.fixture
def restore() -> Iterator[None]:
    saved = kinds()
    yield
    policies._REGISTRY.clear()
    policies._REGISTRY.update(saved)


def test_every_schema_kind_is_registered_with_its_flags() -> None:
    registry = kinds()
    assert set(POLICY_CLASSES) <= set(registry)
    flags = {k: (registry[k].deterministic, registry[k].lookahead) for k in POLICY_CLASSES}
    assert flags["quantal"] == (False, False)
    assert flags["best_response"] == (True, True)
    assert flags["equilibrium"] == (True, True)
    assert flags["rules"] == (True, False)
    # The reference interpreter has a scalar version of every built-in kind but 'equilibrium'.
    assert {k for k in POLICY_CLASSES if registry[k].scalar is None} == {"equilibrium"}


def test_game_builder_and_testing_read_the_registry() -> None:
    assert deterministic_kinds() == {
        "hold",
        "plan",
        "rules",
        "reactive",
        "tit_for_tat",
        "graduated",
        "dominance",
        "deescalate",
    }
    assert set(_POLICIES) == deterministic_kinds() | {"quantal"}


@pytest.mark.usefixtures("restore")
def test_a_registered_kind_is_seen_everywhere() -> None:
    register("fixed", lambda _spec, _actor, _compiled: _Fixed(), deterministic=True)
    assert "fixed" in deterministic_kinds()
    info = kind_info("fixed")
    assert info is not None and info.scalar is None  # the reference calls it with n = 1
    register("undeclared", lambda _spec, _actor, _compiled: _Fixed())
    assert "undeclared" not in deterministic_kinds()  # a lambda declares nothing: not trusted
    register("fixed_class", _Fixed)  # type: ignore[arg-type]
    assert "fixed_class" in deterministic_kinds()  # the class's own flag


@pytest.mark.usefixtures("restore")
def test_replacing_a_factory_drops_the_scalar_decision() -> None:
    before = kind_info("rules")
    assert before is not None and before.scalar is not None
    register("rules", RulesPolicy)  # the same factory keeps it
    again = kind_info("rules")
    assert again is not None and again.scalar is before.scalar
    register("rules", lambda _spec, _actor, _compiled: _Fixed(), deterministic=True)
    replaced = kind_info("rules")
    assert replaced is not None and replaced.scalar is None

"""Differential test: the degenerate bimatrix solver's vertex enumeration against its LP.

Small games with payoffs in {0, 1, 2} are almost always degenerate (ties), so
every pair of supports is tried; both ways of solving a support pair's
programs (vertex enumeration of the polytope, SciPy's HiGHS LP) must find the
same supports with the same set dimensions, and every point reported must be
an equilibrium with exactly its supports.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from escalade.solvers.bimatrix import equilibria, same_support_equilibrium

tie_games = st.tuples(st.integers(1, 4), st.integers(1, 3)).flatmap(
    lambda shape: st.tuples(
        arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0, 2.0])),
        arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0, 2.0])),
    )
)


def _key(found):
    return sorted(
        (tuple(np.flatnonzero(e.row > 0)), tuple(np.flatnonzero(e.col > 0)), e.dimension)
        for e in found.found
    )


@settings(max_examples=60, deadline=None)
@given(tie_games)
def test_vertex_enumeration_equals_lp(game):
    a, b = game
    vertex = equilibria(a, b)
    lp = equilibria(a, b, method="lp")
    assert vertex.degenerate == lp.degenerate
    assert _key(vertex) == _key(lp)
    assert vertex.found  # every finite game has an equilibrium (Nash 1951)
    for e in vertex.found:
        assert np.isclose(e.row.sum(), 1.0) and np.isclose(e.col.sum(), 1.0)
        assert (a @ e.col).max() <= e.row @ a @ e.col + 1e-9
        assert (e.row @ b).max() <= e.row @ b @ e.col + 1e-9
        assert same_support_equilibrium(a, b, e.row, e.col)


def test_continuum_point_is_interior() -> None:
    # Selten's entry game: the continuum (out, fight with probability >= 2/3) is reported by
    # the centroid of its vertices (2/3 and 1), strictly inside the set.
    a = np.array([[0.0, 0.0], [2.0, -1.0]])
    b = np.array([[0.0, 0.0], [-2.0, -3.0]])
    found = equilibria(a, b)
    mixed = [e for e in found.found if e.dimension == 1]
    assert len(mixed) == 1
    assert np.allclose(mixed[0].row, [1.0, 0.0])
    assert np.isclose(mixed[0].col[1], 5 / 6)

"""Golden solver output for the DESIGN example: the SPE path and payoffs of its game."""

from __future__ import annotations

from escalade.engine.game_builder import build_game
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario
from escalade.solvers import backward_induction


def test_kursk_mini_spe(golden):
    compiled = compile_scenario(load_scenario("kursk-mini"))
    lines = []
    for horizon in (1, 2, 3):
        game = build_game(compiled, horizon=horizon, strategy="graduated")
        result = backward_induction.solve(game)
        payoffs = ", ".join(
            f"{p}={v:.10g}" for p, v in zip(game.players, result.payoffs[0], strict=True)
        )
        lines.append(f"horizon {horizon}: {game.n_nodes} nodes; payoffs {payoffs}")
        assert result.path is not None
        for node in result.path.tolist()[1:]:
            parent = int(game.parent[node])
            if game.player[parent] >= 0:
                lines.append(f"  {game.action_label(node)}")
    golden("solvers/kursk-mini.txt", "\n".join(lines) + "\n")

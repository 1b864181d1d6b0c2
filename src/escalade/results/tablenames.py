"""The names of the tables a result set holds, one constant each.

Producers (:mod:`escalade.analysis`, :mod:`escalade.workflows`) write their
tables under these names and readers (reports, the CLI, the dashboard) fetch
them by the same constants, so a misspelt name fails at import instead of
reading an empty table (:meth:`ResultSet.get
<escalade.results.resultset.ResultSet.get>` answers an empty frame for a
missing table). The engine sits below this layer and spells the names of
:meth:`SimulationResult.tables <escalade.engine.summary.SimulationResult.tables>`
itself; :data:`ENGINE_TABLES` lists them and a test keeps the two equal.
"""

from __future__ import annotations

from typing import Final

# -- one simulated cell (engine.summary.SimulationResult.tables) --------------------------------
OUTCOMES: Final = "outcomes"
THRESHOLDS: Final = "thresholds"
THRESHOLDS_BY_ROUND: Final = "thresholds_by_round"
THRESHOLDS_BY_SIDE: Final = "thresholds_by_side"
OPTIONS: Final = "options"
UTILITIES: Final = "utilities"
SIDES: Final = "sides"
UTILITY_TERMS: Final = "utility_terms"
RUNGS_BY_ROUND: Final = "rungs_by_round"
RUNGS_BY_SIDE: Final = "rungs_by_side"
EVENTS: Final = "events"
ACCIDENTS: Final = "accidents"
TRACES: Final = "traces"

# -- a run (analysis.run.run_tables and the brief's tables) ---------------------------------------
CELLS: Final = "cells"
COMPARISON: Final = "comparison"
LADDER_RUNGS: Final = "ladder_rungs"
LADDER_THRESHOLDS: Final = "ladder_thresholds"
LADDER_OPTIONS: Final = "ladder_options"
SCENARIO: Final = "scenario"
ASSUMPTIONS: Final = "assumptions"
SOURCES: Final = "sources"
CITATIONS: Final = "citations"
SIDE_WEIGHTS: Final = "side_weights"
RISK: Final = "risk"
PROVENANCE: Final = "provenance"
EXPLAIN_BY_TERM: Final = "explain_by_term"
EXPLAIN_BY_ACTOR: Final = "explain_by_actor"
EXPLAIN_TOTAL: Final = "explain_total"
ROBUSTNESS: Final = "robustness"
ROBUST_MINDSET: Final = "robust_mindset"
FLIP_BOX: Final = "flip_box"
OAT: Final = "oat"

# -- an exploration (workflows.explore) -----------------------------------------------------------
EXPERIMENTS: Final = "experiments"
REGRET_BY_MINDSET: Final = "regret_by_mindset"
SENSITIVITY: Final = "sensitivity"
PRIM_BOXES: Final = "prim_boxes"
PRIM_TRAJECTORY: Final = "prim_trajectory"
DISCOVER: Final = "discover"
CART_WHEN_BEATS: Final = "cart_when_beats"
WHEN_BEATS: Final = "when_beats"
WARNINGS: Final = "warnings"

# -- a meta-game (analysis.metagame_tables) -------------------------------------------------------
PAYOFFS: Final = "payoffs"
EQUILIBRIA: Final = "equilibria"
EQUILIBRIUM_MIXES: Final = "equilibrium_mixes"
ALPHA_RANK: Final = "alpha_rank"
ALPHA_RANK_CELLS: Final = "alpha_rank_cells"
STACKELBERG: Final = "stackelberg"
STACKELBERG_RESPONSES: Final = "stackelberg_responses"

# -- a replay (analysis.replay_tables) ------------------------------------------------------------
POSTERIOR: Final = "posterior"
OBSERVATIONS: Final = "observations"
SCORES: Final = "scores"
RELIABILITY: Final = "reliability"
UNCERTAINTIES: Final = "uncertainties"
ESS: Final = "ess"

ENGINE_TABLES: Final = (
    OUTCOMES,
    THRESHOLDS,
    THRESHOLDS_BY_ROUND,
    THRESHOLDS_BY_SIDE,
    OPTIONS,
    UTILITIES,
    SIDES,
    UTILITY_TERMS,
    RUNGS_BY_ROUND,
    RUNGS_BY_SIDE,
    EVENTS,
    ACCIDENTS,
    TRACES,
)
"""The tables of one simulated cell, in the order the engine returns them."""

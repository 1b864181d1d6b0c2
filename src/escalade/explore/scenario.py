"""A scenario as a batch model: uncertainties are X, strategy and mindset are levers.

Each experiment fixes every uncertainty of the scenario to the design's value
(the ones not varied stay at their nominal value), simulates ``trajectories``
trajectories under one strategy and one mindset, and reports per experiment
the mean of every outcome, each side's mean utility (``utility_<side>``) and
the probability of crossing each threshold (``p_<threshold>``).

>>> from escalade.scenario import load_scenario
>>> model = ScenarioModel(load_scenario("kursk-mini"), trajectories=8)
>>> [p.name for p in model.uncertainties], [lever.name for lever in model.levers]
(['strike_effect'], ['strategy', 'mindset'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from escalade.engine.batch import row_columns, side_column, simulate_rows, threshold_column
from escalade.errors import UsageError, closest_id_hint, separate_ids_hint
from escalade.explore.model import OutcomeKind, ScalarOutcome
from escalade.explore.parameters import (
    CategoricalParameter,
    Parameter,
    RealParameter,
)
from escalade.scenario import Scenario, loads_scenario
from escalade.scenario.compiled import CompiledScenario, compiled_from_text

__all__ = ["DEFAULT_LEVER", "ScenarioModel"]

DEFAULT_LEVER = "default"
"""The lever value meaning: no strategy (or mindset) of the scenario, the file's policies."""


def _direction(text: str) -> OutcomeKind:
    return "maximize" if text == "maximize" else "minimize" if text == "minimize" else "info"


def _uncertainty_parameter(compiled: CompiledScenario, index: int) -> Parameter:
    u = compiled.uncertainties[index]
    if u.spec.dist == "choice":
        assert u.spec.values is not None
        return CategoricalParameter(u.id, tuple(float(v) for v in u.spec.values))
    low, high = u.bounds
    return RealParameter(u.id, low, high)


@dataclass(frozen=True, eq=False)
class ScenarioModel:
    """The batch model of a scenario (see module docstring).

    Parameters
    ----------
    scenario : Scenario
        The loaded scenario.
    trajectories : int
        Trajectories per experiment (their mean is the experiment's outcome).
    vary : sequence of Parameter
        Ranges replacing the scenario's own for some uncertainties.
    strategies, mindsets : sequence of str, optional
        The lever values (default: all the scenario declares, or ``default``).
    common_seed : int, optional
        With a seed, trajectory ``k`` of every experiment reads the random numbers of
        trajectory ``k`` under that seed, whatever its design point, chunk or policy
        (common random numbers across the whole design): two experiments differ only
        where their uncertainties make them differ, so sensitivity indices and regrets
        measure the uncertainties, not the simulation noise. Without one, each block of
        experiments draws its own seed from the sweep's generator.
    """

    scenario: Scenario
    trajectories: int = 64
    vary: tuple[Parameter, ...] = ()
    strategies: tuple[str, ...] = ()
    mindsets: tuple[str, ...] = ()
    name: str = field(default="")
    common_seed: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.trajectories, bool) or not 1 <= int(self.trajectories) <= 100_000:
            raise UsageError(
                f"trajectories: expected 1 to 100,000 per experiment, found {self.trajectories!r}"
            )
        known = {u.id for u in self.scenario.spec.uncertainties}
        for p in self.vary:
            if p.name not in known:
                raise UsageError(
                    f"vary {p.name}: expected an uncertainty of {self.scenario.id} "
                    f"({', '.join(sorted(known)) or 'none'}), found {p.name!r}"
                    + closest_id_hint([p.name], sorted(known)),
                    parameter="vary",
                )
        object.__setattr__(self, "vary", tuple(self.vary))
        object.__setattr__(self, "strategies", self._pick(self.strategies, "strategies"))
        object.__setattr__(self, "mindsets", self._pick(self.mindsets, "mindsets"))
        object.__setattr__(self, "name", self.name or self.scenario.id)

    def _pick(self, chosen: Sequence[str], kind: str) -> tuple[str, ...]:
        items = self.scenario.strategies if kind == "strategies" else self.scenario.mindsets
        known = [s.id for s in items]
        if not chosen:
            return tuple(known) or (DEFAULT_LEVER,)
        # A scenario without strategies (or mindsets) has the one lever value 'default';
        # a model rebuilt in a worker process passes it back here.
        unknown = [c for c in chosen if c not in (known or [DEFAULT_LEVER])]
        if unknown:
            listed = ", ".join(known) or "none"
            raise UsageError(
                f"{kind}: expected ids among {listed}, found {', '.join(unknown)}"
                f"{separate_ids_hint(kind, chosen, known) or closest_id_hint(unknown, known)}",
                parameter=kind,
            )
        return tuple(chosen)

    @property
    def compiled(self) -> CompiledScenario:
        """The compiled scenario (compiled once per process)."""
        scenario = self.scenario
        base = str(scenario.base_dir) if scenario.base_dir else None
        return compiled_from_text(scenario.text, str(scenario.file), base)

    @cached_property
    def uncertainties(self) -> tuple[Parameter, ...]:
        """One parameter per uncertainty: its support, or the ``vary`` range."""
        override = {p.name: p for p in self.vary}
        compiled = self.compiled
        return tuple(
            override.get(u.id) or _uncertainty_parameter(compiled, u.index)
            for u in compiled.uncertainties
        )

    @property
    def levers(self) -> tuple[CategoricalParameter, ...]:
        """``strategy`` and ``mindset``."""
        return (
            CategoricalParameter("strategy", self.strategies),
            CategoricalParameter("mindset", self.mindsets),
        )

    @property
    def outcomes(self) -> tuple[ScalarOutcome, ...]:
        """Outcomes, side utilities (maximise) and threshold probabilities (minimise)."""
        compiled = self.compiled
        out = [ScalarOutcome(o.id, _direction(o.direction)) for o in compiled.outcomes]
        out += [ScalarOutcome(side_column(s), "maximize") for s in compiled.sides]
        out += [ScalarOutcome(threshold_column(k), "minimize") for _, k, _ in compiled.thresholds]
        return tuple(out)

    def run(
        self, params: Mapping[str, npt.NDArray[np.generic]], rng: np.random.Generator, n: int
    ) -> dict[str, npt.NDArray[np.float64]]:
        """Simulate each experiment (one policy per call, as the experiment plan sends them)."""
        compiled = self.compiled
        values = (
            np.column_stack([np.asarray(params[u.id], dtype=float) for u in compiled.uncertainties])
            if compiled.uncertainties
            else np.zeros((n, 0))
        )
        out = {name: np.empty(n) for name in row_columns(compiled)}
        cells = np.stack([np.asarray(params["strategy"]), np.asarray(params["mindset"])], axis=1)
        seed = int(rng.integers(0, 2**63 - 1)) if self.common_seed is None else self.common_seed
        for strategy, mindset in {tuple(row) for row in cells.tolist()}:
            rows = (cells[:, 0] == strategy) & (cells[:, 1] == mindset)
            specs, declared = compiled.cell(
                strategy if strategy != DEFAULT_LEVER else None,
                mindset if mindset != DEFAULT_LEVER else None,
            )
            result = simulate_rows(
                compiled,
                specs,
                values[rows],
                trajectories=self.trajectories,
                seed=seed,
                declared=declared,
                common=self.common_seed is not None,
            )
            for name, column in result.items():
                out[name][rows] = column
        return out

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickle as text (workers recompile)."""
        return (
            _rebuild,
            (
                self.scenario.text,
                self.scenario.file,
                self.trajectories,
                self.vary,
                self.strategies,
                self.mindsets,
                self.common_seed,
            ),
        )


def _rebuild(  # noqa: PLR0917 - the pickle protocol passes arguments by position
    text: str,
    file: str,
    trajectories: int,
    vary: tuple[Parameter, ...],
    strategies: tuple[str, ...],
    mindsets: tuple[str, ...],
    common_seed: int | None = None,
) -> ScenarioModel:
    return ScenarioModel(
        loads_scenario(text, file=file),
        trajectories,
        vary,
        strategies,
        mindsets,
        common_seed=common_seed,
    )

"""One compiled scenario per process: in-process chunks never parse or compile the text again."""

from __future__ import annotations

import pytest

import escalade.scenario.compiled as compiled_module
from escalade.engine import simulate
from escalade.errors import UsageError
from escalade.explore.scenario import ScenarioModel
from escalade.scenario import load_scenario
from escalade.scenario.compiled import compile_scenario, compiled_from_text, remember


def test_in_process_chunks_reuse_the_compiled_scenario(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = compile_scenario(load_scenario("kursk-mini"))
    calls: list[str] = []
    monkeypatch.setattr(compiled_module, "loads_scenario", lambda *a, **k: calls.append("parse"))
    strategy = compiled.scenario.strategies[0].id
    result = simulate(compiled, strategy=strategy, n=3000, seed=1, chunk_size=1024)
    assert result.n == 3000 and calls == []


def test_text_compiles_once_and_models_share_the_cache() -> None:
    scenario = load_scenario("kursk-mini")
    base = str(scenario.base_dir) if scenario.base_dir else None
    first = compiled_from_text(scenario.text, str(scenario.file), base)
    assert compiled_from_text(scenario.text, str(scenario.file), base) is first
    assert ScenarioModel(scenario).compiled is first
    other = compile_scenario(load_scenario("dprk-troops-2024"))
    assert remember(other) is other  # the cache holds one scenario: the newest
    assert ScenarioModel(other.scenario).compiled is other


def test_nominal_uncertainties_with_some_fixed() -> None:
    compiled = compile_scenario(load_scenario("dprk-troops-2024"))
    ids = [u.id for u in compiled.uncertainties]
    base = compiled.nominal_uncertainties()
    fixed = compiled.nominal_uncertainties(rus_redline=16, stockpile=60)
    changed = {ids[i] for i in range(len(ids)) if base[i] != fixed[i]}
    assert changed <= {"rus_redline", "stockpile"} and fixed[ids.index("rus_redline")] == 16
    with pytest.raises(UsageError, match="expected an uncertainty among"):
        compiled.nominal_uncertainties(nope=1)

"""Exploratory modelling: designs, experiments, robustness, discovery and sensitivity.

The vocabulary is EMA Workbench's (XLRM): uncertainties (X), levers (L),
the relation or model (R) and outcomes (M). A typical session::

    from escalade.engine.executors import ProcessExecutor
    from escalade.explore import sample, run_experiments, sobol_indices
    from escalade.explore.examples import ishigami_model

    model = ishigami_model()
    design = sample(model.uncertainties, design="sobol", n=1024, seed=1, sensitivity=True)
    with ProcessExecutor() as ex:
        result = run_experiments(model, design, seed=2, executor=ex)
    print(sobol_indices(result, design).to_json())
"""

from escalade.explore.cart import CartBox, cart_boxes
from escalade.explore.designs import Design, DesignKind, design_from_frame, sample
from escalade.explore.ema import load_ema, load_parquet, save_ema, save_parquet, to_ema
from escalade.explore.experiments import (
    ExperimentPlan,
    ExploreResult,
    LeverSet,
    plan_experiments,
    run_experiments,
)
from escalade.explore.model import BatchModel, FunctionModel, ScalarOutcome
from escalade.explore.parameters import (
    CategoricalParameter,
    IntegerParameter,
    Parameter,
    RealParameter,
    parse_varies,
    parse_vary,
)
from escalade.explore.prim import Prim, PrimBox
from escalade.explore.robustness import (
    maximin,
    minimax_regret,
    payoff_table,
    regret,
    regret_long,
    robustness_table,
    satisficing,
    satisficing_joint,
)
from escalade.explore.sensitivity import SobolIndices, morris_indices, sobol_indices

__all__ = [
    "BatchModel",
    "CartBox",
    "CategoricalParameter",
    "Design",
    "DesignKind",
    "ExperimentPlan",
    "ExploreResult",
    "FunctionModel",
    "IntegerParameter",
    "LeverSet",
    "Parameter",
    "Prim",
    "PrimBox",
    "RealParameter",
    "ScalarOutcome",
    "SobolIndices",
    "cart_boxes",
    "design_from_frame",
    "load_ema",
    "load_parquet",
    "maximin",
    "minimax_regret",
    "morris_indices",
    "parse_varies",
    "parse_vary",
    "payoff_table",
    "plan_experiments",
    "regret",
    "regret_long",
    "robustness_table",
    "run_experiments",
    "sample",
    "satisficing",
    "satisficing_joint",
    "save_ema",
    "save_parquet",
    "sobol_indices",
    "to_ema",
]

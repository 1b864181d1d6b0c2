"""Request and response bodies of the JSON API (they make the OpenAPI document)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ERRORS",
    "JobView",
    "Problem",
    "RunRequest",
    "RunStarted",
    "RunsView",
    "ScenarioDetail",
    "ScenarioId",
    "ScenarioSummary",
    "StoredRun",
    "Uploaded",
    "Validation",
]

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
ScenarioId = Annotated[str, Path(description="A listed scenario's id", examples=["kursk-mini"])]


class RunRequest(BaseModel):
    """Body of ``POST /api/runs``."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"scenario": "kursk-mini", "n": 10, "seed": 1}]}
    )

    scenario: str = Field(min_length=1, max_length=200)
    n: int = Field(default=1000, ge=1)
    seed: int = Field(default=2024, ge=0, lt=2**63)
    strategies: list[str] = Field(default_factory=list, max_length=50)
    mindsets: list[str] = Field(default_factory=list, max_length=50)
    overrides: dict[str, FiniteFloat] = Field(default_factory=dict, max_length=200)
    sweep: int = Field(default=200, ge=0, le=2000)


class Problem(BaseModel):
    """Every 4xx answer: ``detail`` says what was expected and what was found.

    ``detail`` is a list only for FastAPI's own request validation; ``issues`` holds
    the located messages of an invalid scenario, one per line of ``detail``.
    """

    detail: str | list[dict[str, Any]]
    issues: list[str] | None = None


def _problem(description: str) -> dict[str, Any]:
    # Spelled out rather than ``model=``: pages answer errors in JSON too, and FastAPI
    # would document a model under the route's own media type (text/html).
    schema = Problem.model_json_schema()
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS: dict[int | str, dict[str, Any]] = {
    400: _problem("The request body cannot be parsed (e.g. not UTF-8)"),
    403: _problem("A limit that waiting does not lift"),
    404: _problem("No such scenario, job or stored run"),
    409: _problem("The scenario id is already listed"),
    413: _problem("The request body is larger than the limit"),
    422: _problem("The request or the scenario is invalid"),
    429: _problem("Too many runs going or waiting"),
    503: _problem("The results store is busy or damaged; retry later"),
}
"""The error answers, for ``responses=`` of routes (pick the ones a route can give)."""


class ScenarioSummary(BaseModel):
    """One entry of ``GET /api/scenarios``."""

    id: str
    title: str
    origin: Literal["catalog", "file", "upload"]
    strategies: list[str]
    mindsets: list[str]


class ScenarioDetail(BaseModel):
    """``GET /api/scenarios/{sid}``."""

    id: str
    title: str
    hash: str
    actors: list[str]
    arenas: list[str]
    strategies: list[str]
    mindsets: list[str]
    uncertainties: list[dict[str, Any]]


class Validation(BaseModel):
    """A valid scenario text: its id, content hash and warnings (as ``escalade validate``).

    ``taken`` is set when a scenario is already listed under that id (saving would answer 409).
    """

    valid: Literal[True] = True
    id: str
    hash: str
    warnings: list[str] = Field(default_factory=list)
    taken: str | None = Field(
        default=None,
        description="from /api/scenarios/validate: why the id cannot be saved (it is listed)",
    )


class Uploaded(Validation):
    """An uploaded scenario, now listed; ``url`` is its page."""

    url: str


class RunStarted(BaseModel):
    """``POST /api/runs``: the job id to poll."""

    id: str


class JobView(BaseModel):
    """``GET /api/runs/{jid}``: a job's state; ``run_id`` is set once it is stored.

    A job that finished but could not be stored is ``done`` with ``run_id`` None and a
    ``warning``; its results are at ``/jobs/{jid}/results`` until they are merged.
    """

    id: str
    scenario: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float = Field(ge=0, le=1)
    run_id: str | None
    error: str | None
    warning: str | None = None
    results: dict[str, Any] | None


class StoredRun(BaseModel):
    """A run in the results store (as ``escalade runs list`` shows it); numbers are numbers."""

    id: str
    kind: str
    status: str
    created: str | None
    scenario_id: str | None
    scenario_hash: str | None
    n: int | None = Field(
        description="trajectories per cell (particles per cell for a replay, design points "
        "for an explore)"
    )
    seed: int | None


class RunsView(BaseModel):
    """``GET /api/runs``: the jobs of this server and the runs in the store."""

    jobs: list[JobView]
    stored: list[StoredRun]


def finite_or_none(value: Any) -> Any:
    """``None`` for a float NaN or infinity (JSON has neither), else the value."""
    return None if isinstance(value, float) and not math.isfinite(value) else value

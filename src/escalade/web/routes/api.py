"""The JSON API: scenarios (list, detail, validate, upload) and runs (start, poll, list)."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Body, Response

from escalade.scenario import Scenario
from escalade.web.dashboard import Board, summary_of
from escalade.web.models import (
    ERRORS,
    JobView,
    RunRequest,
    RunStarted,
    RunsView,
    ScenarioDetail,
    ScenarioId,
    ScenarioSummary,
    Uploaded,
    Validation,
)
from escalade.web.registry import validate_text

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"], responses={413: ERRORS[413]})

YamlText = Annotated[str, Body(media_type="text/plain", description="A scenario's YAML text")]


def _validation(scenario: Scenario) -> Validation:
    warnings = [w.render() for w in scenario.warnings]
    return Validation(id=scenario.id, hash=scenario.content_hash, warnings=warnings)


@router.get("/scenarios")
def list_scenarios(board: Board) -> list[ScenarioSummary]:
    """Every listed scenario: catalog, files, folders and uploads."""
    origins = board.scenarios.origins()
    return [
        ScenarioSummary(**summary_of(board.scenarios.get(sid)), origin=origins[sid])
        for sid in board.scenarios.ids()
    ]


@router.get("/scenarios/{sid}", responses={404: ERRORS[404], 422: ERRORS[422]})
def get_scenario(sid: ScenarioId, board: Board) -> ScenarioDetail:
    """What a scenario contains: actors, arenas, strategies, mindsets, uncertainties."""
    s = board.scenarios.get(sid)
    return ScenarioDetail(
        id=s.id,
        title=s.title,
        hash=s.content_hash,
        actors=[a.id for a in s.spec.actors],
        arenas=[a.id for a in s.spec.arenas],
        strategies=[x.id for x in s.strategies],
        mindsets=[x.id for x in s.mindsets],
        uncertainties=[u.model_dump(mode="json", exclude_none=True) for u in s.spec.uncertainties],
    )


@router.post("/scenarios/validate", responses={400: ERRORS[400], 422: ERRORS[422]})
def validate_scenario(text: YamlText, board: Board) -> Validation:
    """Check YAML text; 422 with the messages of ``escalade validate upload.yaml``.

    A valid text whose id is already listed says so in ``taken`` (saving it would answer 409).
    """
    scenario = validate_text(text)
    return _validation(scenario).model_copy(update={"taken": board.scenarios.taken(scenario.id)})


@router.post(
    "/scenarios",
    status_code=201,
    responses={400: ERRORS[400], 403: ERRORS[403], 409: ERRORS[409], 422: ERRORS[422]},
)
def upload_scenario(text: YamlText, board: Board, response: Response) -> Uploaded:
    """Validate YAML text as ``/api/scenarios/validate`` does, then list it (409 if its id is)."""
    scenario = board.scenarios.add_upload(text)
    response.headers["Location"] = f"/api/scenarios/{scenario.id}"
    return Uploaded(**_validation(scenario).model_dump(), url=f"/scenarios/{scenario.id}")


@router.post(
    "/runs",
    status_code=202,
    responses={400: ERRORS[400], 404: ERRORS[404], 422: ERRORS[422], 429: ERRORS[429]},
)
def start_run(req: RunRequest, board: Board) -> RunStarted:
    """Queue a run; poll ``/api/runs/{id}`` for its progress."""
    return RunStarted(id=board.start(req).id)


@router.get("/runs", responses={503: ERRORS[503]})
def list_runs(board: Board) -> RunsView:
    """The jobs of this server and the runs in the store."""
    # missing values (a run without a scenario, n or seed) as null; numbers as numbers
    runs = board.stored_runs()
    stored = [
        {k: None if pd.isna(v) else v for k, v in row.items()}
        for row in runs.astype(object).to_dict(orient="records")
    ]
    with board.jobs.lock:
        jobs = [j.to_dict() for j in board.jobs.jobs.values()]
    return RunsView.model_validate({"jobs": jobs, "stored": stored})


@router.get("/runs/{jid}", responses={404: ERRORS[404]})
def get_run(jid: str, board: Board) -> JobView:
    """A job's status, progress, stored run id, error and summary."""
    return JobView(**board.job(jid).to_dict())

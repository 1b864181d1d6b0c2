"""HTML pages: scenario list and upload form, scenario pages with a run form, jobs, results."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from escalade.errors import EscaladeError, UsageError
from escalade.report.explore_report import explore_report
from escalade.report.game_report import game_report
from escalade.report.html import render_html
from escalade.report.replay_report import replay_report
from escalade.report.run_report import run_report
from escalade.report.scenario_report import scenario_report
from escalade.results import ResultSet
from escalade.scenario.distributions import allowed_values
from escalade.scenario.yamlio import decode
from escalade.web.dashboard import Board, Dashboard
from escalade.web.models import ERRORS, RunRequest, ScenarioId
from escalade.web.problems import NotFound, WebError
from escalade.web.registry import UPLOAD_NAME
from escalade.web.templating import inject, page, render

__all__ = ["router"]

router = APIRouter(tags=["pages"], default_response_class=HTMLResponse)

PLOTLY_TAG = "<script src='/static/plotly.js'></script>"
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: ERRORS[404], 413: ERRORS[413]}


def _index(board: Dashboard, status_code: int = 200, **upload: str) -> HTMLResponse:
    return page(
        "index.html",
        status_code,
        title="Scenarios",
        ids=board.scenarios.ids(),
        titles=board.scenarios.titles(),
        origins=board.scenarios.origins(),
        upload_error=upload.get("error", ""),
        upload_text=upload.get("text", ""),
    )


@router.get("/", responses={413: ERRORS[413]})
def index(board: Board) -> HTMLResponse:
    """The scenario list, with the upload form."""
    return _index(board)


_HTML: dict[str, Any] = {"text/html": {}}
_UPLOAD_ANSWERS: dict[int | str, dict[str, Any]] = {
    400: ERRORS[400],
    403: {"description": "Too many uploads: the list page with the message", "content": _HTML},
    409: {"description": "The id is listed: the list page with the message", "content": _HTML},
    413: ERRORS[413],
    422: {
        "description": "Invalid: the list page with the messages (JSON for a malformed form)",
        "content": {**_HTML, **ERRORS[422]["content"]},
    },
}


@router.post(
    "/scenarios", status_code=303, response_class=RedirectResponse, responses=_UPLOAD_ANSWERS
)
async def upload_form(
    board: Board,
    file: Annotated[UploadFile | None, File(description="a YAML scenario file")] = None,
    text: Annotated[str, Form(description="or its YAML text")] = "",
) -> Any:
    """Upload a scenario from the list page; back to the list with the messages if invalid."""
    try:
        if file is not None and file.filename:
            raw = await file.read(board.settings.max_body + 1)
            if len(raw) > board.settings.max_body:
                raise UsageError(f"file: expected at most {board.settings.max_body} bytes")
            text = decode(raw, UPLOAD_NAME)
        scenario = await run_in_threadpool(board.scenarios.add_upload, text)
    except EscaladeError as exc:
        status = exc.status if isinstance(exc, WebError) else 422
        return _index(board, status, error=str(exc), text=text)
    return RedirectResponse(f"/scenarios/{scenario.id}", status_code=303)


@router.get("/editor", responses=_NOT_FOUND)
def editor_page(
    board: Board, source: Annotated[str | None, Query(alias="from", max_length=200)] = None
) -> HTMLResponse:
    """A scenario editor: YAML checked as it is typed (``/api/scenarios/validate``), then saved.

    ``?from=ID`` starts from a listed scenario's text.
    """
    text = board.scenarios.get(source).text if source is not None else ""
    return page("editor.html", title="Scenario editor", text=text)


@router.get("/scenarios/{sid}", responses={**_NOT_FOUND, 422: ERRORS[422]})
def scenario_page(sid: ScenarioId, board: Board) -> HTMLResponse:
    """What a scenario contains (as ``escalade`` reports it), with a run form."""
    s = board.scenarios.get(sid)

    def build() -> str:
        allowed = {u.id: allowed_values(u) for u in s.spec.uncertainties}
        form = render("run_form.html", scenario=s, max_n=board.settings.max_n, allowed=allowed)
        report = render_html(scenario_report(s), include_plotlyjs=False)
        return inject(report, head=PLOTLY_TAG, body=form)

    return HTMLResponse(board.cached("scenario", sid, build, stamped=False))


def _overrides(form: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in form.multi_items():
        if not key.startswith("override_") or not str(value).strip():
            continue
        try:
            number = float(str(value))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise UsageError(f"{key}: expected a finite number, found {str(value)[:40]!r}")
        out[key.removeprefix("override_")] = number
    return out


@router.post(
    "/scenarios/{sid}/run",
    status_code=303,
    response_class=RedirectResponse,
    responses={**_NOT_FOUND, 400: ERRORS[400], 422: ERRORS[422], 429: ERRORS[429]},
)
async def run_form(
    sid: ScenarioId,
    request: Request,
    board: Board,
    *,
    n: Annotated[int, Form(ge=1)] = 500,
    seed: Annotated[int, Form(ge=0, lt=2**63)] = 2024,
    strategies: Annotated[list[str] | None, Form()] = None,
    mindsets: Annotated[list[str] | None, Form()] = None,
) -> RedirectResponse:
    """Start a run from the scenario page's form (``override_<uncertainty>`` fields fix values)."""
    req = RunRequest(
        scenario=sid,
        n=n,
        seed=seed,
        strategies=strategies or [],
        mindsets=mindsets or [],
        overrides=_overrides(await request.form()),
    )
    job = await run_in_threadpool(board.start, req)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post(
    "/scenarios/{sid}/replay",
    status_code=303,
    response_class=RedirectResponse,
    responses={**_NOT_FOUND, 400: ERRORS[400], 422: ERRORS[422], 429: ERRORS[429]},
)
async def replay_form(
    sid: ScenarioId,
    board: Board,
    *,
    file: Annotated[UploadFile | None, File(description="an observed timeline (YAML)")] = None,
    text: Annotated[str, Form(description="or its YAML text")] = "",
    particles: Annotated[int, Form(ge=1)] = 256,
    seed: Annotated[int, Form(ge=0, lt=2**63)] = 2024,
) -> RedirectResponse:
    """Replay the scenario against an uploaded observed timeline (docs/history.md)."""
    if file is not None and file.filename:
        raw = await file.read(board.settings.max_body + 1)
        if len(raw) > board.settings.max_body:
            raise UsageError(f"file: expected at most {board.settings.max_body} bytes")
        text = decode(raw, "uploaded.observed.yaml")
    job = await run_in_threadpool(board.start_replay, sid, text, particles, seed)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{jid}", responses=_NOT_FOUND)
def job_page(jid: str, board: Board) -> HTMLResponse:
    """A job's progress (live), then a link to its results or its error."""
    job = board.job(jid)
    return page("job.html", title=f"{job.kind.capitalize()} of {job.scenario}", job=job)


@router.get("/results", responses={413: ERRORS[413], 503: ERRORS[503]})
def results(board: Board) -> HTMLResponse:
    """The runs in the store."""
    return page("results.html", title="Stored runs", runs=list(board.stored_runs().itertuples()))


_STORE_ANSWERS: dict[int | str, dict[str, Any]] = {**_NOT_FOUND, 503: ERRORS[503]}


def _result_html(rs: ResultSet, run_id: str | None) -> str:
    builders = {
        "run": run_report,
        "explore": explore_report,
        "game": game_report,
        "replay": replay_report,
    }
    if rs.kind not in builders:
        raise NotFound(
            f"run {run_id}: expected a run, an exploration, a meta-game or a replay, "
            f"found {rs.kind!r}"
        )
    if run_id and not rs.metadata.get("run_id"):  # the store keeps the id apart from the run
        rs = ResultSet(rs.kind, {**rs.metadata, "run_id": run_id}, rs.tables, rs.scenario_text)
    report = render_html(builders[rs.kind](rs), include_plotlyjs=False)
    nav = render("result_nav.html", run_id=run_id)
    return inject(report, head=PLOTLY_TAG, body=nav)


@router.get("/results/{run_id}", responses=_STORE_ANSWERS)
def result_page(run_id: str, board: Board) -> HTMLResponse:
    """A stored run or exploration, with the sections of its ``report.html``."""
    html = board.cached("page", run_id, lambda: _result_html(board.stored(run_id), run_id))
    return HTMLResponse(html)


@router.get("/jobs/{jid}/results", responses=_NOT_FOUND)
def job_results(jid: str, board: Board) -> HTMLResponse:
    """The results of a job that finished but is not stored yet (else its stored run)."""
    job = board.job(jid)
    if job.run_id is not None:
        return result_page(job.run_id, board)
    if job.result_set is None:
        raise NotFound(f"job {jid}: expected a finished job, found {job.status}")
    return HTMLResponse(board.cached("job", jid, lambda: _result_html(job.result_set, None)))


@router.get("/compare", responses=_STORE_ANSWERS)
def compare(a: str, b: str, board: Board) -> HTMLResponse:
    """Two stored runs side by side."""
    for run_id in (a, b):
        board.stored(run_id)
    return page("compare.html", title=f"Compare {a} and {b}", runs=[a, b])

"""The dashboard: ``create_app(settings)`` builds a FastAPI app over the library.

Thin by design: the routers of :mod:`escalade.web.routes` call
:mod:`escalade.workflows.run`, the results store and the report builders; there
is no model logic here. Scenario files are only ever looked up by id among the
catalog, the files under the configured roots and the upload folder
(:mod:`escalade.web.registry`), so no request can name a path.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from escalade.errors import EscaladeError, ScenarioError
from escalade.web.dashboard import Dashboard
from escalade.web.models import RunRequest
from escalade.web.problems import WebError
from escalade.web.registry import with_overrides
from escalade.web.routes import ROUTERS
from escalade.web.security import Guard
from escalade.web.settings import Settings

__all__ = ["RunRequest", "Settings", "create_app", "with_overrides"]


def create_app(settings: Settings) -> FastAPI:
    """Build the dashboard app.

    Parameters
    ----------
    settings : Settings
        Where scenarios, results and uploads live, and the limits.

    Returns
    -------
    fastapi.FastAPI
        The app; its :class:`~escalade.web.dashboard.Dashboard` is ``app.state.dashboard``
        and its job manager ``app.state.jobs``.
    """
    board = Dashboard(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        board.jobs.open()  # a lifespan may run more than once (schemathesis restarts it)
        yield
        board.jobs.shutdown()

    app = FastAPI(title="escalade dashboard", version="1", lifespan=lifespan)
    app.state.dashboard, app.state.jobs = board, board.jobs
    for router in ROUTERS:
        app.include_router(router)
    _add_error_handlers(app)
    app.add_middleware(
        Guard,
        token=settings.token,
        allow_hosts=settings.allow_hosts,
        max_body=settings.max_body,
    )
    return app


def _short(value: object, limit: int = 80) -> object:
    """A request's input as a 422 quotes it: cut, so an answer never echoes a huge body."""
    if isinstance(value, bytes):  # not text (e.g. not UTF-8): quoted, never decoded
        more = f"… ({len(value)} bytes)" if len(value) > limit else ""
        return f"{value[:limit]!r}{more}"
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value)} characters)"
    if isinstance(value, dict | list | tuple) and len(repr(value)) > limit:
        return f"{type(value).__name__} of {len(value)} items"
    return value


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ScenarioError)
    async def scenario_error(_: Request, exc: ScenarioError) -> JSONResponse:
        # The messages of `escalade validate`, one per issue (warnings included).
        issues = [issue.render() for issue in exc.issues]
        return JSONResponse({"detail": str(exc), "issues": issues}, 422)

    @app.exception_handler(WebError)
    async def web_error(_: Request, exc: WebError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, exc.status)

    @app.exception_handler(EscaladeError)
    async def escalade_error(_: Request, exc: EscaladeError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)[:2000]}, 422)

    @app.exception_handler(RequestValidationError)
    async def request_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {k: _short(v) if k == "input" else v for k, v in e.items() if k != "ctx"}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": jsonable_encoder(errors)}, 422)

    @app.exception_handler(ValidationError)
    async def model_error(_: Request, exc: ValidationError) -> JSONResponse:
        # A body model built inside a route (the run form): the user's input, not a bug.
        return JSONResponse({"detail": str(exc)[:2000]}, 422)

"""The dashboard: ``create_app(settings)`` builds a FastAPI app over the library.

Thin by design: the routers of :mod:`escalade.web.routes` call
:mod:`escalade.workflows.run`, the results store and the report builders; there
is no model logic here. Scenario files are only ever looked up by id among the
catalog, the files under the configured roots and the upload folder
(:mod:`escalade.web.registry`), so no request can name a path.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from escalade.errors import EscaladeError, ScenarioError
from escalade.web.dashboard import Dashboard
from escalade.web.models import RunRequest
from escalade.web.problems import WebError
from escalade.web.registry import with_overrides
from escalade.web.routes import ROUTERS
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
    _add_body_limit(app, settings.max_body)
    return app


def _add_body_limit(app: FastAPI, max_body: int) -> None:
    @app.middleware("http")
    async def limit_body(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_body):
            return JSONResponse({"detail": f"request body: expected at most {max_body} bytes"}, 413)
        return await call_next(request)


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
        return JSONResponse({"detail": str(exc)}, 422)

    @app.exception_handler(ValidationError)
    async def model_error(_: Request, exc: ValidationError) -> JSONResponse:
        # A body model built inside a route (the run form): the user's input, not a bug.
        return JSONResponse({"detail": str(exc)}, 422)

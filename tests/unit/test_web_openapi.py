"""Schemathesis against every operation of the dashboard's OpenAPI document, in process.

Each operation gets generated path and query parameters and bodies (from its
schemas and examples); every answer must not be a server error, must have a
documented status and content type, and must match its documented schema.
Runs are capped at a tiny N so that none of the generated requests starts a
heavy simulation.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from escalade.web.app import Settings, create_app
from escalade.web.security import TOKEN_HEADER

schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis (test extra)")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Built at import: schemathesis' fixture-based lazy loading does not work with pytest 9.
FOLDER = tempfile.TemporaryDirectory(prefix="escalade-openapi-")
APP = create_app(
    Settings(
        store=Path(FOLDER.name) / "web.duckdb",
        uploads=Path(FOLDER.name) / "uploads",
        max_n=20,
        max_jobs=1,
        max_queue=1,
        max_uploads=5,
        allow_hosts=("testserver",),  # schemathesis' in-process Host
    )
)
AS_THE_USER = {TOKEN_HEADER: APP.state.dashboard.settings.token}
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, headers=AS_THE_USER)


@pytest.fixture(scope="module", autouse=True)
def _remove_the_folder():
    yield
    APP.state.jobs.pool.shutdown(wait=True)
    FOLDER.cleanup()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case) -> None:
    case.call_and_validate(checks=CHECKS, headers=AS_THE_USER)


def test_every_route_is_in_the_document(tmp_path: Path) -> None:
    app = create_app(Settings(store=tmp_path / "web.duckdb"))
    paths = app.openapi()["paths"]
    operations = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    assert len(operations) == 20
    assert ("POST", "/scenarios/{sid}/replay") in operations and ("GET", "/editor") in operations
    assert ("POST", "/api/scenarios") in operations and ("POST", "/scenarios") in operations
    assert ("GET", "/jobs/{jid}/results") in operations

"""A TestClient on the dashboard as its user sees it: a loopback Host and the start token."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from escalade.web.app import Settings, create_app
from escalade.web.security import TOKEN_HEADER

__all__ = ["dashboard_client"]


def dashboard_client(settings: Settings, app: Any = None, **kwargs: Any) -> TestClient:
    """A client of ``create_app(settings)`` (or ``app``) that sends the token header."""
    headers = {TOKEN_HEADER: settings.token, **kwargs.pop("headers", {})}
    return TestClient(
        app if app is not None else create_app(settings),
        base_url="http://127.0.0.1",
        headers=headers,
        **kwargs,
    )

"""Jinja2 templates of the pages (``escalade/web/templates``), autoescaped."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

__all__ = ["ENV", "inject", "page", "render"]

ENV = Environment(
    loader=PackageLoader("escalade.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
"""Every page goes through this environment; autoescaping is always on."""


def render(name: str, **context: Any) -> str:
    """Render the template ``name`` with ``context``."""
    return ENV.get_template(name).render(**context)


def page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """An HTML response from the template ``name``."""
    return HTMLResponse(render(name, **context), status_code=status_code)


def inject(document: str, *, head: str = "", body: str = "") -> str:
    """Put ``head`` before ``</head>`` and ``body`` after ``<body>`` of a report document.

    Reports are complete HTML documents of their own (``escalade.report``); the
    dashboard adds its script tag, navigation and forms around their content.
    """
    if head:
        document = document.replace("</head>", f"{head}</head>", 1)
    if body:
        document = document.replace("<body>", f"<body>{body}", 1)
    return document

"""The dashboard's own errors, each with the HTTP status it is answered with.

Every one derives from :class:`~escalade.errors.EscaladeError`; the app turns
them into ``{"detail": message}`` with :attr:`WebError.status`.
"""

from __future__ import annotations

from escalade.errors import EscaladeError

__all__ = ["Conflict", "Forbidden", "NotFound", "Overloaded", "Unavailable", "WebError"]


class WebError(EscaladeError):
    """A request the dashboard refuses; ``status`` is the HTTP status of the answer."""

    status: int = 400


class NotFound(WebError):
    """No scenario, job or stored run by that id."""

    status = 404


class Forbidden(WebError):
    """A limit that waiting does not lift (e.g. the number of uploaded scenarios)."""

    status = 403


class Conflict(WebError):
    """An upload whose scenario id is already listed."""

    status = 409


class Overloaded(WebError):
    """Too many jobs running or waiting: try again later."""

    status = 429


class Unavailable(WebError):
    """The results store is busy (another process writes it) or damaged: not a 404."""

    status = 503

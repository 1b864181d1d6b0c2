"""Running the dashboard under uvicorn with bounded request reading.

uvicorn closes idle keep-alive connections but sets no limit on how long a client
may take to send a request's headers or body. :class:`TimedH11Protocol` adds
both: a connection whose request headers are not complete ``header_timeout``
seconds after it opened (or after the previous answer), or whose body is not
complete ``body_timeout`` seconds after that, is closed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["BODY_TIMEOUT", "HEADER_TIMEOUT", "TimedH11Protocol", "server_config"]

HEADER_TIMEOUT = 10.0
"""Seconds a client has to send a request's headers."""

BODY_TIMEOUT = 30.0
"""Seconds a client then has to send the body (1 MB at 35 KB/s)."""

MAX_HEADER_BYTES = 16 * 1024
"""Largest request head (request line and headers)."""


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with header and body timeouts (class attributes)."""

    header_timeout = HEADER_TIMEOUT
    body_timeout = BODY_TIMEOUT
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the header clock."""
        super().connection_made(transport)
        self._arm(self.header_timeout, self._headers_due)

    def on_response_complete(self) -> None:
        """Start the header clock again for the next request on this connection."""
        super().on_response_complete()
        self._arm(self.header_timeout, self._headers_due)

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock."""
        self._arm(None, None)
        super().connection_lost(exc)

    def _arm(self, seconds: float | None, then: Any) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if seconds is not None:
            self._deadline = self.loop.call_later(seconds, then)

    def _headers_due(self) -> None:
        state = self.conn.their_state
        if state is h11.IDLE:
            self._close()
        elif state is h11.SEND_BODY:
            self._arm(self.body_timeout, self._body_due)

    def _body_due(self) -> None:
        if self.conn.their_state is h11.SEND_BODY:
            self._close()

    def _close(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()


def server_config(
    app: Any,
    host: str,
    port: int,
    *,
    header_timeout: float = HEADER_TIMEOUT,
    body_timeout: float = BODY_TIMEOUT,
    **extra: Any,
) -> uvicorn.Config:
    """The uvicorn configuration of the dashboard (h11 with timeouts, 16 KB head limit)."""
    protocol = type(
        "DashboardH11Protocol",
        (TimedH11Protocol,),
        {"header_timeout": header_timeout, "body_timeout": body_timeout},
    )
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        **{"timeout_keep_alive": 5, "log_level": "warning", **extra},
    )

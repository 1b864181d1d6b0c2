"""Who may drive the dashboard: a per-start token, loopback ``Host``, same-origin writes.

:class:`Guard` is a plain ASGI middleware in front of every route. It follows the
defaults of Jupyter Server and Streamlit (see ``docs/security.md``):

- ``Host`` must name a loopback address (``localhost``, ``127.0.0.1``, ``::1``) or
  one of ``allow_hosts``, so a DNS-rebound name is refused (403);
- every request but the icon and ``plotly.js`` carries the server's token: in the
  ``X-Escalade-Token`` header, in a ``?token=`` query (the URL printed at start;
  the answer sets a cookie and redirects to the same URL without the token), or
  in that cookie (``HttpOnly``, ``SameSite=Strict``); else 401;
- a state-changing request (not GET/HEAD/OPTIONS) whose ``Origin`` (or, without
  one, ``Referer``) is not the server's own origin is refused (403), and one
  authenticated by the cookie alone must carry one of them, since browsers send
  cookies to every port of the same host;
- the body limit is counted on the stream, chunked bodies included (413);
- every answer has a Content-Security-Policy, ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``; two exceptions
  let the compare page show two result pages side by side: ``/compare`` may frame pages of
  the dashboard (``frame-src 'self'``) and ``/results/…`` pages may be framed by them
  (``frame-ancestors 'self'``, ``X-Frame-Options: SAMEORIGIN``), never by another origin.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Iterable
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CSP",
    "LOOPBACK_NAMES",
    "TOKEN_HEADER",
    "BodyTooLarge",
    "Guard",
    "cookie_name",
    "is_loopback",
    "new_token",
    "security_headers",
]

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
"""Host names that always reach the dashboard."""

TOKEN_HEADER = "X-Escalade-Token"  # noqa: S105 - a header name, not a secret
"""The header scripts send the token in."""

PUBLIC_PATHS = frozenset({"/favicon.ico", "/static/plotly.js"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
"""The pages' Content-Security-Policy (inline scripts: plotly figures and the job poller)."""

FRAMING_PATH = "/compare"
"""The one page that frames others (two result pages side by side)."""

FRAMED_PREFIX = "/results/"
"""Pages the framing page shows; only pages of the dashboard itself may frame them."""

_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"), *_COMMON]
_FRAMING_HEADERS = [
    (b"content-security-policy", f"{CSP}; frame-src 'self'".encode()),
    (b"x-frame-options", b"DENY"),
    *_COMMON,
]
_FRAMED_HEADERS = [
    (
        b"content-security-policy",
        CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'").encode(),
    ),
    (b"x-frame-options", b"SAMEORIGIN"),
    *_COMMON,
]


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    """The security headers of the answer to a request for ``path``.

    Parameters
    ----------
    path : str
        The request's path (no query).

    Returns
    -------
    list of (bytes, bytes)
        ``DENY`` framing everywhere but on the compare page (which may frame the
        dashboard's own pages) and on result pages (which the dashboard's own pages may
        frame).
    """
    if path == FRAMING_PATH:
        return _FRAMING_HEADERS
    if path.startswith(FRAMED_PREFIX):
        return _FRAMED_HEADERS
    return _HEADERS


def new_token() -> str:
    """A fresh secret token (32 random bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """Whether a host name or address is a loopback one (``*.localhost`` included)."""
    name = host.strip("[]").lower().rstrip(".")
    return name in LOOPBACK_NAMES or name.endswith(".localhost") or name.startswith("127.")


def cookie_name(port: int | None) -> str:
    """The token cookie's name; per port, since cookies are shared by every port of a host."""
    return f"escalade_token_{port or 0}"


class BodyTooLarge(HTTPException):
    """A request body over the limit (answered 413, whatever reads it)."""

    def __init__(self, limit: int) -> None:
        detail = f"request body: expected at most {limit} bytes"
        super().__init__(413, detail, headers={"connection": "close"})


def _host_parts(value: str) -> tuple[str, int | None]:
    parts = urlsplit(f"//{value}")
    try:
        port = parts.port
    except ValueError:
        return "", None
    return (parts.hostname or ""), port


class Guard:
    """The ASGI middleware described in the module docstring.

    Parameters
    ----------
    app : ASGI app
        The dashboard.
    token : str
        The secret every request must carry.
    allow_hosts : iterable of str
        ``Host`` names accepted besides the loopback ones (``*`` accepts any).
    max_body : int
        Largest request body in bytes.
    """

    def __init__(
        self, app: ASGIApp, *, token: str, allow_hosts: Iterable[str], max_body: int
    ) -> None:
        self.app, self.token, self.max_body = app, token, max_body
        self.allow_hosts = frozenset(h.strip("[]").lower() for h in allow_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse, redirect (token in the URL) or pass the request on, counting its body."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        extra = security_headers(scope["path"])

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        refusal = self._refusal(scope)
        if refusal is not None:
            await _answer(send_with_headers, *refusal)
            return
        redirect = self._token_redirect(scope)
        if redirect is not None:
            await send_with_headers(redirect)
            await send_with_headers({"type": "http.response.body", "body": b""})
            return
        try:
            await self.app(scope, self._counted(receive), send_with_headers)
        except BodyTooLarge as exc:
            if started:
                raise
            await _answer(send_with_headers, 413, exc.detail)

    def _counted(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        return counted

    def _refusal(self, scope: Scope) -> tuple[int, str, dict[str, str]] | None:
        headers = Headers(scope=scope)
        host, port = _host_parts(headers.get("host", ""))
        if not host or not (
            is_loopback(host) or "*" in self.allow_hosts or host.lower() in self.allow_hosts
        ):
            return (
                403,
                (
                    f"Host: expected a loopback name (localhost, 127.0.0.1, ::1), found {host!r}; "
                    "hint: open the dashboard at the URL printed at start, or start it with "
                    "this host name in its allow_hosts setting"
                ),
                {},
            )
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return 413, f"request body: expected at most {self.max_body} bytes", {}
        if scope["path"] in PUBLIC_PATHS:
            return None
        via = self._authenticated_by(scope, headers, port)
        if via is None:
            return (
                401,
                (
                    "token: expected the token printed by `escalade serve`; hint: open the "
                    "URL it printed (…/?token=…), or send the X-Escalade-Token header"
                ),
                {"www-authenticate": "Token"},
            )
        if scope["method"] not in SAFE_METHODS:
            return _cross_origin(scope, headers, via)
        return None

    def _authenticated_by(self, scope: Scope, headers: Headers, port: int | None) -> str | None:
        if _same(headers.get(TOKEN_HEADER, ""), self.token):
            return "header"
        if _same(_query_token(scope), self.token):
            return "query"
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is just no cookie
            return None
        morsel = cookies.get(cookie_name(port))
        return "cookie" if morsel is not None and _same(morsel.value, self.token) else None

    def _token_redirect(self, scope: Scope) -> Message | None:
        if scope["method"] != "GET" or not _same(_query_token(scope), self.token):
            return None
        headers = Headers(scope=scope)
        if TOKEN_HEADER.lower() in headers:
            return None
        _, port = _host_parts(headers.get("host", ""))
        rest = [
            (k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode()) if k != "token"
        ]
        target = scope["path"] + (f"?{urlencode(rest)}" if rest else "")
        cookie = f"{cookie_name(port)}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        return {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", target.encode("latin-1", "replace")),
                (b"set-cookie", cookie.encode()),
                (b"cache-control", b"no-store"),
            ],
        }


def _same(given: str, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _query_token(scope: Scope) -> str:
    for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1")):
        if key == "token":
            return str(value)
    return ""


def _cross_origin(
    scope: Scope, headers: Headers, via: str
) -> tuple[int, str, dict[str, str]] | None:
    own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
    origin = headers.get("origin")
    if origin is None and headers.get("referer"):
        parts = urlsplit(headers["referer"])
        origin = f"{parts.scheme}://{parts.netloc}"
    if origin is None:
        if via == "cookie":
            return (
                403,
                (
                    "Origin: expected the dashboard's own origin on a form or script request, "
                    "found none; hint: send the X-Escalade-Token header from scripts"
                ),
                {},
            )
        return None
    if origin.lower() != own:
        return (
            403,
            (
                f"Origin: expected {own}, found {origin[:100]!r}; the dashboard only accepts "
                "changes from its own pages"
            ),
            {},
        )
    return None


async def _answer(
    send: Send, status: int, detail: str, extra: dict[str, str] | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    if status == 413:  # stop reading the rest of the body: uvicorn closes after the answer
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

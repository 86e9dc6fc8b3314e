"""The ASGI middleware around every request: the limits on the body (413
before the app reads a body over it) and on the headers (431), ``HEAD``
answered as ``GET`` without the body, the access log and the request metrics.

The access log names the path as the client sent it (still percent-encoded:
``%0A`` stays ``%0A``), so no path can break or forge a log line."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

from starlette.routing import Match

from studio.server.errors import body
from studio.server.state import State

access = logging.getLogger("studio.server.access")
HEAD = "studio.head"  # in the scope of a HEAD request the app sees as GET
MAX_HEADER_BYTES = 64 * 1024  # the request's headers; more is answered 431

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _allow(scope: Scope, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A 405's headers with ``Allow`` naming every method the path takes
    (and HEAD wherever GET is). Starlette names the methods of the first
    route whose path matched only: ``OPTIONS /v1/projects`` was answered
    ``Allow: POST``, as if the path had no GET."""
    routes = getattr(scope.get("app"), "routes", ())
    methods = {method for method in ("DELETE", "GET", "PATCH", "POST", "PUT")
               if any(route.matches(dict(scope, method=method))[0] == Match.FULL
                      for route in routes)}
    if not methods:
        return headers
    methods |= {"HEAD"} if "GET" in methods else set()
    allow = ", ".join(sorted(methods)).encode()
    return [(name, value) for name, value in headers if name.lower() != b"allow"] + [
        (b"allow", allow)]


class BodyTooLarge(Exception):
    """The request body passed the limit."""


class Outer:
    """Limits, HEAD, access log and request metrics around every request."""

    def __init__(self, app: Any, state_of: Callable[[], State | None]) -> None:
        self.app = app
        self.state_of = state_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = self.state_of()
        limit = state.settings.max_body_bytes if state else 2_000_000
        started = time.perf_counter()
        status = [500]
        headers = scope["headers"]
        length = dict(headers).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._refuse(scope, send, 413, f"the request body is over the limit of "
                               f"{limit} bytes: send less")
            self._record(scope, scope, state, 413, started)
            return
        if sum(len(name) + len(value) + 4 for name, value in headers) > MAX_HEADER_BYTES:
            await self._refuse(scope, send, 431, f"the request's headers are over the limit "
                               f"of {MAX_HEADER_BYTES} bytes: send smaller headers")
            self._record(scope, scope, state, 431, started)
            return
        # HEAD is GET without the body: the server drops the body it is given
        head = scope["method"] == "HEAD"
        inner = dict(scope, method="GET", **{HEAD: True}) if head else scope
        seen = [0]
        answered = [False]

        async def limited() -> MutableMapping[str, Any]:
            if head and answered[0]:  # a stream's body would go nowhere: end it
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > limit:
                    raise BodyTooLarge()
            return message

        async def sending(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
                answered[0] = True
                if status[0] == 405:
                    message = dict(message, headers=_allow(scope, message.get("headers", [])))
            await send(message)

        try:
            await self.app(inner, limited, sending)
        finally:
            self._record(scope, inner, state, status[0], started)

    async def _refuse(self, scope: Scope, send: Send, status: int, message: str) -> None:
        data = json.dumps(body(scope["path"], status, message)).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(data)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": data})

    def _record(self, scope: Scope, inner: Scope, state: State | None, status: int,
                started: float) -> None:
        seconds = time.perf_counter() - started
        route = inner.get("route")
        name = getattr(route, "path", None) or "(unmatched)"
        if state is not None:
            state.metrics.observe(name, scope["method"], status, seconds)
        client = scope.get("client") or ("-", 0)
        raw = scope.get("raw_path")
        path = raw.decode("latin-1") if raw else quote(scope["path"], safe="/")
        access.info("%s %s %s %d %.1f ms", client[0], scope["method"], path, status,
                    seconds * 1000, extra={"client": client[0], "method": scope["method"],
                                           "path": path, "status": status,
                                           "route": name, "ms": round(seconds * 1000, 1)})

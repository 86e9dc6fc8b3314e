"""The ASGI middleware around every request: the body limit (413 before the
app reads a body over it), the access log and the request metrics."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from studio.server.errors import body
from studio.server.state import State

access = logging.getLogger("studio.server.access")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class BodyTooLarge(Exception):
    """The request body passed the limit."""


class Outer:
    """Body limit, access log and request metrics around every request."""

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
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._too_large(scope, send, limit)
            status[0] = 413
            self._record(scope, state, 413, started)
            return
        seen = [0]

        async def limited() -> MutableMapping[str, Any]:
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > limit:
                    raise BodyTooLarge()
            return message

        async def sending(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, limited, sending)
        finally:
            self._record(scope, state, status[0], started)

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        data = json.dumps(body(scope["path"], 413, f"the request body is over the limit of "
                               f"{limit} bytes: send less")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(data)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": data})

    def _record(self, scope: Scope, state: State | None, status: int, started: float) -> None:
        seconds = time.perf_counter() - started
        route = scope.get("route")
        name = getattr(route, "path", None) or "(unmatched)"
        if state is not None:
            state.metrics.observe(name, scope["method"], status, seconds)
        client = scope.get("client") or ("-", 0)
        access.info("%s %s %s %d %.1f ms", client[0], scope["method"], scope["path"], status,
                    seconds * 1000, extra={"client": client[0], "method": scope["method"],
                                           "path": scope["path"], "status": status,
                                           "route": name, "ms": round(seconds * 1000, 1)})

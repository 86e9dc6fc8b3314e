"""Running the server: uvicorn on one address, the house log format or
JSON lines, a graceful stop on SIGINT and SIGTERM (:class:`Server`: event
streams end with a last event at once, requests in flight get
``server.grace_s`` to finish, those still waiting then are answered 503 and
their jobs cancelled; the exit code is 0).

Every log line is one record: in the house format a message's control and
line-breaking characters are escaped and a traceback's lines are indented
under it; JSON lines are ASCII. A request that is not HTTP/1.1 as h11 reads
it is answered in JSON with the status h11 hints (431 for headers that pass
:data:`~studio.server.middleware.MAX_HEADER_BYTES` before they end, else 400)
before the connection closes."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import signal
import socket
import sys
import time
from collections.abc import MutableMapping
from pathlib import Path
from types import FrameType
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol

from studio.core.store import Library
from studio.errors import UserError
from studio.server.errors import body
from studio.server.middleware import MAX_HEADER_BYTES, Receive, Scope, Send
from studio.server.settings import ServerSettings, is_loopback_host
from studio.server.state import Stop

STOP_S = 3.0  # after the grace: for the requests cut short to answer and cancel their jobs
HOUSE_FORMAT = "[%(asctime)s] [%(levelname)s] [%(name)s] [%(process)d] %(message)s"
LINGER_S = 2.0  # how long a refused request's unread bytes are drained before closing
log = logging.getLogger("studio.server")


def printable(text: str) -> str:
    """``text`` with every character that is not printable (newlines, NUL,
    other controls, line and paragraph separators) written as its escape."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


class TextFormatter(logging.Formatter):
    """The house format, one line a record: the message escaped
    (:func:`printable`), a traceback's lines escaped and indented under it."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        message = record.message
        record.message = printable(message)
        try:
            return super().formatMessage(record)
        finally:
            record.message = message

    def formatException(self, ei: Any) -> str:
        return _indented(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _indented(super().formatStack(stack_info))


def _indented(text: str) -> str:
    return "\n".join("  " + printable(line) for line in text.split("\n"))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, pid, message, and the
    access log's fields (client, method, path, route, status, ms)."""

    FIELDS = ("client", "method", "path", "route", "status", "ms")

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created))
                + f".{int(record.msecs):03d}", "level": record.levelname,
                "logger": record.name, "pid": record.process, "message": record.getMessage()}
        for field in self.FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line)  # ASCII: nothing in a field can break the line


def setup_logging(log_format: str, verbose: bool = False) -> None:
    """Every log line (uvicorn's included) to stderr in one format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json"
                         else TextFormatter(HOUSE_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True


class _Connection(h11.Connection):
    """h11's connection, keeping the protocol error it raised last."""

    error: h11.RemoteProtocolError | None = None

    def next_event(self) -> Any:
        try:
            return super().next_event()
        except h11.RemoteProtocolError as err:
            self.error = err
            raise


class Protocol(H11Protocol):
    """uvicorn's HTTP/1.1, answering a request h11 refuses with the status h11
    hints, in JSON, then closing after draining what the client still sends
    (up to :data:`LINGER_S`): it reads the answer instead of a reset."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn = _Connection(h11.SERVER, MAX_HEADER_BYTES)
        self.draining = False

    def send_400_response(self, msg: str) -> None:
        error = getattr(self.conn, "error", None)
        status = 431 if getattr(error, "error_status_hint", 400) == 431 else 400
        message = (f"the request's headers are over the limit of {MAX_HEADER_BYTES} bytes: "
                   "send smaller headers" if status == 431 else
                   "the request is not valid HTTP/1.1: check its request line and headers")
        data = json.dumps({"detail": message}).encode()
        headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(data)).encode()), (b"connection", b"close")]
        for event in (h11.Response(status_code=status, headers=headers,
                                   reason=STATUS_PHRASES[status]),
                      h11.Data(data=data), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.draining = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_S, self.transport.close)

    def data_received(self, data: bytes) -> None:
        if not self.draining:
            super().data_received(data)


def check_bind(root: Path, settings: ServerSettings) -> int:
    """Refuse to serve beyond this machine with no key; the live key count."""
    with Library.open(root) as library:
        from studio.core.planning import ensure_presets

        ensure_presets(library)
        count = library.live_api_key_count()
    if count == 0 and not is_loopback_host(settings.host):
        raise UserError(f"refusing to serve on {settings.host} with no API key: anyone on the "
                        "network could use this library",
                        "make a key first (`studio keys add NAME`), or serve on 127.0.0.1")
    return count


class Guard:
    """The app, for the last resort of a stop: a request still running a few
    seconds after the grace (one that did not watch the stop) is cancelled
    by uvicorn, which would answer a plain-text 500; this answers it 503 in
    the route's error shape instead (code ``server_stopping``)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except asyncio.CancelledError:
            if scope["type"] != "http" or started:
                raise
            data = json.dumps(body(scope["path"], 503, "the server stopped before this "
                                   "request finished: retry when it is back",
                                   code="server_stopping")).encode()
            await send({"type": "http.response.start", "status": 503,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(data)).encode()),
                                    (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": data})
            log.warning("%s %s answered 503: still running after the grace",
                        scope.get("method"), scope["path"])
            # answered: the request's task ends here, as the cancellation wanted, and
            # uvicorn logs no traceback for it


class Server(uvicorn.Server):
    """uvicorn's server, stopping in steps on SIGINT or SIGTERM (a second
    SIGINT ends the grace at once, a third stops waiting at all) and then
    exiting 0 (not re-raising the signal: the stop was asked for).

    The steps: the app's stop begins (event streams send their last event
    and end; no new connection is taken, and uvicorn closes idle ones);
    requests in flight get ``grace_s`` to finish; then the stop is due (a
    request still waiting is answered 503 ``server_stopping`` and its jobs
    are cancelled; exports are killed), and :data:`STOP_S` later uvicorn
    cancels whatever is left (:class:`Guard` answers it). Last, the app's
    lifespan ends (the database closes)."""

    def __init__(self, config: uvicorn.Config, app: Any, grace_s: float) -> None:
        super().__init__(config)
        self.application = app  # the FastAPI app inside the Guard: its state holds the stop
        self.grace_s = grace_s
        self.signal = "a signal"
        self.interrupts = 0
        self.loop: asyncio.AbstractEventLoop | None = None

    def _stop(self) -> Stop | None:
        state = getattr(self.application.state, "studio", None)
        return state.stop if state is not None else None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # a signal handler: it only sets flags, or hands the work to the event loop
        if self.should_exit and sig == signal.SIGINT:
            self.interrupts += 1
            stop = self._stop()
            if self.interrupts > 1 or stop is None or self.loop is None:
                self.force_exit = True  # stop waiting at all
            else:
                log.info("stopping now (a second SIGINT): the grace is over")
                self.loop.call_soon_threadsafe(stop.end_grace)
        elif not self.should_exit:
            self.signal = signal.Signals(sig).name
            log.info("stopping (%s): finishing the requests in flight (up to %g s)",
                     self.signal, self.grace_s)
            self.should_exit = True

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        stop = self._stop()
        if stop is None:
            await super().shutdown(sockets)
            return
        stop.begin(f"the server is stopping ({self.signal}): reconnect when it is back")

        def grace_over() -> None:
            if self.server_state.tasks:
                log.warning("the grace is over: %d request(s) still running are answered 503 "
                            "and their jobs cancelled", len(self.server_state.tasks))
            stop.end_grace()

        due = asyncio.get_running_loop().call_later(self.grace_s, grace_over)
        try:
            await super().shutdown(sockets)
        finally:
            due.cancel()


def serve(root: Path, settings: ServerSettings, verbose: bool = False) -> int:
    """Serve until SIGINT or SIGTERM; the exit code."""
    from studio.server.app import create_app

    count = check_bind(root, settings)
    setup_logging(settings.log_format, verbose)
    if count == 0:
        log.warning("the library has no API key: every request but /health is refused; make "
                    "one with `studio keys add NAME`")
    app = create_app(root, settings)
    config = uvicorn.Config(
        Guard(app), host=settings.host, port=settings.port, log_config=None,
        access_log=False, timeout_graceful_shutdown=math.ceil(settings.grace_s + STOP_S),
        server_header=False, lifespan="on", proxy_headers=False, http=Protocol)
    server = Server(config, app, settings.grace_s)
    log.info("serving the library %s on http://%s:%d", root, settings.host, settings.port)
    server.run()
    return 0 if server.started else 1

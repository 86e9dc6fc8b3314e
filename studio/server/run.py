"""Running the server: uvicorn on one address, the house log format or
JSON lines, a graceful stop on SIGINT and SIGTERM (uvicorn's own handlers:
no new connections, requests in flight finish, up to a grace period).

Every log line is one record: in the house format a message's control and
line-breaking characters are escaped and a traceback's lines are indented
under it; JSON lines are ASCII. A request that is not HTTP/1.1 as h11 reads
it is answered in JSON with the status h11 hints (431 for headers that pass
:data:`~studio.server.middleware.MAX_HEADER_BYTES` before they end, else 400)
before the connection closes."""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol

from studio.core.store import Library
from studio.errors import UserError
from studio.server.middleware import MAX_HEADER_BYTES
from studio.server.settings import ServerSettings, is_loopback_host

GRACE_S = 10
HOUSE_FORMAT = "[%(asctime)s] [%(levelname)s] [%(name)s] [%(process)d] %(message)s"
LINGER_S = 2.0  # how long a refused request's unread bytes are drained before closing


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


def serve(root: Path, settings: ServerSettings, verbose: bool = False) -> int:
    """Serve until SIGINT or SIGTERM; the exit code."""
    import uvicorn

    from studio.server.app import create_app

    count = check_bind(root, settings)
    setup_logging(settings.log_format, verbose)
    log = logging.getLogger("studio.server")
    if count == 0:
        log.warning("the library has no API key: every request but /health is refused; make "
                    "one with `studio keys add NAME`")
    config = uvicorn.Config(
        create_app(root, settings), host=settings.host, port=settings.port, log_config=None,
        access_log=False, timeout_graceful_shutdown=GRACE_S, server_header=False,
        lifespan="on", proxy_headers=False, http=Protocol)
    class Server(uvicorn.Server):
        """uvicorn's server, stopping gracefully on SIGINT or SIGTERM and then
        exiting 0 (not re-raising the signal: the stop was asked for)."""

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True  # a second Ctrl+C: stop waiting
            else:
                log.info("stopping (%s): finishing the requests in flight",
                         signal.Signals(sig).name)
                self.should_exit = True

    server = Server(config)
    log.info("serving the library %s on http://%s:%d", root, settings.host, settings.port)
    server.run()
    return 0 if server.started else 1

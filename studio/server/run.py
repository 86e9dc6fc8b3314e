"""Running the server: uvicorn on one address, the house log format or
JSON lines, a graceful stop on SIGINT and SIGTERM (uvicorn's own handlers:
no new connections, requests in flight finish, up to a grace period)."""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from studio.core.store import Library
from studio.errors import UserError
from studio.server.settings import ServerSettings, is_loopback_host

GRACE_S = 10
HOUSE_FORMAT = "[%(asctime)s] [%(levelname)s] [%(name)s] [%(process)d] %(message)s"


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
        return json.dumps(line, ensure_ascii=False)


def setup_logging(log_format: str, verbose: bool = False) -> None:
    """Every log line (uvicorn's included) to stderr in one format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json"
                         else logging.Formatter(HOUSE_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True


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
        lifespan="on", proxy_headers=False)
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

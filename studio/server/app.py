"""The application of ``studio serve`` (docs/server.md has the contract):
its lifespan (the state the routes share, the background sweep), the limits,
``HEAD`` and the access log around every request, the error handlers (no
exception's text ever reaches a client), and the routers of
:mod:`studio.server.routes`.

Every database call runs on :class:`~studio.server.db.Db`'s threads; audio
work (joining takes, encoding) on anyio's worker threads; exports in child
processes (:mod:`studio.server.long_work`); the event loop only routes,
waits and streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from studio.core import serving
from studio.server import openapi
from studio.server.auth import Keys
from studio.server.db import Db
from studio.server.errors import ApiError, body, response
from studio.server.long_work import LongWork
from studio.server.metrics import Metrics
from studio.server.middleware import HEAD, BodyTooLarge, Outer
from studio.server.routes import operations, original, projects, review, speech
from studio.server.settings import ServerSettings
from studio.server.shared import LARGEST, state_of
from studio.server.state import State, spawn, start_engine, sweep_forever
from studio.server.waiter import Waiter
from studio.service import oneshot

log = logging.getLogger("studio.server")
SETTLE_S = 5.0  # how long a stopping server waits for the requests' last database work


def create_app(root: Path, settings: ServerSettings) -> FastAPI:
    """The application for the library at ``root``."""
    holder: dict[str, State] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Db(root)
        results = root / oneshot.RESULTS
        results.mkdir(parents=True, exist_ok=True)
        state = State(root, settings, db, Keys(db, settings.key_concurrency), Waiter(db),
                      Metrics(), results,
                      LongWork(root, settings.max_exports, settings.key_exports))
        holder["state"] = state
        app.state.studio = state
        state.waiter.start()
        # a warm worker for the first request: the engine keeps the default voice's workers
        # loaded while this server runs (it starts on demand as well, should this fail)
        spawn(state, start_engine(state))
        sweeper = asyncio.create_task(sweep_forever(state))
        serving.announce(root, settings.host, settings.port)  # for the Engine page
        try:
            yield
        finally:
            serving.withdraw(root)
            state.stop.end_grace()  # whatever still waits stops now
            state.long.close()
            sweeper.cancel()
            # the requests' last work (their jobs cancelled) before the database closes
            if state.tasks:
                await asyncio.wait(set(state.tasks), timeout=SETTLE_S)
            await state.waiter.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            db.close()

    app = FastAPI(title="Voice Studio", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.add_middleware(Outer, state_of=lambda: holder.get("state"))
    app.exception_handler(ApiError)(api_error)
    app.exception_handler(BodyTooLarge)(too_large)
    app.exception_handler(HTTPException)(http_error)
    app.exception_handler(RequestValidationError)(bad_parameter)
    app.exception_handler(Exception)(internal)
    for area in (operations, original, speech, projects, review):
        app.include_router(area.router)
    openapi.install(app, settings)  # GET /openapi.json, behind the key
    return app


# ---------------------------------------------------------------- error handlers
async def api_error(request: Request, err: ApiError) -> Response:
    return response(request, err)


async def too_large(request: Request, err: BodyTooLarge) -> Response:
    limit = state_of(request).settings.max_body_bytes
    return response(request, ApiError(413, f"the request body is over the limit of "
                                       f"{limit} bytes: send less"))


async def http_error(request: Request, err: HTTPException) -> Response:
    method = "HEAD" if request.scope.get(HEAD) else request.method
    message = {404: f"no such endpoint: {method} {request.url.path}",
               405: f"{method} is not allowed on {request.url.path}"}.get(
                   err.status_code, str(err.detail))
    return JSONResponse(body(request.url.path, err.status_code, message),
                        status_code=err.status_code, headers=err.headers)


async def bad_parameter(request: Request, err: RequestValidationError) -> Response:
    # a path or query parameter that is not a whole number in range: 400 in the route's
    # own error shape, quoting at most the start of what was given
    problem = err.errors()[0] if err.errors() else {}
    where = str(problem.get("loc", ("", "parameter"))[-1])
    given = str(problem.get("input"))
    shown = repr(given if len(given) <= 24 else f"{given[:20]}…") + (
        f" ({len(given)} characters)" if len(given) > 24 else "")
    if str(problem.get("type", "")).startswith(("int_", "greater_than", "less_than")):
        message = f"{where} must be a whole number from 1 to {LARGEST}, not {shown}"
    else:
        message = f"{where} is not valid ({problem.get('msg', 'refused')}), not {shown}"
    return JSONResponse(body(request.url.path, 400, message, param=where), status_code=400)


async def internal(request: Request, err: Exception) -> Response:
    # the details go to the log only: an exception's text is not for the client
    reference = secrets.token_hex(4)
    log.error("internal error %s on %s: %s: %s", reference, request.url.path,
              type(err).__name__, err, exc_info=err)
    return JSONResponse(body(request.url.path, 500, f"internal error (reference {reference}): "
                             "retry, or report it with the reference; the server's log has "
                             "the details"), status_code=500)

"""Operations: ``/health`` (no key), ``/ready`` and ``/metrics``."""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse, PlainTextResponse, Response

from studio.core.store import Library
from studio.server.shared import ServerState, api_key
from studio.server.state import spawn, start_engine

router = APIRouter()

RETRY_S = 30.0  # a failed start of the engine is tried again this often, while /ready is asked


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@dataclass(frozen=True)
class Readiness:
    """What ``/ready`` reads in the library: the engine's pid (-1 while it
    starts, None when it does not run), its loaded render workers by
    backend, and a problem that stops it rendering, if any."""

    pid: int | None
    loaded: dict[str, int]
    problem: str | None


def readiness(library: Library) -> Readiness:
    """Whether the library's engine can render now or on demand: the default
    voice is in the library and its backend can run here (or a worker of it
    is loaded), and not every worker of the engine failed when it last ran."""
    from studio.core.planning import DEFAULT_VOICE, voice_fit
    from studio.service.engine import engine_running, worker_rows

    pid = engine_running(library.root)
    rows = [row for row in worker_rows(library) if row["backend"] != "qa"]
    loaded: dict[str, int] = {}
    for row in rows:
        if row["state"] in ("loaded", "busy"):
            loaded[row["backend"]] = loaded.get(row["backend"], 0) + 1
    name = str(library.get_setting("default_voice", DEFAULT_VOICE))
    voice = library.find_voice(name)
    if voice is None:
        return Readiness(pid, loaded, f"the default voice {name!r} is not in the library: "
                         "set one that is (`studio config set default_voice NAME`; GET "
                         "/v1/audio/voices lists them)")
    fit = voice_fit(library, voice)
    if fit.unavailable is not None and not loaded.get(fit.backend or ""):
        return Readiness(pid, loaded, f"the default voice {name!r} cannot render here: "
                         f"{fit.unavailable.explained}")
    if rows and all(row["state"] == "failed" for row in rows):
        last = rows[-1]
        when = "failed" if pid else "failed when the engine last ran"
        return Readiness(pid, loaded, f"every worker of the engine {when} ({last['backend']}: "
                         f"{last['last_error']}): fix that (`studio engine status` shows "
                         "it), then start the engine (`studio engine start`) or send a request")
    return Readiness(pid, loaded, None)


@router.get("/ready", dependencies=[Depends(api_key)])
async def ready(state: ServerState) -> Response:
    """200 while the engine runs or can start on demand (it stops itself
    when idle, which is no reason to take the server out of service); 503
    naming a real problem and what to do. Asking never starts the engine,
    except to try again, at most every :data:`RETRY_S`, a start that failed."""
    found = await state.db.run(readiness)
    starts = state.engine
    if found.pid is not None and found.pid > 0:
        engine = "running"
    elif found.pid == -1 or starts.starting:
        engine = "starting"
    else:
        engine = "idle"
    problem = found.problem
    if problem is None and engine == "idle" and starts.failed is not None:
        problem = (f"the engine did not start: {starts.failed} (the library's "
                   "logs/engine-start.err has more)")
        if time.monotonic() - starts.tried > RETRY_S:
            spawn(state, start_engine(state))  # fixed meanwhile? the next ask will say
    answer = {"engine": engine, "workers": found.loaded}
    if problem is None:
        return JSONResponse({"status": "ready", **answer})
    return JSONResponse({"detail": f"not ready: {problem}", "status": "not_ready", **answer},
                        status_code=503)


@router.get("/metrics", dependencies=[Depends(api_key)])
async def metrics(state: ServerState) -> Response:
    text = await state.db.run(state.metrics.render)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

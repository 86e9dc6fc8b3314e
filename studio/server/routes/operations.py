"""Operations: ``/health`` (no key), ``/ready`` and ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse, PlainTextResponse, Response

from studio.core.store import Library
from studio.server.shared import ServerState, api_key
from studio.server.state import spawn, start_engine

router = APIRouter()


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", dependencies=[Depends(api_key)])
async def ready(state: ServerState) -> Response:
    def readiness(library: Library) -> tuple[bool, dict[str, int], str | None]:
        from studio.core.planning import DEFAULT_VOICE, voice_fit
        from studio.service.engine import engine_running, worker_rows

        running = engine_running(library.root) is not None
        loaded: dict[str, int] = {}
        states = [row for row in worker_rows(library) if row["backend"] != "qa"]
        for row in states:
            if row["state"] in ("loaded", "busy"):
                loaded[row["backend"]] = loaded.get(row["backend"], 0) + 1
        if states and all(row["state"] == "failed" for row in states):
            return running, loaded, f"every engine worker failed: {states[-1]['backend']}"
        voice = library.find_voice(library.get_setting("default_voice", DEFAULT_VOICE))
        fit = voice_fit(library, voice) if voice else None
        if fit is not None and fit.unavailable is not None and not loaded:
            return running, loaded, fit.unavailable.explained
        return running, loaded, None

    running, loaded, problem = await state.db.run(readiness)
    if running and problem is None:
        # workers load when work arrives (per backend); a loaded one is listed
        return JSONResponse({"status": "ready", "workers": loaded})
    if problem is None:
        spawn(state, start_engine(state))  # on demand, as a request would
        problem = "the engine is starting: retry in a few seconds"
    return JSONResponse({"detail": f"not ready: {problem}", "status": "not_ready"},
                        status_code=503)


@router.get("/metrics", dependencies=[Depends(api_key)])
async def metrics(state: ServerState) -> Response:
    text = await state.db.run(state.metrics.render)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

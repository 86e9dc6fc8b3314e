"""The routes of ``studio serve`` (docs/server.md has the contract).

Every database call runs on :class:`~studio.server.db.Db`'s threads; audio
work (joining takes, encoding) on anyio's worker threads; the event loop only
routes, waits and streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from studio import audio, service
from studio.core import oneshot, serving
from studio.core.export import ExportSettings, NotRendered, assemble, export_project, subtitles
from studio.core.store import Library, Project
from studio.errors import UserError
from studio.server import audio_out
from studio.server.auth import Keys, bearer
from studio.server.db import Db
from studio.server.errors import ApiError, body, response
from studio.server.fetch import FetchError, fetch, parse_allow
from studio.server.metrics import Metrics
from studio.server.middleware import BodyTooLarge, Outer
from studio.server.settings import ServerSettings
from studio.server.shared import (
    check_text,
    check_voice,
    read_json,
    render_oneshot,
    state_of,
    text_field,
    usable_voices,
    user_error,
)
from studio.server.state import State, spawn, start_engine, sweep_forever
from studio.server.waiter import Waiter
from studio.text.markup import MAX_SPEED, MIN_SPEED

log = logging.getLogger("studio.server")

MODELS = ("tts-1", "tts-1-hd", "gpt-4o-mini-tts")  # names the compatible clients send
_RESULT = re.compile(r"^[0-9a-f]{32}\.(wav|flac|mp3)$")


# ---------------------------------------------------------------- helpers
def _project_status(library: Library, project: Project) -> dict[str, Any]:
    counts = {state: n for state, n in library.conn.execute(
        "SELECT state, COUNT(*) FROM segment_states WHERE project_id = ? "
        "AND position IS NOT NULL GROUP BY state", (project.id,))}
    total = sum(counts.values())
    done = sum(counts.get(s, 0) for s in ("approved", "flagged", "rendered"))
    active = counts.get("queued", 0) + counts.get("rendering", 0)
    failed = counts.get("failed", 0)
    eta: float | None = 0.0
    if active:
        row = library.conn.execute(
            "SELECT AVG(updated_at - started_at) FROM (SELECT updated_at, started_at FROM jobs "
            "WHERE state = 'done' AND kind = 'render' AND started_at IS NOT NULL "
            "ORDER BY updated_at DESC LIMIT 20)").fetchone()
        workers = library.conn.execute(
            "SELECT COUNT(*) FROM workers WHERE state IN ('loaded', 'busy') "
            "AND backend != 'qa'").fetchone()[0]
        eta = (round(active * float(row[0]) / max(1, int(workers)), 1)
               if row and row[0] is not None else None)
    voice = library.voice(project.voice_id).name
    state = ("done" if total and done == total else "rendering" if active
             else "failed" if failed else "idle")
    return {"id": project.id, "name": project.name, "voice": voice, "state": state,
            "segments": total, "done": done, "failed": failed,
            "needs_review": counts.get("flagged", 0), "rendering": counts.get("rendering", 0),
            "queued": counts.get("queued", 0),
            "not_rendered": counts.get("pending", 0) + counts.get("stale", 0),
            "approved": counts.get("approved", 0), "eta_s": eta,
            "links": {"events": f"/v1/projects/{project.id}/events",
                      "audio": f"/v1/projects/{project.id}/audio",
                      "srt": f"/v1/projects/{project.id}/srt",
                      "segments": f"/v1/projects/{project.id}/segments"}}


def _project_or_404(library: Library, project_id: int) -> Project:
    project = library.project_by_id(project_id)
    if project is None or oneshot.is_oneshot(project):
        raise ApiError(404, f"no project with id {project_id}: see GET /v1/projects",
                       param="id", code="not_found")
    return project


# ---------------------------------------------------------------- the app
def create_app(root: Path, settings: ServerSettings) -> FastAPI:
    """The application for the library at ``root``."""
    holder: dict[str, State] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Db(root)
        results = root / oneshot.RESULTS
        results.mkdir(parents=True, exist_ok=True)
        state = State(root, settings, db, Keys(db, settings.key_concurrency), Waiter(db),
                      Metrics(), results)
        holder["state"] = state
        app.state.studio = state
        state.waiter.start()
        sweeper = asyncio.create_task(sweep_forever(state))
        serving.announce(root, settings.host, settings.port)  # for the Engine page
        try:
            yield
        finally:
            serving.withdraw(root)
            sweeper.cancel()
            await state.waiter.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            db.close()

    app = FastAPI(title="Voice Studio", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.add_middleware(Outer, state_of=lambda: holder.get("state"))

    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> Response:
        return response(request, err)

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, err: BodyTooLarge) -> Response:
        limit = state_of(request).settings.max_body_bytes
        return response(request, ApiError(413, f"the request body is over the limit of "
                                           f"{limit} bytes: send less"))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException) -> Response:
        message = {404: f"no such endpoint: {request.method} {request.url.path}",
                   405: f"{request.method} is not allowed on {request.url.path}"}.get(
                       err.status_code, str(err.detail))
        return JSONResponse(body(request.url.path, err.status_code, message),
                            status_code=err.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, err: RequestValidationError) -> Response:
        # a path parameter that is not a number: 400 in the route's own error shape
        problem = err.errors()[0] if err.errors() else {}
        where = problem.get("loc", ("", "parameter"))[-1]
        return JSONResponse(body(request.url.path, 400, f"{where} must be a whole number, not "
                                 f"{problem.get('input')!r}", param=str(where)),
                            status_code=400)

    @app.exception_handler(Exception)
    async def internal(request: Request, err: Exception) -> Response:
        log.error("internal error on %s: %s: %s", request.url.path, type(err).__name__, err,
                  exc_info=err)
        return JSONResponse(body(request.url.path, 500, f"internal error: "
                                 f"{type(err).__name__}: {err}"), status_code=500)

    async def authed(request: Request, key: str | None = None) -> str:
        return await state_of(request).keys.check(key or bearer(request))

    # ------------------------------------------------------------ operations
    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready")
    async def ready(request: Request) -> Response:
        await authed(request)
        state = state_of(request)

        def readiness(library: Library) -> tuple[bool, dict[str, int], str | None]:
            from studio.core.render import DEFAULT_VOICE, voice_fit
            from studio.engine.supervisor import engine_pid

            running = engine_pid(library.root) is not None
            loaded: dict[str, int] = {}
            states = library.conn.execute(
                "SELECT backend, state FROM workers WHERE backend != 'qa'").fetchall()
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

    @app.get("/metrics")
    async def metrics(request: Request) -> Response:
        await authed(request)
        state = state_of(request)
        text = await state.db.run(state.metrics.render)
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    # ------------------------------------------------------------ the original contract
    @app.get("/")
    async def index(request: Request) -> dict[str, Any]:
        await authed(request)
        voices = await state_of(request).db.run(usable_voices)
        return {"status": "ok", "available_voices": [v["name"] for v in voices if v["usable"]]}

    @app.get("/voices")
    async def voices(request: Request) -> list[str]:
        await authed(request)
        found = await state_of(request).db.run(usable_voices)
        return [v["name"] for v in found if v["usable"]]

    @app.post("/synthesize")
    async def synthesize(request: Request) -> dict[str, Any]:
        started = time.monotonic()
        data = await read_json(request)
        apikey = data.get("apikey")
        name = await authed(request, apikey if isinstance(apikey, str) else None)
        state = state_of(request)
        with state.keys.slot(name):
            target = text_field(data, "target")
            assert target is not None
            check_text(target, "target", state.settings.max_target_chars)
            voice = text_field(data, "voice", required=False)
            url = text_field(data, "voice_url", required=False)
            if voice is None and url is None:
                raise ApiError(400, "the field 'voice' is missing (or give 'voice_url' and "
                               "'voice_prompt_text')", param="voice", code="missing_field")
            if voice is not None and url is not None:
                raise ApiError(400, "give either 'voice' or 'voice_url', not both",
                               param="voice")
            if url is not None:
                prompt_text = text_field(data, "voice_prompt_text")
                assert prompt_text is not None
                voice = await _voice_from_url(state, url, prompt_text)
            assert voice is not None
            samples, rate, count = await render_oneshot(state, target, voice, 1.0, started,
                                                         made_here=url is not None)
            token = secrets.token_hex(16)
            path = state.results / f"{token}.wav"
            await anyio.to_thread.run_sync(
                lambda: audio.write_audio(path, samples, rate))
            state.metrics.add_audio("synthesize", len(samples) / rate)
            return {"download_url": f"/audio/{token}.wav",
                    "processing_time_seconds": round(time.monotonic() - started, 3),
                    "num_chunks": count}

    @app.get("/audio/{filename:path}")
    async def result_audio(request: Request, filename: str) -> Response:
        await authed(request)
        state = state_of(request)
        if "/" in filename or "\\" in filename or ".." in filename or "\x00" in filename:
            raise ApiError(400, f"{filename!r} is not a result file name: use the "
                           "download_url /synthesize gave")
        path = (state.results / filename).resolve()
        if not _RESULT.match(filename) or not path.is_relative_to(state.results.resolve()) \
                or not path.is_file():
            raise ApiError(404, f"no audio file {filename!r} (results expire after "
                           f"{state.settings.result_ttl_s:g} s)")
        data = await anyio.to_thread.run_sync(path.read_bytes)
        return Response(data, media_type="audio/wav")

    # ------------------------------------------------------------ compatible speech API
    @app.get("/v1/models")
    async def models(request: Request) -> dict[str, Any]:
        await authed(request)
        from studio.backends import installed_backends

        names = list(MODELS) + sorted(installed_backends())
        return {"object": "list", "data": [{"id": name, "object": "model", "created": 0,
                                            "owned_by": "voice-studio"} for name in names]}

    @app.get("/v1/audio/voices")
    async def speech_voices(request: Request) -> dict[str, Any]:
        await authed(request)
        return {"voices": await state_of(request).db.run(usable_voices)}

    @app.post("/v1/audio/speech")
    async def speech(request: Request) -> Response:
        started = time.monotonic()
        name = await authed(request)
        state = state_of(request)
        with state.keys.slot(name):
            data = await read_json(request)
            model = text_field(data, "model")
            text = text_field(data, "input")
            voice = text_field(data, "voice")
            assert model is not None and text is not None and voice is not None
            from studio.backends import installed_backends

            if model not in MODELS and model not in installed_backends():
                raise ApiError(400, f"no model named {model!r}: use one of "
                               f"{', '.join(list(MODELS) + sorted(installed_backends()))}",
                               param="model", code="model_not_found")
            check_text(text, "input", state.settings.max_input_chars)
            fmt = data.get("response_format", "mp3")
            have = audio_out.formats()
            if fmt not in have:
                raise ApiError(400, f"response_format {fmt!r} is not offered here: use one of "
                               f"{', '.join(have)}", param="response_format")
            speed = data.get("speed", 1.0)
            if isinstance(speed, bool) or not isinstance(speed, int | float) \
                    or not MIN_SPEED <= speed <= MAX_SPEED:
                raise ApiError(400, f"speed {speed!r} is not a number from {MIN_SPEED} to "
                               f"{MAX_SPEED}", param="speed")
            samples, rate, _ = await render_oneshot(state, text, voice, float(speed), started)
            encoded = await anyio.to_thread.run_sync(
                lambda: audio_out.encode(samples, rate, str(fmt)))
            state.metrics.add_audio("speech", len(samples) / rate)
            return Response(encoded, media_type=audio_out.MEDIA_TYPES[str(fmt)])

    # ------------------------------------------------------------ long-form projects
    @app.post("/v1/projects", status_code=201)
    async def create_project(request: Request) -> Response:
        name = await authed(request)
        state = state_of(request)
        with state.keys.slot(name):
            data = await read_json(request)
            title = text_field(data, "name")
            script = text_field(data, "script")
            voice = text_field(data, "voice", required=False)
            assert title is not None and script is not None
            if not title.strip():
                raise ApiError(400, "the field 'name' is empty: name the project",
                               param="name")
            if title.strip().startswith(oneshot.PREFIX):
                raise ApiError(400, f"project names starting {oneshot.PREFIX!r} are the "
                               "server's own: choose another", param="name")

            def make(library: Library) -> dict[str, Any]:
                from studio.core.render import plan_project

                if library.conn.execute("SELECT 1 FROM projects WHERE name = ?",
                                        (title.strip(),)).fetchone():
                    raise ApiError(409, f"there is already a project named {title.strip()!r}"
                                   " (or one in the trash): choose another name",
                                   param="name", code="exists")
                if voice is not None:
                    check_voice(library, voice)
                planned = plan_project(library, script, title.strip(), voice,
                                       script_label="the script")
                project = planned.sync.project
                queued = service.queue_project(library, project)
                return _project_status(library, project) | {"queued": queued.todo}

            try:
                made = await state.db.run(make)
            except UserError as err:
                raise user_error(err) from None
            spawn(state, start_engine(state))
            return JSONResponse(made, status_code=201)

    @app.get("/v1/projects")
    async def list_projects(request: Request) -> dict[str, Any]:
        await authed(request)

        def rows(library: Library) -> list[dict[str, Any]]:
            out = []
            for project_name in library.project_names():
                project = library.find_project(project_name)
                if project is not None:
                    out.append(_project_status(library, project))
            return out

        return {"object": "list", "data": await state_of(request).db.run(rows)}

    @app.get("/v1/projects/{project_id}")
    async def project_status(request: Request, project_id: int) -> dict[str, Any]:
        await authed(request)
        return await state_of(request).db.run(
            lambda lib: _project_status(lib, _project_or_404(lib, project_id)))

    @app.get("/v1/projects/{project_id}/segments")
    async def project_segments(request: Request, project_id: int) -> dict[str, Any]:
        await authed(request)

        def rows(library: Library) -> list[dict[str, Any]]:
            project = _project_or_404(library, project_id)
            out = []
            for row in library.segment_rows(project.id):
                row["qa_reasons"] = json.loads(row["qa_reasons"] or "[]")
                row["locked"] = bool(row["locked"])
                row["state"] = row.pop("status")
                out.append(row)
            return out

        return {"object": "list", "data": await state_of(request).db.run(rows)}

    @app.post("/v1/projects/{project_id}/segments/{number}/regenerate", status_code=202)
    async def regenerate(request: Request, project_id: int, number: int) -> Response:
        await authed(request)
        state = state_of(request)

        def again(library: Library) -> dict[str, Any]:
            project = _project_or_404(library, project_id)
            try:
                segment = library.segment_at(project, number)
            except UserError as err:
                raise ApiError(404, str(err), param="number", code="not_found") from None
            try:
                done = service.regenerate(library, [segment.id])[0]
            except UserError as err:
                raise ApiError(409, str(err), param="number", code="locked") from None
            return {"segment": number, "job": done.job_id, "action": done.action,
                    "message": done.describe()}

        result = await state.db.run(again)
        spawn(state, start_engine(state))
        return JSONResponse(result, status_code=202)

    @app.get("/v1/projects/{project_id}/events")
    async def project_events(request: Request, project_id: int) -> Response:
        await authed(request)
        state = state_of(request)
        await state.db.run(_project_or_404, project_id)
        return StreamingResponse(_events(request, state, project_id),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache",
                                          "X-Accel-Buffering": "no"})

    @app.get("/v1/projects/{project_id}/audio")
    async def project_audio(request: Request, project_id: int, format: str = "wav") -> Response:
        await authed(request)
        state = state_of(request)
        fmt = format.lower().lstrip(".")
        if f".{fmt}" not in audio.EXPORT_FORMATS:
            raise ApiError(400, f"format {format!r} is not one the export writes: use "
                           f"{', '.join(s.lstrip('.') for s in audio.EXPORT_FORMATS)}",
                           param="format")

        def export(library: Library) -> tuple[bytes, float]:
            project = _project_or_404(library, project_id)
            with tempfile.TemporaryDirectory(dir=state.results) as folder:
                out = Path(folder) / f"export.{fmt}"
                try:
                    result = export_project(library, project, out)
                except NotRendered as err:
                    raise ApiError(409, str(err), code="not_rendered") from None
                except UserError as err:
                    raise ApiError(409, str(err)) from None
                return out.read_bytes(), result.duration_s

        data, seconds = await state.db.run(export)
        state.metrics.add_audio("project", seconds)
        media = {"wav": "audio/wav", "flac": "audio/flac", "mp3": "audio/mpeg",
                 "m4b": "audio/mp4", "m4a": "audio/mp4"}[fmt]
        return Response(data, media_type=media)

    @app.get("/v1/projects/{project_id}/srt")
    async def project_srt(request: Request, project_id: int) -> Response:
        await authed(request)

        def srt(library: Library) -> str:
            project = _project_or_404(library, project_id)
            try:
                _, _, cues = assemble(library, project, ExportSettings())
            except NotRendered as err:
                raise ApiError(409, str(err), code="not_rendered") from None
            return subtitles(cues)

        text = await state_of(request).db.run(srt)
        return PlainTextResponse(text, media_type="application/x-subrip")

    return app


# ---------------------------------------------------------------- background work
async def _events(request: Request, state: State, project_id: int) -> AsyncIterator[bytes]:
    """Server-sent events: ``segment`` as each segment's state changes,
    ``progress`` with the project's status after each change, ``done`` when
    nothing is left to render (then the stream ends); a comment every 15 s."""

    def read(library: Library) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        project = library.project_by_id(project_id)
        if project is None:
            return None
        return _project_status(library, project), library.segment_rows(project.id)

    seen: dict[int, tuple[Any, ...]] = {}
    quiet = time.monotonic()
    while True:
        if await request.is_disconnected():
            return
        found = await state.db.run(read)
        if found is None:
            yield _sse("gone", {"id": project_id})
            return
        status, rows = found
        changed = False
        for row in rows:
            key = (row["status"], row["qa"], row["duration_s"], row["takes"])
            if seen.get(row["id"]) != key:
                seen[row["id"]] = key
                changed = True
                yield _sse("segment", {"number": row["number"], "state": row["status"],
                                       "qa": row["qa"], "duration_s": row["duration_s"],
                                       "takes": row["takes"], "text": row["text"]})
        if changed:
            quiet = time.monotonic()
            yield _sse("progress", status)
        if status["state"] in ("done", "failed", "idle"):
            yield _sse("done", status)
            return
        if time.monotonic() - quiet > 15:
            quiet = time.monotonic()
            yield b": keep-alive\n\n"
        await asyncio.sleep(0.5)


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


async def _voice_from_url(state: State, url: str, prompt_text: str) -> str:
    """Fetch the clip at ``url``, check it, and make a one-shot voice of it;
    its name. 400 for a URL or clip that cannot be used, 503 when no
    cloning backend can render here (checked before anything is written)."""
    settings = state.settings
    if not prompt_text.strip():
        raise ApiError(400, "the field 'voice_prompt_text' is empty: give what the clip says",
                       param="voice_prompt_text")
    try:
        allow = parse_allow(settings.voice_url_allow)
    except ValueError as err:
        raise ApiError(500, f"the voice_url_allow setting is not a list of networks ({err})"
                       ) from None
    try:
        fetched = await anyio.to_thread.run_sync(
            lambda: fetch(url, max_bytes=settings.voice_url_max_bytes,
                          timeout_s=settings.voice_url_timeout_s, allow=allow))
    except FetchError as err:
        raise ApiError(400, str(err), param="voice_url") from None

    def make(library: Library) -> str:
        from studio.backends import installed_backends
        from studio.core.prompts import check_prompt, import_voice

        with tempfile.TemporaryDirectory() as folder:
            clip = Path(folder) / f"voice_url{fetched.suffix}"
            clip.write_bytes(fetched.data)
            try:
                check_prompt(clip)
            except UserError as err:
                raise ApiError(400, f"voice_url's audio cannot be a voice: {err}",
                               param="voice_url") from None
            cloners = [cls for cls in installed_backends().values() if cls.can_clone]
            reasons = [cls.available(library.settings_with_prefix(f"{cls.name}."))
                       for cls in cloners]
            if not cloners or all(reason is not None for reason in reasons):
                why = next((r.explained for r in reasons if r is not None),
                           "no voice-cloning backend is installed")
                raise ApiError(503, f"voice cloning cannot run here: {why}",
                               code="backend_unavailable")
            name = f"{oneshot.PREFIX}{secrets.token_hex(8)}"
            import_voice(library, name, clip, prompt_text)
            return name

    try:
        return await state.db.run(make)
    except UserError as err:
        raise user_error(err, "voice_url") from None

"""Long-form projects, the desktop app's own: ``/v1/projects`` (make one
from a script and queue it, list them), a project's status, segments,
audio and subtitles, regenerating a segment, and its progress as
server-sent events."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.types import Receive, Scope, Send

from studio import audio
from studio.core.progress import project_progress
from studio.core.store import Library, Project
from studio.errors import UserError
from studio.server.errors import ApiError
from studio.server.long_work import EXPORT_PREFIX
from studio.server.shared import (
    Key,
    PathId,
    ServerState,
    api_key,
    check_voice,
    read_json,
    text_field,
    user_error,
)
from studio.server.state import State, starter, unless_stopped, until_gone
from studio.service import oneshot, render, review

router = APIRouter()


async def project_key(request: Request, project_id: PathId) -> str:
    """:func:`~studio.server.shared.api_key`, asked once the path's project
    id parses: a bad id is a 400 before a missing key is a 401."""
    return await api_key(request)


async def segment_key(request: Request, project_id: PathId, number: PathId) -> str:
    """:func:`project_key` for a path with a segment number too."""
    return await api_key(request)


ProjectKey = Annotated[str, Depends(project_key)]


def _project_status(library: Library, project: Project) -> dict[str, Any]:
    """The project's status: :class:`~studio.core.progress.Progress` in the
    API's words (``state`` is ``done`` only once every take is also checked)."""
    progress = project_progress(library, project.id)
    count = progress.count
    return {"id": project.id, "name": project.name,
            "voice": library.voice(project.voice_id).name, "state": progress.state,
            "segments": progress.total, "done": progress.rendered, "failed": count("failed"),
            "needs_review": count("flagged"), "rendering": count("rendering"),
            "queued": count("queued"), "checking": progress.checks,
            "not_rendered": count("pending") + count("stale"),
            "approved": count("approved"), "eta_s": progress.eta_s,
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


@router.post("/v1/projects", status_code=201)
async def create_project(request: Request, name: Key, state: ServerState) -> Response:
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

        start = starter(state)

        def make(library: Library) -> dict[str, Any]:
            try:
                library.check_new_name(title)
            except UserError as err:
                if err.code != "exists":
                    raise
                raise ApiError(409, f"there is already a project named {title.strip()!r}"
                               " (or one in the trash): choose another name",
                               param="name", code="exists") from None
            if voice is not None:
                check_voice(library, voice)
            project = render.plan_script(library, script, title.strip(), voice)
            queued = render.start_render(library, project, start=start)
            return _project_status(library, project) | {"queued": queued.todo}

        try:
            made = await state.db.run(make)
        except UserError as err:
            raise user_error(err) from None
        return JSONResponse(made, status_code=201)


@router.get("/v1/projects", dependencies=[Depends(api_key)])
async def list_projects(state: ServerState) -> dict[str, Any]:
    def rows(library: Library) -> list[dict[str, Any]]:
        out = []
        for project_name in library.project_names():
            project = library.find_project(project_name)
            if project is not None:
                out.append(_project_status(library, project))
        return out

    return {"object": "list", "data": await state.db.run(rows)}


@router.get("/v1/projects/{project_id}", dependencies=[Depends(project_key)])
async def project_status(state: ServerState, project_id: PathId) -> dict[str, Any]:
    return await state.db.run(
        lambda lib: _project_status(lib, _project_or_404(lib, project_id)))


@router.get("/v1/projects/{project_id}/segments", dependencies=[Depends(project_key)])
async def project_segments(state: ServerState, project_id: PathId) -> dict[str, Any]:
    def rows(library: Library) -> list[dict[str, Any]]:
        project = _project_or_404(library, project_id)
        out = []
        for row in library.segment_rows(project.id):
            row["qa_reasons"] = json.loads(row["qa_reasons"] or "[]")
            row["locked"] = bool(row["locked"])
            row["checking"] = bool(row["checking"])  # a check of its take is still to run
            row["state"] = row.pop("status")
            out.append(row)
        return out

    return {"object": "list", "data": await state.db.run(rows)}


@router.post("/v1/projects/{project_id}/segments/{number}/regenerate", status_code=202,
             dependencies=[Depends(segment_key)])
async def regenerate(state: ServerState, project_id: PathId, number: PathId) -> Response:
    start = starter(state)

    def again(library: Library) -> dict[str, Any]:
        project = _project_or_404(library, project_id)
        try:
            segment = library.segment_at(project, number)
        except UserError as err:
            raise ApiError(404, str(err), param="number", code="not_found") from None
        try:
            batch = review.regenerate(library, [segment.id], start=start)
        except UserError as err:
            raise ApiError(409, str(err), param="number", code=err.code or "refused") from None
        if batch.refused:
            refused = batch.refused[0][1]
            raise ApiError(409, str(refused), param="number", code=refused.code or "locked")
        done = batch.regenerated[0]
        return {"segment": number, "job": done.job_id, "action": done.action,
                "message": done.describe()}

    return JSONResponse(await state.db.run(again), status_code=202)


@router.get("/v1/projects/{project_id}/events", dependencies=[Depends(project_key)])
async def project_events(request: Request, state: ServerState,
                         project_id: PathId) -> Response:
    await state.db.run(_project_or_404, project_id)
    return StreamingResponse(_events(request, state, project_id),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache",
                                      "X-Accel-Buffering": "no"})


@router.get("/v1/projects/{project_id}/audio")
async def project_audio(request: Request, state: ServerState, project_id: PathId,
                        name: ProjectKey, format: str = "wav") -> Response:
    """The project's audio, exported in a child process (long work: see
    :mod:`studio.server.long_work`) to a file sent from disk, then removed."""
    fmt = format.lower().lstrip(".")
    if f".{fmt}" not in audio.EXPORT_FORMATS:
        raise ApiError(400, f"format {format!r} is not one the export writes: use "
                       f"{', '.join(s.lstrip('.') for s in audio.EXPORT_FORMATS)}",
                       param="format")
    with state.long.keys.slot(name):
        await state.db.run(_project_or_404, project_id)
        folder = Path(tempfile.mkdtemp(prefix=EXPORT_PREFIX, dir=state.results))
        try:
            out = folder / f"export.{fmt}"
            made = await _long(request, state, "audio", project_id=project_id, out=str(out))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    state.metrics.add_audio("project", made["duration_s"])
    media = {"wav": "audio/wav", "flac": "audio/flac", "mp3": "audio/mpeg",
             "m4b": "audio/mp4", "m4a": "audio/mp4"}[fmt]
    return Exported(out, folder, media_type=media)


class Exported(FileResponse):
    """An export's file, sent from disk (byte ranges too), its folder
    removed however the sending ends."""

    def __init__(self, path: Path, folder: Path, **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.folder = folder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@router.get("/v1/projects/{project_id}/srt")
async def project_srt(request: Request, state: ServerState, project_id: PathId,
                      name: ProjectKey) -> Response:
    """The project's subtitles: long work too (every take is read for its
    length)."""
    with state.long.keys.slot(name):
        await state.db.run(_project_or_404, project_id)
        text = await _long(request, state, "srt", project_id=project_id)
    return PlainTextResponse(text, media_type="application/x-subrip")


async def _long(request: Request, state: State, job: str, **args: Any) -> Any:
    """``job`` in a child process, killed if the client goes away or the
    server's grace runs out first; a refusal as 409 (404 for a project
    gone meanwhile)."""
    gone = asyncio.ensure_future(until_gone(request))
    try:
        return await unless_stopped(state, state.long.run(job, **args), gone)
    except UserError as err:
        if err.code == "not_found":
            raise ApiError(404, str(err), param="id", code="not_found") from None
        raise ApiError(409, str(err), code=err.code or None) from None
    finally:
        gone.cancel()


async def _events(request: Request, state: State, project_id: int) -> AsyncIterator[bytes]:
    """Server-sent events: ``segment`` as each segment's state changes,
    ``progress`` with the project's status after each change, ``done`` when
    nothing is left to render or check (then the stream ends: no take changes
    after it); a comment every 15 s. When the server begins to stop, a last
    ``shutdown`` event (the reason and the status) ends the stream at once:
    it never holds the stop up."""

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
        if status["state"] in ("done", "failed", "idle"):  # settled: nothing left to happen
            yield _sse("done", status)
            return
        if time.monotonic() - quiet > 15:
            quiet = time.monotonic()
            yield b": keep-alive\n\n"
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.stop.begun.wait(), 0.5)
        if state.stop.begun.is_set():
            yield _sse("shutdown", {"reason": state.stop.reason, "status": status})
            return


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()

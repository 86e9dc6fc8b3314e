"""Reviewing a project over the API, as the window and the command line do:
render what is not done, pause and resume, edit a segment's text, lock,
unlock, approve and unapprove segments, and the lexicon of the library or of
a project. Each route calls one flow of :mod:`studio.service`; a refusal
(paused, locked, not rendered) is a 409 with the flow's code."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from studio.core.store import Library, Project
from studio.errors import UserError
from studio.server.errors import ApiError
from studio.server.routes.projects import _project_or_404, _project_status, project_key, segment_key
from studio.server.shared import (
    PathId,
    QueryId,
    ServerState,
    api_key,
    read_json,
    text_field,
    user_error,
)
from studio.server.state import starter
from studio.service import lexicon, queue, render, review
from studio.text import lexicon as lex

router = APIRouter()

MARKS = {"lock": "lock", "unlock": "unlock", "approve": "approve", "unapprove": "unapprove"}


def _segment(library: Library, project: Project, number: int) -> int:
    try:
        return library.segment_at(project, number).id
    except UserError as err:
        raise ApiError(404, str(err), param="number", code="not_found") from None


@router.post("/v1/projects/{project_id}/render", status_code=202,
             dependencies=[Depends(project_key)])
async def render_project(state: ServerState, project_id: PathId) -> Response:
    start = starter(state)

    def queue_it(library: Library) -> dict[str, Any]:
        project = _project_or_404(library, project_id)
        try:
            queued = render.start_render(library, project, start=start)
        except UserError as err:
            raise user_error(err) from None
        return _project_status(library, project) | {
            "to_render": queued.todo, "new_jobs": queued.new_jobs,
            "locked_unrendered": [s.number for s in queued.locked]}

    return JSONResponse(await state.db.run(queue_it), status_code=202)


@router.post("/v1/projects/{project_id}/pause", dependencies=[Depends(project_key)])
async def pause_project(state: ServerState, project_id: PathId) -> dict[str, Any]:
    return await _set_paused(state, project_id, True)


@router.post("/v1/projects/{project_id}/resume", dependencies=[Depends(project_key)])
async def resume_project(state: ServerState, project_id: PathId) -> dict[str, Any]:
    return await _set_paused(state, project_id, False)


async def _set_paused(state: ServerState, project_id: int, paused: bool) -> dict[str, Any]:
    def change(library: Library) -> dict[str, Any]:
        project = _project_or_404(library, project_id)
        queue.set_paused(library, project, paused)
        return _project_status(library, project) | {"paused": paused}

    return await state.db.run(change)


@router.patch("/v1/projects/{project_id}/segments/{number}",
              dependencies=[Depends(segment_key)])
async def edit_segment(request: Request, state: ServerState, project_id: PathId,
                       number: PathId) -> dict[str, Any]:
    text = text_field(await read_json(request), "text")
    assert text is not None

    def edit(library: Library) -> dict[str, Any]:
        project = _project_or_404(library, project_id)
        try:
            segment = review.edit(library, _segment(library, project, number), text)
        except UserError as err:
            raise user_error(err, "text") from None
        return {"segment": segment.number, "text": segment.source, "state": segment.state}

    return await state.db.run(edit)


@router.post("/v1/projects/{project_id}/segments/{number}/{action}",
             dependencies=[Depends(segment_key)])
async def mark_segment(state: ServerState, project_id: PathId, number: PathId,
                       action: str) -> dict[str, Any]:
    if action not in MARKS:
        raise ApiError(404, f"no action {action!r} on a segment: use regenerate, "
                       + ", ".join(MARKS), param="action", code="not_found")

    def mark(library: Library) -> dict[str, Any]:
        project = _project_or_404(library, project_id)
        try:
            batch = review.mark(library, [_segment(library, project, number)], MARKS[action])
        except UserError as err:
            raise user_error(err, "number") from None
        if batch.refused:
            raise user_error(batch.refused[0][1], "number")
        segment = batch.done[0]
        return {"segment": segment.number, "action": action, "state": segment.state,
                "locked": segment.locked}

    return await state.db.run(mark)


def _project_id(library: Library, raw: object) -> int | None:
    """The project a lexicon request names (``project``: its id), or None for
    the library's own lexicon."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ApiError(400, "the field 'project' must be a project id (an integer)",
                       param="project")
    return _project_or_404(library, raw).id


@router.get("/v1/lexicon", dependencies=[Depends(api_key)])
async def lexicon_entries(state: ServerState, project: QueryId = None) -> dict[str, Any]:
    def entries(library: Library) -> list[dict[str, Any]]:
        return [vars(e) for e in library.lexicon_entries(_project_id(library, project))]

    return {"object": "list", "data": await state.db.run(entries)}


@router.post("/v1/lexicon", dependencies=[Depends(api_key)])
async def change_lexicon(request: Request, state: ServerState) -> dict[str, Any]:
    data = await read_json(request)
    raw = data.get("entries")
    remove = data.get("remove", [])
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise ApiError(400, "the field 'entries' must be a list of objects with 'term' and "
                       "'alias' or 'phonemes'", param="entries")
    if not isinstance(remove, list) or not all(isinstance(t, str) for t in remove):
        raise ApiError(400, "the field 'remove' must be a list of terms", param="remove")
    try:
        entries = [lex.check_entry(text_field(e, "term") or "",
                                   text_field(e, "alias", required=False) or "",
                                   text_field(e, "phonemes", required=False) or "",
                                   e.get("case_sensitive") is True)
                   for e in raw]
    except UserError as err:
        raise user_error(err, "entries") from None
    start = starter(state)

    def change(library: Library) -> dict[str, Any]:
        project_id = _project_id(library, data.get("project"))
        try:
            done = lexicon.change_lexicon(library, entries, project_id, remove=remove,
                                          start=start)
        except UserError as err:  # a term to remove that is not there, say
            raise user_error(err, "remove" if remove else "entries") from None
        return {"changed": {name: len(ids) for name, ids in done.change.changed.items()},
                "locked": {name: len(ids) for name, ids in done.change.locked.items()},
                "queued": len(done.queued)}

    return await state.db.run(change)

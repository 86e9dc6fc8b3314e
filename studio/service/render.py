"""Render a script or a project: plan it, queue what is not done, start the
engine, and (for the command line) wait.

``studio render``, the Projects page's Render all and Apply, the export
dialog's Render first and the API's projects go through here. Rules kept
in one place:

* only what is not done is queued (a segment with a current take of its
  present text and voice is never rendered again), and locked segments are
  never rendered;
* a paused project is refused (code ``paused``): nothing queued for it
  would render until it is resumed;
* the engine is started on demand once there is work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from studio.core.jobs import PRIORITY_BULK, PRIORITY_INTERACTIVE
from studio.core.planning import enqueue_segments, plan_project
from studio.core.progress import Progress
from studio.core.store import DONE_STATES, Library, Project, Segment
from studio.errors import UserError
from studio.service.engine import Starter, start_engine_for, wait
from studio.text import Script

__all__ = ["Applied", "Queued", "apply_script", "plan_script", "queue_project", "render",
           "start_render"]


@dataclass(frozen=True)
class Queued:
    """What :func:`queue_project` did."""

    project: Project
    todo: int  # segments that need rendering (now queued, or already waiting)
    new_jobs: int  # jobs created by this call
    locked: tuple[Segment, ...]  # locked segments without a current take: never rendered


def refuse_paused(project: Project) -> None:
    """The paused rule: no work is queued for a paused project."""
    if project.paused:
        raise UserError(f"project {project.name!r} is paused",
                        f"resume it first (`studio jobs resume --project {project.name}`, "
                        "or Resume in the Queue page)", code="paused")


def queue_project(library: Library, project: Project, *, interactive: bool = False,
                  only: Sequence[int] | None = None) -> Queued:
    """Queue a render of every segment of ``project`` that is not done and
    not locked (with ``only``: of those segments, by id), ahead of bulk work
    when ``interactive`` (someone waits for it). A paused project is
    refused. The caller starts the engine (:func:`ensure_engine`) when
    ``todo`` is not zero, or calls :func:`render`."""
    project = fresh(library, project)
    refuse_paused(project)
    wanted = None if only is None else set(only)
    todo = [s for s in library.segments_to_render(project) if wanted is None or s.id in wanted]
    priority = PRIORITY_INTERACTIVE if interactive else PRIORITY_BULK
    created = enqueue_segments(library, todo, priority=priority, missing_only=True)
    locked = tuple(s for s in library.not_done(project)
                   if s.locked and (wanted is None or s.id in wanted))
    return Queued(project, len(todo), len(created), locked)


def start_render(library: Library, project: Project, *, only: Sequence[int] | None = None,
                 interactive: bool = False, start: Starter | None = None) -> Queued:
    """Queue what is not done (see :func:`queue_project`) and, when anything
    waits to render, start the engine: Render all, the API's render, and the
    first half of :func:`render`."""
    queued = queue_project(library, project, only=only, interactive=interactive)
    if queued.todo:
        start_engine_for(library.root, start)
    return queued


def plan_script(library: Library, raw: str, name: str, voice: str | None = None, *,
                strip_symbols: bool = False, label: str = "the script",
                prepared: Script | None = None) -> Project:
    """Check and split a script, then create or update the project named
    ``name`` (segments whose text did not change keep their takes)."""
    return plan_project(library, raw, name, voice, strip_symbols=strip_symbols,
                        script_label=label, prepared=prepared).sync.project


def render(library: Library, project: Project,
           on_progress: Callable[[Progress], None] | None = None,
           on_queued: Callable[[Queued], None] | None = None) -> Progress:
    """Queue what is not done, start the engine if needed, and wait until
    the project is settled (rendered and checked): the command line's
    render. Returns the final progress (the caller reports segments that
    are still not done)."""
    queued = start_render(library, project)
    if on_queued:
        on_queued(queued)
    return wait(library, project, on_progress)


@dataclass(frozen=True)
class Applied:
    """What :func:`apply_script` did: the project as saved, and, when the
    edit was rendered at once, what was queued (or why not)."""

    project: Project
    queued: Queued | None = None
    refused: UserError | None = None  # the paused rule, say: the edit is saved all the same


def apply_script(library: Library, raw: str, name: str, *, prepared: Script | None = None,
                 render_changes: bool = False, start: Starter | None = None) -> Applied:
    """Save an edited script to its project. With ``render_changes``, a
    project that has been rendered queues the segments the edit changed,
    and only those, and the engine is started for them."""
    found = library.find_project(name)
    before = {r["id"]: r["status"] for r in (library.segment_rows(found.id) if found else [])}
    saved = plan_script(library, raw, name, prepared=prepared)
    after = library.segment_rows(saved.id)
    changed = [r["id"] for r in after if r["status"] not in DONE_STATES
               and (r["id"] not in before or before[r["id"]] in DONE_STATES)]
    rendering = any(state in DONE_STATES for state in before.values())
    if not (render_changes and rendering and changed):
        return Applied(saved)
    try:
        queued = start_render(library, saved, only=changed, start=start)
    except UserError as err:  # paused: the edit is saved, and the caller says why not
        return Applied(saved, refused=err)
    return Applied(saved, queued)


def fresh(library: Library, project: Project) -> Project:
    """The project as stored now (it may have been paused, renamed or removed)."""
    found = library.find_project(project.name)
    if found is None:
        raise UserError(f"no project named {project.name!r}", "see `studio projects list`",
                        code="no_project")
    return found

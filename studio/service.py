"""The one render service both front ends call.

``studio render``, the Projects page's Render all and the segment panel's
Regenerate all go through here: queue what is not done (each segment by the
backend of its own voice), start the engine on demand, and, for the command
line, wait for it. Front ends never script that pipeline themselves.

Starting the engine can take a few seconds (it waits for the supervisor to
take its lock), so the GUI calls :func:`ensure_engine` off its thread; the
queueing calls are short transactions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from studio.core import review
from studio.core.jobs import PRIORITY_BULK
from studio.core.render import enqueue_segments
from studio.core.store import Library, Project, Segment
from studio.engine.client import Progress, start_engine, wait_for_project
from studio.errors import UserError

# An engine started on demand stops itself this long after its last job.
IDLE_EXIT_S = 30.0


@dataclass(frozen=True)
class Queued:
    """What :func:`queue_project` did."""

    project: Project
    todo: int  # segments that need rendering (now queued, or already waiting)
    new_jobs: int  # jobs created by this call
    locked: tuple[Segment, ...]  # locked segments without a current take: never rendered

    def describe(self) -> str:
        """One line for the user."""
        if self.todo == 0 and not self.locked:
            return f"project {self.project.name!r}: every segment is rendered"
        text = f"project {self.project.name!r}: {self.todo} segment(s) to render"
        if self.locked:
            numbers = ", ".join(str(s.number) for s in self.locked[:5])
            text += (f"; locked without a current take (unlock to render): {numbers}"
                     + (" …" if len(self.locked) > 5 else ""))
        return text


def queue_project(library: Library, project: Project, *,
                  priority: int = PRIORITY_BULK,
                  only: Sequence[int] | None = None) -> Queued:
    """Queue a render of every segment of ``project`` that is not done and
    not locked (with ``only``: of those segments, by id). A paused project is
    refused: nothing would ever render."""
    project = _fresh(library, project)
    if project.paused:
        raise UserError(f"project {project.name!r} is paused",
                        f"resume it first (`studio jobs resume --project {project.name}`, "
                        "or Resume in the Queue page)")
    wanted = None if only is None else set(only)
    todo = [s for s in library.segments_to_render(project) if wanted is None or s.id in wanted]
    created = enqueue_segments(library, todo, priority=priority, missing_only=True)
    locked = tuple(s for s in library.not_done(project)
                   if s.locked and (wanted is None or s.id in wanted))
    return Queued(project, len(todo), len(created), locked)


def regenerate(library: Library, segment_ids: Sequence[int]) -> list[review.Regenerated]:
    """A new take of each segment, ahead of bulk work (a waiting job moves to
    the front instead). The caller starts the engine (:func:`ensure_engine`)."""
    return [review.regenerate(library, segment_id) for segment_id in segment_ids]


def ensure_engine(root: Path) -> int:
    """Start the engine for the library if it is not running; its pid."""
    return start_engine(root, idle_exit_s=IDLE_EXIT_S, exist_ok=True)


def wait(library: Library, project: Project,
         on_progress: Callable[[Progress], None] | None = None) -> Progress:
    """Wait until no job of ``project`` is active (restarting a dead engine)."""
    return wait_for_project(library, project, on_progress, idle_exit_s=IDLE_EXIT_S)


def render(library: Library, project: Project,
           on_progress: Callable[[Progress], None] | None = None,
           on_queued: Callable[[Queued], None] | None = None) -> Progress:
    """Queue what is not done, start the engine if needed, and wait: the
    command line's render. Returns the final progress (the caller reports
    segments that are still not done)."""
    queued = queue_project(library, project)
    if on_queued:
        on_queued(queued)
    if queued.todo:
        ensure_engine(library.root)
    return wait(library, project, on_progress)


def _fresh(library: Library, project: Project) -> Project:
    found = library.find_project(project.name)
    if found is None:
        raise UserError(f"no project named {project.name!r}", "see `studio projects list`")
    return found

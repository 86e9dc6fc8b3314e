"""Where a project's render stands: one definition for every front end.

The command line's bar, the window's progress bar and counts, ``studio
engine status``, the API's project status and its server-sent events all
read a :class:`Progress`. A project is *done* when every segment has a
current take **and** nothing is left to do for it: no render waiting or
running, and no take check (a check can still fail a take and queue a
retake, so audio downloaded before the checks settle could change).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from studio.core.storage.progress import ProgressRows, ProgressStore
from studio.core.storage.schema import DONE_STATES
from studio.core.store import Library

#: What a project is doing, as the API and ``studio engine status`` name it.
PROJECT_STATES = ("done", "rendering", "checking", "failed", "idle")


@dataclass(frozen=True)
class Progress:
    """A project's segments by state, its active jobs and the time left.

    ``counts`` holds the segments (in the script) by their state, as the
    ``segment_states`` view defines it; ``renders`` and ``checks`` the jobs
    still to finish (queued, running, or waiting to retry) of each kind;
    ``dead`` the render jobs that gave up. ``eta_s`` is the measured time
    left: 0.0 when no render is left, None while there is nothing to
    measure it by (no render finished yet, no worker loaded).
    """

    counts: Mapping[str, int] = field(default_factory=dict)
    renders: int = 0
    checks: int = 0
    dead: int = 0
    eta_s: float | None = None

    @property
    def total(self) -> int:
        """Segments in the script."""
        return sum(self.counts.values())

    @property
    def rendered(self) -> int:
        """Segments with a current take (approved, flagged or rendered)."""
        return sum(self.counts.get(state, 0) for state in DONE_STATES)

    @property
    def active(self) -> int:
        """Jobs still to finish, renders and checks together."""
        return self.renders + self.checks

    @property
    def settled(self) -> bool:
        """No job of the project is left: every take it will get is made and checked."""
        return self.active == 0

    @property
    def done(self) -> bool:
        """Every segment rendered, and every check of it finished."""
        return self.total > 0 and self.rendered == self.total and self.settled

    @property
    def state(self) -> str:
        """One of :data:`PROJECT_STATES`: done; rendering (takes being made);
        checking (only checks left, which may still queue retakes); failed
        (nothing left to do, and segments whose jobs gave up); idle."""
        if self.done:
            return "done"
        if self.renders:
            return "rendering"
        if self.checks:
            return "checking"
        if self.counts.get("failed", 0):
            return "failed"
        return "idle"

    def count(self, state: str) -> int:
        """Segments in ``state``."""
        return self.counts.get(state, 0)

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, Any]]) -> Progress:
        """The progress of segment rows as :meth:`Library.segment_rows` reads
        them (``status``, ``job``: the state of the segment's render job,
        ``checking``: a check of one of its takes is still to run), for a front end
        that has the rows already (the window: no second query). No time left:
        the window measures that itself as it watches."""
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return cls(counts, renders=sum(1 for row in rows if row["job"]),
                   checks=sum(1 for row in rows if row["checking"]),
                   eta_s=None)


def read_progress(library: Library, project_ids: Sequence[int]) -> dict[int, Progress]:
    """The progress of each project, read in one snapshot of the library.

    The time left is the renders still to finish times the mean time of the
    last 20 renders, shared by the workers loaded to render now.
    """
    store = ProgressStore(library.conn)
    rows = store.rows(project_ids)
    busy = [r for r in rows.values() if r.renders]
    per_render = store.render_seconds() if busy else None
    workers = store.render_workers() if per_render is not None else 0
    return {project_id: _progress(r, per_render, workers) for project_id, r in rows.items()}


def busy_projects(library: Library) -> list[tuple[str, Progress]]:
    """Each project with work left, by name, and its progress."""
    busy = ProgressStore(library.conn).busy_projects()
    found = read_progress(library, [project_id for project_id, _ in busy])
    return [(name, found[project_id]) for project_id, name in busy]


def project_progress(library: Library, project_id: int) -> Progress:
    """The progress of one project."""
    return read_progress(library, [project_id])[project_id]


def _progress(rows: ProgressRows, per_render: float | None, workers: int) -> Progress:
    eta: float | None = 0.0
    if rows.renders:
        eta = (None if per_render is None
               else round(rows.renders * per_render / max(1, workers), 1))
    return Progress(dict(rows.states), rows.renders, rows.checks, rows.dead, eta)

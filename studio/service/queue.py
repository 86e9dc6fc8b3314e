"""The render queue as a user works it: list jobs, retry, cancel, pause and
resume a project, move a project's work ahead.

Front ends never import :mod:`studio.core.jobs`; they call these and word
the counts they return.
"""

from __future__ import annotations

from typing import Any

from studio.core.jobs import ACTIVE, JobQueue
from studio.core.storage.progress import ProgressStore
from studio.core.store import Library, Project

__all__ = ["ACTIVE", "active_jobs", "by_state_and_kind", "cancel", "jobs", "project_rows",
           "raise_priority", "retry", "set_paused"]


def jobs(library: Library, state: str | None = None,
         project: Project | None = None) -> list[dict[str, Any]]:
    """Jobs with their project and segment, newest first (of one state, of
    one project, if given)."""
    return JobQueue(library).jobs(state, project.id if project else None)


def active_jobs(library: Library) -> int:
    """Jobs still to finish in the whole library (queued, running, or
    waiting to retry), renders and checks together."""
    counts = JobQueue(library).counts()
    return sum(counts.get(state, 0) for state in ACTIVE)


def project_rows(library: Library) -> list[dict[str, Any]]:
    """Each live project with its segment and job counts (the Queue page)."""
    return JobQueue(library).project_rows()


def retry(library: Library, job_id: int | None = None) -> int:
    """Queue a dead, failed or cancelled job again (every dead one without
    an id); how many."""
    return JobQueue(library).retry(job_id)


def cancel(library: Library, job_id: int | None = None,
           project: Project | int | None = None) -> int:
    """Cancel one job, or every active job of a project; how many."""
    project_id = project.id if isinstance(project, Project) else project
    return JobQueue(library).cancel(job_id, project_id)


def set_paused(library: Library, project: Project | int, paused: bool) -> None:
    """Pause a project (its jobs wait, and nothing new is queued for it) or
    resume it."""
    project_id = project.id if isinstance(project, Project) else project
    JobQueue(library).set_paused(project_id, paused)


def raise_priority(library: Library, project_id: int, priority: int) -> int:
    """Give a project's waiting jobs this priority; how many."""
    return JobQueue(library).set_priority(project_id, priority)


def by_state_and_kind(library: Library) -> dict[tuple[str, str], int]:
    """Jobs not done or cancelled, by (state, ``render`` or ``check``)."""
    return ProgressStore(library.conn).job_counts()

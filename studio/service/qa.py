"""Take QA as a user reads it: whether it is on, what it found in each
segment, and checking a project's takes again (``studio qa --recheck``)."""

from __future__ import annotations

from typing import Any

from studio.core.jobs import qa_settings
from studio.core.storage.progress import ProgressStore
from studio.core.store import Library, Project
from studio.core.take_qa import active_checks, qa_report, qa_summary, queue_recheck, take_check
from studio.service.engine import Starter, start_engine_for

__all__ = ["checks_left", "enabled", "recheck", "report", "summary", "take", "verdicts"]


def enabled(library: Library) -> bool:
    """Whether takes are checked as they land (``qa.enabled``)."""
    return qa_settings(library).enabled


def report(library: Library, project: Project) -> list[dict[str, Any]]:
    """Each segment's state, its current take's verdict, reasons and metrics."""
    return qa_report(library, project)


def summary(library: Library, project: Project) -> dict[str, int]:
    """Segments by where they stand in take QA (pass, flagged, unchecked, …)."""
    return qa_summary(library, project.id)


def recheck(library: Library, project: Project, *,
            start: Starter | None = None) -> int:
    """Queue a new check of every current take of the project (verdicts are
    computed again by the present settings, nothing is rendered); how many.
    The engine is started for them."""
    queued = queue_recheck(library, project)
    if queued:
        start_engine_for(library.root, start)
    return queued


def take(library: Library, take_id: int) -> dict[str, Any] | None:
    """What QA found in one take (verdict, score, reasons, metrics, what was
    heard, spots), or None if it was never checked."""
    return take_check(library, take_id)


def checks_left(library: Library) -> int:
    """Take checks waiting or running in the whole library."""
    return active_checks(library)


def verdicts(library: Library) -> dict[str, int]:
    """Current takes of the whole library by verdict (the metrics' gauge)."""
    return ProgressStore(library.conn).verdict_counts()

"""Take QA as a user reads it: whether it is on, what it found in each
segment, and checking a project's takes again (``studio qa --recheck``)."""

from __future__ import annotations

from typing import Any

from studio.core.jobs import qa_settings
from studio.core.store import Library, Project
from studio.core.take_qa import qa_report, qa_summary, queue_recheck
from studio.service.engine import Starter, ensure_engine

__all__ = ["enabled", "recheck", "report", "summary"]


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
            start: Starter = ensure_engine) -> int:
    """Queue a new check of every current take of the project (verdicts are
    computed again by the present settings, nothing is rendered); how many.
    The engine is started for them."""
    queued = queue_recheck(library, project)
    if queued:
        start(library.root)
    return queued

"""What :class:`studio.core.progress.Progress` is read from: segments by
state, jobs by kind and state, and the measured time a render takes, for
one or many projects, in one snapshot."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from studio.core.storage.base import Storage

ACTIVE = ("queued", "running", "failed")  # a job still to finish (failed: waiting to retry)


@dataclass
class ProgressRows:
    """One project's counts, as stored."""

    states: dict[str, int] = field(default_factory=dict)  # segments by state
    renders: int = 0  # render jobs still to finish
    checks: int = 0  # check jobs still to finish
    dead: int = 0  # render jobs that gave up


class ProgressStore(Storage):
    """Counts for :mod:`studio.core.progress`."""

    def rows(self, project_ids: Sequence[int]) -> dict[int, ProgressRows]:
        """Each project's segments by state and its unfinished and dead jobs,
        read in one snapshot (a job finishing between two reads cannot make
        a count one short)."""
        ids = json.dumps(list(project_ids))
        found = {project_id: ProgressRows() for project_id in project_ids}
        with self.snapshot() as conn:
            for project_id, state, count in conn.execute(
                    "SELECT project_id, state, COUNT(*) FROM segment_states "
                    "WHERE position IS NOT NULL "
                    "AND project_id IN (SELECT value FROM json_each(?)) "
                    "GROUP BY project_id, state", (ids,)):
                found[project_id].states[state] = count
            for project_id, kind, state, count in conn.execute(
                    "SELECT s.project_id, j.kind, j.state, COUNT(*) FROM jobs j "
                    "JOIN segments s ON s.id = j.segment_id "
                    "WHERE s.project_id IN (SELECT value FROM json_each(?)) "
                    "AND j.state IN ('queued', 'running', 'failed', 'dead') "
                    "GROUP BY s.project_id, j.kind, j.state", (ids,)):
                rows = found[project_id]
                if state == "dead":
                    rows.dead += count if kind == "render" else 0
                elif kind == "render":
                    rows.renders += count
                else:
                    rows.checks += count
        return found

    def busy_projects(self) -> list[tuple[int, str]]:
        """(id, name) of each live project with jobs still to finish, by name."""
        return [(row[0], row[1]) for row in self.conn.execute(
            "SELECT DISTINCT p.id, p.name FROM jobs j JOIN segments s ON s.id = j.segment_id "
            "JOIN projects p ON p.id = s.project_id WHERE p.deleted_at IS NULL "
            "AND j.state IN ('queued', 'running', 'failed') ORDER BY p.name")]

    def render_seconds(self, recent: int = 20) -> float | None:
        """How long the last ``recent`` finished renders took, on average
        (None before any)."""
        row = self.conn.execute(
            "SELECT AVG(updated_at - started_at) FROM (SELECT updated_at, started_at FROM jobs "
            "WHERE state = 'done' AND kind = 'render' AND started_at IS NOT NULL "
            "ORDER BY updated_at DESC LIMIT ?)", (recent,)).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def render_workers(self) -> int:
        """Workers loaded to render now (take QA's pool not counted)."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM workers WHERE state IN ('loaded', 'busy') "
            "AND backend != 'qa'").fetchone()[0])

    def dead_errors(self, project_id: int) -> list[str]:
        """The distinct last errors of the project's dead jobs."""
        return [row[0] for row in self.conn.execute(
            "SELECT DISTINCT j.last_error FROM jobs j JOIN segments s ON s.id = j.segment_id "
            "WHERE s.project_id = ? AND j.state = 'dead' AND j.last_error IS NOT NULL",
            (project_id,))]

    def job_counts(self) -> dict[tuple[str, str], int]:
        """Jobs of the whole library not done or cancelled, by (state, kind),
        the kind ``render`` or ``check``."""
        return {(state, kind): count for state, kind, count in self.conn.execute(
            "SELECT state, CASE WHEN kind = 'render' THEN 'render' ELSE 'check' END, COUNT(*) "
            "FROM jobs WHERE state IN ('queued', 'running', 'failed', 'dead') GROUP BY 1, 2")}

    def verdict_counts(self) -> dict[str, int]:
        """Current takes of the whole library by take QA's verdict."""
        return {verdict: count for verdict, count in self.conn.execute(
            "SELECT qa, COUNT(*) FROM segment_states WHERE qa IN "
            "('pass', 'review', 'fail', 'unchecked') AND position IS NOT NULL GROUP BY qa")}

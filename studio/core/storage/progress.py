"""What :class:`studio.core.progress.Progress` is read from: segments by
state, jobs by kind and state, for one or many projects, in one snapshot;
and what its time left is measured by: the render work still to do and
queued ahead, recent renders and checks, and the engine's planned workers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from studio.core.storage.base import Storage

ACTIVE = ("queued", "running", "failed")  # a job still to finish (failed: waiting to retry)
# What a job speaks, in characters at its speed (render time follows the
# audio's length, and a slower speed makes more of it): its segment's speech
# as it is now.
CHARS = "MAX(1, LENGTH(s.speech)) / MAX(s.speed, 0.1)"


# Render jobs still to finish, as :meth:`ProgressStore.render_work` and
# :meth:`ProgressStore.render_ahead` add them up: the waiting ones in one row
# per priority, each running one in a row of its own (its start counts).
_WORK = (f"SUM({CHARS}), SUM(CASE WHEN p.expires_at IS NULL THEN {CHARS} ELSE 0 END), "
         "MAX(j.started_at), j.priority, MAX(j.id)")
_RUNNING = "CASE WHEN j.state = 'running' THEN j.id END"


@dataclass
class Work:
    """Render jobs still to finish: the characters of those waiting, and
    (characters, started) of each running; ``checked``: the characters of
    all of them whose takes take QA will check (not a one-shot request's)."""

    waiting: float = 0.0
    checked: float = 0.0
    running: list[tuple[float, float]] = field(default_factory=list)
    last: tuple[int, int] = (0, 0)  # (priority, id) of the last job the queue hands out

    def add(self, running: bool, chars: float, checked: float, started_at: float | None,
            priority: int, job_id: int) -> None:
        """Jobs of a row of :data:`_WORK`: one ``running``, or those waiting
        at ``priority`` (the newest ``job_id``)."""
        if running and started_at is not None:
            self.running.append((chars, started_at))
        else:
            self.waiting += chars
        self.checked += checked
        if self.last == (0, 0) or (-priority, job_id) > (-self.last[0], self.last[1]):
            self.last = (priority, job_id)


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

    def render_work(self, project_ids: Sequence[int]) -> dict[int, dict[str, Work]]:
        """Each project's render jobs still to finish, by backend: the
        characters they speak, and when the running ones started. A job
        waiting to retry counts (it will run again); a paused project's too
        (its time left is the time once resumed)."""
        ids = json.dumps(list(project_ids))
        found: dict[int, dict[str, Work]] = {project_id: {} for project_id in project_ids}
        for project_id, backend, running, *row in self.conn.execute(
                f"SELECT s.project_id, j.backend, {_RUNNING} IS NOT NULL, {_WORK} FROM jobs j "
                "JOIN segments s ON s.id = j.segment_id JOIN projects p ON p.id = s.project_id "
                "WHERE s.project_id IN (SELECT value FROM json_each(?)) AND j.kind = 'render' "
                "AND j.state IN ('queued', 'running', 'failed') "
                f"GROUP BY s.project_id, j.backend, j.priority, {_RUNNING}", (ids,)):
            found[project_id].setdefault(backend, Work()).add(bool(running), *row)
        return found

    def render_ahead(self, backend: str, project_id: int, last: tuple[int, int]) -> Work:
        """The render jobs of ``backend`` of other projects (not paused) that
        the queue's order hands out before the project's ``last`` job
        (priority, id): higher priority, or as high and older."""
        work = Work()
        priority, job_id = last
        for running, *row in self.conn.execute(
                f"SELECT {_RUNNING} IS NOT NULL, {_WORK} FROM jobs j "
                "JOIN segments s ON s.id = j.segment_id JOIN projects p ON p.id = s.project_id "
                "WHERE j.backend = ? AND j.kind = 'render' "
                "AND j.state IN ('queued', 'running', 'failed') AND s.project_id != ? "
                "AND (j.state = 'running' OR p.paused = 0) "
                "AND (j.priority > ? OR (j.priority = ? AND j.id < ?)) "
                f"GROUP BY j.priority, {_RUNNING}",
                (backend, project_id, priority, priority, job_id)):
            work.add(bool(running), *row)
        return work

    def check_work(self, project_id: int) -> tuple[float, float]:
        """Characters of the checks still to finish: the project's own, and
        those of other projects (not paused) that take QA's pool has queued."""
        own = others = 0.0
        for mine, chars in self.conn.execute(
                f"SELECT s.project_id = ?, SUM({CHARS}) FROM jobs j "
                "JOIN segments s ON s.id = j.segment_id JOIN projects p ON p.id = s.project_id "
                "WHERE j.kind != 'render' AND j.state IN ('queued', 'running', 'failed') "
                "AND (j.state = 'running' OR p.paused = 0 OR s.project_id = ?) GROUP BY 1",
                (project_id, project_id)):
            if mine:
                own = float(chars)
            else:
                others = float(chars)
        return own, others

    def render_samples(self, backend: str, recent: int) -> list[tuple[float, float, bool]]:
        """(seconds it took, characters, a retake) of the last ``recent``
        finished renders of ``backend``, the newest first."""
        return [(float(row[0]), float(row[1]), bool(row[2])) for row in self.conn.execute(
            f"SELECT j.updated_at - j.started_at, {CHARS}, j.retake > 0 FROM jobs j "
            "JOIN segments s ON s.id = j.segment_id WHERE j.state = 'done' "
            "AND j.kind = 'render' AND j.backend = ? AND j.started_at IS NOT NULL "
            "ORDER BY j.updated_at DESC LIMIT ?", (backend, recent))]

    def check_samples(self, recent: int) -> list[tuple[float, float, float, float]]:
        """(claimed, finished, characters, seconds a check worker spent on
        it) of the last ``recent`` finished checks of takes. The seconds are
        what the worker measured (``check_s``: its share of its batch, and of
        a second hearing); from the claim to the end includes the rest of
        its batch, and a wait for a second hearing."""
        return [(float(row[0]), float(row[1]), float(row[2]), float(row[3]))
                for row in self.conn.execute(
            f"SELECT j.started_at, j.updated_at, {CHARS}, "
            "json_extract(c.metrics, '$.check_s') FROM jobs j "
            "JOIN take_checks c ON c.take_id = j.take_id "
            "JOIN segments s ON s.id = j.segment_id WHERE j.state = 'done' "
            "AND j.kind != 'render' AND j.started_at IS NOT NULL "
            "AND json_extract(c.metrics, '$.check_s') IS NOT NULL "
            "ORDER BY j.updated_at DESC LIMIT ?", (recent,))]

    def worker_slots(self) -> dict[str, tuple[int, int]]:
        """Each backend's workers as the engine last planned them: (loaded
        now, slots that have not failed: loaded, starting, or planned and
        waiting to start)."""
        return {backend: (int(loaded), int(alive)) for backend, loaded, alive in self.conn.execute(
            "SELECT backend, SUM(state IN ('loaded', 'busy')), SUM(state != 'failed') "
            "FROM workers GROUP BY backend")}

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

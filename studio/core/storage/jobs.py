"""The job queue's rows: render and check jobs, their states and leases
(the rules, priorities and backoff are :mod:`studio.core.jobs`'s).

Methods documented as working *inside the caller's transaction* are the
steps of a queue operation that :class:`studio.core.jobs.JobQueue` (or take
QA) runs as one ``BEGIN IMMEDIATE`` transaction; the others are one
transaction or one read each.
"""

from __future__ import annotations

import time
from typing import Any

from studio.core.storage.base import Storage
from studio.core.storage.records import Job
from studio.core.storage.schema import SEGMENT_VOICE

# The ``worker_pid`` of a job handed to the render farm (studio.farm): no
# local process runs it, and the supervisor's lost-worker rules leave it to
# the farm's bridge, which knows where it is.
FARM_PID = 0


class JobStore(Storage):
    """The ``jobs`` table."""

    # ------------------------------------------------------------ producers
    def active_render(self, segment_id: int) -> int | None:
        """The id of the segment's waiting or running render job, or None."""
        row = self.conn.execute(
            "SELECT id FROM jobs WHERE segment_id = ? AND kind = 'render' AND state IN "
            "('queued', 'running', 'failed')",
            (segment_id,),
        ).fetchone()
        return int(row[0]) if row else None

    def raise_priority(self, job_id: int, priority: int, now: float) -> None:
        """Inside the caller's transaction: a waiting job's priority, if higher."""
        self.conn.execute(
            "UPDATE jobs SET priority = ?, updated_at = ? WHERE id = ? "
            "AND state IN ('queued', 'failed') AND priority < ?",
            (priority, now, job_id, priority),
        )

    def insert_render(self, segment_id: int, backend: str, *, seed: int, priority: int,
                      max_attempts: int, retake: int = 0, now: float | None = None,
                      run_after: float = 0.0) -> int:
        """Inside the caller's transaction: one new render job; its id. The caller
        has checked that the segment has no active render job. ``run_after``:
        not claimable before then (held until :meth:`release`)."""
        now = time.time() if now is None else now
        cursor = self.conn.execute(
            "INSERT INTO jobs(segment_id, state, priority, seed, backend, max_attempts, retake, "
            "run_after, created_at, updated_at) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)",
            (segment_id, priority, seed, backend, max_attempts, retake, run_after, now, now),
        )
        return int(cursor.lastrowid or 0)

    def release(self, project_id: int, now: float) -> int:
        """The project's queued jobs held for later become claimable now
        (they keep their place: ids and priorities); how many."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE jobs SET run_after = ?, updated_at = ? WHERE state = 'queued' AND "
                "run_after > ? AND segment_id IN (SELECT id FROM segments WHERE project_id = ?)",
                (now, now, now, project_id))
        return cursor.rowcount

    def queue_check(self, take_id: int, segment_id: int, pool: str, *, retake: int = 0,
                    priority: int = 0, kind: str = "check", now: float | None = None) -> bool:
        """Inside the caller's transaction: queue a check of a take for the
        ``pool`` of check workers, unless one is already waiting for it.
        Returns whether one was queued."""
        now = time.time() if now is None else now
        if self.conn.execute(
                "SELECT 1 FROM jobs WHERE take_id = ? AND kind != 'render' AND state IN "
                "('queued', 'running', 'failed')", (take_id,)).fetchone():
            return False
        self.conn.execute(
            "INSERT INTO jobs(segment_id, state, priority, seed, backend, max_attempts, kind, "
            "take_id, retake, created_at, updated_at) "
            "VALUES (?, 'queued', ?, 0, ?, 3, ?, ?, ?, ?, ?)",
            (segment_id, priority, pool, kind, take_id, retake, now, now),
        )
        return True

    def active_job(self, segment_id: int) -> dict[str, Any] | None:
        """The segment's waiting or running render job (id, state, priority), or None."""
        row = self.conn.execute(
            "SELECT id, state, priority FROM jobs WHERE segment_id = ? AND kind = 'render' "
            "AND state IN "
            "('queued', 'running', 'failed') ORDER BY id DESC LIMIT 1",
            (segment_id,),
        ).fetchone()
        return dict(row) if row else None

    # ------------------------------------------------------------ workers
    def claim_render(self, backend: str, worker_pid: int, lease_until: float,
                     now: float, token: str | None = None) -> Job | None:
        """Atomically take the next render job for ``backend`` (highest
        priority, oldest, of a project not paused, due by ``now``), or None.
        ``token``: the farm's hand-over token (``worker_pid`` is FARM_PID)."""
        with self.transaction() as conn:
            row = conn.execute(
                f"""SELECT j.id, j.segment_id, j.backend, j.seed, j.attempts, j.max_attempts,
                          s.text, {SEGMENT_VOICE} AS voice_id, j.retake, s.speech, s.speed
                   FROM jobs j JOIN segments s ON s.id = j.segment_id
                   JOIN projects p ON p.id = s.project_id
                   WHERE j.state IN ('queued', 'failed') AND j.backend = ? AND j.kind = 'render'
                     AND j.run_after <= ? AND p.paused = 0
                   ORDER BY j.priority DESC, j.id LIMIT 1""",
                (backend, now),
            ).fetchone()
            if row is None:
                return None
            self.start(row["id"], worker_pid, lease_until, now, token)
        return Job(**{key: row[key] for key in row.keys()} | {"attempts": row["attempts"] + 1})

    def start(self, job_id: int, worker_pid: int, lease_until: float, now: float,
              token: str | None = None) -> None:
        """Inside the caller's transaction: a claimed job runs (the attempt counts)."""
        self.conn.execute(
            "UPDATE jobs SET state = 'running', worker_pid = ?, lease_until = ?, "
            "started_at = ?, attempts = attempts + 1, farm_token = ?, updated_at = ? "
            "WHERE id = ?",
            (worker_pid, lease_until, now, token, now, job_id),
        )

    def extend_lease(self, job_id: int, worker_pid: int, lease_until: float,
                     now: float) -> bool:
        """Extend the lease; False if the job is no longer this worker's."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE jobs SET lease_until = ?, updated_at = ? "
                "WHERE id = ? AND worker_pid = ? AND state = 'running'",
                (lease_until, now, job_id, worker_pid),
            )
        return cursor.rowcount == 1

    def job_state(self, job_id: int) -> str | None:
        """The job's state, or None if there is no such job."""
        row = self.conn.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return str(row[0]) if row else None

    def priority(self, job_id: int) -> int:
        """The job's priority."""
        return int(self.conn.execute("SELECT priority FROM jobs WHERE id = ?",
                                     (job_id,)).fetchone()[0])

    def finish(self, job_id: int, now: float) -> None:
        """Inside the caller's transaction: the job is done."""
        self.conn.execute(
            "UPDATE jobs SET state = 'done', last_error = NULL, worker_pid = NULL, "
            "lease_until = NULL, updated_at = ? WHERE id = ?",
            (now, job_id),
        )

    def requeue_changed(self, job_id: int, now: float) -> None:
        """Inside the caller's transaction: the job renders again at once, the
        attempt not held against it (its segment changed while it rendered)."""
        self.conn.execute(
            "UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), "
            "last_error = 'the segment changed while it rendered', worker_pid = NULL, "
            "lease_until = NULL, run_after = 0, updated_at = ? WHERE id = ?",
            (now, job_id),
        )

    def set_failed(self, job_id: int, state: str, error: str, run_after: float,
                   now: float) -> None:
        """Inside the caller's transaction: a running job failed (``state``
        failed, retried after ``run_after``, or dead)."""
        self.conn.execute(
            "UPDATE jobs SET state = ?, last_error = ?, run_after = ?, worker_pid = NULL, "
            "lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'running'",
            (state, error[:2000], run_after, now, job_id),
        )

    # ------------------------------------------------------------ supervisor
    def running(self) -> list[dict[str, Any]]:
        """Running jobs of local workers (not the farm's): id, attempts,
        max_attempts, worker_pid, lease_until, last_error."""
        rows = self.conn.execute(
            "SELECT id, attempts, max_attempts, worker_pid, lease_until, last_error "
            "FROM jobs WHERE state = 'running' AND worker_pid IS NOT ?", (FARM_PID,)
        ).fetchall()
        return [dict(row) for row in rows]

    def running_for(self, worker_pid: int) -> list[dict[str, Any]]:
        """The jobs a worker is running: id, attempts, max_attempts."""
        rows = self.conn.execute(
            "SELECT id, attempts, max_attempts FROM jobs "
            "WHERE state = 'running' AND worker_pid = ?",
            (worker_pid,),
        ).fetchall()
        return [dict(row) for row in rows]

    def overdue(self, started_before: float) -> list[dict[str, Any]]:
        """Running jobs started before that time: id, worker_pid."""
        rows = self.conn.execute(
            "SELECT id, worker_pid FROM jobs WHERE state = 'running' AND started_at < ? "
            "AND worker_pid IS NOT ?",
            (started_before, FARM_PID),
        ).fetchall()
        return [dict(row) for row in rows]

    def requeue(self, job_id: int, error: str, now: float) -> None:
        """Inside the caller's transaction: a lost job goes back to the queue."""
        self.conn.execute(
            "UPDATE jobs SET state = 'queued', worker_pid = NULL, lease_until = NULL, "
            "last_error = ?, updated_at = ? WHERE id = ?",
            (error, now, job_id),
        )

    # ------------------------------------------------------------ the farm
    def farm_jobs(self) -> dict[int, dict[str, Any]]:
        """Jobs handed to the farm, by id: token, backend, paused (its
        project's), started_at, lease_until."""
        rows = self.conn.execute(
            "SELECT j.id, j.farm_token AS token, j.backend, p.paused, j.started_at, "
            "j.lease_until FROM jobs j "
            "JOIN segments s ON s.id = j.segment_id JOIN projects p ON p.id = s.project_id "
            "WHERE j.state = 'running' AND j.worker_pid = ?", (FARM_PID,)
        ).fetchall()
        return {row["id"]: dict(row) for row in rows}

    def farm_job(self, job_id: int) -> dict[str, Any] | None:
        """One job as the farm's ingest needs it: id, state, farm_token,
        worker_pid, attempts, max_attempts, segment_id, backend, seed, retake; or None."""
        row = self.conn.execute(
            "SELECT id, state, farm_token, worker_pid, attempts, max_attempts, segment_id, "
            "backend, seed, retake FROM jobs WHERE id = ?", (job_id,)
        ).fetchone()
        return dict(row) if row else None

    def extend_farm_leases(self, lease_until: float, now: float) -> int:
        """Every farm job's lease runs to ``lease_until`` (the bridge is alive)."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE jobs SET lease_until = ?, updated_at = ? "
                "WHERE state = 'running' AND worker_pid = ?", (lease_until, now, FARM_PID))
        return cursor.rowcount

    def return_from_farm(self, job_id: int, token: str, error: str, now: float) -> bool:
        """Inside the caller's transaction: a job the farm held under ``token``
        goes back to the queue, the attempt not held against it; False if the
        farm no longer held it so."""
        cursor = self.conn.execute(
            "UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), "
            "worker_pid = NULL, lease_until = NULL, farm_token = NULL, last_error = ?, "
            "run_after = 0, updated_at = ? "
            "WHERE id = ? AND state = 'running' AND worker_pid = ? AND farm_token = ?",
            (error, now, job_id, FARM_PID, token),
        )
        return cursor.rowcount == 1

    # ------------------------------------------------------------ users
    def retry(self, job_id: int | None, now: float) -> int:
        """Queue a job again from its first attempt (every dead one if no id)."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE jobs SET state = 'queued', attempts = 0, run_after = 0, updated_at = ? "
                + ("WHERE id = ?" if job_id is not None else "WHERE state = 'dead'"),
                (now, job_id) if job_id is not None else (now,),
            )
        return cursor.rowcount

    def cancel(self, now: float, job_id: int | None = None,
               project_id: int | None = None) -> int:
        """Cancel one active job, or every active job of a project; how many."""
        args: tuple[int | None, ...]
        if job_id is not None:
            where, args = "id = ?", (job_id,)
        else:
            where = "segment_id IN (SELECT id FROM segments WHERE project_id = ?)"
            args = (project_id,)
        with self.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE {where} "
                "AND state IN ('queued', 'running', 'failed')",
                (now, *args),
            )
        return cursor.rowcount

    def set_priority(self, project_id: int, priority: int) -> int:
        """Set the priority of a project's waiting jobs; returns how many."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "UPDATE jobs SET priority = ?, updated_at = ? WHERE state IN ('queued', 'failed') "
                "AND segment_id IN (SELECT id FROM segments WHERE project_id = ?)",
                (priority, time.time(), project_id),
            )
        return cursor.rowcount

    def set_paused(self, project_id: int, paused: bool) -> None:
        """Pause or resume claiming the project's jobs."""
        with self.transaction() as conn:
            conn.execute("UPDATE projects SET paused = ? WHERE id = ?", (int(paused), project_id))

    def project_rows(self) -> list[dict[str, Any]]:
        """Each project with its segment and job counts, for the queue view."""
        rows = self.conn.execute(
            """SELECT p.id, p.name, p.paused,
                      (SELECT COUNT(*) FROM segments s WHERE s.project_id = p.id
                         AND s.position IS NOT NULL) AS segments,
                      (SELECT COALESCE(SUM(st.done), 0) FROM segment_states st
                         WHERE st.project_id = p.id AND st.position IS NOT NULL) AS rendered,
                      (SELECT COUNT(*) FROM jobs j JOIN segments s ON s.id = j.segment_id
                         WHERE s.project_id = p.id AND j.state IN ('queued', 'running', 'failed'))
                         AS active,
                      (SELECT COUNT(*) FROM jobs j JOIN segments s ON s.id = j.segment_id
                         WHERE s.project_id = p.id AND j.state = 'dead') AS dead,
                      (SELECT MAX(j.priority) FROM jobs j JOIN segments s ON s.id = j.segment_id
                         WHERE s.project_id = p.id AND j.state IN ('queued', 'failed'))
                         AS priority
               FROM projects p WHERE p.deleted_at IS NULL ORDER BY p.name"""
        )
        return [dict(row) for row in rows]

    def jobs(self, state: str | None = None, project_id: int | None = None) -> list[dict[str, Any]]:
        """Jobs with their project and segment, newest first."""
        clauses: list[str] = []
        args: list[object] = []
        if state:
            clauses.append("j.state = ?")
            args.append(state)
        if project_id is not None:
            clauses.append("s.project_id = ?")
            args.append(project_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.conn.execute(
            f"""SELECT j.id, j.kind, j.state, j.priority, j.attempts, j.max_attempts, j.backend,
                       j.last_error AS error, j.worker_pid, p.name AS project,
                       s.position + 1 AS segment, s.source AS text
                FROM jobs j JOIN segments s ON s.id = j.segment_id
                JOIN projects p ON p.id = s.project_id {where}
                ORDER BY j.id DESC""",
            args,
        )
        return [dict(row) for row in rows]

    def counts(self, project_id: int | None = None, kind: str | None = None) -> dict[str, int]:
        """Number of jobs in each state (for one project, of one kind, if given)."""
        clauses: list[str] = []
        args: list[object] = []
        if project_id is not None:
            clauses.append("s.project_id = ?")
            args.append(project_id)
        if kind is not None:
            clauses.append("j.kind = ?")
            args.append(kind)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.conn.execute(
            f"SELECT j.state, COUNT(*) FROM jobs j JOIN segments s ON s.id = j.segment_id "
            f"{where} GROUP BY j.state",
            args,
        )
        return {state: count for state, count in rows}

    def others_active(self, backend: str, job_id: int, now: float) -> bool:
        """Whether any render job of ``backend`` but ``job_id`` runs, or may
        be claimed by ``now`` (one held or backing off does not count)."""
        row = self.conn.execute(
            "SELECT 1 FROM jobs WHERE backend = ? AND kind = 'render' AND id != ? "
            "AND (state = 'running' OR (state IN ('queued', 'failed') AND run_after <= ?)) "
            "LIMIT 1", (backend, job_id, now)
        ).fetchone()
        return row is not None

    def pending_backends(self) -> set[str]:
        """Backends (and the QA pool) with jobs waiting or running."""
        rows = self.conn.execute(
            "SELECT DISTINCT backend FROM jobs WHERE state IN ('queued', 'running', 'failed')"
        )
        return {row[0] for row in rows}

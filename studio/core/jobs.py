"""The durable render queue: jobs in ``studio.db``.

Lifecycle::

    queued -> running (worker_pid, lease_until) -> done
    running -> queued            lease expired or worker died (the attempt counts)
    running -> failed            the backend raised; retried after run_after (backoff)
    failed  -> running           claimed again once run_after has passed
    running|failed -> dead       past max_attempts: dead letter, visible, retryable
    queued|running|failed -> cancelled

Jobs are of two kinds: ``render`` (a backend speaks a segment into a take)
and ``check`` (take QA examines one take; ``recheck`` does so again after a
threshold change and never renders). Check jobs are served by the QA pool
(``backend = 'qa'``) and are claimed in batches (``studio.core.checks``).
When QA is on, completing a render queues a check of the new take in the
same transaction, and a failing check (or a retake's check that asks for
review) may queue a retake (``retake`` counts them).

Every state change is one ``BEGIN IMMEDIATE`` transaction. A claim takes the
highest priority, oldest claimable job of the worker's backend whose project
is not paused. Completion inserts the take, points the segment at it (unless
locked) and marks the job done in one transaction, so a crash leaves either
all three or none. Delivery is at least once: a job whose worker died after
writing its take file is rendered again; takes are content-addressed, and the
last completion is the segment's one current take.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from studio.core.store import SEGMENT_VOICE, Library, Take, record_take
from studio.errors import UserError
from studio.qa import QaSettings

ACTIVE = ("queued", "running", "failed")
QA_POOL = "qa"  # the ``backend`` of check jobs: the pool of CPU workers that serves them
PRIORITY_BULK = 0
PRIORITY_INTERACTIVE = 10  # a single regenerate or preview jumps ahead of bulk renders


@dataclass(frozen=True)
class Job:
    """A claimed job: what a worker needs to render it."""

    id: int
    segment_id: int
    backend: str
    seed: int
    attempts: int
    max_attempts: int
    text: str
    voice_id: int
    retake: int = 0  # 0: asked for; n: the n-th automatic retake of a chain (studio.core.checks)
    speech: str = ""  # what the backend is given: the text with the lexicon applied
    speed: float = 1.0


def qa_settings(library: Library) -> QaSettings:
    """Take QA's settings: the defaults overridden by the library's ``qa.*``."""
    return QaSettings.from_mapping(library.settings_with_prefix("qa."))


def queue_check(conn: Any, take_id: int, segment_id: int, *, retake: int = 0,
                priority: int = 0, kind: str = "check", now: float | None = None) -> bool:
    """Inside the caller's transaction: queue a check of a take, unless one is
    already waiting for it. Returns whether one was queued."""
    now = time.time() if now is None else now
    if conn.execute("SELECT 1 FROM jobs WHERE take_id = ? AND kind != 'render' AND state IN "
                    "('queued', 'running', 'failed')", (take_id,)).fetchone():
        return False
    conn.execute(
        "INSERT INTO jobs(segment_id, state, priority, seed, backend, max_attempts, kind, "
        "take_id, retake, created_at, updated_at) VALUES (?, 'queued', ?, 0, ?, 3, ?, ?, ?, ?, ?)",
        (segment_id, priority, QA_POOL, kind, take_id, retake, now, now),
    )
    return True


def insert_render(conn: Any, segment_id: int, backend: str, *, seed: int, priority: int,
                  max_attempts: int, retake: int = 0, now: float | None = None) -> int:
    """Inside the caller's transaction: one new render job; its id. The caller
    has checked that the segment has no active render job."""
    now = time.time() if now is None else now
    cursor = conn.execute(
        "INSERT INTO jobs(segment_id, state, priority, seed, backend, max_attempts, retake, "
        "created_at, updated_at) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
        (segment_id, priority, seed, backend, max_attempts, retake, now, now),
    )
    return int(cursor.lastrowid or 0)


@dataclass(frozen=True)
class QueueSettings:
    """Timing of leases and retries (library settings ``engine.*`` override them)."""

    lease_s: float = 30.0
    max_attempts: int = 3
    backoff_base_s: float = 2.0
    backoff_max_s: float = 300.0

    @classmethod
    def from_library(cls, library: Library) -> QueueSettings:
        """Defaults overridden by the library's ``engine.*`` settings."""
        return cls(
            lease_s=float(library.get_setting("engine.lease_s", cls.lease_s)),
            max_attempts=int(library.get_setting("engine.max_attempts", cls.max_attempts)),
            backoff_base_s=float(
                library.get_setting("engine.backoff_base_s", cls.backoff_base_s)
            ),
            backoff_max_s=float(library.get_setting("engine.backoff_max_s", cls.backoff_max_s)),
        )


class JobQueue:
    """Queue operations on one library connection."""

    def __init__(self, library: Library, settings: QueueSettings | None = None) -> None:
        self.library = library
        self.settings = settings or QueueSettings.from_library(library)

    # ------------------------------------------------------------ producers
    def enqueue(
        self,
        segment_ids: list[int],
        backend: str | list[str],
        *,
        priority: int = PRIORITY_BULK,
        seeds: list[int] | None = None,
        now: float | None = None,
        retake: int = 0,
        missing_only: bool = False,
    ) -> list[int]:
        """Queue a render of each segment that has no active job; returns new
        job ids. ``backend`` is one name for all, or one per segment.

        A segment that already has a waiting job keeps it, at the higher of
        the two priorities (a regenerate moves a bulk job to the front).
        ``missing_only``: a segment that is done by now is left alone (a
        render of what is missing, decided before this transaction, must not
        render again a segment whose take landed meanwhile).
        """
        now = time.time() if now is None else now
        backends = [backend] * len(segment_ids) if isinstance(backend, str) else backend
        created: list[int] = []
        with self.library.transaction() as conn:
            for index, segment_id in enumerate(segment_ids):
                if missing_only and conn.execute(
                        "SELECT done FROM segment_states WHERE segment_id = ?",
                        (segment_id,)).fetchone()[0]:
                    continue
                active = conn.execute(
                    "SELECT id FROM jobs WHERE segment_id = ? AND kind = 'render' AND state IN "
                    "('queued', 'running', 'failed')",
                    (segment_id,),
                ).fetchone()
                if active:
                    conn.execute(
                        "UPDATE jobs SET priority = ?, updated_at = ? WHERE id = ? "
                        "AND state IN ('queued', 'failed') AND priority < ?",
                        (priority, now, active[0], priority),
                    )
                    continue
                seed = seeds[index] if seeds else random.randrange(2**31)
                created.append(insert_render(conn, segment_id, backends[index], seed=seed,
                                             priority=priority, retake=retake, now=now,
                                             max_attempts=self.settings.max_attempts))
        return created

    def active_job(self, segment_id: int) -> dict[str, Any] | None:
        """The segment's waiting or running render job (id, state, priority), or None."""
        row = self.library.conn.execute(
            "SELECT id, state, priority FROM jobs WHERE segment_id = ? AND kind = 'render' "
            "AND state IN "
            "('queued', 'running', 'failed') ORDER BY id DESC LIMIT 1",
            (segment_id,),
        ).fetchone()
        return dict(row) if row else None

    # ------------------------------------------------------------ workers
    def claim(self, backend: str, worker_pid: int, now: float | None = None) -> Job | None:
        """Atomically take the next job for ``backend``, or None."""
        now = time.time() if now is None else now
        with self.library.transaction() as conn:
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
            conn.execute(
                "UPDATE jobs SET state = 'running', worker_pid = ?, lease_until = ?, "
                "started_at = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
                (worker_pid, now + self.settings.lease_s, now, now, row["id"]),
            )
        return Job(**{key: row[key] for key in row.keys()} | {"attempts": row["attempts"] + 1})

    def heartbeat(self, job_id: int, worker_pid: int, now: float | None = None) -> bool:
        """Extend the lease; False if the job is no longer this worker's."""
        now = time.time() if now is None else now
        with self.library.transaction() as conn:
            cursor = conn.execute(
                "UPDATE jobs SET lease_until = ?, updated_at = ? "
                "WHERE id = ? AND worker_pid = ? AND state = 'running'",
                (now + self.settings.lease_s, now, job_id, worker_pid),
            )
        return cursor.rowcount == 1

    def complete(
        self,
        job: Job,
        *,
        path: str,
        backend: str,
        sample_rate: int,
        frames: int,
        now: float | None = None,
    ) -> Take | None:
        """Record the take and finish the job, in one transaction.

        The take file must exist. A job cancelled meanwhile records nothing
        (its file is swept later) and returns None. A take whose segment was
        edited (or given another voice) while it rendered is kept in the
        history but does not become current, and the job goes back to the
        queue to render what the segment says now (the attempt is not held
        against it). With take QA on, a take that became current gets a check
        queued in the same transaction.
        """
        now = time.time() if now is None else now
        if not self.library.path(path).is_file():
            raise FileNotFoundError(f"take file {path} must exist before its row")
        with self.library.transaction() as conn:
            state = conn.execute("SELECT state FROM jobs WHERE id = ?", (job.id,)).fetchone()
            if state is None or state[0] == "cancelled":
                return None
            # an automatic retake never replaces a take the user chose or approved
            # meanwhile: it stays in the history
            protected = job.retake > 0 and bool(conn.execute(
                "SELECT current_take_id IN (chosen_take_id, approved_take_id) FROM segments "
                "WHERE id = ?", (job.segment_id,)).fetchone()[0])
            take_id, current = record_take(
                conn, job.segment_id, path=path, text=job.text, voice_id=job.voice_id,
                backend=backend, seed=job.seed, sample_rate=sample_rate, frames=frames,
                speech=job.speech, speed=job.speed,
                make_current=not protected,
            )
            locked = conn.execute(
                "SELECT locked FROM segments WHERE id = ?", (job.segment_id,)
            ).fetchone()
            if current or protected or (locked and locked[0]):
                conn.execute(
                    "UPDATE jobs SET state = 'done', last_error = NULL, worker_pid = NULL, "
                    "lease_until = NULL, updated_at = ? WHERE id = ?",
                    (now, job.id),
                )
                if current and qa_settings(self.library).enabled:
                    priority = conn.execute("SELECT priority FROM jobs WHERE id = ?",
                                            (job.id,)).fetchone()[0]
                    queue_check(conn, take_id, job.segment_id, retake=job.retake,
                                priority=priority, now=now)
            else:
                conn.execute(
                    "UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), "
                    "last_error = 'the segment changed while it rendered', worker_pid = NULL, "
                    "lease_until = NULL, run_after = 0, updated_at = ? WHERE id = ?",
                    (now, job.id),
                )
        return self.library.take(take_id)

    def fail(self, job: Job, error: str, now: float | None = None) -> str:
        """Record a failed attempt: retry after backoff, or dead past the limit.

        Returns the job's new state.
        """
        return self.fail_attempt(job.id, job.attempts, job.max_attempts, error, now)

    def fail_attempt(self, job_id: int, attempts: int, max_attempts: int, error: str,
                     now: float | None = None) -> str:
        """:meth:`fail` for any kind of job, by id; returns the job's new state."""
        now = time.time() if now is None else now
        with self.library.transaction() as conn:
            return self._fail(conn, job_id, attempts, max_attempts, error, now)

    def _fail(
        self, conn: Any, job_id: int, attempts: int, max_attempts: int, error: str, now: float
    ) -> str:
        if attempts >= max_attempts:
            state, run_after = "dead", 0.0
        else:
            base = self.settings.backoff_base_s * 2 ** (attempts - 1)
            delay = min(self.settings.backoff_max_s, base) * random.uniform(0.5, 1.5)
            state, run_after = "failed", now + delay
        conn.execute(
            "UPDATE jobs SET state = ?, last_error = ?, run_after = ?, worker_pid = NULL, "
            "lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'running'",
            (state, error[:2000], run_after, now, job_id),
        )
        return state

    # ------------------------------------------------------------ supervisor
    def requeue_lost(
        self, alive_pids: set[int], now: float | None = None, reason: str = "worker died"
    ) -> list[int]:
        """Running jobs whose worker is gone or whose lease expired go back to
        the queue (the attempt counts; past the limit they are dead)."""
        now = time.time() if now is None else now
        lost: list[int] = []
        with self.library.transaction() as conn:
            rows = conn.execute(
                "SELECT id, attempts, max_attempts, worker_pid, lease_until, last_error "
                "FROM jobs WHERE state = 'running'"
            ).fetchall()
            for row in rows:
                if row["worker_pid"] in alive_pids and (row["lease_until"] or 0) >= now:
                    continue
                why = reason if row["worker_pid"] not in alive_pids else "lease expired"
                error = f"{why} during the job (attempt {row['attempts']})"
                if row["attempts"] >= row["max_attempts"]:
                    self._fail(conn, row["id"], row["attempts"], row["max_attempts"],
                               row["last_error"] or error, now)
                else:
                    conn.execute(
                        "UPDATE jobs SET state = 'queued', worker_pid = NULL, lease_until = NULL, "
                        "last_error = ?, updated_at = ? WHERE id = ?",
                        (error, now, row["id"]),
                    )
                lost.append(row["id"])
        return lost

    def fail_running(self, worker_pid: int, error: str, now: float | None = None) -> None:
        """Fail the job a (killed) worker was running, counting the attempt."""
        now = time.time() if now is None else now
        with self.library.transaction() as conn:
            for row in conn.execute(
                "SELECT id, attempts, max_attempts FROM jobs "
                "WHERE state = 'running' AND worker_pid = ?",
                (worker_pid,),
            ).fetchall():
                self._fail(conn, row["id"], row["attempts"], row["max_attempts"], error, now)

    # ------------------------------------------------------------ users
    def _job_state(self, job_id: int) -> str:
        row = self.library.conn.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise UserError(f"no job with id {job_id}", "see `studio jobs list`")
        return str(row[0])

    def retry(self, job_id: int | None = None) -> int:
        """Queue a dead, failed or cancelled job again (all dead ones if no id)."""
        now = time.time()
        if job_id is not None:
            state = self._job_state(job_id)
            if state not in ("dead", "failed", "cancelled"):
                raise UserError(f"job {job_id} is {state}", "only dead, failed or cancelled "
                                "jobs can be retried")
        with self.library.transaction() as conn:
            cursor = conn.execute(
                "UPDATE jobs SET state = 'queued', attempts = 0, run_after = 0, updated_at = ? "
                + ("WHERE id = ?" if job_id is not None else "WHERE state = 'dead'"),
                (now, job_id) if job_id is not None else (now,),
            )
        return cursor.rowcount

    def cancel(self, job_id: int | None = None, project_id: int | None = None) -> int:
        """Cancel one job, or every active job of a project."""
        now = time.time()
        args: tuple[int | None, ...]
        if job_id is not None:
            state = self._job_state(job_id)
            if state not in ACTIVE:
                raise UserError(f"job {job_id} is {state} and cannot be cancelled")
            where, args = "id = ?", (job_id,)
        else:
            where = "segment_id IN (SELECT id FROM segments WHERE project_id = ?)"
            args = (project_id,)
        with self.library.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE {where} "
                "AND state IN ('queued', 'running', 'failed')",
                (now, *args),
            )
        return cursor.rowcount

    def set_priority(self, project_id: int, priority: int) -> int:
        """Set the priority of a project's waiting jobs; returns how many."""
        with self.library.transaction() as conn:
            cursor = conn.execute(
                "UPDATE jobs SET priority = ?, updated_at = ? WHERE state IN ('queued', 'failed') "
                "AND segment_id IN (SELECT id FROM segments WHERE project_id = ?)",
                (priority, time.time(), project_id),
            )
        return cursor.rowcount

    def project_rows(self) -> list[dict[str, Any]]:
        """Each project with its segment and job counts, for the queue view."""
        rows = self.library.conn.execute(
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

    def set_paused(self, project_id: int, paused: bool) -> None:
        """Pause or resume claiming the project's jobs."""
        with self.library.transaction() as conn:
            conn.execute("UPDATE projects SET paused = ? WHERE id = ?", (int(paused), project_id))

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
        rows = self.library.conn.execute(
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
        rows = self.library.conn.execute(
            f"SELECT j.state, COUNT(*) FROM jobs j JOIN segments s ON s.id = j.segment_id "
            f"{where} GROUP BY j.state",
            args,
        )
        return {state: count for state, count in rows}

    def pending_backends(self) -> set[str]:
        """Backends (and the QA pool) with jobs waiting or running."""
        rows = self.library.conn.execute(
            "SELECT DISTINCT backend FROM jobs WHERE state IN ('queued', 'running', 'failed')"
        )
        return {row[0] for row in rows}

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
(``backend = 'qa'``) and are claimed in batches (``studio.core.take_qa``).
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

After a commit that makes a job claimable or ends one, the queue rings the
library's doorbell (:mod:`studio.core.doorbell`): waiting workers and the
server wake at once instead of on their next poll.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from studio.core import doorbell
from studio.core.storage.jobs import FARM_PID, JobStore
from studio.core.storage.records import Job
from studio.core.storage.segments import record_take
from studio.core.store import Library, Take
from studio.errors import UserError
from studio.qa import QaSettings

ACTIVE = ("queued", "running", "failed")
QA_POOL = "qa"  # the ``backend`` of check jobs: the pool of CPU workers that serves them
PRIORITY_BULK = 0
PRIORITY_INTERACTIVE = 10  # a single regenerate or preview jumps ahead of bulk renders


def qa_settings(library: Library) -> QaSettings:
    """Take QA's settings: the defaults overridden by the library's ``qa.*``."""
    return QaSettings.from_mapping(library.settings_with_prefix("qa."))


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
    """Queue operations on one library connection (the rows are
    :class:`~studio.core.storage.jobs.JobStore`'s)."""

    def __init__(self, library: Library, settings: QueueSettings | None = None) -> None:
        self.library = library
        self.store = JobStore(library.conn)
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
        run_after: list[float] | None = None,
    ) -> list[int]:
        """Queue a render of each segment that has no active job; returns new
        job ids. ``backend`` is one name for all, or one per segment;
        ``run_after`` (one per segment) holds a new job until then, or until
        :meth:`release`.

        A segment that already has a waiting job keeps it, at the higher of
        the two priorities (a regenerate moves a bulk job to the front).
        ``missing_only``: a segment that is done by now is left alone (a
        render of what is missing, decided before this transaction, must not
        render again a segment whose take landed meanwhile).
        """
        now = time.time() if now is None else now
        backends = [backend] * len(segment_ids) if isinstance(backend, str) else backend
        created: list[int] = []
        with self.library.transaction():
            for index, segment_id in enumerate(segment_ids):
                if missing_only and self.library.segment_done(segment_id):
                    continue
                active = self.store.active_render(segment_id)
                if active:
                    self.store.raise_priority(active, priority, now)
                    continue
                seed = seeds[index] if seeds else random.randrange(2**31)
                created.append(self.store.insert_render(
                    segment_id, backends[index], seed=seed, priority=priority, retake=retake,
                    now=now, max_attempts=self.settings.max_attempts,
                    run_after=run_after[index] if run_after else 0.0))
        self.ring(doorbell.JOBS)
        return created

    def active_job(self, segment_id: int) -> dict[str, Any] | None:
        """The segment's waiting or running render job (id, state, priority), or None."""
        return self.store.active_job(segment_id)

    def ring(self, *channels: str) -> None:
        """Wake whoever waits on ``channels`` of this library (after a commit)."""
        for channel in channels:
            doorbell.ring(self.library.root, channel)

    # ------------------------------------------------------------ workers
    def claim(self, backend: str, worker_pid: int, now: float | None = None) -> Job | None:
        """Atomically take the next job for ``backend``, or None."""
        now = time.time() if now is None else now
        return self.store.claim_render(backend, worker_pid, now + self.settings.lease_s, now)

    def alone(self, job: Job, now: float | None = None) -> bool:
        """Whether ``job`` is its backend's only render job running or ready
        to be claimed."""
        return not self.store.others_active(job.backend, job.id,
                                            time.time() if now is None else now)

    def release(self, project_id: int) -> int:
        """Make the project's held jobs claimable now; how many."""
        released = self.store.release(project_id, time.time())
        if released:
            self.ring(doorbell.JOBS)
        return released

    def heartbeat(self, job_id: int, worker_pid: int, now: float | None = None) -> bool:
        """Extend the lease; False if the job is no longer this worker's."""
        now = time.time() if now is None else now
        return self.store.extend_lease(job_id, worker_pid, now + self.settings.lease_s, now)

    def complete(
        self,
        job: Job,
        *,
        path: str,
        backend: str,
        sample_rate: int,
        frames: int,
        host: str = "",
        device: str = "",
        token: str | None = None,
        now: float | None = None,
    ) -> Take | None:
        """Record the take and finish the job, in one transaction.

        The take file must exist. A job cancelled meanwhile records nothing
        (its file is swept later) and returns None. A take whose segment was
        edited (or given another voice) while it rendered is kept in the
        history but does not become current, and the job goes back to the
        queue to render what the segment says now (the attempt is not held
        against it). With take QA on, a take that became current gets a check
        queued in the same transaction (not a one-shot request's: its audio is
        answered as rendered, and the project expires). ``token``: a take from
        the farm counts only while the farm still holds the job under it.
        """
        now = time.time() if now is None else now
        if not self.library.path(path).is_file():
            raise FileNotFoundError(f"take file {path} must exist before its row")
        with self.library.transaction() as conn:
            state = self.store.job_state(job.id)
            if state is None or state == "cancelled":
                return None
            if token is not None and not self.held_by_farm(job.id, token):
                return None
            # an automatic retake never replaces a take the user chose or approved
            # meanwhile: it stays in the history
            protected = job.retake > 0 and self.library.keeps_current(job.segment_id)
            take_id, current = record_take(
                conn, job.segment_id, path=path, text=job.text, voice_id=job.voice_id,
                backend=backend, seed=job.seed, sample_rate=sample_rate, frames=frames,
                speech=job.speech, speed=job.speed,
                make_current=not protected, host=host, device=device,
            )
            locked = self.library.is_locked(job.segment_id)
            if current or protected or locked:
                self.store.finish(job.id, now)
                if (current and qa_settings(self.library).enabled
                        and not self.library.of_oneshot(job.segment_id)):
                    self.store.queue_check(take_id, job.segment_id, QA_POOL, retake=job.retake,
                                           priority=self.store.priority(job.id), now=now)
            else:
                self.store.requeue_changed(job.id, now)
        self.ring(doorbell.ENDED, doorbell.JOBS)  # a take landed; a check or a render waits
        return self.library.take(take_id)

    # ------------------------------------------------------------ the farm
    def claim_for_farm(self, backend: str, token: str, now: float | None = None) -> Job | None:
        """Take the next job for ``backend`` to hand to the farm under ``token``."""
        now = time.time() if now is None else now
        return self.store.claim_render(backend, FARM_PID, now + self.settings.lease_s, now,
                                       token)

    def held_by_farm(self, job_id: int, token: str) -> bool:
        """Whether the farm holds the job under ``token`` (else a result is stale)."""
        row = self.store.farm_job(job_id)
        return bool(row and row["state"] == "running" and row["worker_pid"] == FARM_PID
                    and row["farm_token"] == token)

    def farm_holds(self, job_id: int) -> bool:
        """Whether the farm holds the job, under any token."""
        row = self.store.farm_job(job_id)
        return bool(row and row["state"] == "running" and row["worker_pid"] == FARM_PID)

    def return_from_farm(self, held: dict[int, str], error: str,
                         now: float | None = None) -> list[int]:
        """Jobs the farm held (id: token) go back to the queue, the attempt
        not counted (the farm lost them, or gave them back unstarted); the
        ids that did."""
        now = time.time() if now is None else now
        with self.library.transaction():
            return [job_id for job_id, token in held.items()
                    if self.store.return_from_farm(job_id, token, error, now)]

    def return_all_from_farm(self, error: str, now: float | None = None) -> list[int]:
        """Every job the farm holds goes back to the queue (see :meth:`return_from_farm`)."""
        return self.return_from_farm(
            {job_id: row["token"] for job_id, row in self.farm_jobs().items()}, error, now)

    def return_expired_from_farm(self, now: float | None = None) -> list[int]:
        """The farm's jobs whose lease ran out (its bridge stopped renewing
        them: Redis unreachable, the bridge stalled or gone) go back to the
        queue for the local workers; a take the farm sends later is stale."""
        now = time.time() if now is None else now
        expired = {job_id: row["token"] for job_id, row in self.farm_jobs().items()
                   if (row["lease_until"] or 0) < now}
        return self.return_from_farm(expired, "the farm did not answer for a whole lease",
                                     now) if expired else []

    def fail_from_farm(self, job_id: int, token: str, error: str, *, dead: bool = False,
                       now: float | None = None) -> str | None:
        """A failed attempt reported by the farm (``dead``: delivered past its
        limit); the job's new state, or None if the result was stale."""
        now = time.time() if now is None else now
        with self.library.transaction():
            if not self.held_by_farm(job_id, token):
                return None
            row = self.store.farm_job(job_id)
            assert row is not None
            attempts = row["max_attempts"] if dead else row["attempts"]
            return self._fail(job_id, attempts, row["max_attempts"], error, now)

    def extend_farm_leases(self, now: float | None = None) -> int:
        """The farm's jobs keep their lease while its bridge runs."""
        now = time.time() if now is None else now
        return self.store.extend_farm_leases(now + self.settings.lease_s, now)

    def farm_jobs(self) -> dict[int, dict[str, Any]]:
        """Jobs the farm holds, by id: token, backend, paused."""
        return self.store.farm_jobs()

    # ------------------------------------------------------------ failures
    def fail(self, job: Job, error: str, now: float | None = None) -> str:
        """Record a failed attempt: retry after backoff, or dead past the limit.

        Returns the job's new state.
        """
        return self.fail_attempt(job.id, job.attempts, job.max_attempts, error, now)

    def fail_attempt(self, job_id: int, attempts: int, max_attempts: int, error: str,
                     now: float | None = None) -> str:
        """:meth:`fail` for any kind of job, by id; returns the job's new state."""
        now = time.time() if now is None else now
        with self.library.transaction():
            state = self._fail(job_id, attempts, max_attempts, error, now)
        self.ring(doorbell.ENDED)
        return state

    def _fail(self, job_id: int, attempts: int, max_attempts: int, error: str,
              now: float) -> str:
        """Inside the caller's transaction: fail a running job, with backoff."""
        if attempts >= max_attempts:
            state, run_after = "dead", 0.0
        else:
            base = self.settings.backoff_base_s * 2 ** (attempts - 1)
            delay = min(self.settings.backoff_max_s, base) * random.uniform(0.5, 1.5)
            state, run_after = "failed", now + delay
        self.store.set_failed(job_id, state, error, run_after, now)
        return state

    # ------------------------------------------------------------ supervisor
    def requeue_lost(
        self, alive_pids: set[int], now: float | None = None, reason: str = "worker died"
    ) -> list[int]:
        """Running jobs whose worker is gone or whose lease expired go back to
        the queue (the attempt counts; past the limit they are dead)."""
        now = time.time() if now is None else now
        lost: list[int] = []
        with self.library.transaction():
            for row in self.store.running():
                if row["worker_pid"] in alive_pids and (row["lease_until"] or 0) >= now:
                    continue
                why = reason if row["worker_pid"] not in alive_pids else "lease expired"
                error = f"{why} during the job (attempt {row['attempts']})"
                if row["attempts"] >= row["max_attempts"]:
                    self._fail(row["id"], row["attempts"], row["max_attempts"],
                               row["last_error"] or error, now)
                else:
                    self.store.requeue(row["id"], error, now)
                lost.append(row["id"])
        if lost:
            self.ring(doorbell.JOBS, doorbell.ENDED)
        return lost

    def fail_running(self, worker_pid: int, error: str, now: float | None = None) -> None:
        """Fail the job a (killed) worker was running, counting the attempt."""
        now = time.time() if now is None else now
        with self.library.transaction():
            for row in self.store.running_for(worker_pid):
                self._fail(row["id"], row["attempts"], row["max_attempts"], error, now)

    # ------------------------------------------------------------ users
    def _job_state(self, job_id: int) -> str:
        state = self.store.job_state(job_id)
        if state is None:
            raise UserError(f"no job with id {job_id}", "see `studio jobs list`")
        return state

    def retry(self, job_id: int | None = None) -> int:
        """Queue a dead, failed or cancelled job again (all dead ones if no id)."""
        now = time.time()
        if job_id is not None:
            state = self._job_state(job_id)
            if state not in ("dead", "failed", "cancelled"):
                raise UserError(f"job {job_id} is {state}", "only dead, failed or cancelled "
                                "jobs can be retried")
        count = self.store.retry(job_id, now)
        self.ring(doorbell.JOBS)
        return count

    def cancel(self, job_id: int | None = None, project_id: int | None = None) -> int:
        """Cancel one job, or every active job of a project."""
        now = time.time()
        if job_id is not None:
            state = self._job_state(job_id)
            if state not in ACTIVE:
                raise UserError(f"job {job_id} is {state} and cannot be cancelled")
        count = self.store.cancel(now, job_id, project_id)
        if count:
            self.ring(doorbell.ENDED)
        return count

    def set_priority(self, project_id: int, priority: int) -> int:
        """Set the priority of a project's waiting jobs; returns how many."""
        return self.store.set_priority(project_id, priority)

    def project_rows(self) -> list[dict[str, Any]]:
        """Each project with its segment and job counts, for the queue view."""
        return self.store.project_rows()

    def set_paused(self, project_id: int, paused: bool) -> None:
        """Pause or resume claiming the project's jobs."""
        self.store.set_paused(project_id, paused)

    def jobs(self, state: str | None = None, project_id: int | None = None) -> list[dict[str, Any]]:
        """Jobs with their project and segment, newest first."""
        return self.store.jobs(state, project_id)

    def counts(self, project_id: int | None = None, kind: str | None = None) -> dict[str, int]:
        """Number of jobs in each state (for one project, of one kind, if given)."""
        return self.store.counts(project_id, kind)

    def pending_backends(self) -> set[str]:
        """Backends (and the QA pool) with jobs waiting or running."""
        return self.store.pending_backends()

"""The job queue on a real SQLite file, stepped by hand (no sleeps)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from studio.core.jobs import PRIORITY_INTERACTIVE, JobQueue, QueueSettings
from studio.core.planning import save_take_audio
from studio.core.store import Library
from studio.errors import UserError
from studio.text import prepare_script

FAST = QueueSettings(lease_s=10, max_attempts=3, backoff_base_s=1.0, backoff_max_s=60)


@pytest.fixture
def project(library: Library):
    joe = library.find_voice("joe")
    text = " ".join(f"Sentence number {n} is here." for n in range(1, 21))
    sync = library.sync_project("q", text, joe, prepare_script(text).segments)
    return sync.project


def _complete(queue: JobQueue, job, level: float = 0.1):
    path = save_take_audio(queue.library, np.full(100, level, np.float32), 22050)
    return queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=100)


def test_claim_order_priority_then_age_and_one_take_per_segment(library, project) -> None:
    queue = JobQueue(library, FAST)
    segments = library.segments(project.id)
    bulk = queue.enqueue([s.id for s in segments], "piper", now=0)
    assert len(bulk) == 20
    assert queue.enqueue([segments[0].id], "piper") == []  # already active
    urgent = queue.enqueue([segments[5].id], "piper", priority=PRIORITY_INTERACTIVE, now=1)
    assert urgent == []  # the segment keeps its job, and the job moves to the front
    assert queue.claim("piper", worker_pid=1, now=1).id == bulk[5]
    first = queue.claim("piper", worker_pid=1, now=1)
    assert first.id == bulk[0] and first.attempts == 1
    take = _complete(queue, first)
    assert library.segments(project.id)[0].current_take_id == take.id
    again = queue.enqueue([segments[0].id], "piper", priority=PRIORITY_INTERACTIVE, now=2)
    assert queue.claim("piper", worker_pid=1, now=2).id == again[0]  # jumps the queue
    assert queue.claim("other-backend", worker_pid=1, now=2) is None


def test_failures_back_off_then_go_dead_and_retry_revives(library, project) -> None:
    queue = JobQueue(library, FAST)
    (job_id,) = queue.enqueue([library.segments(project.id)[0].id], "piper", now=0)
    now = 0.0
    for attempt in (1, 2):
        job = queue.claim("piper", 7, now)
        assert job.attempts == attempt
        assert queue.fail(job, "RuntimeError: boom", now) == "failed"
        delay = 1.0 * 2 ** (attempt - 1)  # base x 2^(attempt-1), jittered by 0.5-1.5
        assert queue.claim("piper", 7, now + 0.49 * delay) is None  # backing off
        now += 1.51 * delay
    job = queue.claim("piper", 7, now)
    assert queue.fail(job, "RuntimeError: boom", now) == "dead"
    dead = queue.jobs(state="dead")
    assert dead[0]["id"] == job_id and dead[0]["error"] == "RuntimeError: boom"
    assert library.segments(project.id)[0].state == "failed"
    assert queue.retry(job_id) == 1
    assert library.segments(project.id)[0].state == "queued"
    assert queue.claim("piper", 7, now).attempts == 1


def test_lost_workers_and_expired_leases_requeue(library, project) -> None:
    queue = JobQueue(library, FAST)
    queue.enqueue([s.id for s in library.segments(project.id)[:2]], "piper", now=0)
    a = queue.claim("piper", 100, 0)
    b = queue.claim("piper", 200, 0)
    assert queue.heartbeat(b.id, 200, now=5)
    assert queue.requeue_lost({200}, now=6) == [a.id]  # 100 is gone
    assert queue.requeue_lost({200}, now=14) == []  # b's lease was renewed to 15
    assert queue.requeue_lost({200}, now=16) == [b.id]  # then it expired
    assert not queue.heartbeat(b.id, 200, now=16)
    assert {j["state"] for j in queue.jobs()} == {"queued"}
    # A lost worker that finishes late delivers the job: nothing is redone.
    late = _complete(queue, b, level=0.3)
    assert {j["id"]: j["state"] for j in queue.jobs()}[b.id] == "done"
    # A lost worker that finishes while another re-renders: both takes are
    # kept, the segment points at exactly one, the last to complete.
    redo = queue.claim("piper", 300, 17)
    assert redo.id == a.id
    stale = _complete(queue, a, level=0.5)  # the worker that was presumed dead
    again = _complete(queue, redo, level=0.4)
    current = {s.id: s.current_take_id for s in library.segments(project.id)}
    assert current[b.segment_id] == late.id
    assert current[a.segment_id] == again.id != stale.id
    assert len(library.takes(a.segment_id)) == 2


def test_cancel_pause_and_unknown_ids(library, project) -> None:
    queue = JobQueue(library, FAST)
    ids = queue.enqueue([s.id for s in library.segments(project.id)], "piper", now=0)
    queue.set_paused(project.id, True)
    assert queue.claim("piper", 1, 1) is None
    queue.set_paused(project.id, False)
    job = queue.claim("piper", 1, 1)
    assert queue.cancel(project_id=project.id) == 20
    assert _complete(queue, job) is None  # cancelled meanwhile: nothing recorded
    assert library.takes(job.segment_id) == []
    with pytest.raises(UserError, match="no job with id 999"):
        queue.retry(999)
    with pytest.raises(UserError, match="is cancelled and cannot be cancelled"):
        queue.cancel(ids[0])
    assert queue.retry(ids[0]) == 1


def test_concurrent_claims_never_hand_out_a_job_twice(library, project, library_dir: Path) -> None:
    """Four threads with their own connections race for 20 jobs."""
    queue = JobQueue(library, FAST)
    queue.enqueue([s.id for s in library.segments(project.id)], "piper", now=0)
    claimed: list[int] = []
    lock = threading.Lock()

    def claimer(pid: int) -> None:
        own = JobQueue(Library.open(library_dir), FAST)
        while (job := own.claim("piper", pid, 1)) is not None:
            with lock:
                claimed.append(job.id)
        own.library.close()

    threads = [threading.Thread(target=claimer, args=(pid,)) for pid in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 20


def test_complete_requires_the_file(library, project) -> None:
    queue = JobQueue(library, FAST)
    queue.enqueue([library.segments(project.id)[0].id], "piper", now=0)
    job = queue.claim("piper", 1, 0)
    with pytest.raises(FileNotFoundError):
        queue.complete(job, path="takes/none.flac", backend="piper", sample_rate=1, frames=1)
    assert library.takes(job.segment_id) == []


def test_project_rows_and_priority(library, project) -> None:
    queue = JobQueue(library, FAST)
    queue.enqueue([s.id for s in library.segments(project.id)], "piper", now=0)
    (row,) = queue.project_rows()
    assert (row["segments"], row["rendered"], row["active"], row["priority"]) == (20, 0, 20, 0)
    assert queue.set_priority(project.id, 5) == 20
    assert queue.project_rows()[0]["priority"] == 5
    assert queue.claim("piper", 1, 1).attempts == 1
    assert queue.set_priority(project.id, 6) == 19  # the running one is left alone

"""Take QA in the library: check jobs, their results, retakes, reports.

The checks themselves are :mod:`studio.qa` (audio and text in, a verdict
out); this module is what the library does with them:

* **Claiming.** A check worker claims several check jobs at once, up to the
  recognizer's window of audio (Whisper hears 30 seconds at a time whatever
  the clip's length, so takes are packed into one window).
* **Completing.** One transaction stores the result (``take_checks``, keyed
  by take: a check delivered twice after a crash overwrites, never adds),
  finishes the job, and then either queues a retake (new seed, below
  ``qa.max_retakes``: a failing take, or a retake that asks for review; a
  chain goes on until a take passes) or, at the end of the chain, makes
  the chain's best take current (:func:`_settle`). A locked segment, and a
  take the user chose or approved, are never replaced.
* **Reporting.** :func:`qa_report` and :func:`qa_summary` for ``studio qa``,
  ``studio render`` and the window.
"""

from __future__ import annotations

import dataclasses
import random
import time
from typing import Any

from studio.core.jobs import QA_POOL, JobQueue, QueueSettings, qa_settings
from studio.core.storage.checks import CheckStore
from studio.core.storage.jobs import JobStore
from studio.core.storage.records import CheckJob
from studio.core.store import Library, Project
from studio.qa import CheckResult, QaSettings, spoken_characters

RANK = {"fail": 0, "review": 1, "pass": 2}  # which of a chain's takes is best


FILL_WAIT_S = 8.0  # how long a check may wait for more takes to fill its window


def claim_checks(library: Library, worker_pid: int, *, max_audio_s: float, gap_s: float = 0.0,
                 max_jobs: int = 16, now: float | None = None,
                 fill_wait_s: float = FILL_WAIT_S) -> list[CheckJob]:
    """Take the next check jobs, highest priority and oldest first, as many
    as fit in ``max_audio_s`` of audio with ``gap_s`` between takes (always
    at least one); [] if none. The recognizer packs them by that rule
    (:func:`studio.qa.asr.pack`): a batch claimed without the gaps spilled
    its last take into a window of its own, which cost a whole window
    (measured: 43 windows for 133 takes instead of 31).

    While renders are still on their way, a batch that does not fill the
    window is left to wait (up to ``fill_wait_s`` after its oldest check was
    queued) for more takes to join it: the recognizer hears a whole window
    whatever it holds, so a full one costs little more than a single take.
    """
    now = time.time() if now is None else now
    lease = QueueSettings.from_library(library).lease_s
    checks, jobs = CheckStore(library.conn), JobStore(library.conn)
    with library.transaction():
        candidates = checks.claimable(now, max_jobs)
        if candidates and fill_wait_s > 0:
            waiting_s = sum(job.duration_s for job in candidates)
            oldest = checks.oldest_queued([job.id for job in candidates])
            if checks.rendering() and waiting_s < 0.8 * max_audio_s \
                    and now - oldest < fill_wait_s:
                return []
        claimed: list[CheckJob] = []
        total = 0.0
        for job in candidates:
            duration = job.duration_s + (gap_s if claimed else 0.0)
            if claimed and total + duration > max_audio_s:
                break
            total += duration
            jobs.start(job.id, worker_pid, now + lease, now)
            claimed.append(dataclasses.replace(job, attempts=job.attempts + 1))
    return claimed


def project_rates(library: Library, project_id: int,
                  limit: int = 400) -> tuple[tuple[float, int], ...]:
    """(speaking rate, spoken characters) of the project's current takes (the
    pace check's distribution), the most recent first."""
    return tuple((rate, spoken_characters(text))
                 for rate, text in CheckStore(library.conn).project_rates(project_id, limit))


def complete_check(library: Library, job: CheckJob, result: CheckResult,
                   settings: QaSettings | None = None, now: float | None = None) -> str:
    """Store ``result`` for the job's take and finish the job, in one
    transaction; then queue a retake or settle the chain's best take.

    Returns what happened: "stored", "retake" or "settled" ("gone" if the
    job was cancelled or taken from this worker meanwhile: nothing written).
    """
    now = time.time() if now is None else now
    settings = settings or qa_settings(library)
    checks, jobs = CheckStore(library.conn), JobStore(library.conn)
    with library.transaction():
        if jobs.job_state(job.id) != "running":
            return "gone"
        checks.store_result(job.take_id, result, now)
        jobs.finish(job.id, now)
        if job.kind != "check" or result.verdict == "unchecked":
            return "stored"
        segment = checks.standing(job.take_id, job.segment_id)
        if segment is None or not segment["speaks"]:
            return "stored"  # the segment was edited meanwhile: its new text renders anew
        current = segment["current_take_id"]
        protected = bool(segment["locked"]) or current in (segment["chosen_take_id"],
                                                          segment["approved_take_id"])
        if protected:
            return "stored"
        busy = jobs.active_render(job.segment_id) is not None
        wanting = result.verdict == "fail" or (result.verdict == "review" and job.retake > 0)
        if wanting and job.retake < settings.max_retakes and not busy:
            backend = library.take(job.take_id).backend
            jobs.insert_render(job.segment_id, backend, seed=random.randrange(2**31),
                               priority=jobs.priority(job.id), retake=job.retake + 1, now=now,
                               max_attempts=JobQueue(library).settings.max_attempts)
            return "retake"
        if busy:
            return "stored"
        _settle(checks, job)
        return "settled"


def _settle(checks: CheckStore, job: CheckJob) -> None:
    """The end of a retake chain: the best of its checked takes (the
    segment's newest ``retake + 1`` takes of its present text and voice)
    becomes current. A take that passed beats one that asks for review,
    which beats one that failed, whatever their scores: a take heard wrong
    by the recognizer may score below a damaged take found only wanting
    (measured: a clean take heard in a loop scored 0.0). Among equals the
    higher score wins; on a tie, the newest."""
    checked = [row for row in checks.chain(job.segment_id, job.retake + 1)
               if row["score"] is not None and row["verdict"] != "unchecked"]
    if not checked:
        return
    best = max(checked, key=lambda row: (RANK[row["verdict"]], row["score"], row["id"]))
    checks.settle(job.segment_id, best["id"])


def queue_recheck(library: Library, project: Project) -> int:
    """Queue a check of every done segment's current take again (after a
    threshold change): results are replaced; nothing is rendered."""
    now = time.time()
    queued = 0
    checks, jobs = CheckStore(library.conn), JobStore(library.conn)
    with library.transaction():
        for segment_id, take_id in checks.current_checkable(project.id):
            queued += jobs.queue_check(take_id, segment_id, QA_POOL, kind="recheck", now=now)
    return queued


def take_check(library: Library, take_id: int) -> dict[str, Any] | None:
    """What QA found in one take (verdict, score, reasons, metrics, recognized
    text, diff, spots, model), or None if it was never checked."""
    return CheckStore(library.conn).take_check(take_id)


def qa_report(library: Library, project: Project) -> list[dict[str, Any]]:
    """Every segment of the project with what QA found in its current take:
    index, state, verdict (None: not checked), reasons, metrics, and the
    takes tried (of its present text and voice)."""
    return CheckStore(library.conn).report(project.id)


def qa_summary(library: Library, project_id: int) -> dict[str, int]:
    """How many of the project's segments stand where in QA: pass, review,
    fail, unchecked, checking, and none (done but never checked, or not
    done); ``flagged`` is how many need a person (the state)."""
    counts = {"pass": 0, "review": 0, "fail": 0, "unchecked": 0, "checking": 0, "none": 0,
              "flagged": 0}
    for verdict, state, count in CheckStore(library.conn).verdict_counts(project_id):
        counts[verdict or "none"] += count
        if state == "flagged":
            counts["flagged"] += count
    return counts


def active_checks(library: Library, project_id: int | None = None) -> int:
    """Check jobs waiting or running (of one project if given)."""
    return CheckStore(library.conn).active_checks(project_id)

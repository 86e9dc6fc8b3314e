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

import json
import random
import time
from dataclasses import dataclass
from typing import Any

from studio.core.jobs import (
    ACTIVE,
    JobQueue,
    QueueSettings,
    insert_render,
    qa_settings,
    queue_check,
)
from studio.core.store import TAKE_IS_CURRENT, Library, Project
from studio.qa import CheckResult, QaSettings, spoken_characters

RANK = {"fail": 0, "review": 1, "pass": 2}  # which of a chain's takes is best


@dataclass(frozen=True)
class CheckJob:
    """A claimed check: the take and what it should say."""

    id: int
    kind: str  # "check" (may retake) or "recheck" (stores the result only)
    take_id: int
    segment_id: int
    project_id: int
    retake: int
    attempts: int
    max_attempts: int
    path: str  # the take's file, relative to the library
    text: str  # what the take was rendered to say
    speech: str  # ... with the lexicon applied (studio.text.lexicon.spoken_words: heard)
    speed: float
    language: str
    sample_rate: int
    frames: int
    voice_id: int
    voice_kind: str
    prompt_path: str | None  # a cloned voice's prompt clip, relative

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


def checks_coming(library: Library) -> bool:
    """Whether more checks are on their way: renders (each queues its take's
    check) or checks not yet claimed."""
    return library.conn.execute(
        """SELECT 1 FROM jobs WHERE state IN ('queued', 'failed')
           OR (kind = 'render' AND state = 'running') LIMIT 1""").fetchone() is not None


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
    with library.transaction() as conn:
        rows = conn.execute(
            """SELECT j.id, j.kind, j.take_id, j.segment_id, s.project_id, j.retake, j.attempts,
                      j.max_attempts, t.path, t.text, t.speech, t.speed, s.language,
                      t.sample_rate, t.frames,
                      t.voice_id, v.kind AS voice_kind, v.prompt_path
               FROM jobs j JOIN takes t ON t.id = j.take_id
               JOIN segments s ON s.id = j.segment_id
               JOIN projects p ON p.id = s.project_id
               JOIN voices v ON v.id = t.voice_id
               WHERE j.state IN ('queued', 'failed') AND j.kind != 'render'
                 AND j.run_after <= ? AND p.paused = 0
               ORDER BY j.priority DESC, j.id LIMIT ?""",
            (now, max_jobs),
        ).fetchall()
        if rows and fill_wait_s > 0:
            waiting_s = sum(row["frames"] / row["sample_rate"] for row in rows)
            oldest = conn.execute(
                "SELECT MIN(created_at) FROM jobs WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps([row["id"] for row in rows]),)).fetchone()[0]
            rendering = conn.execute(
                "SELECT 1 FROM jobs WHERE kind = 'render' AND state IN ('queued', 'running')"
            ).fetchone()
            if rendering and waiting_s < 0.8 * max_audio_s and now - oldest < fill_wait_s:
                return []
        claimed: list[CheckJob] = []
        total = 0.0
        for row in rows:
            duration = row["frames"] / row["sample_rate"] + (gap_s if claimed else 0.0)
            if claimed and total + duration > max_audio_s:
                break
            total += duration
            conn.execute(
                "UPDATE jobs SET state = 'running', worker_pid = ?, lease_until = ?, "
                "started_at = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
                (worker_pid, now + lease, now, now, row["id"]),
            )
            claimed.append(CheckJob(**{key: row[key] for key in row.keys()}
                                    | {"attempts": row["attempts"] + 1}))
    return claimed


def project_rates(library: Library, project_id: int,
                  limit: int = 400) -> tuple[tuple[float, int], ...]:
    """(speaking rate, spoken characters) of the project's current takes (the
    pace check's distribution), the most recent first."""
    rows = library.conn.execute(
        """SELECT json_extract(c.metrics, '$.chars_per_s'), t.text FROM segments s
           JOIN take_checks c ON c.take_id = s.current_take_id
           JOIN takes t ON t.id = s.current_take_id
           WHERE s.project_id = ? AND s.position IS NOT NULL
             AND json_extract(c.metrics, '$.chars_per_s') > 0
           ORDER BY c.checked_at DESC LIMIT ?""",
        (project_id, limit),
    ).fetchall()
    return tuple((float(rate), spoken_characters(text)) for rate, text in rows)


def voice_embeddings(library: Library, project_id: int, voice_id: int, *, exclude: int,
                     limit: int = 50) -> tuple[bytes, ...]:
    """Speaker embeddings of the project's current takes in this voice (not
    ``exclude``), the most recent first: what drift is measured against."""
    rows = library.conn.execute(
        """SELECT c.embedding FROM segments s JOIN takes t ON t.id = s.current_take_id
           JOIN take_checks c ON c.take_id = t.id
           WHERE s.project_id = ? AND s.position IS NOT NULL AND t.voice_id = ?
             AND t.id != ? AND c.embedding IS NOT NULL AND c.verdict = 'pass'
           ORDER BY c.checked_at DESC LIMIT ?""",
        (project_id, voice_id, exclude, limit),
    ).fetchall()
    return tuple(bytes(row[0]) for row in rows)


def _store(conn: Any, take_id: int, result: CheckResult, now: float) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO take_checks(take_id, verdict, score, reasons, metrics, "
        "recognized, diff, spots, model, embedding, checked_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (take_id, result.verdict, float(result.score), json.dumps(list(result.reasons)),
         json.dumps(result.metrics), result.recognized, json.dumps([list(d) for d in result.diff]),
         json.dumps([[s.start_s, s.end_s, s.kind] for s in result.spots]), result.model,
         result.embedding, now),
    )


def complete_check(library: Library, job: CheckJob, result: CheckResult,
                   settings: QaSettings | None = None, now: float | None = None) -> str:
    """Store ``result`` for the job's take and finish the job, in one
    transaction; then queue a retake or settle the chain's best take.

    Returns what happened: "stored", "retake" or "settled" ("gone" if the
    job was cancelled or taken from this worker meanwhile: nothing written).
    """
    now = time.time() if now is None else now
    settings = settings or qa_settings(library)
    with library.transaction() as conn:
        state = conn.execute("SELECT state FROM jobs WHERE id = ?", (job.id,)).fetchone()
        if state is None or state[0] != "running":
            return "gone"
        _store(conn, job.take_id, result, now)
        conn.execute(
            "UPDATE jobs SET state = 'done', last_error = NULL, worker_pid = NULL, "
            "lease_until = NULL, updated_at = ? WHERE id = ?", (now, job.id))
        if job.kind != "check" or result.verdict == "unchecked":
            return "stored"
        segment = conn.execute(
            f"""SELECT s.locked, s.current_take_id, s.chosen_take_id, s.approved_take_id,
                      ({TAKE_IS_CURRENT}) AS speaks
               FROM segments s JOIN projects p ON p.id = s.project_id
               JOIN takes t ON t.id = ? WHERE s.id = ?""",
            (job.take_id, job.segment_id),
        ).fetchone()
        if segment is None or not segment["speaks"]:
            return "stored"  # the segment was edited meanwhile: its new text renders anew
        current = segment["current_take_id"]
        protected = bool(segment["locked"]) or current in (segment["chosen_take_id"],
                                                          segment["approved_take_id"])
        if protected:
            return "stored"
        busy = conn.execute(
            "SELECT 1 FROM jobs WHERE segment_id = ? AND kind = 'render' AND state IN "
            "('queued', 'running', 'failed')", (job.segment_id,)).fetchone()
        wanting = result.verdict == "fail" or (result.verdict == "review" and job.retake > 0)
        if wanting and job.retake < settings.max_retakes and not busy:
            take = conn.execute("SELECT backend FROM takes WHERE id = ?",
                                (job.take_id,)).fetchone()
            priority = conn.execute("SELECT priority FROM jobs WHERE id = ?",
                                    (job.id,)).fetchone()[0]
            insert_render(conn, job.segment_id, take["backend"], seed=random.randrange(2**31),
                          priority=priority, retake=job.retake + 1, now=now,
                          max_attempts=JobQueue(library).settings.max_attempts)
            return "retake"
        if busy:
            return "stored"
        _settle(conn, job)
        return "settled"


def _settle(conn: Any, job: CheckJob) -> None:
    """The end of a retake chain: the best of its checked takes (the
    segment's newest ``retake + 1`` takes of its present text and voice)
    becomes current. A take that passed beats one that asks for review,
    which beats one that failed, whatever their scores: a take heard wrong
    by the recognizer may score below a damaged take found only wanting
    (measured: a clean take heard in a loop scored 0.0). Among equals the
    higher score wins; on a tie, the newest."""
    rows = conn.execute(
        f"""SELECT t.id, c.score, c.verdict FROM segments s JOIN projects p ON p.id = s.project_id
            JOIN takes t ON t.segment_id = s.id
            LEFT JOIN take_checks c ON c.take_id = t.id
            WHERE s.id = ? AND {TAKE_IS_CURRENT} ORDER BY t.id DESC LIMIT ?""",
        (job.segment_id, job.retake + 1),
    ).fetchall()
    checked = [row for row in rows if row["score"] is not None
               and row["verdict"] != "unchecked"]
    if not checked:
        return
    best = max(checked, key=lambda row: (RANK[row["verdict"]], row["score"], row["id"]))
    conn.execute("UPDATE segments SET current_take_id = ? WHERE id = ? AND locked = 0",
                 (best["id"], job.segment_id))


def queue_recheck(library: Library, project: Project) -> int:
    """Queue a check of every done segment's current take again (after a
    threshold change): results are replaced; nothing is rendered."""
    now = time.time()
    queued = 0
    with library.transaction() as conn:
        rows = conn.execute(
            "SELECT segment_id, take_id FROM segment_states WHERE project_id = ? "
            "AND position IS NOT NULL AND done", (project.id,)).fetchall()
        for row in rows:
            queued += queue_check(conn, row["take_id"], row["segment_id"], kind="recheck",
                                  now=now)
    return queued


def take_check(library: Library, take_id: int) -> dict[str, Any] | None:
    """What QA found in one take (verdict, score, reasons, metrics, recognized
    text, diff, spots, model), or None if it was never checked."""
    row = library.conn.execute("SELECT * FROM take_checks WHERE take_id = ?",
                               (take_id,)).fetchone()
    if row is None:
        return None
    found = dict(row)
    for key in ("reasons", "metrics", "diff", "spots"):
        found[key] = json.loads(found[key])
    found.pop("embedding", None)
    return found


def qa_report(library: Library, project: Project) -> list[dict[str, Any]]:
    """Every segment of the project with what QA found in its current take:
    index, state, verdict (None: not checked), reasons, metrics, and the
    takes tried (of its present text and voice)."""
    rows = library.conn.execute(
        f"""SELECT s.id, s.position + 1 AS number, s.source, st.state, st.qa AS verdict,
                  c.reasons, c.metrics, c.recognized, c.score,
                  (SELECT COUNT(*) FROM takes t WHERE t.segment_id = s.id
                     AND {TAKE_IS_CURRENT}) AS takes_tried
           FROM segments s JOIN projects p ON p.id = s.project_id
           JOIN segment_states st ON st.segment_id = s.id
           LEFT JOIN take_checks c ON c.take_id = s.current_take_id AND st.done
           WHERE s.project_id = ? AND s.position IS NOT NULL ORDER BY s.position""",
        (project.id,),
    ).fetchall()
    report = []
    for row in rows:
        item = dict(row)
        item["reasons"] = json.loads(item["reasons"]) if item["reasons"] else []
        item["metrics"] = json.loads(item["metrics"]) if item["metrics"] else {}
        report.append(item)
    return report


def qa_summary(library: Library, project_id: int) -> dict[str, int]:
    """How many of the project's segments stand where in QA: pass, review,
    fail, unchecked, checking, and none (done but never checked, or not
    done); ``flagged`` is how many need a person (the state)."""
    counts = {"pass": 0, "review": 0, "fail": 0, "unchecked": 0, "checking": 0, "none": 0,
              "flagged": 0}
    for verdict, state, count in library.conn.execute(
        "SELECT qa, state, COUNT(*) FROM segment_states WHERE project_id = ? "
        "AND position IS NOT NULL GROUP BY qa, state", (project_id,)):
        counts[verdict or "none"] += count
        if state == "flagged":
            counts["flagged"] += count
    return counts


def active_checks(library: Library, project_id: int | None = None) -> int:
    """Check jobs waiting or running (of one project if given)."""
    where = "AND s.project_id = ?" if project_id is not None else ""
    row = library.conn.execute(
        f"SELECT COUNT(*) FROM jobs j JOIN segments s ON s.id = j.segment_id "
        f"WHERE j.kind != 'render' AND j.state IN {ACTIVE!r} {where}",
        (project_id,) if project_id is not None else (),
    ).fetchone()
    return int(row[0])

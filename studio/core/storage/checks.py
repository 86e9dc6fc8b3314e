"""Take QA's rows: check jobs to claim, each take's check (``take_checks``,
keyed by take: a check delivered twice overwrites, never adds), and what the
checks of a project's takes found (the rules are :mod:`studio.core.take_qa`'s).

Methods documented as working *inside the caller's transaction* are steps
of a claim or a completion that take QA runs as one transaction.
"""

from __future__ import annotations

import json
from typing import Any

from studio.core.storage.base import Storage
from studio.core.storage.records import CheckJob
from studio.core.storage.schema import TAKE_IS_CURRENT
from studio.qa import CheckResult


class CheckStore(Storage):
    """The ``take_checks`` table and the check jobs of ``jobs``."""

    # ------------------------------------------------------------ claiming
    def checks_coming(self) -> bool:
        """Whether more checks are on their way: renders (each queues its take's
        check) or checks not yet claimed."""
        return self.conn.execute(
            """SELECT 1 FROM jobs WHERE state IN ('queued', 'failed')
               OR (kind = 'render' AND state = 'running') LIMIT 1""").fetchone() is not None

    def claimable(self, now: float, max_jobs: int) -> list[CheckJob]:
        """The next check jobs due by ``now`` (of projects not paused), highest
        priority and oldest first, at most ``max_jobs``; ``attempts`` as stored."""
        rows = self.conn.execute(
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
        return [CheckJob(**{key: row[key] for key in row.keys()}) for row in rows]

    def oldest_queued(self, job_ids: list[int]) -> float:
        """When the oldest of these jobs was queued."""
        return float(self.conn.execute(
            "SELECT MIN(created_at) FROM jobs WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(job_ids),)).fetchone()[0])

    def rendering(self) -> bool:
        """Whether a render is waiting or running (its take's check will follow)."""
        return self.conn.execute(
            "SELECT 1 FROM jobs WHERE kind = 'render' AND state IN ('queued', 'running')"
        ).fetchone() is not None

    # ------------------------------------------------------------ what checks measure against
    def project_rates(self, project_id: int, limit: int) -> list[tuple[float, str]]:
        """(speaking rate, text) of the project's checked current takes, the
        most recent first."""
        rows = self.conn.execute(
            """SELECT json_extract(c.metrics, '$.chars_per_s'), t.text FROM segments s
               JOIN take_checks c ON c.take_id = s.current_take_id
               JOIN takes t ON t.id = s.current_take_id
               WHERE s.project_id = ? AND s.position IS NOT NULL
                 AND json_extract(c.metrics, '$.chars_per_s') > 0
               ORDER BY c.checked_at DESC LIMIT ?""",
            (project_id, limit),
        ).fetchall()
        return [(float(rate), str(text)) for rate, text in rows]

    def voice_embeddings(self, project_id: int, voice_id: int, *, exclude: int,
                         limit: int = 50) -> tuple[bytes, ...]:
        """Speaker embeddings of the project's current takes in this voice (not
        ``exclude``) that passed, the most recent first: what drift is
        measured against."""
        rows = self.conn.execute(
            """SELECT c.embedding FROM segments s JOIN takes t ON t.id = s.current_take_id
               JOIN take_checks c ON c.take_id = t.id
               WHERE s.project_id = ? AND s.position IS NOT NULL AND t.voice_id = ?
                 AND t.id != ? AND c.embedding IS NOT NULL AND c.verdict = 'pass'
               ORDER BY c.checked_at DESC LIMIT ?""",
            (project_id, voice_id, exclude, limit),
        ).fetchall()
        return tuple(bytes(row[0]) for row in rows)

    # ------------------------------------------------------------ completing
    def store_result(self, take_id: int, result: CheckResult, now: float) -> None:
        """Inside the caller's transaction: the take's check (replacing any)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO take_checks(take_id, verdict, score, reasons, metrics, "
            "recognized, diff, spots, model, embedding, checked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (take_id, result.verdict, float(result.score), json.dumps(list(result.reasons)),
             json.dumps(result.metrics), result.recognized,
             json.dumps([list(d) for d in result.diff]),
             json.dumps([[s.start_s, s.end_s, s.kind] for s in result.spots]), result.model,
             result.embedding, now),
        )

    def standing(self, take_id: int, segment_id: int) -> dict[str, Any] | None:
        """The segment's ``locked``, ``current_take_id``, ``chosen_take_id``,
        ``approved_take_id``, and whether the take ``speaks`` what it says now;
        None if either is gone."""
        row = self.conn.execute(
            f"""SELECT s.locked, s.current_take_id, s.chosen_take_id, s.approved_take_id,
                      ({TAKE_IS_CURRENT}) AS speaks
               FROM segments s JOIN projects p ON p.id = s.project_id
               JOIN takes t ON t.id = ? WHERE s.id = ?""",
            (take_id, segment_id),
        ).fetchone()
        return dict(row) if row else None

    def chain(self, segment_id: int, count: int) -> list[dict[str, Any]]:
        """The segment's newest ``count`` takes of its present text and voice,
        newest first: id, and its check's score and verdict (None: unchecked)."""
        rows = self.conn.execute(
            f"""SELECT t.id, c.score, c.verdict FROM segments s
                JOIN projects p ON p.id = s.project_id
                JOIN takes t ON t.segment_id = s.id
                LEFT JOIN take_checks c ON c.take_id = t.id
                WHERE s.id = ? AND {TAKE_IS_CURRENT} ORDER BY t.id DESC LIMIT ?""",
            (segment_id, count),
        ).fetchall()
        return [dict(row) for row in rows]

    def settle(self, segment_id: int, take_id: int) -> None:
        """Inside the caller's transaction: the chain's best take becomes the
        segment's current one (unless it is locked)."""
        self.conn.execute("UPDATE segments SET current_take_id = ? WHERE id = ? AND locked = 0",
                          (take_id, segment_id))

    def current_checkable(self, project_id: int) -> list[tuple[int, int]]:
        """(segment id, take id) of each of the project's done segments' current take."""
        rows = self.conn.execute(
            "SELECT segment_id, take_id FROM segment_states WHERE project_id = ? "
            "AND position IS NOT NULL AND done", (project_id,)).fetchall()
        return [(row["segment_id"], row["take_id"]) for row in rows]

    # ------------------------------------------------------------ reports
    def take_check(self, take_id: int) -> dict[str, Any] | None:
        """What QA found in one take (verdict, score, reasons, metrics, recognized
        text, diff, spots, model), or None if it was never checked."""
        row = self.conn.execute("SELECT * FROM take_checks WHERE take_id = ?",
                                (take_id,)).fetchone()
        if row is None:
            return None
        found = dict(row)
        for key in ("reasons", "metrics", "diff", "spots"):
            found[key] = json.loads(found[key])
        found.pop("embedding", None)
        return found

    def report(self, project_id: int) -> list[dict[str, Any]]:
        """Every segment of the project with what QA found in its current take:
        index, state, verdict (None: not checked), reasons, metrics, and the
        takes tried (of its present text and voice)."""
        rows = self.conn.execute(
            f"""SELECT s.id, s.position + 1 AS number, s.source, st.state, st.qa AS verdict,
                      c.reasons, c.metrics, c.recognized, c.score,
                      (SELECT COUNT(*) FROM takes t WHERE t.segment_id = s.id
                         AND {TAKE_IS_CURRENT}) AS takes_tried
               FROM segments s JOIN projects p ON p.id = s.project_id
               JOIN segment_states st ON st.segment_id = s.id
               LEFT JOIN take_checks c ON c.take_id = s.current_take_id AND st.done
               WHERE s.project_id = ? AND s.position IS NOT NULL ORDER BY s.position""",
            (project_id,),
        ).fetchall()
        report = []
        for row in rows:
            item = dict(row)
            item["reasons"] = json.loads(item["reasons"]) if item["reasons"] else []
            item["metrics"] = json.loads(item["metrics"]) if item["metrics"] else {}
            report.append(item)
        return report

    def verdict_counts(self, project_id: int) -> list[tuple[str | None, str, int]]:
        """(verdict, state, how many) over the project's segments."""
        rows = self.conn.execute(
            "SELECT qa, state, COUNT(*) FROM segment_states WHERE project_id = ? "
            "AND position IS NOT NULL GROUP BY qa, state", (project_id,))
        return [(verdict, state, int(count)) for verdict, state, count in rows]

    def active_checks(self, project_id: int | None = None) -> int:
        """Check jobs waiting or running (of one project if given)."""
        where = "AND s.project_id = ?" if project_id is not None else ""
        row = self.conn.execute(
            f"SELECT COUNT(*) FROM jobs j JOIN segments s ON s.id = j.segment_id "
            f"WHERE j.kind != 'render' AND j.state IN ('queued', 'running', 'failed') {where}",
            (project_id,) if project_id is not None else (),
        ).fetchone()
        return int(row[0])

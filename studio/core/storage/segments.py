"""Segments and their takes: where each stands (the ``segment_states`` view),
their takes, and the changes review makes to them (text, lock, approval,
chosen take, voice).

A take's file is written before its row (:mod:`studio.core.store`); a take
becomes a segment's current one only if it speaks what the segment says now
(``TAKE_IS_CURRENT``) and the segment is not locked.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from studio.core.storage.base import Storage
from studio.core.storage.records import Project, Segment, Take, record, segment_record
from studio.core.storage.schema import TAKE_IS_CURRENT
from studio.errors import UserError


class SegmentStore(Storage):
    """The ``segments`` and ``takes`` tables."""

    root: Path  # the library folder: a take's file exists before its row

    def segments(self, project_id: int) -> list[Segment]:
        """The project's segments in script order (detached ones excluded)."""
        rows = self.conn.execute(
            f"{_SEGMENT_SELECT} WHERE s.project_id = ? AND s.position IS NOT NULL "
            "ORDER BY s.position",
            (project_id,),
        )
        return [segment_record(row) for row in rows]

    def segment(self, segment_id: int) -> Segment:
        """The segment with this id; :class:`UserError` if there is none."""
        row = self.conn.execute(f"{_SEGMENT_SELECT} WHERE s.id = ?", (segment_id,)).fetchone()
        if row is None:
            raise UserError(f"no segment with id {segment_id}")
        return segment_record(row)

    def positions(self, project_id: int, segment_ids: Iterable[int]) -> list[int]:
        """The positions of these of the project's segments, in order
        (detached ones have none)."""
        rows = self.conn.execute(
            "SELECT position FROM segments WHERE project_id = ? AND position IS NOT NULL "
            "AND id IN (SELECT value FROM json_each(?)) ORDER BY position",
            (project_id, json.dumps(list(segment_ids))))
        return [row[0] for row in rows]

    def segment_at(self, project: Project, number: int) -> Segment:
        """The project's segment number ``number`` (from 1), or :class:`UserError`."""
        row = self.conn.execute(
            f"{_SEGMENT_SELECT} WHERE s.project_id = ? AND s.position = ?",
            (project.id, number - 1),
        ).fetchone()
        if row is None:
            count = self.segment_count(project.id)
            raise UserError(f"project {project.name!r} has no segment {number}",
                            f"its segments are numbered 1 to {count}" if count
                            else "it has no segments")
        return segment_record(row)

    def segment_count(self, project_id: int) -> int:
        """How many segments the project's script has (detached ones excluded)."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM segments WHERE project_id = ? AND position IS NOT NULL",
            (project_id,),
        ).fetchone()[0])

    def done_count(self, project_id: int) -> tuple[int, int]:
        """The project's segments, and how many of them are done."""
        total, done = self.conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(done), 0) FROM segment_states "
            "WHERE project_id = ? AND position IS NOT NULL",
            (project_id,),
        ).fetchone()
        return int(total), int(done)

    def segment_done(self, segment_id: int) -> bool:
        """Whether the segment's current take speaks what it says now."""
        return bool(self.conn.execute(
            "SELECT done FROM segment_states WHERE segment_id = ?", (segment_id,)).fetchone()[0])

    def segment_rows(self, project_id: int) -> list[dict[str, Any]]:
        """The project's segments for display: one query, with state, voice,
        current take's duration (none when the take is of other text or
        voice), take count, take QA's verdict and reasons (a JSON list), and
        whether a check of one of its takes is still to run (``checking``: a
        recheck included, which the verdict column does not show)."""
        rows = self.conn.execute(
            """SELECT s.id, s.position + 1 AS number, s.paragraph, s.source AS text,
                      st.state AS status, st.job, s.locked,
                      COALESCE(v.name, sv.name, pv.name) AS voice,
                      CASE WHEN st.done THEN t.frames * 1.0 / t.sample_rate END
                        AS duration_s,  -- only a current take's: never old audio's length
                      COALESCE(k.takes, 0) AS takes,
                      st.qa, c.reasons AS qa_reasons,  -- the verdict; its reasons (JSON)
                      EXISTS (SELECT 1 FROM jobs cj WHERE cj.segment_id = s.id
                              AND cj.kind != 'render'
                              AND cj.state IN ('queued', 'running', 'failed')) AS checking
               FROM segments s JOIN segment_states st ON st.segment_id = s.id
               LEFT JOIN take_checks c ON c.take_id = s.current_take_id AND st.done
               JOIN projects p ON p.id = s.project_id
               JOIN voices pv ON pv.id = p.voice_id
               LEFT JOIN voices v ON v.id = s.voice_id
               LEFT JOIN voices sv ON sv.id = s.script_voice_id
               LEFT JOIN takes t ON t.id = s.current_take_id
               LEFT JOIN (SELECT k.segment_id, COUNT(*) AS takes FROM takes k
                          JOIN segments ks ON ks.id = k.segment_id WHERE ks.project_id = ?1
                          GROUP BY k.segment_id) k ON k.segment_id = s.id
               WHERE s.project_id = ?1 AND s.position IS NOT NULL ORDER BY s.position""",
            (project_id,),
        )
        return [dict(row) for row in rows]

    def all_locked_approved(self, segment_ids: list[int]) -> tuple[bool, bool]:
        """Whether every one of these segments is locked, and approved (one
        query, however many: a selection of thousands in the window)."""
        row = self.conn.execute(
            "SELECT COALESCE(MIN(locked), 0), COALESCE(MIN(state = 'approved'), 0) "
            "FROM segment_states WHERE segment_id IN (SELECT value FROM json_each(?))",
            (json.dumps(segment_ids),)).fetchone()
        return bool(row[0]), bool(row[1])

    def segments_to_render(self, project: Project) -> list[Segment]:
        """Segments that are not done and not locked, in order (locked
        segments are never re-rendered)."""
        rows = self.conn.execute(
            f"{_SEGMENT_SELECT} WHERE s.project_id = ? AND s.position IS NOT NULL "
            "AND s.locked = 0 AND NOT st.done ORDER BY s.position",
            (project.id,),
        )
        return [segment_record(row) for row in rows]

    def not_done(self, project: Project) -> list[Segment]:
        """Segments without a current take (stale, missing, failed, locked
        without one), in order: what stands between the project and an export."""
        rows = self.conn.execute(
            f"{_SEGMENT_SELECT} WHERE s.project_id = ? AND s.position IS NOT NULL "
            "AND NOT st.done ORDER BY s.position",
            (project.id,),
        )
        return [segment_record(row) for row in rows]

    # ------------------------------------------------------------ takes
    def take_is_current(self, take_id: int, segment_id: int) -> bool:
        """Whether take ``take_id`` speaks what segment ``segment_id`` says now."""
        row = self.conn.execute(
            f"SELECT 1 FROM segments s JOIN projects p ON p.id = s.project_id "
            f"JOIN takes t ON t.id = ? AND t.segment_id = s.id "
            f"WHERE s.id = ? AND {TAKE_IS_CURRENT}",
            (take_id, segment_id),
        ).fetchone()
        return row is not None

    def take(self, take_id: int) -> Take:
        """The take with this id."""
        row = self.conn.execute("SELECT * FROM takes WHERE id = ?", (take_id,)).fetchone()
        return record(Take, row)

    def take_of(self, segment_id: int, take_id: int) -> Take | None:
        """Take ``take_id`` if it is one of the segment's, else None."""
        row = self.conn.execute(
            "SELECT * FROM takes WHERE id = ? AND segment_id = ?", (take_id, segment_id),
        ).fetchone()
        return record(Take, row) if row else None

    def take_paths(self) -> set[str]:
        """Every file a take row points to (relative to the library)."""
        return {row[0] for row in self.conn.execute("SELECT path FROM takes")}

    def take_count(self, segment_id: int) -> int:
        """How many takes the segment has (every one kept, current or not)."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM takes WHERE segment_id = ?", (segment_id,)).fetchone()[0])

    def takes(self, segment_id: int) -> list[Take]:
        """A segment's takes, oldest first."""
        rows = self.conn.execute(
            "SELECT * FROM takes WHERE segment_id = ? ORDER BY id", (segment_id,)
        )
        return [record(Take, row) for row in rows]

    def commit_take(
        self,
        segment_id: int,
        *,
        path: str,
        text: str,
        voice_id: int,
        backend: str,
        seed: int,
        sample_rate: int,
        frames: int,
    ) -> Take:
        """Record a take whose file exists; it becomes the segment's current
        one if it speaks the segment's present text and voice (and the
        segment is not locked)."""
        if not (self.root / path).is_file():
            raise FileNotFoundError(f"take file {path} must exist before its row")
        with self.transaction() as conn:
            take_id, _ = record_take(conn, segment_id, path=path, text=text, voice_id=voice_id,
                                     backend=backend, seed=seed, sample_rate=sample_rate,
                                     frames=frames)
        return self.take(take_id)

    def current_takes(self, project_id: int, start: int = 0,
                      count: int | None = None) -> list[tuple[Segment, Take | None]]:
        """Each segment in order with its current take, or None where it is not
        done (no take, or one for other text or another voice); ``start`` and
        ``count`` pick segments by position. One query: a take landing in a
        long project reads its own neighbourhood, not every segment."""
        rows = self.conn.execute(
            f"SELECT s.*, st.state, st.done, st.qa, {_TAKE_COLUMNS} FROM segments s "
            "JOIN segment_states st ON st.segment_id = s.id "
            "LEFT JOIN takes t ON t.id = s.current_take_id AND st.done "
            "WHERE s.project_id = ? AND s.position >= ? ORDER BY s.position LIMIT ?",
            (project_id, start, -1 if count is None else count),  # -1: no limit
        )
        result: list[tuple[Segment, Take | None]] = []
        for row in rows:
            values = {key: row[key] for key in row.keys()}
            take = {name: values.pop("take_" + name) for name in _TAKE_FIELDS}
            result.append((segment_record(values),
                           Take(**take) if take["id"] is not None else None))
        return result

    def of_oneshot(self, segment_id: int) -> bool:
        """Whether the segment belongs to a one-shot request's project (one
        that expires: its audio is answered as rendered, never checked)."""
        row = self.conn.execute(
            "SELECT p.expires_at IS NOT NULL FROM segments s JOIN projects p "
            "ON p.id = s.project_id WHERE s.id = ?", (segment_id,)).fetchone()
        return bool(row and row[0])

    def keeps_current(self, segment_id: int) -> bool:
        """Whether the segment's current take is one the user chose or approved."""
        return bool(self.conn.execute(
            "SELECT current_take_id IN (chosen_take_id, approved_take_id) FROM segments "
            "WHERE id = ?", (segment_id,)).fetchone()[0])

    def is_locked(self, segment_id: int) -> bool:
        """Whether the segment is locked (False if there is no such segment)."""
        row = self.conn.execute(
            "SELECT locked FROM segments WHERE id = ?", (segment_id,)
        ).fetchone()
        return bool(row and row[0])

    # ------------------------------------------------------------ review
    def edit_target(self, segment_id: int) -> dict[str, Any] | None:
        """What an edit of the segment's text checks first: its text as written
        (``source``), ``locked``, ``position``, ``project_id`` and the project's
        ``deleted_at``; None if there is no such segment."""
        row = self.conn.execute(
            "SELECT s.source, s.locked, s.position, s.project_id, p.deleted_at "
            "FROM segments s JOIN projects p ON p.id = s.project_id WHERE s.id = ?",
            (segment_id,)).fetchone()
        return dict(row) if row else None

    def write_texts(self, project_id: int, texts: Sequence[tuple[str, str, str, str, str, int]],
                    script: str) -> None:
        """Inside the caller's transaction: segments' new texts, each (as
        written, spoken, language, speech, inline phonemes, segment id), and
        the project's script that holds them."""
        self.conn.executemany(
            "UPDATE segments SET source = ?, text = ?, language = ?, speech = ?, phonemes = ? "
            "WHERE id = ?", texts)
        self.conn.execute("UPDATE projects SET script = ? WHERE id = ?", (script, project_id))

    def lock_segment(self, segment_id: int, locked: bool) -> None:
        """Inside the caller's transaction: lock or unlock the segment."""
        self.conn.execute("UPDATE segments SET locked = ? WHERE id = ?", (int(locked), segment_id))

    def set_speech(self, segment_id: int, speech: str) -> None:
        """Inside the caller's transaction: what the segment speaks."""
        self.conn.execute("UPDATE segments SET speech = ? WHERE id = ?", (speech, segment_id))

    def approve_take(self, segment_id: int, take_id: int | None) -> None:
        """Approve this take of the segment (None: withdraw the approval)."""
        with self.transaction() as conn:
            conn.execute("UPDATE segments SET approved_take_id = ? WHERE id = ?",
                         (take_id, segment_id))

    def set_chosen_take(self, segment_id: int, take_id: int) -> None:
        """Make the take the segment's current one, chosen by the user."""
        with self.transaction() as conn:  # chosen: take QA never replaces it
            conn.execute("UPDATE segments SET current_take_id = ?, chosen_take_id = ? "
                         "WHERE id = ?", (take_id, take_id, segment_id))

    def set_segment_voice(self, segment_id: int, voice_id: int | None) -> None:
        """Give the segment a voice of its own (None: the one its script or
        project gives it)."""
        with self.transaction() as conn:
            conn.execute("UPDATE segments SET voice_id = ? WHERE id = ?", (voice_id, segment_id))


_SEGMENT_SELECT = (
    "SELECT s.*, st.state, st.done, st.qa FROM segments s "
    "JOIN segment_states st ON st.segment_id = s.id"
)
_TAKE_FIELDS = [f.name for f in fields(Take)]
_TAKE_COLUMNS = ", ".join(f"t.{name} AS take_{name}" for name in _TAKE_FIELDS)


def record_take(
    conn: sqlite3.Connection,
    segment_id: int,
    *,
    path: str,
    text: str,
    voice_id: int,
    backend: str,
    seed: int,
    sample_rate: int,
    frames: int,
    speech: str | None = None,
    speed: float = 1.0,
    make_current: bool = True,
    host: str = "",
    device: str = "",
) -> tuple[int, bool]:
    """Inside the caller's transaction: insert a take, and make it the
    segment's current take if it speaks what the segment says now (its text
    and voice) and the segment is not locked (and ``make_current``).

    Returns the take's id and whether it became current. A take rendered from
    text that was edited meanwhile stays in the history only.
    """
    cursor = conn.execute(
        "INSERT INTO takes(segment_id, path, text, voice_id, backend, seed, sample_rate, "
        "frames, created_at, speech, speed, host, device) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (segment_id, path, text, voice_id, backend, seed, sample_rate, frames, time.time(),
         text if speech is None else speech, speed, host, device),
    )
    take_id = int(cursor.lastrowid or 0)
    if not make_current:
        return take_id, False
    updated = conn.execute(
        f"""UPDATE segments SET current_take_id = ?1 WHERE id = ?2 AND locked = 0
            AND EXISTS (SELECT 1 FROM segments s JOIN projects p ON p.id = s.project_id
                        JOIN takes t ON t.id = ?1 WHERE s.id = ?2 AND {TAKE_IS_CURRENT})""",
        (take_id, segment_id),
    ).rowcount
    return take_id, updated == 1


def revive_take(conn: sqlite3.Connection, segment_id: int) -> None:
    """Inside the caller's transaction: if the segment's current take does not
    speak its text any more but another of its takes does, make the newest
    such take current (text brought back by an undo needs no render)."""
    conn.execute(
        f"""UPDATE segments SET current_take_id = (
                SELECT t.id FROM segments s JOIN projects p ON p.id = s.project_id
                JOIN takes t ON t.segment_id = s.id
                WHERE s.id = ?1 AND {TAKE_IS_CURRENT} ORDER BY t.id DESC LIMIT 1)
            WHERE id = ?1 AND locked = 0
            AND NOT (SELECT done FROM segment_states WHERE segment_id = ?1)
            AND EXISTS (SELECT 1 FROM segments s JOIN projects p ON p.id = s.project_id
                        JOIN takes t ON t.segment_id = s.id
                        WHERE s.id = ?1 AND {TAKE_IS_CURRENT})""",
        (segment_id,),
    )

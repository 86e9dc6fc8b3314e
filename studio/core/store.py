"""The library: one folder holding ``studio.db`` (SQLite) and the audio files.

::

    LIBRARY/
      studio.db     voices, projects, segments, takes, jobs, settings
      voices/       prompt clips: the original as imported + a normalized copy
      takes/        rendered segment audio, content-addressed (takes/ab/ab12….flac)
      exports/      finished voiceovers

Rules that keep a user's work safe:

* Every audio file is written to a temp name, flushed, fsynced and renamed
  (:mod:`studio.fsutil`), and the row that points at it is written only
  after the file exists. A crash can leave a file no row points to (swept
  later), never a row pointing to a missing file.
* Every write is one explicit ``BEGIN IMMEDIATE`` transaction, so a writer
  waits for the lock (``busy_timeout``) instead of failing mid-way.
* WAL journal with ``synchronous=NORMAL``: a commit survives any process
  crash (kill -9 included); on power loss the last commits may roll back,
  which costs a re-render of those segments, never a corrupt database.
* The schema version is ``PRAGMA user_version``; migrations only go forward,
  and a library written by a newer studio is refused, not damaged.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.errors import UserError
from studio.fsutil import check_writable_file
from studio.text.segment import SegmentPlan

DB_NAME = "studio.db"

# Each entry migrates the schema from version i to i + 1. Append only.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL                     -- JSON
    );
    CREATE TABLE voices (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind          TEXT NOT NULL CHECK (kind IN ('preset', 'clone')),
        backend       TEXT,                     -- a preset's backend; NULL: any that clones
        language      TEXT NOT NULL,
        transcript    TEXT,
        original_path TEXT,                     -- relative to the library
        prompt_path   TEXT,                     -- normalized copy, relative
        duration_s    REAL,
        created_at    REAL NOT NULL
    );
    CREATE TABLE projects (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        script     TEXT NOT NULL,
        voice_id   INTEGER NOT NULL REFERENCES voices(id),
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE segments (
        id              INTEGER PRIMARY KEY,
        project_id      INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        position        INTEGER,                -- NULL: detached by an edit, kept for its takes
        paragraph       INTEGER NOT NULL,
        text            TEXT NOT NULL,          -- normalized: what is spoken
        source          TEXT NOT NULL,          -- as written in the script
        language        TEXT NOT NULL,
        pause           TEXT NOT NULL,
        voice_id        INTEGER REFERENCES voices(id),  -- NULL: the project's voice
        status          TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'rendered', 'approved', 'failed')),
        locked          INTEGER NOT NULL DEFAULT 0,
        current_take_id INTEGER REFERENCES takes(id) ON DELETE SET NULL
    );
    CREATE INDEX segments_by_project ON segments(project_id, position);
    CREATE TABLE takes (
        id          INTEGER PRIMARY KEY,
        segment_id  INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        path        TEXT NOT NULL,              -- relative to the library
        text        TEXT NOT NULL,
        voice_id    INTEGER NOT NULL REFERENCES voices(id),
        backend     TEXT NOT NULL,
        seed        INTEGER NOT NULL,
        sample_rate INTEGER NOT NULL,
        frames      INTEGER NOT NULL,
        created_at  REAL NOT NULL
    );
    CREATE INDEX takes_by_segment ON takes(segment_id);
    CREATE TABLE jobs (
        id          INTEGER PRIMARY KEY,
        segment_id  INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        state       TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'running', 'done', 'failed', 'dead', 'cancelled')),
        priority    INTEGER NOT NULL DEFAULT 0,
        seed        INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        created_at  REAL NOT NULL,
        updated_at  REAL NOT NULL
    );
    CREATE INDEX jobs_by_state ON jobs(state, priority);
    """,
    """
    ALTER TABLE projects ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN backend TEXT NOT NULL DEFAULT 'piper';
    ALTER TABLE jobs ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 3;
    ALTER TABLE jobs ADD COLUMN run_after REAL NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN worker_pid INTEGER;
    ALTER TABLE jobs ADD COLUMN lease_until REAL;
    ALTER TABLE jobs ADD COLUMN started_at REAL;
    DROP INDEX jobs_by_state;
    CREATE INDEX jobs_claim ON jobs(state, backend, priority DESC, id);
    CREATE INDEX jobs_by_segment ON jobs(segment_id, state);
    CREATE TABLE workers (
        slot        INTEGER PRIMARY KEY,        -- the supervisor's worker slot
        pid         INTEGER,
        backend     TEXT NOT NULL,
        device      TEXT NOT NULL,              -- "cpu" or "GPU-<uuid>"
        state       TEXT NOT NULL,              -- starting loaded busy stopped crashed failed
        current_job INTEGER,
        jobs_done   INTEGER NOT NULL DEFAULT 0,
        restarts    INTEGER NOT NULL DEFAULT 0,
        started_at  REAL,
        heartbeat_at REAL,
        last_error  TEXT,
        reason      TEXT                        -- why the planner placed it there
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Voice:
    """A voice in the library: a backend's preset or a cloned prompt clip."""

    id: int
    name: str
    kind: str
    backend: str | None
    language: str
    transcript: str | None
    original_path: str | None
    prompt_path: str | None
    duration_s: float | None
    created_at: float


@dataclass(frozen=True)
class Project:
    """A script and its segments."""

    id: int
    name: str
    script: str
    voice_id: int
    created_at: float
    updated_at: float
    paused: int = 0


@dataclass(frozen=True)
class Segment:
    """A piece of a project rendered and reviewed on its own."""

    id: int
    project_id: int
    position: int | None
    paragraph: int
    text: str
    source: str
    language: str
    pause: str
    voice_id: int | None
    status: str
    locked: bool
    current_take_id: int | None


@dataclass(frozen=True)
class Take:
    """One rendering of a segment's text."""

    id: int
    segment_id: int
    path: str
    text: str
    voice_id: int
    backend: str
    seed: int
    sample_rate: int
    frames: int
    created_at: float

    @property
    def duration_s(self) -> float:
        """Length of the take in seconds."""
        return self.frames / self.sample_rate


@dataclass(frozen=True)
class SyncResult:
    """What re-splitting a script did to a project's segments."""

    project: Project
    kept: int
    added: int
    detached: int


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
) -> int:
    """Inside the caller's transaction: insert a take and make it the
    segment's current take, unless the segment is locked. Returns its id."""
    cursor = conn.execute(
        "INSERT INTO takes(segment_id, path, text, voice_id, backend, seed, sample_rate, "
        "frames, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (segment_id, path, text, voice_id, backend, seed, sample_rate, frames, time.time()),
    )
    take_id = int(cursor.lastrowid or 0)
    conn.execute(
        "UPDATE segments SET current_take_id = ?, status = 'rendered' WHERE id = ? AND locked = 0",
        (take_id, segment_id),
    )
    return take_id


def damaged_error(root: Path, detail: str) -> UserError:
    """The message for a damaged database: what is wrong and the newest backup."""
    backups = sorted((Path(root) / "backups").glob("studio-*.db"))
    where = f"the last good backup is {backups[-1]}" if backups else "there is no backup"
    return UserError(
        f"the library database {Path(root) / DB_NAME} is damaged ({detail}); {where}",
        "stop the studio and copy the backup over studio.db",
    )


def _row(cls: type, row: sqlite3.Row) -> Any:
    return cls(**{key: row[key] for key in row.keys()})


class Library:
    """A library folder and its open database connection.

    One instance per thread: SQLite connections are not shared between
    threads. Use :meth:`open` to get one.
    """

    def __init__(self, root: Path, conn: sqlite3.Connection) -> None:
        self.root = root
        self.conn = conn

    # ------------------------------------------------------------ opening
    @classmethod
    def open(cls, root: Path | str) -> Library:
        """Open (creating if needed) the library at ``root``.

        Raises :class:`UserError` when the folder cannot be used.
        """
        root = Path(root).expanduser().resolve()
        try:
            for sub in ("", "voices", "takes", "exports"):
                (root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise UserError(
                f"cannot create the library folder {root} ({err.strerror})",
                "choose a writable folder with --library or STUDIO_HOME",
            ) from None
        try:
            check_writable_file(root / DB_NAME)
        except OSError as err:
            problem = "is read-only" if err.errno == errno.EROFS else f"is not writable " \
                f"({err.strerror})"
            raise UserError(
                f"the library folder {root} {problem}",
                "choose a writable folder with --library or STUDIO_HOME",
            ) from None
        # How long a writer waits for another's lock before giving up.
        timeout_s = float(os.environ.get("STUDIO_DB_TIMEOUT_S", "10"))
        try:
            conn = sqlite3.connect(root / DB_NAME, timeout=timeout_s, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
            library = cls(root, conn)
            library._migrate()
        except sqlite3.DatabaseError as err:
            if "malformed" in str(err) or "not a database" in str(err):
                raise damaged_error(root, str(err)) from None
            if "locked" in str(err) or "busy" in str(err):
                raise UserError(
                    f"the library database {root / DB_NAME} is locked by another program",
                    "close it, or wait for it to finish, and try again",
                ) from None
            raise UserError(
                f"cannot open the library database {root / DB_NAME} ({err})",
                "check that the folder is writable and the file is a Voice Studio library",
            ) from None
        return library

    def close(self) -> None:
        """Close the database connection."""
        self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise UserError(
                f"the library {self.root} was written by a newer Voice Studio "
                f"(schema {version}, this one knows {SCHEMA_VERSION})",
                "upgrade Voice Studio to open it",
            )
        for target in range(version, SCHEMA_VERSION):
            with self.transaction() as conn:
                for statement in _statements(MIGRATIONS[target]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target + 1}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT`` (rollback on error)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def path(self, relative: str) -> Path:
        """Absolute path of a file stored under the library."""
        return self.root / relative

    # ------------------------------------------------------------ settings
    def get_setting(self, key: str, default: Any = None) -> Any:
        """A setting's value (JSON-decoded), or ``default``."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def settings_with_prefix(self, prefix: str) -> dict[str, Any]:
        """Settings whose key starts with ``prefix``, by the rest of the key."""
        rows = self.conn.execute(
            "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
        return {row[0][len(prefix):]: json.loads(row[1]) for row in rows}

    def settings(self) -> dict[str, Any]:
        """Every setting, by key."""
        rows = self.conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
        return {row[0]: json.loads(row[1]) for row in rows}

    def delete_setting(self, key: str) -> bool:
        """Forget a setting (its default applies again); False if it was not set."""
        with self.transaction() as conn:
            return conn.execute("DELETE FROM settings WHERE key = ?", (key,)).rowcount > 0

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serializable setting."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    # ------------------------------------------------------------ voices
    def ensure_preset(self, name: str, backend: str, language: str) -> Voice:
        """Register a backend's preset voice if it is not in the library yet."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO voices(name, kind, backend, language, created_at) "
                "VALUES (?, 'preset', ?, ?, ?) ON CONFLICT(name) DO NOTHING",
                (name, backend, language, time.time()),
            )
        voice = self.find_voice(name)
        assert voice is not None
        return voice

    def add_voice(
        self,
        name: str,
        *,
        language: str,
        transcript: str | None,
        original_path: str,
        prompt_path: str,
        duration_s: float,
    ) -> Voice:
        """Insert a cloned voice whose files already exist in ``voices/``."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO voices(name, kind, backend, language, transcript, original_path, "
                "prompt_path, duration_s, created_at) VALUES (?, 'clone', NULL, ?, ?, ?, ?, ?, ?)",
                (name, language, transcript, original_path, prompt_path, duration_s, time.time()),
            )
            voice_id = cursor.lastrowid
        return self.voice(int(voice_id or 0))

    def voice(self, voice_id: int) -> Voice:
        """The voice with this id."""
        row = self.conn.execute("SELECT * FROM voices WHERE id = ?", (voice_id,)).fetchone()
        return _row(Voice, row)  # type: ignore[no-any-return]

    def find_voice(self, name: str) -> Voice | None:
        """The voice named ``name`` (case-insensitive), or None."""
        row = self.conn.execute("SELECT * FROM voices WHERE name = ?", (name,)).fetchone()
        return _row(Voice, row) if row else None

    def voices(self) -> list[Voice]:
        """All voices, presets first, then by name."""
        rows = self.conn.execute("SELECT * FROM voices ORDER BY kind DESC, name")
        return [_row(Voice, row) for row in rows]

    def remove_voice(self, name: str) -> Voice:
        """Delete a cloned voice's row (its files are removed by the caller).

        Raises :class:`UserError` for a preset or a voice in use.
        """
        voice = self.find_voice(name)
        if voice is None:
            raise UserError(f"no voice named {name!r}", "see `studio voices list`")
        if voice.kind == "preset":
            raise UserError(f"{voice.name!r} is a preset voice and cannot be removed")
        users = [
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT p.name FROM projects p "
                "LEFT JOIN segments s ON s.project_id = p.id "
                "WHERE p.voice_id = ?1 OR s.voice_id = ?1 ORDER BY p.name",
                (voice.id,),
            )
        ]
        if users:
            raise UserError(
                f"voice {voice.name!r} is used by project(s) {', '.join(users)}",
                "give those projects another voice first",
            )
        with self.transaction() as conn:
            conn.execute("DELETE FROM takes WHERE voice_id = ?", (voice.id,))
            conn.execute("DELETE FROM voices WHERE id = ?", (voice.id,))
        return voice

    # ------------------------------------------------------------ projects
    def find_project(self, name: str) -> Project | None:
        """The project named ``name`` (case-insensitive), or None."""
        row = self.conn.execute("SELECT * FROM projects WHERE name = ?", (name,)).fetchone()
        return _row(Project, row) if row else None

    def projects(self) -> list[dict[str, Any]]:
        """Projects with their segment counts, for listings."""
        rows = self.conn.execute(
            """SELECT p.name, v.name AS voice, p.updated_at,
                      COUNT(s.id) AS segments,
                      COALESCE(SUM(s.current_take_id IS NOT NULL), 0) AS rendered,
                      COALESCE(SUM(t.frames * 1.0 / t.sample_rate), 0) AS duration_s
               FROM projects p JOIN voices v ON v.id = p.voice_id
               LEFT JOIN segments s ON s.project_id = p.id AND s.position IS NOT NULL
               LEFT JOIN takes t ON t.id = s.current_take_id
               GROUP BY p.id ORDER BY p.name"""
        )
        return [dict(row) for row in rows]

    def sync_project(
        self, name: str, script: str, voice: Voice, plans: Sequence[SegmentPlan]
    ) -> SyncResult:
        """Create project ``name`` or update it to a new split of its script.

        Segments are matched to the new split by their spoken text, in order
        (a diff over the two lists), not by index: inserting a sentence at
        the top keeps every take below it. An old segment with no match is
        detached (position NULL) with its takes, and is revived if a later
        edit brings its text back. Everything happens in one transaction.
        """
        now = time.time()
        with self.transaction() as conn:
            row = conn.execute("SELECT * FROM projects WHERE name = ?", (name,)).fetchone()
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO projects(name, script, voice_id, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (name, script, voice.id, now, now),
                )
                project_id = int(cursor.lastrowid or 0)
            else:
                project_id = row["id"]
                conn.execute(
                    "UPDATE projects SET script = ?, voice_id = ?, updated_at = ? WHERE id = ?",
                    (script, voice.id, now, project_id),
                )
            old = conn.execute(
                "SELECT id, text FROM segments WHERE project_id = ? AND position IS NOT NULL "
                "ORDER BY position",
                (project_id,),
            ).fetchall()
            detached: dict[str, list[int]] = {}
            for seg_id, text in conn.execute(
                "SELECT id, text FROM segments WHERE project_id = ? AND position IS NULL "
                "ORDER BY id",
                (project_id,),
            ):
                detached.setdefault(text, []).append(seg_id)

            matcher = difflib.SequenceMatcher(
                a=[r["text"] for r in old], b=[p.text for p in plans], autojunk=False
            )
            new_ids: list[int | None] = [None] * len(plans)
            for block in matcher.get_matching_blocks():
                for k in range(block.size):
                    new_ids[block.b + k] = old[block.a + k]["id"]
            matched = {i for i in new_ids if i is not None}
            gone = [r["id"] for r in old if r["id"] not in matched]
            conn.executemany(
                "UPDATE segments SET position = NULL WHERE id = ?", [(i,) for i in gone]
            )
            kept = added = 0
            for position, (plan, seg_id) in enumerate(zip(plans, new_ids)):
                if seg_id is None and detached.get(plan.text):
                    seg_id = detached[plan.text].pop(0)
                if seg_id is None:
                    conn.execute(
                        "INSERT INTO segments(project_id, position, paragraph, text, source, "
                        "language, pause) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (project_id, position, plan.paragraph, plan.text, plan.source,
                         plan.language, plan.pause.value),
                    )
                    added += 1
                else:
                    conn.execute(
                        "UPDATE segments SET position = ?, paragraph = ?, source = ?, "
                        "language = ?, pause = ? WHERE id = ?",
                        (position, plan.paragraph, plan.source, plan.language, plan.pause.value,
                         seg_id),
                    )
                    kept += 1
        project = self.find_project(name)
        assert project is not None
        return SyncResult(project=project, kept=kept, added=added, detached=len(gone))

    # ------------------------------------------------------------ segments
    def segments(self, project_id: int) -> list[Segment]:
        """The project's segments in script order (detached ones excluded)."""
        rows = self.conn.execute(
            "SELECT * FROM segments WHERE project_id = ? AND position IS NOT NULL "
            "ORDER BY position",
            (project_id,),
        )
        return [_segment(row) for row in rows]

    def segment(self, segment_id: int) -> Segment:
        """The segment with this id; :class:`UserError` if there is none."""
        row = self.conn.execute("SELECT * FROM segments WHERE id = ?", (segment_id,)).fetchone()
        if row is None:
            raise UserError(f"no segment with id {segment_id}")
        return _segment(row)

    def segment_rows(self, project_id: int) -> list[dict[str, Any]]:
        """The project's segments for display: one query, with voice, current
        take's duration and take count."""
        rows = self.conn.execute(
            """SELECT s.id, s.position + 1 AS number, s.source AS text, s.status, s.locked,
                      COALESCE(v.name, pv.name) AS voice,
                      t.frames * 1.0 / t.sample_rate AS duration_s,
                      COALESCE(k.takes, 0) AS takes
               FROM segments s JOIN projects p ON p.id = s.project_id
               JOIN voices pv ON pv.id = p.voice_id
               LEFT JOIN voices v ON v.id = s.voice_id
               LEFT JOIN takes t ON t.id = s.current_take_id
               LEFT JOIN (SELECT k.segment_id, COUNT(*) AS takes FROM takes k
                          JOIN segments ks ON ks.id = k.segment_id WHERE ks.project_id = ?1
                          GROUP BY k.segment_id) k ON k.segment_id = s.id
               WHERE s.project_id = ?1 AND s.position IS NOT NULL ORDER BY s.position""",
            (project_id,),
        )
        return [dict(row) for row in rows]

    def segments_to_render(self, project: Project) -> list[Segment]:
        """Segments with no current take for their text and voice, in order.

        Locked segments are never re-rendered.
        """
        rows = self.conn.execute(
            """SELECT s.* FROM segments s LEFT JOIN takes t ON t.id = s.current_take_id
               WHERE s.project_id = ? AND s.position IS NOT NULL AND s.locked = 0
                 AND (t.id IS NULL OR t.text != s.text
                      OR t.voice_id != COALESCE(s.voice_id, ?))
               ORDER BY s.position""",
            (project.id, project.voice_id),
        )
        return [_segment(row) for row in rows]

    # ------------------------------------------------------------ takes
    def take(self, take_id: int) -> Take:
        """The take with this id."""
        row = self.conn.execute("SELECT * FROM takes WHERE id = ?", (take_id,)).fetchone()
        return _row(Take, row)  # type: ignore[no-any-return]

    def takes(self, segment_id: int) -> list[Take]:
        """A segment's takes, oldest first."""
        rows = self.conn.execute(
            "SELECT * FROM takes WHERE segment_id = ? ORDER BY id", (segment_id,)
        )
        return [_row(Take, row) for row in rows]

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
        """Record a take whose file exists, and make it the segment's current one."""
        if not self.path(path).is_file():
            raise FileNotFoundError(f"take file {path} must exist before its row")
        with self.transaction() as conn:
            take_id = record_take(conn, segment_id, path=path, text=text, voice_id=voice_id,
                                  backend=backend, seed=seed, sample_rate=sample_rate,
                                  frames=frames)
        return self.take(take_id)

    def current_takes(self, project_id: int) -> list[tuple[Segment, Take | None]]:
        """Each segment in order with its current take (None if not rendered)."""
        result: list[tuple[Segment, Take | None]] = []
        for segment in self.segments(project_id):
            take = self.take(segment.current_take_id) if segment.current_take_id else None
            result.append((segment, take))
        return result


def _segment(row: sqlite3.Row) -> Segment:
    values = {key: row[key] for key in row.keys()}
    values["locked"] = bool(values["locked"])
    return Segment(**values)


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements: comments removed, then split
    on ``;`` (migrations hold no string literals with ``--`` or ``;``)."""
    code = "\n".join(line.split("--")[0] for line in script.splitlines())
    for statement in code.split(";"):
        if statement.strip():
            yield statement.strip()

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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from studio.errors import UserError
from studio.fsutil import check_writable_file
from studio.text.lexicon import Entry, Lexicon, merge, speech_of
from studio.text.segment import SegmentPlan

DB_NAME = "studio.db"


# The one definition of where a segment stands, used by the store, the queue,
# the engine client, the GUI, the CLI and the export. A take ``t`` is *current*
# for segment ``s`` (of project ``p``) only if it speaks the segment's present
# text with its present voice (the segment's own, else the project's); a
# segment is *done* only when its current take is current. Everything that
# changes a segment's audio belongs in TAKE_IS_CURRENT.
#
# What a segment speaks is its ``speech`` (its text with the lexicon applied),
# at its ``speed``, with its voice: the one the user gave it, else the one its
# script names, else the project's (SEGMENT_VOICE). A pause is not in it: a
# pause changes the export, never a take.
SEGMENT_VOICE = "COALESCE(s.voice_id, s.script_voice_id, p.voice_id)"
TAKE_IS_CURRENT = f"t.speech = s.speech AND t.speed = s.speed AND t.voice_id = {SEGMENT_VOICE}"

# A segment's state, in this order of precedence:
#
#   approved   done, and the user approved this very take
#   flagged    done, but take QA found its take wanting (fail or review) and
#              no retake is on its way: a person should listen ("needs review")
#   rendered   done
#   rendering  a worker is rendering it        (not done)
#   queued     a render is waiting             (not done)
#   failed     its last render is a dead job   (not done; `studio jobs retry`)
#   stale      it has a take, but for other text or another voice
#   pending    it has never been rendered
#
# A locked segment is never re-rendered; with no current take it is not done.
# ``job`` is the state of its active render job, if any (a done segment can
# have one: a regenerate, or a QA retake). ``qa`` is the verdict on its
# current take (pass, review, fail, unchecked), 'checking' while a check is
# on its way, NULL when it is not done or was never checked. Check jobs never
# make a segment rendering, queued or failed: those are about its audio. Jobs
# are read once per query, grouped by segment (not looked up per segment).
# The view is created per connection (TEMP): it is code, not data, so
# changing it needs no migration.
SEGMENT_STATES_VIEW = f"""
    CREATE TEMP VIEW segment_states AS
    SELECT s.id AS segment_id, s.project_id, s.position, s.locked,
           {SEGMENT_VOICE} AS voice_id,
           s.current_take_id AS take_id,
           (t.id IS NOT NULL AND {TAKE_IS_CURRENT}) AS done,
           aj.state AS job,
           CASE WHEN t.id IS NULL OR NOT ({TAKE_IS_CURRENT}) THEN NULL
                WHEN c.verdict IS NOT NULL THEN c.verdict
                WHEN js.checking THEN 'checking' END AS qa,
           CASE
             WHEN t.id IS NOT NULL AND {TAKE_IS_CURRENT}
               THEN CASE WHEN s.approved_take_id = t.id THEN 'approved'
                         WHEN c.verdict IN ('fail', 'review') AND js.active_id IS NULL
                           THEN 'flagged'
                         ELSE 'rendered' END
             WHEN js.running THEN 'rendering'
             WHEN js.waiting THEN 'queued'
             WHEN js.dead THEN 'failed'
             WHEN t.id IS NOT NULL THEN 'stale'
             ELSE 'pending'
           END AS state
    FROM main.segments s JOIN main.projects p ON p.id = s.project_id
    LEFT JOIN main.takes t ON t.id = s.current_take_id
    LEFT JOIN main.take_checks c ON c.take_id = s.current_take_id
    LEFT JOIN (
        SELECT segment_id,
               MAX(CASE WHEN kind = 'render' AND state IN ('queued', 'running', 'failed')
                        THEN id END) AS active_id,
               MAX(kind = 'render' AND state = 'running') AS running,
               MAX(kind = 'render' AND state IN ('queued', 'failed')) AS waiting,
               MAX(kind = 'render' AND state = 'dead') AS dead,
               MAX(kind != 'render' AND state IN ('queued', 'running', 'failed')) AS checking
        FROM main.jobs WHERE state IN ('queued', 'running', 'failed', 'dead')
        GROUP BY segment_id) js ON js.segment_id = s.id
    LEFT JOIN main.jobs aj ON aj.id = js.active_id
"""
STATES = ("approved", "flagged", "rendered", "rendering", "queued", "failed", "stale", "pending")
DONE_STATES = ("approved", "flagged", "rendered")

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
    # A segment's state is derived, never stored (SEGMENT_STATES_VIEW is its
    # one definition). Approval is of a take: a new current take is not approved.
    """
    ALTER TABLE segments ADD COLUMN approved_take_id INTEGER REFERENCES takes(id)
        ON DELETE SET NULL;
    UPDATE segments SET approved_take_id = current_take_id WHERE status = 'approved';
    ALTER TABLE segments DROP COLUMN status;
    """,
    # Deleting a project moves it to the trash (restorable); only a purge
    # deletes its rows. A trashed project keeps its name (see trash_project).
    """
    ALTER TABLE projects ADD COLUMN deleted_at REAL;
    """,
    # Take QA: a check per take (its verdict, reasons and measurements), check
    # jobs in the one queue (``kind``; ``take_id`` is the take checked), the
    # retake a job belongs to, and the take a user chose (QA never replaces it).
    """
    CREATE TABLE take_checks (
        take_id    INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
        verdict    TEXT NOT NULL CHECK (verdict IN ('pass', 'review', 'fail', 'unchecked')),
        score      REAL NOT NULL,               -- 0..1, higher is better
        reasons    TEXT NOT NULL DEFAULT '[]',  -- JSON: lines for a person
        metrics    TEXT NOT NULL DEFAULT '{}',  -- JSON: what was measured
        recognized TEXT,                        -- what the recognizer heard
        diff       TEXT NOT NULL DEFAULT '[]',  -- JSON: [op, script words, heard words]
        spots      TEXT NOT NULL DEFAULT '[]',  -- JSON: [start_s, end_s, kind]
        model      TEXT,
        embedding  BLOB,                        -- speaker embedding (float32)
        checked_at REAL NOT NULL
    );
    ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'render'
        CHECK (kind IN ('render', 'check', 'recheck'));
    ALTER TABLE jobs ADD COLUMN take_id INTEGER REFERENCES takes(id) ON DELETE CASCADE;
    ALTER TABLE jobs ADD COLUMN retake INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE segments ADD COLUMN chosen_take_id INTEGER REFERENCES takes(id)
        ON DELETE SET NULL;
    """,
    # Pronunciation and delivery: what a segment speaks (its text with the
    # lexicon applied), its speed, the pause and voice its script asks for,
    # the phonemes its script gives inline (JSON [[word, IPA], …]); what a
    # take spoke; and the lexicon (``project_id`` NULL: the library's own;
    # ``key`` is the term, casefolded unless the entry is case-sensitive).
    """
    ALTER TABLE segments ADD COLUMN speech TEXT NOT NULL DEFAULT '';
    UPDATE segments SET speech = text;
    ALTER TABLE segments ADD COLUMN speed REAL NOT NULL DEFAULT 1.0;
    ALTER TABLE segments ADD COLUMN pause_s REAL;
    ALTER TABLE segments ADD COLUMN script_voice_id INTEGER REFERENCES voices(id);
    ALTER TABLE segments ADD COLUMN phonemes TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE takes ADD COLUMN speech TEXT NOT NULL DEFAULT '';
    UPDATE takes SET speech = text;
    ALTER TABLE takes ADD COLUMN speed REAL NOT NULL DEFAULT 1.0;
    CREATE TABLE lexicon (
        id             INTEGER PRIMARY KEY,
        project_id     INTEGER REFERENCES projects(id) ON DELETE CASCADE,
        term           TEXT NOT NULL,
        key            TEXT NOT NULL,
        alias          TEXT NOT NULL DEFAULT '',
        phonemes       TEXT NOT NULL DEFAULT '',
        case_sensitive INTEGER NOT NULL DEFAULT 0,
        created_at     REAL NOT NULL
    );
    CREATE UNIQUE INDEX lexicon_key ON lexicon(COALESCE(project_id, 0), key);
    """,
    # `studio serve`: API keys (the secret is never stored: a salted scrypt of
    # it, found by its public ``key_id``; a revoked key's row is kept), and
    # one-shot request projects (``expires_at`` set: hidden from the project
    # listings, swept with their files once expired; see studio/core/oneshot.py).
    """
    CREATE TABLE api_keys (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL COLLATE NOCASE,
        key_id     TEXT NOT NULL UNIQUE,        -- the public part of the key
        salt       BLOB NOT NULL,
        hash       BLOB NOT NULL,               -- scrypt(secret part, salt)
        created_at REAL NOT NULL,
        revoked_at REAL
    );
    CREATE UNIQUE INDEX api_keys_live_name ON api_keys(name) WHERE revoked_at IS NULL;
    ALTER TABLE projects ADD COLUMN expires_at REAL;
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
    deleted_at: float | None = None  # in the trash since then; None: a live project
    expires_at: float | None = None  # a one-shot request's project: swept after this time


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
    locked: bool
    current_take_id: int | None
    approved_take_id: int | None
    chosen_take_id: int | None  # the take the user chose: take QA never replaces it
    state: str  # from the ``segment_states`` view: see SEGMENT_STATES_VIEW
    done: bool  # its current take speaks its present text with its present voice
    qa: str | None  # the QA verdict on its current take (see SEGMENT_STATES_VIEW)
    speech: str = ""  # what it speaks: its text with the lexicon applied (studio.text.lexicon)
    speed: float = 1.0
    pause_s: float | None = None  # the pause its script asks for after it; None: by ``pause``
    script_voice_id: int | None = None  # the voice its script names for it
    phonemes: str = "[]"  # JSON [[word, IPA], …]: the phonemes its script gives inline

    @property
    def number(self) -> int:
        """Its place in the script, from 1 (0 for a detached segment)."""
        return (self.position or 0) + 1


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
    speech: str = ""
    speed: float = 1.0

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
    speech: str | None = None,
    speed: float = 1.0,
    make_current: bool = True,
) -> tuple[int, bool]:
    """Inside the caller's transaction: insert a take, and make it the
    segment's current take if it speaks what the segment says now (its text
    and voice) and the segment is not locked (and ``make_current``).

    Returns the take's id and whether it became current. A take rendered from
    text that was edited meanwhile stays in the history only.
    """
    cursor = conn.execute(
        "INSERT INTO takes(segment_id, path, text, voice_id, backend, seed, sample_rate, "
        "frames, created_at, speech, speed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (segment_id, path, text, voice_id, backend, seed, sample_rate, frames, time.time(),
         text if speech is None else speech, speed),
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
            conn.execute(SEGMENT_STATES_VIEW)
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
                "WHERE p.voice_id = ?1 OR s.voice_id = ?1 OR s.script_voice_id = ?1 "
                "ORDER BY p.name",
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
        """The live project named ``name`` (case-insensitive), or None
        (a project in the trash is not found: see :meth:`find_trashed`)."""
        row = self.conn.execute(
            "SELECT * FROM projects WHERE name = ? AND deleted_at IS NULL", (name,)
        ).fetchone()
        return _row(Project, row) if row else None

    def find_trashed(self, name: str) -> Project | None:
        """The project in the trash named ``name``, or None."""
        row = self.conn.execute(
            "SELECT * FROM projects WHERE name = ? AND deleted_at IS NOT NULL", (name,)
        ).fetchone()
        return _row(Project, row) if row else None

    def projects(self) -> list[dict[str, Any]]:
        """Live projects with their segment counts, for listings: ``rendered``
        counts segments that are done (see :data:`SEGMENT_STATES_VIEW`)."""
        return self._project_rows("p.deleted_at IS NULL AND p.expires_at IS NULL")

    def trash(self) -> list[dict[str, Any]]:
        """Projects in the trash, like :meth:`projects` plus ``deleted_at``."""
        return self._project_rows("p.deleted_at IS NOT NULL")

    def _project_rows(self, where: str) -> list[dict[str, Any]]:
        extra = ", p.deleted_at" if "NOT NULL" in where else ""
        rows = self.conn.execute(
            f"""SELECT p.name, v.name AS voice, p.updated_at{extra},
                      COUNT(st.segment_id) AS segments,
                      COALESCE(SUM(st.done), 0) AS rendered,
                      COALESCE(SUM(CASE WHEN st.done THEN t.frames * 1.0 / t.sample_rate END),
                               0) AS duration_s
               FROM projects p JOIN voices v ON v.id = p.voice_id
               LEFT JOIN segment_states st ON st.project_id = p.id AND st.position IS NOT NULL
               LEFT JOIN takes t ON t.id = st.take_id
               WHERE {where}
               GROUP BY p.id ORDER BY p.name"""
        )
        return [dict(row) for row in rows]

    def project_count(self) -> int:
        """How many live projects there are."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM projects WHERE deleted_at IS NULL AND expires_at IS NULL"
        ).fetchone()[0])

    def project_names(self) -> list[str]:
        """Live projects' names in listing order (cheap: no segment counts)."""
        return [row[0] for row in self.conn.execute(
            "SELECT name FROM projects WHERE deleted_at IS NULL AND expires_at IS NULL "
            "ORDER BY name")]

    def check_new_name(self, name: str) -> str:
        """``name`` stripped, if a project may take it; else :class:`UserError`.

        Names are unique among all projects, those in the trash included: a
        trashed project keeps its name so that restoring it never clashes.
        """
        name = name.strip()
        if not name:
            raise UserError("a project needs a name", "type a name")
        row = self.conn.execute(
            "SELECT name, deleted_at FROM projects WHERE name = ?", (name,)
        ).fetchone()
        if row is not None and row["deleted_at"] is not None:
            raise UserError(
                f"the name {row['name']!r} belongs to a project in the trash",
                f"choose another name, or restore it (`studio projects restore "
                f"{row['name']!r}`) or purge it (`studio projects remove --purge "
                f"{row['name']!r}`)",
            )
        if row is not None:
            raise UserError(f"there is already a project named {row['name']!r}",
                            "choose another name")
        return name

    def _live(self, name: str) -> Project:
        project = self.find_project(name)
        if project is None:
            raise UserError(f"no project named {name!r}", "see `studio projects list`")
        return project

    def create_project(self, name: str, voice: Voice, script: str = "",
                       expires_at: float | None = None) -> Project:
        """A new, empty project (no segments yet): paste its script and apply.

        With ``expires_at``, a project for one request of ``studio serve``:
        hidden from the project listings from its first commit, swept after
        that time (:mod:`studio.core.oneshot`)."""
        name = self.check_new_name(name)
        now = time.time()
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO projects(name, script, voice_id, created_at, updated_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (name, script, voice.id, now, now, expires_at),
            )
        return self._live(name)

    def rename_project(self, old: str, new: str) -> Project:
        """Give a live project another name (free among all projects)."""
        project = self._live(old)
        if new.strip().casefold() != project.name.casefold():
            new = self.check_new_name(new)
        new = new.strip()
        with self.transaction() as conn:
            conn.execute("UPDATE projects SET name = ?, updated_at = ? WHERE id = ?",
                         (new, time.time(), project.id))
        return self._live(new)

    def duplicate_project(self, name: str, new: str) -> Project:
        """A copy of a live project named ``new``: its script, voice, and its
        segments (voice, lock) with their current takes only, in one transaction.

        The copy's take rows point to the same content-addressed files, so
        nothing is copied on disk and the sweep keeps the files while any row
        points to them. The take history and the approval of other takes stay
        with the original; an approved current take stays approved.
        """
        project = self._live(name)
        new = self.check_new_name(new)
        now = time.time()
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO projects(name, script, voice_id, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (new, project.script, project.voice_id, now, now),
            )
            copy_id = int(cursor.lastrowid or 0)
            conn.execute(  # the copy says its words as the original does
                "INSERT INTO lexicon(project_id, term, key, alias, phonemes, case_sensitive, "
                "created_at) SELECT ?, term, key, alias, phonemes, case_sensitive, created_at "
                "FROM lexicon WHERE project_id = ?", (copy_id, project.id))
            for seg in conn.execute(
                "SELECT * FROM segments WHERE project_id = ? AND position IS NOT NULL "
                "ORDER BY position", (project.id,),
            ).fetchall():
                seg_id = int(conn.execute(
                    "INSERT INTO segments(project_id, position, paragraph, text, source, "
                    "language, pause, voice_id, locked, speech, speed, pause_s, "
                    "script_voice_id, phonemes) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (copy_id, seg["position"], seg["paragraph"], seg["text"], seg["source"],
                     seg["language"], seg["pause"], seg["voice_id"], seg["locked"],
                     seg["speech"], seg["speed"], seg["pause_s"], seg["script_voice_id"],
                     seg["phonemes"]),
                ).lastrowid or 0)
                if seg["current_take_id"] is None:
                    continue
                take = conn.execute("SELECT * FROM takes WHERE id = ?",
                                    (seg["current_take_id"],)).fetchone()
                take_id = int(conn.execute(
                    "INSERT INTO takes(segment_id, path, text, voice_id, backend, seed, "
                    "sample_rate, frames, created_at, speech, speed) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (seg_id, take["path"], take["text"], take["voice_id"], take["backend"],
                     take["seed"], take["sample_rate"], take["frames"], take["created_at"],
                     take["speech"], take["speed"]),
                ).lastrowid or 0)
                approved = take_id if seg["approved_take_id"] == take["id"] else None
                chosen = take_id if seg["chosen_take_id"] == take["id"] else None
                conn.execute(
                    "UPDATE segments SET current_take_id = ?, approved_take_id = ?, "
                    "chosen_take_id = ? WHERE id = ?",
                    (take_id, approved, chosen, seg_id),
                )
                conn.execute(  # the copy keeps what QA found in the take
                    "INSERT INTO take_checks SELECT ?, verdict, score, reasons, metrics, "
                    "recognized, diff, spots, model, embedding, checked_at FROM take_checks "
                    "WHERE take_id = ?", (take_id, take["id"]))
        return self._live(new)

    def trash_project(self, name: str) -> Project:
        """Move a live project to the trash: it leaves every listing, its
        queued and running jobs are cancelled, and its rows (takes included,
        so the engine's sweep keeps their files) stay until it is purged."""
        project = self._live(name)
        now = time.time()
        with self.transaction() as conn:
            conn.execute("UPDATE projects SET deleted_at = ? WHERE id = ?", (now, project.id))
            conn.execute(
                "UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE state IN "
                "('queued', 'running', 'failed') AND segment_id IN "
                "(SELECT id FROM segments WHERE project_id = ?)",
                (now, project.id),
            )
        return project

    def restore_project(self, name: str) -> Project:
        """Bring a project back from the trash, as it was (its cancelled jobs
        stay cancelled: render it again)."""
        project = self.find_trashed(name)
        if project is None:
            raise UserError(f"no project named {name!r} in the trash",
                            "see `studio projects trash`")
        with self.transaction() as conn:
            conn.execute("UPDATE projects SET deleted_at = NULL WHERE id = ?", (project.id,))
        return self._live(project.name)

    def remove_project(self, name: str) -> Project:
        """Delete a project for good (live or in the trash) with its segments,
        takes and jobs (one transaction).

        Take files are left to the engine's sweep of unreferenced files, so a
        worker finishing a job of this project meanwhile writes nothing back.
        """
        row = self.conn.execute("SELECT * FROM projects WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UserError(f"no project named {name!r}", "see `studio projects list`")
        project: Project = _row(Project, row)
        with self.transaction() as conn:
            conn.execute("DELETE FROM projects WHERE id = ?", (project.id,))
        return project

    def set_project_voice(self, name: str, voice: Voice) -> list[Segment]:
        """Give a live project another voice; locked segments keep the voice
        they have. Returns the segments that now need rendering."""
        project = self._live(name)
        if project.voice_id != voice.id:
            with self.transaction() as conn:
                _pin_locked_voices(conn, project.id, project.voice_id)
                conn.execute("UPDATE projects SET voice_id = ?, updated_at = ? WHERE id = ?",
                             (voice.id, time.time(), project.id))
        return self.segments_to_render(self._live(project.name))

    def sync_project(
        self, name: str, script: str, voice: Voice, plans: Sequence[SegmentPlan]
    ) -> SyncResult:
        """Create project ``name`` or update it to a new split of its script.

        Segments are matched to the new split by their spoken text, in order
        (a diff over the two lists), not by index: inserting a sentence at
        the top keeps every take below it. An old segment with no match is
        detached (position NULL) with its takes, and is revived if a later
        edit brings its text back. Each segment's speech is its text with the
        script's inline phonemes and the lexicon applied; the voices a script
        names must be in the library. Everything happens in one transaction.
        """
        now = time.time()
        voice_ids: dict[str, int] = {}
        for plan in plans:
            if plan.voice is not None and plan.voice not in voice_ids:
                found = self.find_voice(plan.voice)
                if found is None:
                    names = ", ".join(v.name for v in self.voices())
                    raise UserError(f"the script names a voice {plan.voice!r} that is not in "
                                    "the library", f"voices in the library: {names}")
                voice_ids[plan.voice] = found.id
        with self.transaction() as conn:
            row = conn.execute("SELECT * FROM projects WHERE name = ?", (name,)).fetchone()
            if row is not None and row["deleted_at"] is not None:
                raise UserError(
                    f"the project {row['name']!r} is in the trash",
                    f"restore it first (`studio projects restore {row['name']!r}`), "
                    "or use another name",
                )
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO projects(name, script, voice_id, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (name, script, voice.id, now, now),
                )
                project_id = int(cursor.lastrowid or 0)
            else:
                project_id = row["id"]
                if row["voice_id"] != voice.id:
                    _pin_locked_voices(conn, project_id, row["voice_id"])
                conn.execute(
                    "UPDATE projects SET script = ?, voice_id = ?, updated_at = ? WHERE id = ?",
                    (script, voice.id, now, project_id),
                )
            old = conn.execute(
                "SELECT id, text, source, position, locked, speech, speed, script_voice_id, "
                "phonemes FROM segments WHERE project_id = ? AND position IS NOT NULL "
                "ORDER BY position",
                (project_id,),
            ).fetchall()
            lexicon = lexicon_in(conn, project_id)
            speeches = [speech_of(p.text, p.phonemes, lexicon) for p in plans]
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
            # An edit never silently undoes a lock (the transaction rolls back):
            # neither by changing its words nor by how the script says them. (A
            # lexicon change does not reach a locked segment: it keeps its speech.)
            by_id = {r["id"]: r for r in old}
            redelivered = {
                seg_id for plan, seg_id in zip(plans, new_ids)
                if seg_id is not None and by_id[seg_id]["locked"] and (
                    json.loads(by_id[seg_id]["phonemes"]) != [list(p) for p in plan.phonemes]
                    or by_id[seg_id]["speed"] != plan.speed
                    or by_id[seg_id]["script_voice_id"] != voice_ids.get(plan.voice or ""))}
            for index, seg_id in enumerate(new_ids):
                if seg_id is not None and by_id[seg_id]["locked"]:
                    speeches[index] = by_id[seg_id]["speech"]
            locked = [r for r in old if (r["id"] not in matched or r["id"] in redelivered)
                      and r["locked"]]
            if locked:
                listed = "; ".join(f"{r['position'] + 1} ({_excerpt(r['source'])})"
                                   for r in locked[:3])
                raise UserError(
                    f"the new script changes or removes locked segment(s) {listed}"
                    + (f" and {len(locked) - 3} more" if len(locked) > 3 else ""),
                    "unlock them first, or keep their text as it is",
                )
            conn.executemany(
                "UPDATE segments SET position = NULL WHERE id = ?", [(i,) for i in gone]
            )
            # A segment gone from the script is not rendered any more.
            conn.executemany(
                "UPDATE jobs SET state = 'cancelled', updated_at = ? WHERE segment_id = ? "
                "AND state IN ('queued', 'running', 'failed')",
                [(now, i) for i in gone],
            )
            kept = added = 0
            for position, (plan, speech, seg_id) in enumerate(zip(plans, speeches, new_ids)):
                if seg_id is None and detached.get(plan.text):
                    seg_id = detached[plan.text].pop(0)
                values = (position, plan.paragraph, plan.text, plan.source, plan.language,
                          plan.pause.value, speech, plan.speed, plan.pause_s,
                          voice_ids.get(plan.voice or ""),
                          json.dumps(plan.phonemes, ensure_ascii=False))
                if seg_id is None:
                    conn.execute(
                        "INSERT INTO segments(position, paragraph, text, source, language, "
                        "pause, speech, speed, pause_s, script_voice_id, phonemes, project_id) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*values, project_id),
                    )
                    added += 1
                else:
                    conn.execute(
                        "UPDATE segments SET position = ?, paragraph = ?, text = ?, source = ?, "
                        "language = ?, pause = ?, speech = ?, speed = ?, pause_s = ?, "
                        "script_voice_id = ?, phonemes = ? WHERE id = ?",
                        (*values, seg_id),
                    )
                    kept += 1
        project = self.find_project(name)
        assert project is not None
        return SyncResult(project=project, kept=kept, added=added, detached=len(gone))

    # ------------------------------------------------------------ one-shot projects
    def expired_projects(self, now: float) -> list[Project]:
        """One-shot projects whose time is up."""
        rows = self.conn.execute(
            "SELECT * FROM projects WHERE expires_at IS NOT NULL AND expires_at <= ? "
            "ORDER BY id", (now,))
        return [_row(Project, row) for row in rows]

    def project_by_id(self, project_id: int) -> Project | None:
        """The live project with this id (one-shot ones included), or None."""
        row = self.conn.execute(
            "SELECT * FROM projects WHERE id = ? AND deleted_at IS NULL", (project_id,)
        ).fetchone()
        return _row(Project, row) if row else None

    # ------------------------------------------------------------ API keys
    def add_api_key(self, name: str, key_id: str, salt: bytes, digest: bytes) -> None:
        """Store a key's public id and salted hash (:mod:`studio.core.keys`);
        :class:`UserError` if a live key has this name."""
        name = name.strip()
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM api_keys WHERE name = ? AND revoked_at IS NULL",
                            (name,)).fetchone():
                raise UserError(f"there is already a key named {name!r}",
                                "choose another name, or revoke it first "
                                f"(`studio keys revoke {name}`)")
            conn.execute(
                "INSERT INTO api_keys(name, key_id, salt, hash, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (name, key_id, salt, digest, time.time()))

    def api_key(self, key_id: str) -> dict[str, Any] | None:
        """The key with this public id (revoked or not), or None."""
        row = self.conn.execute("SELECT * FROM api_keys WHERE key_id = ?", (key_id,)).fetchone()
        return dict(row) if row else None

    def api_keys(self) -> list[dict[str, Any]]:
        """Every key (name, key_id, created_at, revoked_at), newest last; no secrets."""
        rows = self.conn.execute(
            "SELECT name, key_id, created_at, revoked_at FROM api_keys ORDER BY id")
        return [dict(row) for row in rows]

    def live_api_key_count(self) -> int:
        """How many keys are not revoked."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL").fetchone()[0])

    def revoke_api_key(self, name: str) -> None:
        """Revoke the live key named ``name``; :class:`UserError` if there is none."""
        with self.transaction() as conn:
            done = conn.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (time.time(), name.strip())).rowcount
        if not done:
            raise UserError(f"no key named {name!r}", "see `studio keys list`")

    # ------------------------------------------------------------ lexicon
    def lexicon_entries(self, project_id: int | None = None) -> list[Entry]:
        """The library's own entries (``project_id`` None) or one project's, by term."""
        rows = self.conn.execute(
            "SELECT term, alias, phonemes, case_sensitive FROM lexicon "
            "WHERE project_id IS ? ORDER BY key, term", (project_id,))
        return [Entry(r[0], r[1], r[2], bool(r[3])) for r in rows]

    def lexicon_for(self, project_id: int | None) -> Lexicon:
        """What a project's segments are said by: its entries, then the library's."""
        return lexicon_in(self.conn, project_id)

    def set_lexicon(self, entries: Sequence[Entry], project_id: int | None = None,
                    *, remove: Sequence[str] = ()) -> LexiconChange:
        """Add (or replace, by term) ``entries`` and remove the terms in
        ``remove``, for the library or one project; then bring the speech of
        every segment they reach up to date, in one transaction.

        A locked segment keeps what it says (a lock keeps its take); it is
        counted in :attr:`LexiconChange.locked`. Raises :class:`UserError`
        for a term to remove that is not there (nothing is changed).
        """
        with self.transaction() as conn:
            for term in remove:
                gone = conn.execute(
                    "DELETE FROM lexicon WHERE project_id IS ? AND (term = ? OR "
                    "(case_sensitive = 0 AND key = ?))",
                    (project_id, term, term.casefold())).rowcount
                if not gone:
                    where = "this project's" if project_id is not None else "the library's"
                    raise UserError(f"{term!r} is not in {where} lexicon",
                                    "see `studio lexicon list`")
            now = time.time()
            for entry in entries:
                conn.execute(
                    "INSERT INTO lexicon(project_id, term, key, alias, phonemes, case_sensitive, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (COALESCE(project_id, 0), key) DO UPDATE SET "
                    "term = excluded.term, alias = excluded.alias, phonemes = excluded.phonemes, "
                    "case_sensitive = excluded.case_sensitive",
                    (project_id, entry.term, entry.key, entry.alias, entry.phonemes,
                     int(entry.case_sensitive), now))
            return _respeak(conn, project_id)

    # ------------------------------------------------------------ segments
    def segments(self, project_id: int) -> list[Segment]:
        """The project's segments in script order (detached ones excluded)."""
        rows = self.conn.execute(
            f"{_SEGMENT_SELECT} WHERE s.project_id = ? AND s.position IS NOT NULL "
            "ORDER BY s.position",
            (project_id,),
        )
        return [_segment(row) for row in rows]

    def segment(self, segment_id: int) -> Segment:
        """The segment with this id; :class:`UserError` if there is none."""
        row = self.conn.execute(f"{_SEGMENT_SELECT} WHERE s.id = ?", (segment_id,)).fetchone()
        if row is None:
            raise UserError(f"no segment with id {segment_id}")
        return _segment(row)

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
            count = self.conn.execute(
                "SELECT COUNT(*) FROM segments WHERE project_id = ? AND position IS NOT NULL",
                (project.id,),
            ).fetchone()[0]
            raise UserError(f"project {project.name!r} has no segment {number}",
                            f"its segments are numbered 1 to {count}" if count
                            else "it has no segments")
        return _segment(row)

    def segment_rows(self, project_id: int) -> list[dict[str, Any]]:
        """The project's segments for display: one query, with state, voice,
        current take's duration (none when the take is of other text or
        voice), take count, and take QA's verdict and reasons (a JSON list)."""
        rows = self.conn.execute(
            """SELECT s.id, s.position + 1 AS number, s.paragraph, s.source AS text,
                      st.state AS status, st.job, s.locked,
                      COALESCE(v.name, sv.name, pv.name) AS voice,
                      CASE WHEN st.done THEN t.frames * 1.0 / t.sample_rate END
                        AS duration_s,  -- only a current take's: never old audio's length
                      COALESCE(k.takes, 0) AS takes,
                      st.qa, c.reasons AS qa_reasons  -- the verdict; its reasons (JSON)
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
        return [_segment(row) for row in rows]

    def not_done(self, project: Project) -> list[Segment]:
        """Segments without a current take (stale, missing, failed, locked
        without one), in order: what stands between the project and an export."""
        rows = self.conn.execute(
            f"{_SEGMENT_SELECT} WHERE s.project_id = ? AND s.position IS NOT NULL "
            "AND NOT st.done ORDER BY s.position",
            (project.id,),
        )
        return [_segment(row) for row in rows]

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
        """Record a take whose file exists; it becomes the segment's current
        one if it speaks the segment's present text and voice (and the
        segment is not locked)."""
        if not self.path(path).is_file():
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
            result.append((_segment(values), Take(**take) if take["id"] is not None else None))
        return result


_SEGMENT_SELECT = (
    "SELECT s.*, st.state, st.done, st.qa FROM segments s "
    "JOIN segment_states st ON st.segment_id = s.id"
)
_TAKE_FIELDS = [f.name for f in fields(Take)]
_TAKE_COLUMNS = ", ".join(f"t.{name} AS take_{name}" for name in _TAKE_FIELDS)


def _pin_locked_voices(conn: sqlite3.Connection, project_id: int, old_voice_id: int) -> None:
    """Before a project's voice changes: a lock keeps its take, so a locked
    segment that spoke with the project's voice keeps that voice as its own."""
    conn.execute(
        "UPDATE segments SET voice_id = ? WHERE project_id = ? AND locked = 1 "
        "AND voice_id IS NULL AND script_voice_id IS NULL",
        (old_voice_id, project_id),
    )


def _excerpt(text: str, width: int = 40) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _segment(row: sqlite3.Row | dict[str, Any]) -> Segment:
    values = dict(row) if isinstance(row, dict) else {key: row[key] for key in row.keys()}
    values["locked"] = bool(values["locked"])
    values["done"] = bool(values["done"])
    return Segment(**values)


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements: comments removed, then split
    on ``;`` (migrations hold no string literals with ``--`` or ``;``)."""
    code = "\n".join(line.split("--")[0] for line in script.splitlines())
    for statement in code.split(";"):
        if statement.strip():
            yield statement.strip()


@dataclass(frozen=True)
class LexiconChange:
    """What a lexicon change did: the segments that now say something else
    (by project name), and the locked ones that kept what they said."""

    changed: dict[str, list[int]]
    locked: dict[str, list[int]]

    @property
    def count(self) -> int:
        """How many segments now say something else."""
        return sum(len(ids) for ids in self.changed.values())


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


def lexicon_in(conn: sqlite3.Connection, project_id: int | None) -> Lexicon:
    """A project's lexicon (its entries, then the library's), read on ``conn``."""
    rows = conn.execute(
        "SELECT project_id, term, alias, phonemes, case_sensitive FROM lexicon "
        "WHERE project_id IS NULL OR project_id IS ?", (project_id,)).fetchall()
    own = [Entry(r[1], r[2], r[3], bool(r[4])) for r in rows if r[0] is not None]
    shared = [Entry(r[1], r[2], r[3], bool(r[4])) for r in rows if r[0] is None]
    return Lexicon(merge(own, shared))


def _respeak(conn: sqlite3.Connection, project_id: int | None) -> LexiconChange:
    """Inside the caller's transaction: each segment's speech again, from its
    text, its inline phonemes and the lexicon now (one project, or all of them
    when the library's lexicon changed); locked segments are left as they are."""
    changed: dict[str, list[int]] = {}
    locked: dict[str, list[int]] = {}
    projects = conn.execute(
        "SELECT id, name FROM projects WHERE ?1 IS NULL OR id = ?1",  # the trash too
        (project_id,)).fetchall()
    for pid, name in projects:
        lexicon = lexicon_in(conn, pid)
        updates: list[tuple[str, int]] = []
        for seg_id, text, phonemes, speech, is_locked in conn.execute(
            "SELECT id, text, phonemes, speech, locked FROM segments "
            "WHERE project_id = ? AND position IS NOT NULL ORDER BY position", (pid,),
        ).fetchall():
            new = speech_of(text, [tuple(p) for p in json.loads(phonemes)], lexicon)
            if new == speech:
                continue
            if is_locked:
                locked.setdefault(name, []).append(seg_id)
                continue
            updates.append((new, seg_id))
            changed.setdefault(name, []).append(seg_id)
        conn.executemany("UPDATE segments SET speech = ? WHERE id = ?", updates)
        for _, seg_id in updates:  # a take of what it says now needs no render
            revive_take(conn, seg_id)
    return LexiconChange(changed, locked)

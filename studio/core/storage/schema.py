"""The database's schema: its migrations, the segment states view, opening.

The schema version is ``PRAGMA user_version``; migrations only go forward,
and a library written by a newer studio is refused, not damaged. A
connection is opened in WAL mode with ``synchronous=NORMAL`` and a busy
timeout (see :mod:`studio.core.store` for why), and gets the
``segment_states`` view, which is code, not data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from studio.core.storage.base import Storage
from studio.errors import UserError

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
DB_NAME = "studio.db"  # the database file in the library folder
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
    # listings, swept with their files once expired; see studio/service/oneshot.py).
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
    # The render farm (studio/farm): a job handed to the farm is running under
    # the farm's token (a fresh one per hand-over: a result that carries an
    # older one is stale), and each take names the machine and device that
    # made it.
    """
    ALTER TABLE jobs ADD COLUMN farm_token TEXT;
    ALTER TABLE takes ADD COLUMN host TEXT NOT NULL DEFAULT '';
    ALTER TABLE takes ADD COLUMN device TEXT NOT NULL DEFAULT '';
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> Iterator[str]:
    """Split a migration script into statements: comments removed, then split
    on ``;`` (migrations hold no string literals with ``--`` or ``;``)."""
    code = "\n".join(line.split("--")[0] for line in script.splitlines())
    for statement in code.split(";"):
        if statement.strip():
            yield statement.strip()


def connect(path: Path, timeout_s: float) -> sqlite3.Connection:
    """A connection to the database at ``path``: rows by column name, foreign
    keys on, WAL, and ``timeout_s`` to wait for another writer's lock."""
    conn = sqlite3.connect(path, timeout=timeout_s, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
    return conn


def prepare(store: Storage, root: Path) -> None:
    """Bring the schema up to date (one transaction per migration), then
    create the connection's ``segment_states`` view. :class:`UserError` for
    a library written by a newer studio."""
    version = store.conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise UserError(
            f"the library {root} was written by a newer Voice Studio "
            f"(schema {version}, this one knows {SCHEMA_VERSION})",
            "upgrade Voice Studio to open it",
        )
    for target in range(version, SCHEMA_VERSION):
        with store.transaction() as conn:
            for statement in statements(MIGRATIONS[target]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target + 1}")
    store.conn.execute(SEGMENT_STATES_VIEW)


def integrity_check(conn: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA integrity_check`` finds (``["ok"]``: nothing), or the
    error that stopped it."""
    try:
        return [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as err:
        return [str(err)]

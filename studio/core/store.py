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

import errno
import os
import sqlite3
from pathlib import Path

from studio.core.storage.keys import KeyStore
from studio.core.storage.lexicon import LexiconStore
from studio.core.storage.projects import ProjectStore
from studio.core.storage.records import LexiconChange, Project, Segment, SyncResult, Take, Voice
from studio.core.storage.schema import (
    DB_NAME,
    DONE_STATES,
    MIGRATIONS,
    SCHEMA_VERSION,
    SEGMENT_VOICE,
    STATES,
    connect,
    prepare,
)
from studio.core.storage.schema import statements as _statements
from studio.core.storage.segments import SegmentStore, record_take
from studio.core.storage.settings import SettingsStore
from studio.core.storage.voices import VoiceStore
from studio.errors import UserError
from studio.fsutil import check_writable_file

# What the rest of the studio imports from here: the library, its records,
# and the schema's names (the SQL itself is studio.core.storage's).
__all__ = [
    "DB_NAME",
    "DONE_STATES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SEGMENT_VOICE",
    "STATES",
    "LexiconChange",
    "Library",
    "Project",
    "Segment",
    "SyncResult",
    "Take",
    "Voice",
    "_statements",
    "damaged_error",
    "record_take",
]


def damaged_error(root: Path, detail: str) -> UserError:
    """The message for a damaged database: what is wrong and the newest backup."""
    backups = sorted((Path(root) / "backups").glob("studio-*.db"))
    where = f"the last good backup is {backups[-1]}" if backups else "there is no backup"
    return UserError(
        f"the library database {Path(root) / DB_NAME} is damaged ({detail}); {where}",
        "stop the studio and copy the backup over studio.db",
    )


class Library(SettingsStore, ProjectStore, VoiceStore, SegmentStore, KeyStore, LexiconStore):
    """A library folder and its open database connection.

    Its methods are those of the stores of what a library holds (settings,
    projects and the trash, voices, segments and takes, API keys, the
    lexicon: :mod:`studio.core.storage`), over this one connection. One
    instance per thread: SQLite connections are not shared between
    threads. Use :meth:`open` to get one.
    """

    def __init__(self, root: Path, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        self.root = root

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
            library = cls(root, connect(root / DB_NAME, timeout_s))
            prepare(library, root)
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

    def path(self, relative: str) -> Path:
        """Absolute path of a file stored under the library."""
        return self.root / relative

"""The lexicon: how words are said, the library's own entries and each
project's (:mod:`studio.text.lexicon`), and bringing what segments speak up
to date when it changes."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence

from studio.core.storage.base import Storage
from studio.core.storage.records import LexiconChange
from studio.core.storage.segments import revive_take
from studio.errors import UserError
from studio.text.lexicon import Entry, Lexicon, merge, speech_of


class LexiconStore(Storage):
    """The ``lexicon`` table."""

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

"""Projects: a script, its voice and its segments; the trash; one-shot
request projects (``expires_at``, see :mod:`studio.service.oneshot`).

A trashed project keeps its rows and its name (restoring never clashes)
until it is purged; a script applied again is matched to the segments it
had, so their takes are kept (:meth:`ProjectStore.sync_project`).

Every project is made through :meth:`ProjectStore.check_new_name` or
:meth:`ProjectStore.sync_project`, and both hold a new name to one rule
(:func:`check_project_name`), whichever front end asked for it.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
import time
import unicodedata
from collections.abc import Sequence
from typing import Any

from studio.core.storage.lexicon import lexicon_in
from studio.core.storage.records import Project, Segment, SyncResult, Voice, record
from studio.core.storage.segments import SegmentStore
from studio.core.storage.voices import VoiceStore
from studio.errors import UserError
from studio.text.lexicon import speech_of
from studio.text.segment import SegmentPlan

MAX_NAME_CHARS = 200
# bidirectional embeddings, overrides and isolates: they make a name read
# other than it is written
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def check_project_name(name: str) -> str:
    """``name`` stripped, if it may name a project; else :class:`UserError`
    naming the problem. A project's name becomes file names (exports) and
    shows in lists and logs: it is one line of at most
    :data:`MAX_NAME_CHARS` characters, with no path separator, no control
    character, and not only dots."""
    name = name.strip()
    if not name:
        raise UserError("a project needs a name", "type a name")
    if len(name) > MAX_NAME_CHARS:
        raise UserError(f"a project name has at most {MAX_NAME_CHARS} characters, not "
                        f"{len(name)}", "choose a shorter name")
    bad = next((c for c in name if c in _BIDI or unicodedata.category(c)
                in ("Cc", "Cs", "Zl", "Zp")), None)
    if bad is not None:
        raise UserError(f"a project name cannot hold a control character ({bad!a})",
                        "write the name on one line, with letters, digits and punctuation")
    if "/" in name or "\\" in name:
        raise UserError(f"a project name cannot hold / or \\ ({name!r})",
                        "choose a name without them (a dash, say)")
    if not name.strip("."):
        raise UserError(f"{name!r} cannot name a project", "choose a name with a letter or digit")
    return name


class ProjectStore(VoiceStore, SegmentStore):
    """The ``projects`` table, and what changes a project's segments as a
    whole (its voice, a new split of its script, a copy)."""

    def find_project(self, name: str) -> Project | None:
        """The live project named ``name`` (case-insensitive), or None
        (a project in the trash is not found: see :meth:`find_trashed`)."""
        row = self.conn.execute(
            "SELECT * FROM projects WHERE name = ? AND deleted_at IS NULL", (name,)
        ).fetchone()
        return record(Project, row) if row else None

    def find_trashed(self, name: str) -> Project | None:
        """The project in the trash named ``name``, or None."""
        row = self.conn.execute(
            "SELECT * FROM projects WHERE name = ? AND deleted_at IS NOT NULL", (name,)
        ).fetchone()
        return record(Project, row) if row else None

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
        name = check_project_name(name)
        row = self.conn.execute(
            "SELECT name, deleted_at FROM projects WHERE name = ?", (name,)
        ).fetchone()
        if row is not None and row["deleted_at"] is not None:
            raise UserError(
                f"the name {row['name']!r} belongs to a project in the trash",
                f"choose another name, or restore it (`studio projects restore "
                f"{row['name']!r}`) or purge it (`studio projects remove --purge "
                f"{row['name']!r}`)", code="exists",
            )
        if row is not None:
            raise UserError(f"there is already a project named {row['name']!r}",
                            "choose another name", code="exists")
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
        that time (:mod:`studio.service.oneshot`)."""
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
        project: Project = record(Project, row)
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
                check_project_name(name)
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
        return [record(Project, row) for row in rows]

    def project_by_id(self, project_id: int) -> Project | None:
        """The live project with this id (one-shot ones included), or None."""
        row = self.conn.execute(
            "SELECT * FROM projects WHERE id = ? AND deleted_at IS NULL", (project_id,)
        ).fetchone()
        return record(Project, row) if row else None

    def project_script(self, project_id: int) -> tuple[str, bool]:
        """A project's script, and whether the project is in the trash;
        :class:`UserError` if there is no such project."""
        row = self.conn.execute(
            "SELECT script, deleted_at FROM projects WHERE id = ?", (project_id,)).fetchone()
        if row is None:
            raise UserError(f"no project with id {project_id}", "see `studio projects list`")
        return str(row["script"]), row["deleted_at"] is not None

    def project_voice_id(self, project_id: int) -> int:
        """The id of the project's voice."""
        return int(self.conn.execute(
            "SELECT voice_id FROM projects WHERE id = ?", (project_id,)).fetchone()[0])


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

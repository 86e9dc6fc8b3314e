"""The project lifecycle in the store: new, rename, duplicate, trash,
restore, purge and the project's voice (no engine: takes are completed by
hand on the real queue)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest

from studio.core.jobs import JobQueue
from studio.core.planning import ensure_presets, save_take_audio
from studio.core.store import DB_NAME, MIGRATIONS, Library, _statements
from studio.errors import UserError
from studio.text import prepare_script

SCRIPT = "The first line is here. The second line follows. The last one ends it."


def _rendered(library: Library, name: str):
    joe = library.find_voice("joe")
    project = library.sync_project(name, SCRIPT, joe, prepare_script(SCRIPT).segments).project
    queue = JobQueue(library)
    queue.enqueue([s.id for s in library.segments(project.id)], "piper")
    while (job := queue.claim("piper", worker_pid=1)) is not None:
        path = save_take_audio(library, np.full(2205, 0.1, np.float32), 22050)
        queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=2205)
    return project


def _names(library: Library) -> list[str]:
    return [row["name"] for row in library.projects()]


def test_new_project_is_empty_and_its_name_is_checked(library: Library) -> None:
    joe = library.find_voice("joe")
    project = library.create_project("  Story  ", joe)
    assert project.name == "Story" and project.script == ""
    assert library.segments(project.id) == []
    assert _names(library) == ["Story"]
    with pytest.raises(UserError, match="needs a name"):
        library.create_project("   ", joe)
    with pytest.raises(UserError, match="already a project named 'Story'"):
        library.create_project("story", joe)  # names ignore case


def test_rename_keeps_everything_and_refuses_a_taken_name(library: Library) -> None:
    project = _rendered(library, "a")
    library.create_project("b", library.find_voice("joe"))
    with pytest.raises(UserError, match="already a project named 'b'"):
        library.rename_project("a", "B")
    renamed = library.rename_project("a", "c")
    assert renamed.id == project.id and _names(library) == ["b", "c"]
    assert [s.state for s in library.segments(project.id)] == ["rendered"] * 3
    assert library.rename_project("c", "C").name == "C"  # only the case changes


def test_duplicate_copies_segments_and_current_takes_only(library: Library) -> None:
    project = _rendered(library, "a")
    first = library.segments(project.id)[0]
    # a second take of segment 1 (history) that is not current in the copy
    path = save_take_audio(library, np.full(4410, 0.2, np.float32), 22050)
    library.commit_take(first.id, path=path, text=first.text, voice_id=first.voice_id or
                        project.voice_id, backend="piper", seed=1, sample_rate=22050, frames=4410)
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET locked = 1, approved_take_id = current_take_id "
                     "WHERE id = ?", (first.id,))
    copy = library.duplicate_project("a", "a copy")
    original, copied = library.current_takes(project.id), library.current_takes(copy.id)
    assert [s.text for s, _ in copied] == [s.text for s, _ in original]
    assert [s.state for s, _ in copied] == ["approved", "rendered", "rendered"]
    assert copied[0][0].locked
    assert [t.path for _, t in copied] == [t.path for _, t in original]  # same files
    assert {t.id for _, t in copied}.isdisjoint(t.id for _, t in original)  # own rows
    assert len(library.takes(copied[0][0].id)) == 1  # current takes only, not the history
    assert len(library.takes(first.id)) == 2
    with pytest.raises(UserError, match="already a project"):
        library.duplicate_project("a", "A COPY")


def test_trash_hides_cancels_jobs_keeps_takes_and_restores(library: Library) -> None:
    project = _rendered(library, "a")
    takes_before = library.conn.execute("SELECT COUNT(*) FROM takes").fetchone()[0]
    edited = library.segments(project.id)[1]
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET text = 'Another line.', speech = 'Another line.' "
                     "WHERE id = ?", (edited.id,))
    queue = JobQueue(library)
    queue.enqueue([edited.id], "piper")
    library.trash_project("a")
    assert _names(library) == [] and library.project_count() == 0
    assert library.find_project("a") is None
    assert [row["name"] for row in library.trash()] == ["a"]
    assert library.conn.execute("SELECT COUNT(*) FROM jobs WHERE state = 'queued'"
                                ).fetchone()[0] == 0
    assert queue.claim("piper", worker_pid=1) is None
    assert queue.project_rows() == []  # the Queue page does not list it either
    # the rows stay, so the engine's sweep keeps the files they point to
    assert library.conn.execute("SELECT COUNT(*) FROM takes").fetchone()[0] == takes_before
    for (path,) in library.conn.execute("SELECT path FROM takes"):
        assert library.path(path).is_file()
    # its name stays reserved while it is in the trash, so restoring never clashes
    with pytest.raises(UserError, match="in the trash"):
        library.create_project("A", library.find_voice("joe"))
    with pytest.raises(UserError, match="in the trash"):
        library.sync_project("a", SCRIPT, library.find_voice("joe"),
                             prepare_script(SCRIPT).segments)
    restored = library.restore_project("A")
    assert restored.id == project.id and _names(library) == ["a"] and library.trash() == []
    assert [s.state for s in library.segments(project.id)] == ["rendered", "stale", "rendered"]


def test_purge_deletes_for_good(library: Library) -> None:
    _rendered(library, "a")
    library.trash_project("a")
    library.remove_project("a")
    assert library.trash() == [] and library.find_trashed("a") is None
    assert library.conn.execute("SELECT COUNT(*) FROM takes").fetchone()[0] == 0
    with pytest.raises(UserError, match="no project named 'a'"):
        library.restore_project("a")


def test_sweep_keeps_files_of_trashed_projects(library: Library) -> None:
    from studio.engine.supervisor import sweep_orphans

    project = _rendered(library, "a")
    library.trash_project("a")
    paths = [t.path for _, t in library.current_takes(project.id) if t]
    old = time.time() - 7 * 86400  # old enough for any grace period
    for path in paths:
        os.utime(library.path(path), (old, old))
    sweep_orphans(library, older_than_s=0)
    assert all(library.path(p).is_file() for p in paths)


def test_project_voice_change_keeps_locked_segments_voice(library: Library) -> None:
    project = _rendered(library, "a")
    first = library.segments(project.id)[0]
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET locked = 1 WHERE id = ?", (first.id,))
    other = library.ensure_preset("ann", "piper", "en")
    todo = library.set_project_voice("a", other)
    assert [s.number for s in todo] == [2, 3]
    segments = library.segments(project.id)
    assert segments[0].voice_id == project.voice_id and segments[0].state == "rendered"
    assert library.find_project("a").voice_id == other.id
    assert library.set_project_voice("a", other) == todo  # no change: the same work


def test_a_library_of_the_previous_schema_migrates(tmp_path: Path) -> None:
    root = tmp_path / "old"
    root.mkdir()
    conn = sqlite3.connect(root / DB_NAME)
    for script in MIGRATIONS[:-1]:
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute("INSERT INTO voices(name, kind, language, created_at) "
                 "VALUES ('joe', 'preset', 'en', 0)")
    conn.execute("INSERT INTO projects(name, script, voice_id, created_at, updated_at) "
                 "VALUES ('kept', 'Hello.', 1, 0, 0)")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    conn.commit()
    conn.close()
    with Library.open(root) as library:
        ensure_presets(library)
        assert _names(library) == ["kept"] and library.trash() == []
        assert library.find_project("kept").deleted_at is None

"""The library store: schema, migrations, content-matched re-splits, takes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from studio.core.planning import save_take_audio
from studio.core.store import SCHEMA_VERSION, Library
from studio.errors import UserError
from studio.text import prepare_script


def _take(library: Library, segment_id: int, text: str, voice_id: int, level: float = 0) -> int:
    import numpy as np

    level = level or 0.01 * segment_id  # distinct audio, distinct content-addressed file
    path = save_take_audio(library, np.full(2205, level, np.float32), 22050)
    return library.commit_take(
        segment_id, path=path, text=text, voice_id=voice_id, backend="piper", seed=1,
        sample_rate=22050, frames=2205,
    ).id


def test_new_library_has_layout_pragmas_and_schema(library: Library) -> None:
    for folder in ("voices", "takes", "exports"):
        assert (library.root / folder).is_dir()
    assert library.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert library.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert library.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert library.find_voice("JOE").kind == "preset"  # names are case-insensitive


def test_reopening_is_idempotent_and_newer_schema_is_refused(library_dir: Path) -> None:
    Library.open(library_dir).close()
    Library.open(library_dir).close()
    conn = sqlite3.connect(library_dir / "studio.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(UserError, match="newer Voice Studio"):
        Library.open(library_dir)


def test_resplit_keeps_takes_of_unchanged_segments(library: Library) -> None:
    joe = library.find_voice("joe")
    first = prepare_script("One sentence here. Two sentence here. Three sentence here.")
    sync = library.sync_project("p", "v1", joe, first.segments)
    segments = library.segments(sync.project.id)
    takes = {s.text: _take(library, s.id, s.text, joe.id) for s in segments}

    edited = prepare_script(
        "A new opening line. One sentence here. Two sentences, edited. Three sentence here."
    )
    sync = library.sync_project("p", "v2", joe, edited.segments)
    assert (sync.kept, sync.added, sync.detached) == (2, 2, 1)
    after = library.segments(sync.project.id)
    assert [s.position for s in after] == [0, 1, 2, 3]
    assert after[1].current_take_id == takes["One sentence here."]
    assert after[3].current_take_id == takes["Three sentence here."]
    todo = [s.text for s in library.segments_to_render(sync.project)]
    assert todo == ["A new opening line.", "Two sentences, edited."]

    # undoing the edit revives the detached segment with its take
    sync = library.sync_project("p", "v1", joe, first.segments)
    assert [s.current_take_id for s in library.segments(sync.project.id)] == list(takes.values())
    assert library.segments_to_render(sync.project) == []


def test_take_row_needs_its_file_and_locked_segments_keep_their_take(library: Library) -> None:
    joe = library.find_voice("joe")
    sync = library.sync_project("p", "x", joe, prepare_script("Hello there friend.").segments)
    (segment,) = library.segments(sync.project.id)
    with pytest.raises(FileNotFoundError):
        library.commit_take(segment.id, path="takes/missing.flac", text="x", voice_id=joe.id,
                            backend="piper", seed=1, sample_rate=22050, frames=1)
    assert library.takes(segment.id) == []
    first = _take(library, segment.id, segment.text, joe.id)
    library.conn.execute("UPDATE segments SET locked = 1 WHERE id = ?", (segment.id,))
    _take(library, segment.id, segment.text, joe.id, level=0.5)  # a late delivery
    assert len(library.takes(segment.id)) == 2
    assert library.segments(sync.project.id)[0].current_take_id == first
    assert library.segments_to_render(sync.project) == []


def test_current_takes_by_position_range(library: Library) -> None:
    """A range reads only its segments, each with its current take: none for
    a segment never rendered, none for one whose text changed since, none
    for a detached one; positions skip detached segments."""
    joe = library.find_voice("joe")
    script = "First one here. Second one here. Third one here. Fourth one here."
    sync = library.sync_project("p", script, joe, prepare_script(script).segments)
    segments = library.segments(sync.project.id)
    takes = {s.id: _take(library, s.id, s.text, joe.id) for s in segments[:3]}
    edited = "First one here. Second one, edited. Third one here. Fourth one here."
    sync = library.sync_project("p", edited, joe, prepare_script(edited).segments)
    pairs = library.current_takes(sync.project.id)
    assert [t.id if t else None for _, t in pairs] == [
        takes[segments[0].id], None, takes[segments[2].id], None]
    assert [s.position for s, _ in pairs] == [0, 1, 2, 3]
    assert pairs[2][1] == library.take(takes[segments[2].id])  # the whole take, as read alone
    assert pairs[2][0] == library.segment(segments[2].id)
    for start, count in ((0, 1), (1, 2), (2, None), (3, 5), (4, 1), (0, None)):
        end = None if count is None else start + count
        assert library.current_takes(sync.project.id, start, count) == pairs[start:end]
    ids = [s.id for s, _ in pairs]
    assert library.positions(sync.project.id, [ids[3], ids[1], segments[1].id]) == [1, 3]
    assert library.positions(sync.project.id, []) == []


def test_unwritable_library_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(UserError, match="cannot create the library folder"):
        Library.open(blocker / "lib")

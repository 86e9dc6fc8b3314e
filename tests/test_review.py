"""Segment review through the real engine: regenerate, edit, lock, approve, takes."""

from __future__ import annotations

import pytest

from studio.core.jobs import JobQueue
from studio.core.review import approve, choose_take, edit_text, regenerate, set_locked
from studio.core.store import Library
from studio.engine.client import start_engine, stop_engine, wait_for_project
from studio.errors import UserError
from studio.text import prepare_script

SCRIPT = "The first line is here. The second line follows. The last one ends it."


@pytest.fixture
def rendered(library: Library):
    joe = library.find_voice("joe")
    sync = library.sync_project("review", SCRIPT, joe, prepare_script(SCRIPT).segments)
    project = sync.project
    JobQueue(library).enqueue([s.id for s in library.segments(project.id)], "piper")
    start_engine(library.root, idle_exit_s=30)
    yield project
    stop_engine(library.root)


def test_regenerate_edit_lock_approve_and_choose(library: Library, rendered) -> None:
    wait_for_project(library, rendered)
    first, second, third = library.segments(rendered.id)
    before = {s.id: s.current_take_id for s in (first, second, third)}

    regenerate(library, second.id)  # new seed, new take, ahead of bulk work
    # whether a worker has claimed it yet or not (woken at once by the queue's doorbell)
    newest = max(JobQueue(library).jobs(project_id=rendered.id), key=lambda job: job["id"])
    assert newest["priority"] == 10
    edit_text(library, third.id, "The very last line, rewritten for 2 voices.")
    set_locked(library, first.id, True)
    assert [s.id for s in library.segments_to_render(rendered)] == [third.id]
    JobQueue(library).enqueue([third.id], "piper")
    wait_for_project(library, rendered)

    after = {s.id: s for s in library.segments(rendered.id)}
    assert after[first.id].current_take_id == before[first.id]  # locked: kept
    assert len(library.takes(second.id)) == 2  # regenerated: a second take
    assert after[second.id].current_take_id != before[second.id]
    assert after[third.id].text == "The very last line, rewritten for two voices."
    assert "rewritten for 2 voices" in library.find_project("review").script
    assert "last one ends it" not in library.find_project("review").script

    choose_take(library, second.id, before[second.id])  # A/B: back to the first take
    assert library.segments(rendered.id)[1].current_take_id == before[second.id]
    approve(library, second.id)
    assert library.segments(rendered.id)[1].state == "approved"
    with pytest.raises(UserError, match="is locked"):
        regenerate(library, first.id)
    with pytest.raises(UserError, match="is locked"):
        edit_text(library, first.id, "No.")
    with pytest.raises(UserError, match="is Chinese"):
        edit_text(library, second.id, "第二行。")
    with pytest.raises(UserError, match="is not a take of segment"):
        choose_take(library, first.id, before[second.id])


def test_segment_voice_must_fit(library: Library, clip) -> None:
    from studio.core.prompts import import_voice
    from studio.core.review import set_voice

    joe = library.find_voice("joe")
    sync = library.sync_project("v", SCRIPT, joe, prepare_script(SCRIPT).segments)
    first = library.segments(sync.project.id)[0]
    assert set_voice(library, first.id, "joe").voice_id == joe.id
    assert first.id in [s.id for s in library.segments_to_render(sync.project)]
    import_voice(library, "Clone", clip(5.0), "The quick brown fox.")
    with pytest.raises(UserError, match="This cloned voice needs"):
        set_voice(library, first.id, "Clone")  # never falls back to another backend
    assert library.segment(first.id).voice_id == joe.id  # unchanged
    assert set_voice(library, first.id, None).voice_id is None

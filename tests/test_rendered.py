"""One meaning of "rendered": a take is current only if it speaks the segment's
present text with its present voice, and an export never ships stale audio.

The queue is stepped by hand on the real SQLite file (no engine, no sleeps);
takes are real speech from the bundled voice where the export reads them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from studio.cli.render import queued_line
from studio.core import review
from studio.core.export import NotRendered, export_project
from studio.core.jobs import PRIORITY_INTERACTIVE, JobQueue
from studio.core.planning import save_take_audio
from studio.core.progress import project_progress
from studio.core.store import MIGRATIONS, Library
from studio.errors import UserError
from studio.service import render
from studio.text import prepare_script

SCRIPT = "The first line is here. The second line follows. The last one ends it."


@pytest.fixture
def project(library: Library):
    joe = library.find_voice("joe")
    return library.sync_project("p", SCRIPT, joe, prepare_script(SCRIPT).segments).project


def _render_all(library: Library, project, speech) -> None:
    """What a worker does, by hand: claim each job, write real speech, complete."""
    queue = JobQueue(library)
    queue.enqueue([s.id for s in library.segments_to_render(project)], "piper")
    while (job := queue.claim("piper", worker_pid=1)) is not None:
        _complete(queue, job, speech(1.0))


def _complete(queue: JobQueue, job, samples=None):
    samples = np.full(2205, 0.1, np.float32) if samples is None else samples
    path = save_take_audio(queue.library, samples, 22050)
    return queue.complete(job, path=path, backend="piper", sample_rate=22050,
                          frames=len(samples))


def _views(library: Library, project) -> dict[str, object]:
    """What each consumer reports as rendered: they must agree."""
    listed = next(r for r in library.projects() if r["name"] == project.name)
    queued = next(r for r in JobQueue(library).project_rows() if r["name"] == project.name)
    rows = library.segment_rows(project.id)
    return {
        "store": listed["rendered"],
        "queue": queued["rendered"],
        "client": project_progress(library, project.id).rendered,
        "gui": sum(r["status"] in ("rendered", "approved") for r in rows),
        "export": len(library.segments(project.id)) - len(library.not_done(project)),
    }


def test_an_edit_makes_the_take_stale_and_export_refuses(library, project, speech, tmp_path):
    _render_all(library, project, speech)
    assert set(_views(library, project).values()) == {3}
    second = library.segments(project.id)[1]
    review.edit_text(library, second.id, "Something new.")

    assert set(_views(library, project).values()) == {2}  # one meaning, everywhere
    assert library.segment(second.id).state == "stale"
    with pytest.raises(NotRendered) as refused:
        export_project(library, project, tmp_path / "out.wav", tmp_path / "out.srt")
    assert "segment(s) without a current take: 2 (its take is for other text" in str(refused.value)
    assert "studio render --project p" in str(refused.value)
    assert not (tmp_path / "out.wav").exists() and not (tmp_path / "out.srt").exists()

    assert [s.id for s in library.segments_to_render(project)] == [second.id]
    _render_all(library, project, speech)
    result = export_project(library, project, tmp_path / "out.wav", tmp_path / "out.srt")
    assert result.cues[1].segment.source == "Something new."
    assert "Something new." in (tmp_path / "out.srt").read_text()


def test_a_take_of_text_edited_while_it_rendered_is_not_current(library, project):
    queue = JobQueue(library)
    queue.enqueue([s.id for s in library.segments(project.id)], "piper")
    job = queue.claim("piper", worker_pid=1)  # claimed with the old text
    review.edit_text(library, job.segment_id, "Edited while it rendered.")
    take = _complete(queue, job)

    segment = library.segment(job.segment_id)
    assert take is not None and take.text != segment.text  # kept in the history
    assert not segment.done and segment.state == "queued"  # and rendered again
    again = queue.claim("piper", worker_pid=1)
    assert again.id == job.id and again.text == segment.text
    assert again.attempts == 1  # the stale completion is not held against it
    current = _complete(queue, again)
    assert library.segment(job.segment_id).current_take_id == current.id
    assert library.segment(job.segment_id).done


def test_another_voice_makes_a_take_stale(library, project):
    queue = JobQueue(library)
    queue.enqueue([s.id for s in library.segments(project.id)], "piper")
    while (job := queue.claim("piper", worker_pid=1)) is not None:
        _complete(queue, job)
    first = library.segments(project.id)[0]
    library.ensure_preset("joe2", "piper", "en")  # a second voice on the same backend
    review.set_voice(library, first.id, "joe2")
    assert library.segment(first.id).state == "stale"
    old_take = first.current_take_id
    with pytest.raises(UserError, match="made for another voice"):
        review.choose_take(library, first.id, old_take)


def test_a_locked_segment_without_a_take_is_not_done(library, project, tmp_path):
    first = library.segments(project.id)[0]
    review.set_locked(library, first.id, True)
    assert all(v == 0 for v in _views(library, project).values())
    assert first.id not in [s.id for s in library.segments_to_render(project)]
    queued = render.queue_project(library, project)
    assert queued.todo == 2 and [s.id for s in queued.locked] == [first.id]
    assert "locked without a current take (unlock to render): 1" in queued_line(queued)
    with pytest.raises(NotRendered, match=r"1 \(locked, and never rendered\)") as refused:
        export_project(library, project, tmp_path / "out.wav")
    assert "unlock 1 first" in refused.value.fix


def test_regenerate_of_a_queued_segment_moves_its_job_to_the_front(library, project):
    queue = JobQueue(library)
    bulk = queue.enqueue([s.id for s in library.segments(project.id)], "piper")
    last = library.segments(project.id)[2]
    result = review.regenerate(library, last.id)
    assert result.action == "raised" and result.job_id == bulk[2]
    assert "already queued" in result.describe() and "front" in result.describe()
    assert queue.claim("piper", worker_pid=1).id == bulk[2]  # it jumps the bulk jobs
    assert review.regenerate(library, last.id).action == "running"
    first = library.segments(project.id)[0]
    _complete(queue, queue.claim("piper", worker_pid=1))  # the first bulk job: done
    assert review.regenerate(library, first.id).action == "queued"  # a new job
    assert queue.active_job(first.id)["priority"] == PRIORITY_INTERACTIVE


def test_approval_is_of_a_take(library, project):
    queue = JobQueue(library)
    first = library.segments(project.id)[0]
    with pytest.raises(UserError, match="no current take to approve"):
        review.approve(library, first.id)
    queue.enqueue([first.id], "piper")
    _complete(queue, queue.claim("piper", 1))
    review.approve(library, first.id)
    assert library.segment(first.id).state == "approved"
    review.regenerate(library, first.id)
    _complete(queue, queue.claim("piper", 1), np.full(2205, 0.2, np.float32))
    assert library.segment(first.id).state == "rendered"  # a new take is not approved


def test_changing_the_projects_voice_keeps_locked_takes(library, project):
    queue = JobQueue(library)
    queue.enqueue([s.id for s in library.segments(project.id)], "piper")
    while (job := queue.claim("piper", worker_pid=1)) is not None:
        _complete(queue, job)
    first = library.segments(project.id)[0]
    review.set_locked(library, first.id, True)
    other = library.ensure_preset("joe2", "piper", "en")
    library.sync_project("p", SCRIPT, other, prepare_script(SCRIPT).segments)
    states = [s.state for s in library.segments(project.id)]
    assert states == ["rendered", "stale", "stale"]


def test_an_edit_longer_than_one_segment_is_refused(library, project):
    second = library.segments(project.id)[1]
    long_text = ", ".join(["this clause goes on and on without a full stop"] * 8) + "."
    with pytest.raises(UserError, match="segments' worth") as refused:
        review.edit_text(library, second.id, long_text)
    assert "at most 300 characters" in str(refused.value)
    assert library.segment(second.id).source == second.source  # nothing changed


def test_a_schema_2_library_keeps_its_approvals(tmp_path: Path):
    """A library written before state was derived opens with the same approvals."""
    root = tmp_path / "old"
    root.mkdir()
    conn = sqlite3.connect(root / "studio.db")
    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.executescript(
        "PRAGMA user_version = 2;"
        "INSERT INTO voices(id, name, kind, backend, language, created_at) "
        "  VALUES (1, 'joe', 'preset', 'piper', 'en', 0);"
        "INSERT INTO projects(id, name, script, voice_id, created_at, updated_at) "
        "  VALUES (1, 'old', 'A. B.', 1, 0, 0);"
        "INSERT INTO segments(id, project_id, position, paragraph, text, source, language, "
        "  pause, status) VALUES (1, 1, 0, 0, 'a', 'A.', 'en', 'sentence', 'approved'),"
        "  (2, 1, 1, 0, 'b', 'B.', 'en', 'sentence', 'rendered');"
        "INSERT INTO takes(id, segment_id, path, text, voice_id, backend, seed, sample_rate, "
        "  frames, created_at) VALUES (1, 1, 'takes/x.flac', 'a', 1, 'piper', 1, 22050, 10, 0),"
        "  (2, 2, 'takes/y.flac', 'b', 1, 'piper', 1, 22050, 10, 0);"
        "UPDATE segments SET current_take_id = id;"
    )
    conn.close()
    with Library.open(root) as library:
        assert [s.state for s in library.segments(1)] == ["approved", "rendered"]


def test_a_script_edit_never_silently_undoes_a_lock(library, project):
    """Re-splitting a script that changes a locked segment is refused, and
    nothing changes; the same script with the locked text kept goes through."""
    second = library.segments(project.id)[1]
    review.set_locked(library, second.id, True)
    joe = library.find_voice("joe")
    changed = SCRIPT.replace("The second line follows.", "The second line changed.")
    with pytest.raises(UserError, match=r"changes or removes locked segment\(s\) 2 "
                                        r"\('The second line follows.'\): unlock them"):
        library.sync_project("p", changed, joe, prepare_script(changed).segments)
    assert library.find_project("p").script == SCRIPT
    assert library.segment(second.id).locked and library.segment(second.id).position == 1
    added = SCRIPT + " A new last line."
    library.sync_project("p", added, joe, prepare_script(added).segments)
    assert [s.id for s in library.segments(project.id)][1] == second.id

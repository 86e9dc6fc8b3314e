"""Batch review in the window: several segments selected act together (lock,
approve, voice, regenerate) as one undo step, the table filters by state and
counts, a selection plays (and loops) on its own, and an applied script edit
shows no old audio and renders exactly what changed (real widgets offscreen;
takes completed by hand on the real queue, and the real engine where a render
is the point)."""

from __future__ import annotations

import numpy as np

from studio.core.jobs import JobQueue
from studio.core.planning import save_take_audio
from studio.engine.client import stop_engine
from tests.gui.helpers import make_project, show_window
from tests.gui.test_main_window import _settle

SIX = ("One is first. Two comes next. Three is here. Four follows on. "
       "Five is near the end. Six closes it.")


def _states(library, project):
    return [s.state for s in library.segments(project.id)]


def test_a_selection_locks_and_approves_together_in_one_undo_step(qtbot, library):
    project = make_project(library, "b", rendered=True, script=SIX)
    window = show_window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        assert len(view.segments.rows) == 6
        view.select_ids([view.segments.rows[i]["id"] for i in (1, 2, 4)],
                        view.segments.rows[1]["id"])
        assert panel.selected == [view.segments.rows[i]["id"] for i in (1, 2, 4)]
        assert panel.buttons["approve"].text() == "Approve (3)"
        assert not panel.buttons["edit"].isEnabled()  # one segment's text at a time
        panel.toggle_approve()
        assert _states(library, project) == ["rendered", "approved", "approved",
                                             "rendered", "approved", "rendered"]
        assert panel.buttons["approve"].text() == "Unapprove (3)"  # the selection stayed
        assert window.undo.undoText() == "Approve 3 segments"  # "Undo Approve 3 segments"
        assert view.selected_ids() == panel.selected
        panel.toggle_lock()
        assert window.undo.undoText() == "Lock 3 segments"
        assert [s.locked for s in library.segments(project.id)] == [
            False, True, True, False, True, False]
        window.undo.undo()  # the lock, all three at once
        assert not any(s.locked for s in library.segments(project.id))
        window.undo.undo()  # the approval
        assert _states(library, project) == ["rendered"] * 6
        window.undo.redo()
        assert _states(library, project).count("approved") == 3
        assert "Approved 3 / 6" in view.counts.text()
        view.select_ids([view.segments.rows[0]["id"]], view.segments.rows[0]["id"])
        panel.toggle_approve()
        assert window.undo.undoText() == "Approve 1 segment"
        view.select_ids([view.segments.rows[i]["id"] for i in (1, 2)], view.segments.rows[1]["id"])
        assert panel.buttons["regenerate"].text() == "Regenerate (2)"
        view.select_ids([], None)  # nothing selected: the disabled buttons count nothing
        assert not panel.buttons["regenerate"].isEnabled()
        assert [panel.buttons[name].text() for name in ("regenerate", "lock", "approve")] == [
            "Regenerate", "Lock", "Approve"]
    finally:
        window.close()


def test_render_all_waits_for_a_segment_to_render(qtbot, library):
    """An empty project has nothing to render: the button says so instead of
    queueing nothing."""
    library.create_project("empty", library.find_voice("joe"))
    window = show_window(qtbot, library)
    view = window.projects
    try:
        names = [r["name"] for r in view.projects.rows]
        view.project_list.setCurrentIndex(view.projects.index(names.index("empty"), 0))
        view.refresh()
        assert not view.render_button.isEnabled()
        assert "Nothing to render yet" in view.render_button.toolTip()
        make_project(library, "full")
        view.refresh()
        names = [r["name"] for r in view.projects.rows]
        view.project_list.setCurrentIndex(view.projects.index(names.index("full"), 0))
        view.refresh()
        assert view.render_button.isEnabled()
    finally:
        window.close()


def test_a_batch_names_what_it_left_alone(qtbot, library):
    project = make_project(library, "mixed", script=SIX)  # nothing rendered
    queue = JobQueue(library)
    first = library.segments(project.id)[0]
    queue.enqueue([first.id], "piper")
    job = queue.claim("piper", worker_pid=1)
    queue.complete(job, path=save_take_audio(library, np.full(2205, 0.1, np.float32), 22050),
                   backend="piper", sample_rate=22050, frames=2205)
    window = show_window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        view.select_ids([r["id"] for r in view.segments.rows[:3]])
        panel.toggle_approve()
        assert _states(library, project)[:3] == ["approved", "pending", "pending"]
        message = window.statusBar().currentMessage()
        assert "1 segment changed" in message and "2 left as they are" in message
        assert "segment 2 has no current take" in message
        before = window.undo.count()
        view.select_ids([r["id"] for r in view.segments.rows[3:]])
        panel.toggle_approve()  # none can be approved: said, and no empty undo step
        assert window.undo.count() == before
        assert _states(library, project)[3:] == ["pending"] * 3
    finally:
        window.close()


def test_the_filter_shows_one_state_and_the_counts_add_up(qtbot, library):
    project = make_project(library, "f", rendered=True, script=SIX)
    from studio.core import review

    ids = [s.id for s in library.segments(project.id)]
    review.approve(library, ids[0])
    review.set_locked(library, ids[0], True)
    review.edit_text(library, ids[3], "Four has changed.")
    window = show_window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        assert view.counts.text() == ("Approved 1 / 6 · not approved 4 · not rendered 1 · "
                                      "failed 0 · locked 1")
        labels = [view.filter_picker.itemText(i) for i in range(view.filter_picker.count())]
        assert labels[:4] == ["All segments (6)", "Needs review (0)", "Not approved (4)",
                              "Not rendered (1)"]
        view.filter_picker.setCurrentIndex(view.filter_picker.findData("todo"))
        assert view.table.model().rowCount() == 1
        view.table.selectRow(0)
        assert panel.segment.id == ids[3]  # the row shown is the segment acted on
        assert panel.waveform.envelope is None or len(panel.waveform.envelope) == 0
        assert view.segments.rows[3]["duration_s"] is None  # no old length by new text
        view.filter_picker.setCurrentIndex(view.filter_picker.findData("review"))
        assert view.table.model().rowCount() == 4
        view.table.selectAll()
        assert panel.selected == [ids[1], ids[2], ids[4], ids[5]]
        panel.toggle_approve()  # approves what the filter shows, nothing hidden
        assert _states(library, project) == ["approved", "approved", "approved", "stale",
                                             "approved", "approved"]
        assert view.table.model().rowCount() == 0  # approved: no longer not approved
        assert panel.segment is None  # and nothing is left to act on
    finally:
        window.close()


def test_apply_renders_what_changed_and_shows_no_old_audio(qtbot, library):
    project = make_project(library, "apply", rendered=True, script=SIX)
    window = show_window(qtbot, library)
    view = window.projects
    try:
        kept = [r["id"] for r in view.segments.rows]
        view.script.setPlainText(SIX.replace("Three is here.", "Three is over there."))
        view.apply_button.click()
        qtbot.waitUntil(lambda: view.segments.rows[2]["id"] not in kept, timeout=30000)
        row = view.segments.rows[2]
        assert row["text"] == "Three is over there." and row["duration_s"] is None
        assert [r["id"] for i, r in enumerate(view.segments.rows) if i != 2] == \
            kept[:2] + kept[3:]  # the others keep their takes
        jobs = library.conn.execute("SELECT segment_id FROM jobs WHERE state IN "
                                    "('queued', 'running', 'done')").fetchall()
        assert {r[0] for r in jobs} - set(kept) == {row["id"]}  # that one, and only it
        qtbot.waitUntil(lambda: "1 segment(s) to render" in window.statusBar().currentMessage(),
                        timeout=30000)
        qtbot.waitUntil(lambda: view.segments.rows[2]["status"] == "rendered",
                        timeout=120000)
        assert view.segments.rows[2]["duration_s"] > 0.5  # real speech from the engine
        assert _states(library, project).count("rendered") == 6
    finally:
        _settle(qtbot)
        stop_engine(library.root)
        JobQueue(library).cancel(project_id=project.id)  # closing asks nothing then
        window.close()


def test_a_selection_plays_on_its_own_and_loops(qtbot, library):
    make_project(library, "loop", rendered=True, script=SIX)
    window = show_window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        rows = view.segments.rows
        view.select_ids([rows[2]["id"], rows[3]["id"]], rows[2]["id"])
        panel.transport.loop.setChecked(True)
        panel.play_from_here()
        qtbot.waitUntil(lambda: panel.playing is not None, timeout=10000)
        assert [span[0] for span in panel.playing.spans] == [rows[2]["id"], rows[3]["id"]]
        assert panel.transport.what.text() == "segments 3 to 4"
        first = panel.playing
        qtbot.waitUntil(lambda: panel.playing is not None and panel.playing is not first,
                        timeout=10000)  # the loop: the selection again, not the rest
        assert [span[0] for span in panel.playing.spans] == [rows[2]["id"], rows[3]["id"]]
        panel.transport.loop.setChecked(False)
        qtbot.waitUntil(lambda: panel.playing is None, timeout=10000)
    finally:
        panel.stop()
        _settle(qtbot)
        window.close()


def test_a_take_of_an_old_pronunciation_says_so(qtbot, library):
    """After a lexicon change the old take is "(other pronunciation)", not
    "(other voice)": the voice did not change."""
    from studio.text.lexicon import Entry

    project = make_project(library, "said", rendered=True, script=SIX)
    library.set_lexicon([Entry("Three", alias="Tree")], project.id)
    window = show_window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        third = view.segments.rows[2]["id"]
        view.select_ids([third], third)
        labels = [panel.takes.itemText(i) for i in range(panel.takes.count())]
        assert len(labels) == 1 and labels[0].endswith("(other pronunciation)"), labels
    finally:
        window.close()

"""Nothing in the window acts on a segment the user is not looking at, and an
undone edit gives the segment its take back (real widgets offscreen; takes
completed by hand on the real queue, so no engine is needed)."""

from __future__ import annotations

from studio.core.jobs import JobQueue
from studio.core.planning import ensure_presets
from studio.core.store import Library
from tests.gui.helpers import make_project, show_window


def test_switching_projects_leaves_nothing_to_act_on(qtbot, library_dir) -> None:
    library = Library.open(library_dir)
    ensure_presets(library)
    first = make_project(library, "a first", rendered=True)
    make_project(library, "b second", rendered=True)
    window = show_window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        view.project_list.setCurrentIndex(view.projects.index(0, 0))
        view.table.selectRow(2)
        assert panel.segment is not None and panel.segment.project_id == first.id
        assert view.timeline.selected is not None
        view.project_list.setCurrentIndex(view.projects.index(1, 0))  # another project
        assert panel.segment is None
        assert view.timeline.selected is None  # nothing shown as selected either
        assert not panel.buttons["approve"].isEnabled()
        panel.toggle_approve()  # A: nothing selected, nothing approved
        assert [s.state for s in library.segments(first.id)] == ["rendered"] * 3
    finally:
        window.close()
        library.close()


def test_undo_of_an_edit_gives_the_take_back(qtbot, library_dir) -> None:
    from studio.ui.views.segment_panel import EditTextCommand

    library = Library.open(library_dir)
    ensure_presets(library)
    project = make_project(library, "u", rendered=True)
    window = show_window(qtbot, library)
    view = window.projects
    try:
        view.refresh()
        segment = library.segments(project.id)[1]
        window.undo.push(EditTextCommand(library, segment.id, segment.source,
                                         "An edited line.", view.refresh))
        assert [r["status"] for r in view.segments.rows] == ["rendered", "stale", "rendered"]
        qtbot.waitUntil(lambda: view.progress.value() == 2, timeout=5000)
        window.undo.undo()  # Ctrl+Z: the old text, and with it the old take, is current again
        assert [r["status"] for r in view.segments.rows] == ["rendered"] * 3
        qtbot.waitUntil(lambda: view.progress.value() == 3, timeout=5000)
        assert library.segments_to_render(project) == []
    finally:
        window.close()
        library.close()


def test_locks_and_a_paused_project_show(qtbot, library_dir) -> None:
    """A lock is visible in the table; a paused project promises no time left."""
    from studio.core import review

    library = Library.open(library_dir)
    ensure_presets(library)
    project = make_project(library, "p")
    first = library.segments(project.id)[0]
    review.set_locked(library, first.id, True)
    JobQueue(library).enqueue([s.id for s in library.segments(project.id)[1:]], "piper")
    JobQueue(library).set_paused(project.id, True)
    window = show_window(qtbot, library)
    view = window.projects
    try:
        view.refresh()
        shown = [view.segments.data(view.segments.index(row, 3)) for row in range(3)]
        assert shown == ["not rendered · locked", "queued", "queued"]
        assert "paused" in view.progress.format() and "left" not in view.progress.format()
    finally:
        JobQueue(library).cancel(project_id=project.id)  # else closing asks about them
        window.close()
        library.close()


def test_f2_edits_in_a_dialog_that_wraps_and_undo_restores(qtbot, library_dir) -> None:
    from PySide6.QtCore import Qt

    library = Library.open(library_dir)
    ensure_presets(library)
    project = make_project(library, "f2", rendered=True)
    window = show_window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        view.table.selectRow(1)
        panel.edit()
        dialog = panel.dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.editor.lineWrapMode() != dialog.editor.LineWrapMode.NoWrap
        dialog.editor.setPlainText("The second line, now said another way entirely.")
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        segment = library.segments(project.id)[1]
        assert segment.source == "The second line, now said another way entirely."
        assert segment.state == "stale"
        window.undo.undo()
        segment = library.segments(project.id)[1]
        assert segment.source == "The second line follows." and segment.state == "rendered"
    finally:
        window.close()
        library.close()

"""The project lifecycle in the window: a pasted script makes a project, New,
Rename, Duplicate, Delete (to the trash) with Undo, the project's voice picked
in its bar, the project reopened, and an honest state with no project (real
widgets offscreen; takes completed by hand on the queue, no engine)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from studio.core.jobs import JobQueue
from studio.core.planning import ensure_presets
from studio.core.store import Library
from tests.gui.helpers import SCRIPT, make_project, show_window


def _names(view) -> list[str]:
    return [row["name"] for row in view.projects.rows]


def test_no_project_promises_nothing(qtbot, library_dir) -> None:
    library = Library.open(library_dir)
    ensure_presets(library)
    window = show_window(qtbot, library)
    view = window.projects
    try:
        view.refresh()
        assert "0 / 1" not in view.progress.text()
        assert not view.render_button.isEnabled()
        assert not window.actions_["export"].isEnabled()
        assert not window.actions_["delete"].isEnabled()
        assert window.actions_["new"].isEnabled()
    finally:
        window.close()
        library.close()


def test_pasting_into_an_empty_library_asks_a_name_and_creates_segments(
        qtbot, library_dir) -> None:
    library = Library.open(library_dir)
    ensure_presets(library)
    window = show_window(qtbot, library)
    view = window.projects
    try:
        view.tabs.setCurrentIndex(1)  # the Script tab
        view.script.setPlainText(SCRIPT)  # pasted
        view.apply_button.click()  # no project yet: asks its name instead of nothing
        dialog = getattr(view, "dialog", None)
        assert dialog is not None and dialog.isVisible()
        assert dialog.voice_box.currentText() == "joe"  # the library's default voice
        dialog.accept()  # an empty name is refused, with a message
        assert dialog.isVisible() and "needs a name" in dialog.problem.text()
        dialog.name_edit.setText("Pasted")
        dialog.accept()
        qtbot.waitUntil(lambda: len(view.segments.rows) == 3, timeout=30000)
        assert _names(view) == ["Pasted"] and view.current_project().name == "Pasted"
        assert view.render_button.isEnabled() and window.actions_["export"].isEnabled()
        assert view.progress.text().startswith("0 / 3")
        window.undo.undo()  # the first Apply undone: an empty project again, no error
        assert view.segments.rows == [] and library.find_project("Pasted").script == ""
        window.undo.redo()
        qtbot.waitUntil(lambda: len(view.segments.rows) == 3, timeout=30000)
    finally:
        window.close()
        library.close()


def test_new_project_then_paste_and_apply(qtbot, library_dir) -> None:
    library = Library.open(library_dir)
    ensure_presets(library)
    make_project(library, "existing")
    window = show_window(qtbot, library)
    view = window.projects
    try:
        window.actions_["new"].trigger()  # Ctrl+N
        dialog = view.dialog
        dialog.name_edit.setText("EXISTING")
        dialog.accept()
        assert dialog.isVisible() and "already a project" in dialog.problem.text()
        dialog.name_edit.setText("fresh")
        dialog.accept()
        assert view.current_project().name == "fresh"
        assert view.tabs.currentWidget() is view.script_page
        assert view.script.toPlainText() == "" and view.segments.rows == []
        assert view.progress.format().startswith("No segments yet")  # not "0 / 1"
        view.script.setPlainText(SCRIPT)
        view.apply_button.click()
        qtbot.waitUntil(lambda: len(view.segments.rows) == 3, timeout=30000)
        assert library.find_project("fresh").script == SCRIPT
        assert len(library.segments(library.find_project("existing").id)) == 3  # untouched
    finally:
        window.close()
        library.close()


def test_rename_duplicate_and_delete_with_undo(qtbot, library_dir, monkeypatch) -> None:
    library = Library.open(library_dir)
    ensure_presets(library)
    project = make_project(library, "a", rendered=True)
    window = show_window(qtbot, library)
    view = window.projects
    try:
        view.select_project("a")
        window.actions_["rename"].trigger()
        view.dialog.name_edit.setText("b")
        view.dialog.accept()
        assert _names(view) == ["b"] and view.current_project().id == project.id
        window.undo.undo()
        assert _names(view) == ["a"]
        window.undo.redo()
        assert _names(view) == ["b"]

        window.actions_["duplicate"].trigger()
        assert view.dialog.name() == "b copy"
        view.dialog.accept()
        assert _names(view) == ["b", "b copy"] and view.current_project().name == "b copy"
        assert [r["status"] for r in view.segments.rows] == ["rendered"] * 3  # takes kept
        window.undo.undo()  # the copy goes to the trash
        assert _names(view) == ["b"]
        window.undo.redo()
        assert _names(view) == ["b", "b copy"]

        asked: list[str] = []

        def question(parent, title, text, *args):
            asked.append(text)
            return QMessageBox.StandardButton.No if len(asked) == 1 else \
                QMessageBox.StandardButton.Yes

        monkeypatch.setattr(QMessageBox, "question", question)
        view.select_project("b")
        window.actions_["delete"].trigger()  # asks; No leaves it
        assert _names(view) == ["b", "b copy"] and "trash" in asked[0]
        window.actions_["delete"].trigger()
        assert _names(view) == ["b copy"] and [r["name"] for r in library.trash()] == ["b"]
        window.undo.undo()  # nothing is lost by one click
        assert _names(view) == ["b", "b copy"] and view.current_project().name == "b"
        assert [s.state for s in library.segments(project.id)] == ["rendered"] * 3
    finally:
        window.close()
        library.close()


def test_voice_picker_changes_the_project_voice_and_offers_a_render(
        qtbot, library_dir, monkeypatch) -> None:
    from studio.service import engine
    from studio.ui.tasks import wait_for_tasks

    library = Library.open(library_dir)
    ensure_presets(library)
    ann = library.ensure_preset("ann", "piper", "en")
    project = make_project(library, "a", rendered=True)
    first = library.segments(project.id)[0]
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET locked = 1 WHERE id = ?", (first.id,))
    window = show_window(qtbot, library)
    view = window.projects
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: (
        asked.append(text), QMessageBox.StandardButton.Yes)[1])
    started: list[object] = []
    monkeypatch.setattr(engine, "ensure_engine", lambda root: started.append(root))
    try:
        view.refresh()
        assert view.voice_picker.currentText() == "joe"
        index = view.voice_picker.findText("ann")
        view.voice_picker.setCurrentIndex(index)
        view.voice_picker.activated.emit(index)  # as a user's pick does
        assert library.find_project("a").voice_id == ann.id
        assert asked and asked[0].startswith("2 segments now need rendering")
        assert library.segments(project.id)[0].state == "rendered"  # the lock keeps its voice
        qtbot.waitUntil(lambda: started != [], timeout=10000)
        assert wait_for_tasks(10000)
        qtbot.wait(50)  # the engine check's answer refreshes the view
        queued = JobQueue(library).counts(kind="render").get("queued", 0)
        assert queued == 2
        assert "ann" in view.voice_label.text()
    finally:
        window.close()
        library.close()


def test_reopening_selects_the_project_left(qtbot, library_dir) -> None:
    library = Library.open(library_dir)
    ensure_presets(library)
    for name in ("a", "b", "c"):
        make_project(library, name)
    with library.transaction() as conn:  # "a" is the most recently modified
        conn.execute("UPDATE projects SET updated_at = updated_at + 1000 WHERE name = 'a'")
    window = show_window(qtbot, library)
    try:
        view = window.projects
        view.project_list.setCurrentIndex(view.projects.index(1, 0))  # the user picks "b"
    finally:
        window.close()
    again = show_window(qtbot, library)
    try:
        assert again.projects.current_project().name == "b"
    finally:
        again.close()
        library.close()

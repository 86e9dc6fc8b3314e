"""The keyboard in the segments table, the find bar and the F2 dialog, as a
person uses them in the window: a key that moves the table's cursor moves
its selection (an action never applies to a row out of sight), Escape
closes the find bar, which counts only the rows the filter shows and
forgets its message in another project, and Return keeps an F2 edit."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studio.core.planning import ensure_presets
from studio.core.store import Library
from tests.gui.helpers import make_project, show_window

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
LONG_SCRIPT = " ".join(f"Sentence number {n} is here." for n in range(1, 61))


@pytest.fixture
def table(qtbot, library: Library) -> Any:
    """A shown segments table over sixty segments (more than fit in view)."""
    from studio.ui.views.segments_table import SegmentsTable

    project = make_project(library, "long", script=LONG_SCRIPT)
    view = SegmentsTable(library)
    qtbot.addWidget(view)
    view.set_rows(library.segment_rows(project.id))
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    view.setFocus()
    view.selectRow(0)
    return view


def _numbers(view: Any) -> list[int]:
    return [view.segments.rows[view.shown.source_row(i.row())]["number"]
            for i in sorted(view.selectionModel().selectedRows(), key=lambda i: i.row())]


def _in_view(view: Any, row: int) -> bool:
    return view.viewport().rect().intersects(view.visualRect(view.shown.index(row, 0)))


@pytest.mark.parametrize(("key", "modifiers", "number"), [
    (Qt.Key.Key_End, CTRL, 60), (Qt.Key.Key_End, NONE, 60),
    (Qt.Key.Key_PageDown, NONE, None), (Qt.Key.Key_PageDown, CTRL, None),
    (Qt.Key.Key_Down, NONE, 2), (Qt.Key.Key_Down, CTRL, 2),
])
def test_a_key_that_moves_the_cursor_moves_the_selection(qtbot, table, key, modifiers,
                                                         number) -> None:
    qtbot.keyClick(table, key, modifiers)
    row = table.currentIndex().row()
    assert row > 0 and _numbers(table) == [row + 1]  # the cursor's row, alone
    assert number is None or row + 1 == number
    assert _in_view(table, row) and table.current_id() is not None


def test_back_up_with_home_page_up_and_the_arrows(qtbot, table) -> None:
    qtbot.keyClick(table, Qt.Key.Key_End, CTRL)
    qtbot.keyClick(table, Qt.Key.Key_PageUp)
    assert 1 < table.currentIndex().row() < 59 and len(_numbers(table)) == 1
    qtbot.keyClick(table, Qt.Key.Key_Up, CTRL)
    assert _numbers(table) == [table.currentIndex().row() + 1]
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
    assert _numbers(table) == [1] and _in_view(table, 0)
    qtbot.keyClick(table, Qt.Key.Key_End)
    qtbot.keyClick(table, Qt.Key.Key_Home)  # a row table: the first row, as in the document
    assert _numbers(table) == [1]


def test_shift_still_extends(qtbot, table) -> None:
    qtbot.keyClick(table, Qt.Key.Key_Down, SHIFT)
    qtbot.keyClick(table, Qt.Key.Key_Down, SHIFT)
    assert _numbers(table) == [1, 2, 3]
    qtbot.keyClick(table, Qt.Key.Key_End, CTRL | SHIFT)  # to the end, from the anchor
    assert _numbers(table) == list(range(1, 61))
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
    assert _numbers(table) == [1]
    qtbot.keyClick(table, Qt.Key.Key_End, SHIFT)
    assert _numbers(table) == list(range(1, 61))


def test_ctrl_end_then_a_approves_the_row_in_view(qtbot, library_dir) -> None:
    library = Library.open(library_dir)
    ensure_presets(library)
    project = make_project(library, "long", rendered=True, script=LONG_SCRIPT)
    window = show_window(qtbot, library)
    view = window.projects
    try:
        view.refresh()
        qtbot.waitExposed(window)
        window.activateWindow()  # the panel's one-key shortcuts are the window's
        qtbot.waitUntil(window.isActiveWindow)
        view.table.setFocus()
        view.table.selectRow(0)
        qtbot.keyClick(view.table, Qt.Key.Key_End, CTRL)
        assert view.panel.segment is not None and view.panel.segment.number == 60
        qtbot.keyClick(view.table, "a")  # A: approve
        states = [s.state for s in library.segments(project.id)]
        assert states[-1] == "approved" and states[:-1] == ["rendered"] * 59
    finally:
        window.close()
        library.close()


# ------------------------------------------------------------ the find bar
def test_escape_closes_the_find_bar_in_the_window(qtbot, library_dir) -> None:
    library = Library.open(library_dir)
    ensure_presets(library)
    make_project(library, "a first", rendered=True)
    make_project(library, "b second", rendered=True)
    window = show_window(qtbot, library)
    view = window.projects
    try:
        qtbot.waitExposed(window)
        window.activateWindow()
        view.project_list.setCurrentIndex(view.projects.index(0, 0))
        bar = view.find_bar
        bar.open_find()
        qtbot.waitUntil(bar.find_field.hasFocus)
        qtbot.keyClicks(bar.find_field, "line")
        assert bar.count.text() == "1 of 2"
        bar.message.setText("Replaced 2 matches in 2 segments.")  # as a replace leaves it
        view.project_list.setCurrentIndex(view.projects.index(1, 0))  # another project
        assert bar.message.text() == ""
        qtbot.keyClick(bar.find_field, Qt.Key.Key_Escape)
        assert not bar.isVisible()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is view.table)
        bar.open_find()  # again; a click on the found row puts the keyboard in the table
        qtbot.waitUntil(bar.find_field.hasFocus)
        view.table.setFocus()
        qtbot.waitUntil(view.table.hasFocus)
        qtbot.keyClick(view.table, Qt.Key.Key_Escape)
        assert not bar.isVisible() and view.table.hasFocus()
        qtbot.keyClick(view.table, Qt.Key.Key_Escape)  # closed: nothing more to do
        assert not bar.isVisible()
    finally:
        window.close()
        library.close()


def test_the_count_counts_only_the_shown_rows(qtbot, library) -> None:
    from PySide6.QtGui import QUndoStack

    from studio.ui.views.segments_tab import SegmentsTab

    project = make_project(library, "p", rendered=True)
    tab = SegmentsTab(library, QUndoStack(), lambda: None, lambda *_: None)
    qtbot.addWidget(tab)
    rows = library.segment_rows(project.id)
    rows[1]["status"] = "flagged"  # as the store reads a segment that needs review
    tab.table.set_rows(rows)
    tab.show_counts()
    tab.show()
    bar = tab.find_bar
    bar.open_find("line")
    assert bar.count.text() == "1 of 2"  # "first line", "second line"
    bar.message.setText("Replaced 1 match.")
    tab.filter_bar.choose("flagged")
    assert bar.count.text() == "1 of 1"  # the second line alone is shown
    assert bar.message.text() == "Replaced 1 match."  # the same project
    assert bar.current() is not None and bar.current().segment_id == rows[1]["id"]
    tab.filter_bar.choose("all")
    assert bar.count.text() == "1 of 2"


# ------------------------------------------------------------ the F2 dialog
def test_return_keeps_the_edit_and_shift_return_adds_no_line(qtbot) -> None:
    from studio.ui.views.edit_dialog import EditDialog

    dialog = EditDialog(3, "Old words.")
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.editor.setPlainText("New words.")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, SHIFT)  # one paragraph: no new line
    assert dialog.isVisible() and "\n" not in dialog.editor.toPlainText()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Return)
    assert dialog.text() == "New words." and not dialog.isVisible()
    assert "Enter" in dialog.buttons.button(dialog.buttons.StandardButton.Ok).toolTip()


def test_return_on_an_empty_text_keeps_the_dialog_open(qtbot) -> None:
    from studio.ui.views.edit_dialog import EditDialog

    dialog = EditDialog(3, "Old words.")
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.editor.setPlainText("   ")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Enter)
    assert dialog.isVisible() and dialog.result() == 0
    dialog.reject()

"""The find bar with real widgets on a real library: it searches the rows in
memory as you type, steps through matches, and replaces through the undo
stack (the library's texts checked after each replace, undo and redo)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow

from studio.core import review
from studio.core.store import Library, Project
from studio.errors import UserError
from tests.conftest import snapshot
from tests.gui.helpers import SCRIPT, make_project

SHIFT = Qt.KeyboardModifier.ShiftModifier


@dataclass
class Setup:
    """A bar over a project's rows, refreshed like the view refreshes them."""

    library: Library
    project: Project
    bar: Any
    undo: QUndoStack
    rows: list[dict[str, Any]]
    errors: list[Exception] = field(default_factory=list)
    found: list[tuple[int, int, int]] = field(default_factory=list)
    said: list[str] = field(default_factory=list)

    def refresh(self) -> None:  # as the page does: its rows, then the bar
        self.rows = self.library.segment_rows(self.project.id)
        if self.bar is not None:
            self.bar.refresh()

    def sources(self) -> list[str]:
        return [s.source for s in self.library.segments(self.project.id)]

    def script(self) -> str:
        found = self.library.find_project(self.project.name)
        assert found is not None
        return found.script


@pytest.fixture
def setup(qtbot, library: Library) -> Setup:
    from studio.ui.views.find_bar import FindBar

    project = make_project(library, "p", rendered=True)
    undo = QUndoStack()
    state = Setup(library, project, None, undo, library.segment_rows(project.id))
    bar = FindBar(library, undo, rows=lambda: state.rows, changed=state.refresh,
                  on_error=lambda err, *details: state.errors.append(err))
    bar.found.connect(lambda *match: state.found.append(match))
    bar.said.connect(state.said.append)
    qtbot.addWidget(bar)
    bar.resize(900, 60)
    state.bar = bar
    return state


def test_typing_finds_and_counts_without_asking_the_store(qtbot, setup: Setup) -> None:
    bar, library = setup.bar, setup.library
    first, second, _third = (row["id"] for row in setup.rows)
    bar.open_find()
    assert bar.isVisible() and not bar.replace_row.isVisible()
    queries: list[str] = []
    library.conn.set_trace_callback(queries.append)
    try:
        qtbot.keyClicks(bar.find_field, "line")
    finally:
        library.conn.set_trace_callback(None)
    assert queries == []  # the rows in memory, not a query per keystroke
    assert bar.count.text() == "1 of 2"
    assert setup.found[-1] == (first, 10, 14)
    assert setup.rows[0]["text"][10:14] == "line"
    qtbot.keyClick(bar.find_field, Qt.Key.Key_Return)
    assert bar.count.text() == "2 of 2" and setup.found[-1] == (second, 11, 15)
    qtbot.keyClicks(bar.find_field, "zz")
    assert bar.count.text() == "No results" and setup.found[-1] == (-1, 0, 0)
    assert not bar.next_button.isEnabled()


def test_next_and_previous_wrap(qtbot, setup: Setup) -> None:
    bar = setup.bar
    bar.open_find("the")
    assert bar.count.text() == "1 of 3"
    for expected in ("2 of 3", "3 of 3", "1 of 3"):  # Enter: next, after the last the first
        qtbot.keyClick(bar.find_field, Qt.Key.Key_Return)
        assert bar.count.text() == expected
    qtbot.keyClick(bar.find_field, Qt.Key.Key_Return, SHIFT)  # before the first, the last
    assert bar.count.text() == "3 of 3"
    qtbot.keyClick(bar.find_field, Qt.Key.Key_F3)
    assert bar.count.text() == "1 of 3"
    qtbot.keyClick(bar.case, Qt.Key.Key_F3, SHIFT)  # F3 anywhere in the bar
    assert bar.count.text() == "3 of 3"
    bar.previous_button.click()
    assert bar.count.text() == "2 of 3"
    first, second, third = (row["id"] for row in setup.rows)
    assert [m[0] for m in setup.found[-3:]] == [first, third, second]


def test_options(qtbot, setup: Setup) -> None:
    bar = setup.bar
    bar.open_find("LINE")
    assert bar.count.text() == "1 of 2"
    bar.case.setChecked(True)
    assert bar.count.text() == "No results"
    bar.case.setChecked(False)
    bar.words.setChecked(True)
    bar.find_field.setText("lin")
    assert bar.count.text() == "No results"  # not part of "line"
    bar.words.setChecked(False)
    assert bar.count.text() == "1 of 2"
    bar.find_field.setText("l.ne")
    assert bar.count.text() == "No results"  # as written: a dot is a dot
    bar.regex.setChecked(True)
    assert bar.count.text() == "1 of 2"
    bar.find_field.setText("(line")
    assert bar.count.text() == "Invalid pattern"
    assert "missing ), unterminated subpattern" in bar.count.toolTip()
    assert setup.errors == []  # said beside the field while typing, no dialog
    assert not bar.replace_all_button.isEnabled()


def test_replace_all_undo_and_redo(qtbot, setup: Setup) -> None:
    bar, undo, library = setup.bar, setup.undo, setup.library
    takes = [s.current_take_id for s in library.segments(setup.project.id)]
    before = snapshot(library.root)
    bar.open_replace("line")
    assert bar.replace_row.isVisible()
    bar.replace_field.setText("row")
    bar.replace_all_button.click()  # planned in the helper process
    qtbot.waitUntil(lambda: undo.count() == 1, timeout=60000)
    assert setup.sources() == ["The first row is here.", "The second row follows.",
                               "The last one ends it."]
    assert setup.script() == SCRIPT.replace("line", "row")
    assert setup.said[-1] == "Replaced 2 matches in 2 segments."
    assert bar.count.text() == "No results"  # searched again in the refreshed rows
    assert [r["status"] for r in setup.rows] == ["stale", "stale", "rendered"]

    undo.undo()
    assert setup.sources() == ["The first line is here.", "The second line follows.",
                               "The last one ends it."]
    assert setup.script() == SCRIPT
    assert [r["status"] for r in setup.rows] == ["rendered"] * 3  # the old takes, no render
    assert [s.current_take_id for s in library.segments(setup.project.id)] == takes
    assert snapshot(library.root) == before
    assert bar.count.text() == "1 of 2"

    undo.redo()
    assert setup.sources()[:2] == ["The first row is here.", "The second row follows."]
    assert setup.script() == SCRIPT.replace("line", "row")
    assert setup.errors == []


def test_replace_one_then_the_next(qtbot, setup: Setup) -> None:
    bar, undo = setup.bar, setup.undo
    bar.open_replace("line")
    bar.replace_field.setText("lines")  # the replacement holds the pattern again
    bar.replace_button.click()
    assert undo.count() == 1
    assert setup.sources()[:2] == ["The first lines is here.", "The second line follows."]
    # on to the next match, not the one just written
    assert bar.count.text() == "2 of 2"
    assert setup.found[-1] == (setup.rows[1]["id"], 11, 15)
    bar.replace_button.click()
    assert setup.sources()[:2] == ["The first lines is here.", "The second lines follows."]
    assert undo.count() == 2
    undo.undo()
    undo.undo()
    assert setup.sources()[:2] == ["The first line is here.", "The second line follows."]
    assert setup.script() == SCRIPT


def test_locked_segments_are_left_and_reported(qtbot, setup: Setup) -> None:
    bar, undo, library = setup.bar, setup.undo, setup.library
    first, second, third = (row["id"] for row in setup.rows)
    review.set_locked(library, first, True)
    review.set_locked(library, third, True)
    setup.refresh()
    bar.open_replace("The")
    bar.case.setChecked(True)
    bar.replace_field.setText("This")
    bar.replace_all_button.click()
    qtbot.waitUntil(lambda: undo.count() == 1, timeout=60000)
    assert setup.sources() == ["The first line is here.", "This second line follows.",
                               "The last one ends it."]
    assert setup.said[-1] == ("Replaced 1 match. "
                              "2 locked segments were left as they are: 1, 3")
    assert bar.message.text() == setup.said[-1]

    assert bar.count.text() == "1 of 2"  # the locked ones are still found
    bar.replace_button.click()  # the current match is in a locked segment
    assert setup.said[-1] == "1 locked segment was left as it is: 1"
    assert undo.count() == 1 and bar.count.text() == "2 of 2"  # nothing pushed, moved on
    assert library.segment(first).source == "The first line is here."
    assert setup.errors == []
    assert second in [row["id"] for row in setup.rows]


def test_a_refusal_shows_the_error_and_changes_nothing(qtbot, setup: Setup) -> None:
    bar, undo, library = setup.bar, setup.undo, setup.library
    before = snapshot(library.root)
    bar.open_replace(".+")
    bar.regex.setChecked(True)
    bar.replace_field.setText("")
    bar.replace_all_button.click()
    qtbot.waitUntil(lambda: bool(setup.errors), timeout=60000)
    assert isinstance(setup.errors[0], UserError)
    assert "segments 1, 2, 3 would have nothing left to speak" in str(setup.errors[0])
    assert bar.replace_all_button.isEnabled()  # ready again

    bar.regex.setChecked(False)
    bar.find_field.setText("here")
    bar.replace_field.setText("and so on, " * 40)
    bar.replace_button.click()
    assert "segment 1 would be more than one segment's worth" in str(setup.errors[1])
    assert undo.count() == 0
    assert snapshot(library.root) == before


def test_an_undo_the_library_no_longer_fits_is_refused(qtbot, setup: Setup) -> None:
    bar, undo, library = setup.bar, setup.undo, setup.library
    bar.open_replace("line")
    bar.replace_field.setText("row")
    bar.replace_all_button.click()
    qtbot.waitUntil(lambda: undo.count() == 1, timeout=60000)
    review.edit_text(library, setup.rows[0]["id"], "Changed by another program.")
    before = snapshot(library.root)
    undo.undo()
    assert "segment 1 has been changed meanwhile" in str(setup.errors[-1])
    assert undo.count() == 0  # dropped: nothing to redo either
    assert snapshot(library.root) == before


def test_open_close_and_keys(qtbot, setup: Setup) -> None:
    from studio.ui.views.find_bar import FindBar

    window = QMainWindow()
    qtbot.addWidget(window)
    regenerate = QAction("Regenerate", window)  # a one-key window shortcut, as the panel has
    regenerate.setShortcut(QKeySequence("R"))
    window.addAction(regenerate)
    triggered: list[bool] = []
    regenerate.triggered.connect(lambda: triggered.append(True))
    bar = FindBar(setup.library, setup.undo, rows=lambda: setup.rows, changed=setup.refresh,
                  on_error=setup.errors.append)
    window.setCentralWidget(bar)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    assert not bar.isVisible()
    bar.open_find()
    qtbot.waitUntil(bar.find_field.hasFocus)
    qtbot.keyClicks(bar.find_field, "here")
    assert triggered == []  # typing "r" goes to the field
    assert bar.count.text() == "1 of 1"
    closed: list[bool] = []
    bar.closed.connect(lambda: closed.append(True))
    found: list[tuple[int, int, int]] = []
    bar.found.connect(lambda *match: found.append(match))
    qtbot.keyClick(bar.find_field, Qt.Key.Key_Escape)
    assert not bar.isVisible() and closed == [True] and found == [(-1, 0, 0)]
    bar.open_replace()
    assert bar.find_field.selectedText() == "here"  # typing replaces it
    assert bar.replace_row.isVisible()
    assert found[-1] == (setup.rows[0]["id"], 18, 22)
    for widget in (bar.find_field, bar.replace_field, bar.case, bar.words, bar.regex,
                   bar.previous_button, bar.next_button, bar.replace_button,
                   bar.replace_all_button, bar.close_button):
        assert widget.toolTip(), widget
    assert "Ctrl+F" in bar.find_field.toolTip() and "Ctrl+H" in bar.replace_field.toolTip()
    assert "F3" in bar.next_button.toolTip() and "Escape" in bar.close_button.toolTip()

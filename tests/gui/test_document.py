"""The document view: a project's segments as paragraphs of runs with their
states, selection by mouse and keyboard, playback, editing in place, and the
context menu's batch actions (real widgets offscreen, real rows from the
store; a synthetic 5,000-segment script for size)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QHelpEvent,
    QKeySequence,
    QPalette,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QVBoxLayout, QWidget

from studio.core import review
from studio.core.jobs import JobQueue, QueueSettings
from studio.core.planning import save_take_audio
from studio.core.store import Library, Project
from studio.text import prepare_script
from studio.ui.states import STATE_COLORS
from studio.ui.widgets.document import LEAD, SEGMENT_ID, DocumentView
from tests.gui.helpers import make_project

PARAGRAPHS = ("One sentence here. Another one there.\n\n"
              "A second paragraph starts. It goes on.\n\nThird.")

STORY = """\
The morning light crept over the harbour as the boats came home. Nobody on the quay said a word. \
Then the bell rang twice, and everyone turned to look at the old keeper.

He raised a hand. It was, he said, the last time the bell would ring for the fleet. The wind \
carried his voice along the water, past the nets and the gulls, to the end of the pier.

Children stopped running. Somewhere a dog barked, once, and was quiet. The keeper walked down \
the steps to the water's edge. He stood there a long time.

When he came back, the light had changed. The boats were tied up, the nets hung out to dry, and \
the harbour was his again. He went inside and closed the door. Outside, the gulls settled on \
the roofs one by one. The sea went on as it always had."""


def _project(library: Library, name: str, script: str) -> Project:
    joe = library.find_voice("joe")
    assert joe is not None
    return library.sync_project(name, script, joe, prepare_script(script).segments).project


def _complete(library: Library, queue: JobQueue) -> None:
    job = queue.claim("piper", worker_pid=1)
    assert job is not None
    path = save_take_audio(library, np.full(2205, 0.1, np.float32), 22050)
    queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=2205)


def _story(library: Library) -> Project:
    """A project in every state: approved, rendered, locked, stale, failed,
    rendering, queued and not rendered, the way the queue leaves them."""
    project = _project(library, "story", STORY)
    ids = [s.id for s in library.segments(project.id)]
    queue = JobQueue(library)
    queue.enqueue(ids[:9], "piper")
    for _ in range(9):
        _complete(library, queue)
    for segment_id in ids[:5]:
        review.approve(library, segment_id)
    review.set_locked(library, ids[2], True)
    review.set_locked(library, ids[6], True)
    review.edit_text(library, ids[7], "Children stopped, and ran no more.")
    once = JobQueue(library, QueueSettings(max_attempts=1))
    once.enqueue([ids[9]], "piper")
    failing = once.claim("piper", worker_pid=1)
    assert failing is not None
    assert once.fail(failing, "out of memory") == "dead"
    queue.enqueue([ids[10]], "piper")
    assert queue.claim("piper", worker_pid=1) is not None  # rendering, left running
    queue.enqueue(ids[11:13], "piper")
    return project


def _view(qtbot, rows: list[dict], size: tuple[int, int] = (600, 300)) -> DocumentView:
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.set_rows(rows)
    view.show()
    return view


def _click(qtbot, view: DocumentView, segment_id: int,
           modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    rect = view.block_rect(segment_id)
    assert rect.isValid() and view.viewport().rect().contains(rect.center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def _format_at(view: DocumentView, position: int) -> QTextCharFormat:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position + 1)  # a cursor's format is the character's before it
    return cursor.charFormat()


def _words(view: DocumentView, segment_id: int) -> QTextCharFormat:
    span = view.span(segment_id)
    assert span is not None
    return _format_at(view, span[0] + LEAD)


def _bar(view: DocumentView, segment_id: int) -> str:
    span = view.span(segment_id)
    assert span is not None
    return _format_at(view, span[0]).toImageFormat().name()


def _synthetic(count: int) -> list[dict]:
    words = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while",
             "the", "studio", "records", "it"]
    return [{"id": 1000 + n, "number": n + 1, "paragraph": n // 7,
             "text": " ".join(words[(n + k) % len(words)] for k in range(6 + n % 11)) + ".",
             "status": "pending", "job": None, "locked": 0, "voice": "joe",
             "duration_s": None, "takes": 0} for n in range(count)]


def test_paragraphs_and_segments_as_in_the_rows(qtbot, library) -> None:
    project = _project(library, "q", PARAGRAPHS)
    rows = library.segment_rows(project.id)
    view = _view(qtbot, rows)
    document = view.document()
    assert document.blockCount() == 3
    shown = [document.findBlockByNumber(n).text().replace("\ufffc\u2060", "")
             for n in range(3)]
    assert shown == ["One sentence here. Another one there.",
                     "A second paragraph starts. It goes on.", "Third."]
    for row in rows:
        start, end = view.span(row["id"])
        cursor = QTextCursor(document)
        cursor.setPosition(start + LEAD)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == row["text"]
        assert document.findBlock(start).blockNumber() == row["paragraph"]
        assert _words(view, row["id"]).property(SEGMENT_ID) == row["id"]
        assert view.segment_at(view.block_rect(row["id"]).center()) == row["id"]
    assert view.segment_at(QPoint(view.viewport().width() - 5, view.viewport().height() - 5)) \
        is None  # the empty space after the text is no segment


def test_no_segments(qtbot, library) -> None:
    project = _project(library, "q", PARAGRAPHS)
    view = _view(qtbot, library.segment_rows(project.id))
    view.select([view.rows[0]["id"]])
    view.set_rows([])
    assert view.document().isEmpty() and view.selected_ids() == []
    assert view.segment_at(QPoint(20, 20)) is None and view.block_rect(1).isNull()
    assert not view.edit() and view.placeholderText()
    qtbot.keyClick(view, Qt.Key.Key_Down)  # nothing to move to, nothing breaks
    assert view.build_menu(None).actions()[0].isEnabled() is False


def test_states_are_shown_and_refresh_in_place(qtbot, library) -> None:
    rendered = make_project(library, "p", rendered=True)
    first, second, third = (s.id for s in library.segments(rendered.id))
    review.approve(library, first)
    review.set_locked(library, second, True)
    pending = _project(library, "q", PARAGRAPHS)
    rows = library.segment_rows(rendered.id) + library.segment_rows(pending.id)[:1]
    waiting = rows[-1]["id"]
    view = _view(qtbot, rows)

    def tint(segment_id: int) -> QColor:
        return _words(view, segment_id).background().color()

    approved, done = QColor(STATE_COLORS["approved"]), QColor(STATE_COLORS["rendered"])
    assert tint(first).rgb() == approved.rgb() and 0 < tint(first).alpha() < 255
    assert tint(second).rgb() == done.rgb()
    assert _words(view, waiting).background().style() == Qt.BrushStyle.NoBrush
    assert _bar(view, first) == "studio-bar:approved:open"
    assert _bar(view, second) == "studio-bar:rendered:locked"
    assert _bar(view, waiting) == "studio-bar:pending:open"
    tip = view.tooltip_for(second)
    assert "Segment 2" in tip and "rendered" in tip and "locked" in tip and "joe" in tip

    builds = view.builds
    view.set_rows(library.segment_rows(rendered.id) + library.segment_rows(pending.id)[:1])
    assert view.builds == builds  # the same rows: nothing is laid out again
    review.approve(library, third)
    review.set_locked(library, second, False)
    view.set_rows(library.segment_rows(rendered.id) + library.segment_rows(pending.id)[:1])
    assert view.builds == builds  # a state changed: its run is restyled, not the document
    assert tint(third).rgb() == approved.rgb()
    assert _bar(view, second) == "studio-bar:rendered:open"
    assert _bar(view, third) == "studio-bar:approved:open"


def test_click_ctrl_click_and_shift_click_select(qtbot, library) -> None:
    project = _project(library, "q", PARAGRAPHS)
    a, b, c, d, e = (row["id"] for row in library.segment_rows(project.id))
    view = _view(qtbot, library.segment_rows(project.id))
    told: list[list[int]] = []
    view.selection_changed.connect(told.append)

    _click(qtbot, view, b)
    _click(qtbot, view, d, Qt.KeyboardModifier.ControlModifier)
    _click(qtbot, view, b, Qt.KeyboardModifier.ControlModifier)  # toggled off
    _click(qtbot, view, d, Qt.KeyboardModifier.ShiftModifier)  # from b, the last clicked
    assert told == [[b], [b, d], [d], [b, c, d]]
    assert view.selected_ids() == [b, c, d]
    assert len(view.extraSelections()) == 3  # each selected segment highlighted
    _click(qtbot, view, a, Qt.KeyboardModifier.ControlModifier)
    _click(qtbot, view, e, Qt.KeyboardModifier.ShiftModifier)  # a range replaces it
    assert told[-2:] == [[a, b, c, d], [a, b, c, d, e]]
    _click(qtbot, view, b, Qt.KeyboardModifier.ControlModifier)
    _click(qtbot, view, d, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    assert told[-1] == [a, b, c, d, e]  # Ctrl+Shift adds the range to the selection
    _click(qtbot, view, c)
    assert told[-1] == [c]
    _click(qtbot, view, c)  # the same again: no change, no signal
    assert len(told) == 9
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(view.viewport().width() - 5, view.viewport().height() - 5))
    assert told[-1] == [] and view.selected_ids() == [] and view.extraSelections() == []


def test_select_from_outside_is_silent_and_refreshes_keep_it(qtbot, library) -> None:
    project = make_project(library, "p", rendered=True)
    rows = library.segment_rows(project.id)
    a, b, c = (row["id"] for row in rows)
    view = _view(qtbot, rows)
    told: list[list[int]] = []
    view.selection_changed.connect(told.append)
    view.select([c, a, 999])  # one that is not shown is left out
    assert view.selected_ids() == [a, c] and told == []
    review.set_locked(library, b, True)
    view.set_rows(library.segment_rows(project.id))
    assert view.selected_ids() == [a, c]
    review.edit_text(library, c, "The last one ends it, now.")  # new text: a new layout
    builds = view.builds
    view.set_rows(library.segment_rows(project.id))
    assert view.builds == builds + 1
    assert view.selected_ids() == [a, c] and len(view.extraSelections()) == 2
    view.set_rows([row for row in library.segment_rows(project.id) if row["id"] != c])
    assert view.selected_ids() == [a] and told == []  # a segment gone leaves it quietly


def test_a_large_script_keeps_its_scroll_and_selection(qtbot) -> None:
    rows = _synthetic(5000)
    view = _view(qtbot, rows, (900, 500))
    assert view.builds == 0  # a large document is built a chunk per turn of the loop
    qtbot.waitUntil(lambda: view.builds == 1, timeout=10000)
    assert view.laying_out  # then shown, and laid out a part per turn
    bar = view.verticalScrollBar()
    whole = 100 * view.viewport().height()
    qtbot.waitUntil(lambda: not view.laying_out and bar.maximum() > whole, timeout=10000)
    assert view.document().blockCount() == (5000 + 6) // 7
    last = rows[-1]["id"]
    view.select([last])
    assert view.viewport().rect().contains(view.block_rect(last))  # scrolled to it
    ids = [row["id"] for row in rows]
    bar.setValue(bar.maximum() // 2)
    here = view.segment_at(view.viewport().rect().center())
    assert here is not None and 2000 < ids.index(here) < 3000
    _click(qtbot, view, here)
    _click(qtbot, view, ids[ids.index(here) + 3], Qt.KeyboardModifier.ShiftModifier)
    chosen = view.selected_ids()
    top = view._top_anchor()  # the segment at the top of the view, and where its run starts
    assert top is not None and 2000 < ids.index(top[0]) < 3000
    assert chosen == ids[ids.index(here):ids.index(here) + 4]

    builds = view.builds
    view.set_rows([dict(row) for row in rows])
    assert view.builds == builds
    changed = [dict(row) for row in rows]
    changed[4000]["status"] = "approved"
    changed[10]["locked"] = 1
    view.set_rows(changed)
    assert view.builds == builds  # restyled in place
    assert _bar(view, rows[10]["id"]) == "studio-bar:pending:locked"
    changed[20]["text"] = "A new text for one segment."
    view.set_rows(changed)
    changed[30]["status"] = "failed"  # a refresh while the new document is built
    view.set_rows(changed)
    qtbot.waitUntil(lambda: view.builds == builds + 1, timeout=10000)
    # the new document shows the same segment at the same place at once
    assert view._top_anchor() == top and view.selected_ids() == chosen
    # a state that changed while it was built shows once it is laid out
    qtbot.waitUntil(lambda: not view.laying_out and bar.maximum() > whole, timeout=10000)
    assert _bar(view, rows[30]["id"]) == "studio-bar:failed:open"
    assert _bar(view, rows[10]["id"]) == "studio-bar:pending:locked"
    assert _bar(view, rows[4000]["id"]) == "studio-bar:approved:open"
    assert view._top_anchor() == top

    view.set_playing(rows[4999]["id"])
    assert view.viewport().rect().intersects(view.block_rect(rows[4999]["id"]))
    assert view.grab().width() == 900  # paints, with the playing mark, at this size


def test_a_state_changed_while_a_resized_script_is_laid_out_again_loses_no_text(qtbot) -> None:
    """At a new width the text is laid out again, a part at a time; a state
    that changes meanwhile far down the script must not end the layout there
    (the rest of the script would be missing from the scroll range)."""
    rows = _synthetic(5000)
    view = _view(qtbot, rows, (900, 500))
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: view.builds == 1 and not view.laying_out and bar.maximum() > 0,
                    timeout=10000)
    fresh = _view(qtbot, rows, (700, 500))  # the same script laid out at the new width
    qtbot.waitUntil(lambda: fresh.builds == 1 and not fresh.laying_out, timeout=10000)
    height = fresh.document().documentLayout().documentSize().height()

    view.resize(700, 500)
    changed = [dict(row) for row in rows]
    changed[4000]["status"] = "approved"
    view.set_rows(changed)
    qtbot.waitUntil(lambda: not view.laying_out, timeout=10000)
    assert _bar(view, rows[4000]["id"]) == "studio-bar:approved:open"
    assert view.document().documentLayout().documentSize().height() == pytest.approx(height)
    view.select([rows[-1]["id"]])
    assert view.viewport().rect().contains(view.block_rect(rows[-1]["id"]))


def test_double_click_plays_and_the_playing_segment_is_shown(qtbot, library) -> None:
    project = _project(library, "q", PARAGRAPHS)
    rows = library.segment_rows(project.id)
    view = _view(qtbot, rows)
    target = rows[3]["id"]
    with qtbot.waitSignal(view.play_from) as played:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                          pos=view.block_rect(target).center())
    assert played.args == [target]
    view.set_playing(rows[1]["id"])
    assert view.playing_id() == rows[1]["id"]
    image = view.viewport().grab().toImage()
    rect = view.block_rect(rows[1]["id"])
    under = image.pixelColor(rect.center().x(), rect.bottom())
    assert under.rgb() == QColor("#d32f2f").rgb()  # the line under the words playing
    view.set_playing(None)
    assert view.playing_id() is None
    image = view.viewport().grab().toImage()
    assert image.pixelColor(rect.center().x(), rect.bottom()).rgb() != QColor("#d32f2f").rgb()


def test_the_keyboard_moves_and_extends_the_selection(qtbot, library) -> None:
    project = _project(library, "q", PARAGRAPHS)
    a, b, c, d, e = (row["id"] for row in library.segment_rows(project.id))
    view = _view(qtbot, library.segment_rows(project.id))
    told: list[list[int]] = []
    view.selection_changed.connect(told.append)
    assert view.focusPolicy() == Qt.FocusPolicy.StrongFocus
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert told == [[a], [b], [b, c], [b, c, d]]
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert told[-1] == [c]
    qtbot.keyClick(view, Qt.Key.Key_End)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert told[-3:] == [[e], [d], [a]]
    with qtbot.waitSignal(view.play_from) as played:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert played.args == [a]
    qtbot.keySequence(view, QKeySequence(QKeySequence.StandardKey.SelectAll))
    assert told[-1] == [a, b, c, d, e]


def test_edit_in_place_asks_for_changed_text_only(qtbot, library) -> None:
    project = make_project(library, "p", rendered=True)
    rows = library.segment_rows(project.id)
    target = rows[1]["id"]
    view = _view(qtbot, rows)
    asked: list[tuple[int, str]] = []
    view.edit_requested.connect(lambda i, text: asked.append((i, text)))
    _click(qtbot, view, target)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.editor
    assert editor is not None and editor.segment_id == target and editor.isVisible()
    assert editor.toPlainText() == "The second line follows."
    assert editor.lineWrapMode() == editor.LineWrapMode.WidgetWidth
    assert editor.geometry().intersects(view.block_rect(target))  # over its segment
    editor.setPlainText("The second line")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "follows, later.")
    assert view.editor is editor and editor.toPlainText() == "The second line\nfollows, later."
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert asked == [(target, "The second line\nfollows, later.")] and view.editor is None

    for finish in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
        assert view.edit(target)
        assert view.editor is not None
        if finish == Qt.Key.Key_Escape:
            view.editor.setPlainText("Something else entirely.")  # then dropped
        elif finish == Qt.Key.Key_Enter:
            view.editor.setPlainText("   ")  # blank: nothing to ask
        qtbot.keyClick(view.editor, finish)
        assert view.editor is None
    assert asked == [(target, "The second line\nfollows, later.")]


def test_leaving_the_editor_keeps_the_edit(qtbot, library) -> None:
    project = make_project(library, "p", rendered=True)
    window = QWidget()
    qtbot.addWidget(window)
    view, other = DocumentView(), QLineEdit()
    layout = QVBoxLayout(window)
    layout.addWidget(view)
    layout.addWidget(other)
    view.set_rows(library.segment_rows(project.id))
    with qtbot.waitActive(window):  # focus moves only in the active window
        window.show()
        window.activateWindow()
    target = view.rows[0]["id"]
    asked: list[tuple[int, str]] = []
    view.edit_requested.connect(lambda i, text: asked.append((i, text)))
    assert view.edit(target)
    editor = view.editor
    assert editor is not None and editor.hasFocus()
    editor.setPlainText("The first line, kept.")
    other.setFocus(Qt.FocusReason.MouseFocusReason)  # a click elsewhere
    assert asked == [(target, "The first line, kept.")] and view.editor is None
    assert other.hasFocus()  # the focus stays where it went


def test_the_tooltip_says_what_a_segment_is(qtbot, library) -> None:
    project = make_project(library, "p", rendered=True)
    view = _view(qtbot, library.segment_rows(project.id))
    target = view.rows[2]["id"]
    where = view.block_rect(target).center()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, where,
                                                       view.viewport().mapToGlobal(where)))
    assert QToolTip.text() == view.tooltip_for(target)
    assert QToolTip.text().startswith("Segment 3 · rendered")
    QToolTip.hideText()


def test_f2_edits_here_before_the_window_shortcut(qtbot, library) -> None:
    """The window has an F2 of its own (the segment panel's Edit…): with the
    document focused, F2 opens the editor in place instead."""
    project = make_project(library, "p", rendered=True)
    window = QWidget()
    qtbot.addWidget(window)
    other = QAction(window)
    other.setShortcut(QKeySequence(Qt.Key.Key_F2))
    other.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(other)
    fired: list[bool] = []
    other.triggered.connect(lambda: fired.append(True))
    view, elsewhere = DocumentView(), QLineEdit()
    layout = QVBoxLayout(window)
    layout.addWidget(view)
    layout.addWidget(elsewhere)
    view.set_rows(library.segment_rows(project.id))
    with qtbot.waitActive(window):  # window shortcuts work in the active window
        window.show()
        window.activateWindow()
    elsewhere.setFocus()
    qtbot.keyClick(elsewhere, Qt.Key.Key_F2)
    assert fired == [True]  # the window's F2, where the document has no focus
    view.setFocus()
    view.select([view.rows[0]["id"]])
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert fired == [True] and view.editor is not None
    qtbot.keyClick(view.editor, Qt.Key.Key_Escape)


def test_a_locked_segment_is_not_edited(qtbot, library) -> None:
    project = make_project(library, "p", rendered=True)
    locked = library.segments(project.id)[2]
    review.set_locked(library, locked.id, True)
    view = _view(qtbot, library.segment_rows(project.id))
    reasons: list[str] = []
    view.refused.connect(reasons.append)
    asked: list[object] = []
    view.edit_requested.connect(lambda *args: asked.append(args))
    assert not view.edit(locked.id)
    _click(qtbot, view, locked.id)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert view.editor is None and asked == []
    assert reasons == ["segment 3 is locked: unlock it (L) to edit"] * 2
    assert QToolTip.text() == reasons[0]
    QToolTip.hideText()


def test_the_context_menu_acts_on_the_selection(qtbot, library) -> None:
    project = make_project(library, "p", rendered=True)
    a, b, c = (s.id for s in library.segments(project.id))
    review.approve(library, a)
    review.set_locked(library, b, True)
    view = _view(qtbot, library.segment_rows(project.id))
    asked: list[tuple[str, list[int]]] = []
    view.action_requested.connect(lambda name, ids: asked.append((name, ids)))

    view.select([a])
    menu = view.build_menu(a)
    actions = {action.data(): action for action in menu.actions() if action.data()}
    assert set(actions) == {"edit", "play", "regenerate", "approve", "unapprove", "lock",
                            "unlock"}
    enabled = {name for name, action in actions.items() if action.isEnabled()}
    assert enabled == {"edit", "play", "regenerate", "unapprove", "lock"}

    view.select([c, b, a])
    menu = view.build_menu(b)
    actions = {action.data(): action for action in menu.actions() if action.data()}
    assert all(action.isEnabled() for action in actions.values())
    for name in ("play", "regenerate", "approve", "unapprove", "lock", "unlock"):
        actions[name].trigger()
    assert asked == [("play", [a, b, c]), ("regenerate", [a, c]), ("approve", [b, c]),
                     ("unapprove", [a]), ("lock", [a, c]), ("unlock", [b])]
    assert "(2)" in actions["regenerate"].text()  # what it will change, counted

    refused: list[str] = []
    view.refused.connect(refused.append)
    actions["edit"].trigger()  # on b, which is locked
    assert view.editor is None and refused
    QToolTip.hideText()
    view.build_menu(c).actions()[0].trigger()
    assert view.editor is not None and view.editor.segment_id == c
    qtbot.keyClick(view.editor, Qt.Key.Key_Escape)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_real_project_reads_in_both_schemes(qtbot, library, qapp, tmp_path, scheme) -> None:
    from studio.ui import theme

    project = _story(library)
    rows = library.segment_rows(project.id)
    states = {row["status"] for row in rows}
    assert states == {"approved", "rendered", "stale", "failed", "rendering", "queued",
                      "pending"}
    try:
        theme.apply(qapp, scheme)
        view = _view(qtbot, rows, (900, 500))
        view.select([rows[3]["id"], rows[4]["id"]])
        view.set_playing(rows[1]["id"])
        image = view.grab().toImage()
        image.save(str(tmp_path / f"document-{scheme}.png"))
        offset = view.viewport().mapTo(view, QPoint(0, 0))
        for row in rows:  # each bar in its state's colour, where the document shows it
            rect = view.block_rect(row["id"]).translated(offset)
            if rect.bottom() < view.height() - 4:
                color = image.pixelColor(rect.left() + 1, rect.center().y())
                assert color.rgb() == QColor(STATE_COLORS[row["status"]]).rgb(), row
        builds = view.builds
        theme.apply(qapp, "dark" if scheme == "light" else "light")  # the scheme changes
        qapp.processEvents()  # the palette's change is posted
        assert view.builds == builds + 1  # padlocks drawn again in the new text colour
        highlight = view.palette().color(QPalette.ColorRole.Highlight)
        assert [s.format.background().color() for s in view.extraSelections()] == [highlight] * 2
    finally:
        theme.apply(qapp, "light")

"""The segment editor: long text wraps instead of scrolling sideways, the
count warns past the voice's limit, Enter or Ctrl+Enter keeps and Escape drops."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit

from studio.ui.views.edit_dialog import EditDialog

LONG = ("The narrator pauses at the door, listens to the rain on the roof of the old "
        "station, and then, without a word to anyone waiting on the platform, walks "
        "out into the storm towards the lights of the harbour.")


def _dialog(qtbot, text: str = LONG, **kwargs) -> EditDialog:  # type: ignore[no-untyped-def]
    dialog = EditDialog(12, text, **kwargs)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def test_long_text_wraps_in_a_paragraph_sized_box(qtbot) -> None:
    dialog = _dialog(qtbot, state="rendered", max_chars=300)
    editor = dialog.editor
    assert editor.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    assert editor.horizontalScrollBar().maximum() == 0
    assert editor.verticalScrollBar().maximum() == 0  # all of it in view
    columns = editor.viewport().width() / editor.fontMetrics().averageCharWidth()
    assert 50 <= columns <= 80
    assert editor.height() >= 6 * editor.fontMetrics().lineSpacing()
    assert "12" in dialog.windowTitle() and "rendered" in dialog.heading.text()


def test_the_box_grows_with_the_text(qtbot) -> None:
    dialog = _dialog(qtbot, text="Short.")
    before = dialog.editor.height()
    dialog.editor.setPlainText(" ".join([LONG] * 3))
    qtbot.waitUntil(lambda: dialog.editor.height() > before)
    assert dialog.editor.horizontalScrollBar().maximum() == 0


def test_ctrl_enter_keeps_the_stripped_edit(qtbot) -> None:
    dialog = _dialog(qtbot, text="Old words.")
    dialog.editor.setPlainText("  New words here.  ")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.text() == "New words here."
    assert not dialog.isVisible()


def test_escape_cancels(qtbot) -> None:
    dialog = _dialog(qtbot, text="Old words.")
    qtbot.keyClicks(dialog.editor, " More.")
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_count_warns_past_the_limit(qtbot) -> None:
    dialog = _dialog(qtbot, text="Twenty characters ok", max_chars=30)
    assert dialog.count.text().startswith("20 / 30")
    assert not dialog.count.styleSheet()
    dialog.editor.setPlainText("This text is longer than thirty characters.")
    assert dialog.count.text().startswith("43 / 30") and "too long" in dialog.count.text()
    assert "c0392b" in dialog.count.styleSheet()
    dialog.editor.setPlainText("   ")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_the_spoken_form_shows_only_when_it_differs(qtbot) -> None:
    dialog = _dialog(qtbot, text="It costs $12.", spoken="It costs twelve dollars.")
    assert dialog.spoken.isVisible() and "twelve dollars" in dialog.spoken.text()
    dialog.editor.setPlainText("It costs $13.")
    assert "before this edit" in dialog.spoken.text()
    dialog.reject()
    same = _dialog(qtbot, text="Plain words.", spoken="Plain words.")
    assert not same.spoken.isVisible()

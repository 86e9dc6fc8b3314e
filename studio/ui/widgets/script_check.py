"""Markup in the Script tab: tags highlighted as one types, and a markup
error shown in place — a wavy underline where it is and its one-line
message under the editor — a short pause after the typing stops.

Highlighting is per line and lenient (:func:`markup.tag_spans`, a regex:
milliseconds for a 200 kB script). The check is :func:`markup.parse`,
whose cost grows with tags × length: a typical script parses in a few
milliseconds on the GUI thread; a large, heavily marked-up one goes to the
helper process (see :data:`INLINE_BUDGET`), and a result that arrives after
more typing is dropped.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit

from studio.text import markup

#: Wait this long after the last keystroke before checking.
DEBOUNCE_MS = 400
#: Parse on the GUI thread while tags × characters stay under this: parse
#: time grows with both (measured: 750 tags in 17.6 kB, 16 ms; 9,000 in
#: 210 kB, 1.7 s), and this keeps it near 10 ms.
INLINE_BUDGET = 8_000_000
ERROR_COLOR = "#c0392b"
# what to underline from the error's index: the tag there, else the word
_AT_ERROR = re.compile(r"\[[^\]\n]*\]|<[^>\n]*>|\S+")


class MarkupHighlighter(QSyntaxHighlighter):
    """Colours every pause, speed, voice and SSML tag (in the palette's link
    colour, which reads on light and dark themes alike)."""

    def __init__(self, document: QTextDocument, color: QColor) -> None:
        super().__init__(document)
        self.tag_format = QTextCharFormat()
        self.tag_format.setForeground(color)
        self.tag_format.setFontWeight(600)

    def highlightBlock(self, text: str) -> None:
        for start, end in markup.tag_spans(text):
            self.setFormat(start, end - start, self.tag_format)


class ScriptChecker(QObject):
    """Watches ``editor``: highlights its markup and, once typing pauses,
    shows the first markup error (underline and ``message``). Text loaded
    by the program (a project opened, undo) was checked when it was applied,
    so only the user's edits are checked."""

    checked = Signal()  # a check finished (the error, if any, is shown)

    def __init__(self, editor: QPlainTextEdit, message: QLabel) -> None:
        super().__init__(editor)
        self.editor, self.message = editor, message
        self.highlighter = MarkupHighlighter(
            editor.document(), editor.palette().color(QPalette.ColorRole.Link))
        self.error: tuple[str, int] | None = None  # (message, index) shown now
        self._generation = 0  # bumped by every edit: a late result is dropped
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.check)
        message.setWordWrap(True)
        message.setTextFormat(Qt.TextFormat.RichText)
        message.setStyleSheet(f"color: {ERROR_COLOR}")
        message.linkActivated.connect(lambda _: self.reveal())
        message.hide()
        editor.textChanged.connect(self._edited)

    def _edited(self) -> None:
        self._generation += 1
        # setPlainText (a project opened, undo) turns the document's undo off
        # while it loads: that text was checked when it was applied
        if not self.editor.document().isUndoRedoEnabled():
            self.timer.stop()
            self.show(None)
            return
        self.timer.start()

    def check_now(self) -> tuple[str, int] | None:
        """Parse the text now, whatever its size, and show the result (Apply)."""
        self.timer.stop()
        text = self.editor.toPlainText()
        from studio.core.pronunciation import markup_problem

        problem = markup_problem(text)
        self.show(problem)
        return problem

    def inline(self, text: str) -> bool:
        """Whether ``text`` parses quickly enough for the GUI thread."""
        return len(markup.tag_spans(text)) * len(text) <= INLINE_BUDGET

    def check(self) -> None:
        """The debounced check: inline when cheap, else in the helper process."""
        self.timer.stop()
        text = self.editor.toPlainText()
        from studio.core.pronunciation import markup_problem

        if self.inline(text):
            self.show(markup_problem(text))
            self.checked.emit()
            return
        from studio.ui.tasks import run_in_process

        generation = self._generation

        def done(problem: tuple[str, int] | None) -> None:
            if generation == self._generation:  # else the text changed meanwhile
                self.show(problem)
                self.checked.emit()

        run_in_process(markup_problem, (text,), done, lambda _err, _details: None)

    def show(self, problem: tuple[str, int] | None) -> None:
        """Underline the error's place and say what is wrong (or clear both)."""
        self.error = problem
        if problem is None:
            self.editor.setExtraSelections([])
            self.message.clear()
            self.message.hide()
            return
        text, index = problem
        script = self.editor.toPlainText()
        index = min(max(0, index), max(0, len(script) - 1))
        found = _AT_ERROR.match(script, index)
        end = found.end() if found else index + 1
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(index)
        cursor.setPosition(max(end, index + 1), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        underline = QTextCharFormat()
        underline.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        underline.setUnderlineColor(QColor(ERROR_COLOR))
        tint = QColor(ERROR_COLOR)
        tint.setAlpha(40)  # a faint wash: a thin wave alone is easy to miss
        underline.setBackground(tint)
        underline.setToolTip(text)
        selection.format = underline
        self.editor.setExtraSelections([selection])
        show = self.tr("Show")
        self.message.setText(f"⚠ {html.escape(text)} · <a href='show'>{show}</a>")
        self.message.setToolTip(text)
        self.message.show()

    def reveal(self) -> None:
        """Put the cursor at the error and scroll to it."""
        if self.error is None:
            return
        cursor = self.editor.textCursor()
        cursor.setPosition(min(self.error[1], len(self.editor.toPlainText())))
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()
        self.editor.setFocus()

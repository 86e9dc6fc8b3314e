"""A segment's text edited in place, over its run in the document view."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class InlineEditor(QPlainTextEdit):
    """A segment's text, edited over it: Enter keeps the edit, Shift+Enter
    starts a new line, Escape drops it; leaving it keeps it."""

    finished = Signal(int, object)  # segment id, the text (None: cancelled)

    def __init__(self, segment_id: int, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segment_id, self.original = segment_id, text
        self._done = False
        self.setPlainText(text)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(True)
        self.moveCursor(QTextCursor.MoveOperation.End)
        self.setToolTip(self.tr("Enter: save · Shift+Enter: new line · Escape: cancel"))

    def place(self, over: QRect, viewport: QRect) -> None:
        """Over ``over`` (where its segment starts), the ``viewport``'s width,
        as tall as its text (3 to 10 lines)."""
        width = max(80, viewport.width() - 8)
        self.resize(width, self.height())
        lines = self.document().documentLayout().documentSize().height()  # wrapped lines
        spacing = self.fontMetrics().lineSpacing()
        extra = 2 * self.frameWidth() + 2 * self.document().documentMargin() + 2
        height = int(min(max(lines, 3), 10) * spacing + extra)
        top = max(0, min(over.top() - 4, viewport.height() - height))
        self.setGeometry(4, top, width, height)

    def finish(self, text: str | None) -> None:
        if not self._done:
            self._done = True
            self.finished.emit(self.segment_id, text)

    def event(self, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride
                and cast(QKeyEvent, event).key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter,
                                                     Qt.Key.Key_Escape)):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.finish(self.toPlainText())
        elif event.key() == Qt.Key.Key_Escape:
            self.finish(None)
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        # its own context menu, or another window in front, is not leaving it
        if event.reason() not in (Qt.FocusReason.PopupFocusReason,
                                  Qt.FocusReason.ActiveWindowFocusReason):
            self.finish(self.toPlainText())

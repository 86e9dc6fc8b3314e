"""The segment editor (F2): a paragraph-sized box that wraps its words, the
segment's number and state, how it is spoken, and a character count
against the voice's limit. Enter (or Ctrl+Enter) keeps the edit, Escape
drops it; a segment is one paragraph, so no key starts a new line."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QKeyEvent, QPalette, QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

COLUMNS = 60  # the box is this many average characters wide
LINES = 6  # and this many lines high, growing with the text up to
MAX_LINES = 16  # this many (then it scrolls)
WARNING = "color: #c0392b"


class _Box(QPlainTextEdit):
    """The text box, asking for room for :attr:`lines` lines of
    :data:`COLUMNS` characters (Qt's default is a fixed 256 by 192 pixels)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.lines = LINES

    def frame(self) -> int:
        return 2 * (self.frameWidth() + int(self.document().documentMargin()))

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * COLUMNS + self.frame(),
                     metrics.lineSpacing() * self.lines + self.frame())

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * 20 + self.frame(),
                     metrics.lineSpacing() * 2 + self.frame())


class EditDialog(QDialog):
    """Edit one segment's text (as written).

    Open it with :meth:`open` and read :meth:`text` when ``accepted`` fires;
    it never blocks. ``spoken`` is the segment's spoken form (shown when it
    differs from the text), ``max_chars`` the longest segment its voice's
    backend reads at once (the count warns past it; the store has the last
    word, since the limit is on the spoken form).
    """

    def __init__(self, number: int, text: str, *, state: str = "",
                 spoken: str | None = None, max_chars: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.original = text
        self.max_chars = max_chars
        self.setWindowTitle(self.tr("Edit segment %d") % number)
        heading = self.tr("Segment %d") % number
        self.heading = QLabel(f"<b>{heading}</b>" + (f" · {state}" if state else ""))
        self.editor = _Box(text)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.editor.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.editor.setTabChangesFocus(True)
        self.editor.installEventFilter(self)
        self.spoken = QLabel()
        self.spoken.setWordWrap(True)
        self.spoken.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.spoken.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # a note, not the text
        self._spoken_text = spoken if spoken and spoken.strip() != text.strip() else None
        self.spoken.setVisible(self._spoken_text is not None)
        self.count = QLabel()
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(
            self.tr("Keep the edit (Ctrl+Enter)"))  # Enter too; the string is translated
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.spoken)
        layout.addWidget(self.count)
        layout.addWidget(self.buttons)
        self.editor.textChanged.connect(self._changed)
        self._changed()
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)
        self.editor.setFocus()

    def text(self) -> str:
        """The text as edited, stripped."""
        return self.editor.toPlainText().strip()

    def _changed(self) -> None:
        text = self.text()
        over = self.max_chars is not None and len(text) > self.max_chars
        if self.max_chars is None:
            self.count.setText(self.tr("%d characters") % len(text))
        elif over:
            self.count.setText(self.tr("%d / %d characters: too long for one segment")
                               % (len(text), self.max_chars))
        else:
            self.count.setText(self.tr("%d / %d characters") % (len(text), self.max_chars))
        self.count.setStyleSheet(WARNING if over else "")
        self.count.setToolTip(self.tr("This voice reads at most %d characters at a time: "
                                      "shorten the text, or split it in the script.")
                              % self.max_chars if over else "")
        if self._spoken_text is not None:
            label = (self.tr("Spoken as: %s") if text == self.original.strip()
                     else self.tr("Spoken before this edit as: %s"))
            self.spoken.setText(label % self._spoken_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(text))
        self._fit_height()

    def _fit_height(self) -> None:
        """Six lines, more as the text grows (wrapped at the box's width),
        up to :data:`MAX_LINES`; it never shrinks under the user's hands."""
        box = self.editor
        document = box.document().clone(self)  # laid out whole, at the box's width
        document.setTextWidth(max(box.viewport().width(), box.sizeHint().width() - box.frame()))
        height = document.size().height() - 2 * document.documentMargin()
        document.deleteLater()
        wrapped = math.ceil(height / max(1, box.fontMetrics().lineSpacing()))
        lines = min(MAX_LINES, max(LINES, wrapped + 1))
        if lines > box.lines:
            box.lines = lines
            box.updateGeometry()
            if self.isVisible() and box.height() < box.sizeHint().height():
                self.resize(self.width(), self.height() + box.sizeHint().height()
                            - box.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the box keeps the edit (Ctrl+Enter too, as before);
        Shift+Enter does nothing: a segment is one paragraph (the script
        splits paragraphs into segments, not a segment's text)."""
        if watched is self.editor and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.text() and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.accept()
                return True
        return super().eventFilter(watched, event)

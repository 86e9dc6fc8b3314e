"""A line of status text that changes often without re-laying out the window.

A QLabel whose text changes asks for its layout to be redone (its size hint
may have changed), and that request climbs to the window; a tab widget on
the way repaints itself whole. The segment counts under the timeline change
with every take that lands, and each change repainted the whole Segments tab
(table, document, timeline and panel: 25-38 ms of painting on a busy machine,
four times a second). This label keeps one size hint (a line high, as wide
as its layout makes it) and repaints only itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class SteadyLabel(QWidget):
    """One line of plain text, elided at the right when it does not fit (the
    whole text is then its tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit_height()

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        self.setAccessibleName(text)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(240, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.height())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()
        super().changeEvent(event)

    def _fit_height(self) -> None:
        self.setFixedHeight(self.fontMetrics().height() + 2)

    def paintEvent(self, event: QPaintEvent) -> None:
        metrics = self.fontMetrics()
        shown = metrics.elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        self.setToolTip("" if shown == self._text else self._text)
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self.rect(), int(align), shown)
        painter.end()

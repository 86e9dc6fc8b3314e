"""A waveform: the min/max envelope of a clip, one pair per pixel column,
with the problem spots take QA found shaded and named."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPalette,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.audio import Audio
from studio.ui.qa import spot_label

# a spot's shade: words (what was said), time (silence) or the signal itself
_SPOT_COLORS = {"missing": "#ef6c00", "extra": "#ef6c00", "changed": "#ef6c00",
                "repeat": "#ef6c00", "silence": "#1e88e5"}
_SIGNAL_COLOR = "#e53935"  # noise, click, clipping, and whatever else


class Waveform(QWidget):
    """Draws a clip's envelope; recomputed only on a new clip or a resize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(56)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.audio: Audio | None = None
        self.rate = 1
        self.envelope: np.ndarray = np.zeros((0, 2), dtype=np.float32)
        self.markers: tuple[float, float] | None = None  # selection, as fractions
        self.playhead: float | None = None  # where playback is, as a fraction
        self.spots: list[tuple[float, float, str]] = []  # QA's problem spots (seconds, kind)

    def set_spots(self, spots: list[tuple[float, float, str]]) -> None:
        """Shade and name these problem spots (start and end in seconds)."""
        spots = [(float(start), float(end), str(kind)) for start, end, kind in spots]
        if spots != self.spots:
            self.spots = spots
            self.update()

    def spot_rects(self) -> list[tuple[int, int, str]]:
        """Where each spot is drawn: left and right pixel, and its kind
        (none without a clip to place them on)."""
        if self.audio is None or not len(self.audio) or self.rate <= 0:
            return []
        duration, width = len(self.audio) / self.rate, self.width()
        placed = []
        for start, end, kind in self.spots:
            left = int(min(1.0, max(0.0, start / duration)) * width)
            right = int(min(1.0, max(0.0, end / duration)) * width)
            placed.append((left, max(right, left + 3), kind))  # an instant still shows
        return placed

    def set_playhead(self, fraction: float | None) -> None:
        """Show where playback is (None hides the playhead)."""
        if fraction != self.playhead:
            self.playhead = fraction
            self.update()

    def set_markers(self, start: float, end: float) -> None:
        """Show a selection from ``start`` to ``end`` (fractions of the clip)."""
        self.markers = (start, end)
        self.update()

    def set_audio(self, audio: Audio | None, rate: int = 1) -> None:
        """Show ``audio`` (None clears the view)."""
        self.audio, self.rate = audio, rate
        self._compute()
        self.update()

    def _compute(self) -> None:
        width = max(1, self.width())
        if self.audio is None or len(self.audio) == 0:
            self.envelope = np.zeros((0, 2), dtype=np.float32)
            return
        edges = np.linspace(0, len(self.audio), width + 1).astype(int)
        edges[-1] = len(self.audio)
        starts = edges[:-1][edges[:-1] < len(self.audio)]
        self.envelope = np.stack([np.minimum.reduceat(self.audio, starts),
                                  np.maximum.reduceat(self.audio, starts)], axis=1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._compute()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        middle, half = self.height() / 2, self.height() / 2 - 2
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(0, int(middle), self.width(), int(middle))
        if len(self.envelope):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            top = [QPointF(x, middle - float(hi) * half) for x, (_, hi) in
                   enumerate(self.envelope)]
            bottom = [QPointF(x, middle - float(lo) * half) for x, (lo, _) in
                      reversed(list(enumerate(self.envelope)))]
            painter.drawPolygon(QPolygonF(top + bottom))
        if self.spots:
            self._paint_spots(painter)
        if self.markers is not None:
            width = self.width()
            start, end = (int(f * width) for f in self.markers)
            shade = palette.color(QPalette.ColorRole.Window)
            shade.setAlpha(170)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(shade)  # dim what is cut away
            painter.drawRect(0, 0, start, self.height())
            painter.drawRect(end, 0, width - end, self.height())
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawLine(start, 0, start, self.height())
            painter.drawLine(end, 0, end, self.height())
        if self.playhead is not None:
            x = int(min(1.0, max(0.0, self.playhead)) * self.width())
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawLine(x, 0, x, self.height())
        painter.end()

    def _paint_spots(self, painter: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        for left, right, kind in self.spot_rects():
            color = QColor(_SPOT_COLORS.get(kind, _SIGNAL_COLOR))
            shade = QColor(color)
            shade.setAlpha(70)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(shade)
            painter.drawRect(left, 0, right - left, self.height())
            painter.setPen(color)
            painter.drawLine(left, 0, left, self.height())
            painter.drawText(left + 3, painter.fontMetrics().ascent() + 1, spot_label(kind))

"""The project timeline: every segment in order as it will be exported.

Rendered segments show their waveform (a min/max envelope, 100 pairs a
second, built off the GUI thread by :func:`build_envelopes`) and the export's
pause after them; segments that are not done are placeholders of an
estimated length, so the timeline covers the whole project. One widget, no
widget per segment: a paint draws only the visible pixel columns, mapped to
segments with one ``searchsorted`` (a 5,000-segment project draws in
milliseconds).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QLineF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QSizePolicy, QWidget

from studio.core.store import DONE_STATES, STATES
from studio.ui.states import STATE_COLORS

BIN_S = 0.01  # envelope resolution: one min/max pair per 10 ms
PLACEHOLDER_PAUSE_S = 0.5
_STATES = {state: n for n, state in enumerate(STATES)}


def build_envelopes(root: Any, project_name: str, wanted: set[int],
                    chunk: int = 50) -> dict[int, tuple[np.ndarray, float]]:
    """For the segments in ``wanted``: the envelope of the audio the export
    plays for them (trimmed and faded, by ``assemble``) and the pause after
    each. Runs on the thread pool; reads runs of consecutive segments, at most
    ``chunk`` at a time, and nothing it was not asked for."""
    from studio.core.export import ExportSettings, assemble, pause_after
    from studio.core.store import Library

    settings = ExportSettings()
    out: dict[int, tuple[np.ndarray, float]] = {}
    with Library.open(root) as library:
        project = library.find_project(project_name)
        if project is None:
            return out
        positions = library.positions(project.id, wanted)
        # runs of consecutive positions, read a chunk at a time: a project
        # opening reads everything in few calls, a take landing reads only itself
        runs: list[tuple[int, int]] = []
        for position in positions:
            if runs and position == runs[-1][0] + runs[-1][1] and runs[-1][1] < chunk:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            else:
                runs.append((position, 1))
        for start, count in runs:
            samples, rate, cues = assemble(library, project, settings, start=start,
                                           count=count, skip_missing=True)
            step = max(1, int(rate * BIN_S))
            for cue in cues:
                if cue.segment.id not in wanted:
                    continue
                clip = samples[int(cue.start_s * rate):int(cue.end_s * rate)]
                if len(clip) == 0:
                    clip = np.zeros(1, np.float32)
                edges = np.arange(0, len(clip), step)
                envelope = np.stack([np.minimum.reduceat(clip, edges),
                                     np.maximum.reduceat(clip, edges)], axis=1)
                pause = pause_after(cue.segment, settings)
                out[cue.segment.id] = (envelope.astype(np.float32), float(pause))
    return out


class Timeline(QAbstractScrollArea):
    """The whole project in one strip: state colours, waveforms, boundaries,
    a playhead; Ctrl+wheel or +/- zoom, the scroll bar scrolls, a click seeks."""

    seek = Signal(int, float)  # segment id, seconds into it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(72)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.ids = np.zeros(0, np.int64)
        self.states: list[str] = []
        self.locked = np.zeros(0, bool)
        self.starts = np.zeros(0)
        self.lengths = np.zeros(0)  # audio (or estimate) without the pause
        self.ends = np.zeros(0)  # start of the next segment
        self.envelopes: dict[int, tuple[np.ndarray, float]] = {}
        self._flat = np.zeros((0, 2), np.float32)  # every envelope, end to end
        self._flat_at = np.zeros(0, np.int64)  # each segment's first bin in _flat, or -1
        self.index: dict[int, int] = {}
        self.pps = 0.0  # pixels per second; 0: fit the whole project
        self.playhead_s: float | None = None
        self.selected: int | None = None
        self._codes = np.zeros(0, np.int64)
        self._colors = [QColor(STATE_COLORS[state]) for state in _STATES] + [QColor("#e0e0e0")]
        for color in self._colors:
            color.setAlpha(90)
        self._lock_color = QColor("#616161")

    def sizeHint(self) -> QSize:
        """A strip, not a panel: room for the waveform, the rest to the table."""
        return QSize(600, 100)

    @property
    def total_s(self) -> float:
        return float(self.ends[-1]) if len(self.ends) else 0.0

    def set_segments(self, rows: list[dict[str, Any]]) -> None:
        """Lay out the segments (rows of the store's ``segment_rows``)."""
        self.ids = np.array([row["id"] for row in rows], np.int64)
        self.states = [row["status"] for row in rows]
        self.locked = np.array([bool(row["locked"]) for row in rows], bool)
        self._codes = np.array([_STATES.get(state, len(_STATES)) for state in self.states],
                               np.int64)
        self.index = {int(i): n for n, i in enumerate(self.ids)}
        chars = np.array([len(row["text"] or "") for row in rows], float)
        done = [(row["duration_s"] or 0.0, len(row["text"] or "")) for row in rows
                if row["status"] in DONE_STATES and row["duration_s"]]
        per_char = (sum(d for d, _ in done) / max(1, sum(c for _, c in done))
                    if done else 0.065)
        self._estimate = chars * per_char
        self._durations = [row["duration_s"] if row["status"] in DONE_STATES else None
                           for row in rows]
        self._layout()

    def set_envelopes(self, envelopes: dict[int, tuple[np.ndarray, float]]) -> None:
        """The rendered segments' envelopes and pauses (see build_envelopes)."""
        self.envelopes = envelopes
        self._layout()

    def _layout(self) -> None:
        lengths, pauses = self._estimate.copy(), np.full(len(self.ids), PLACEHOLDER_PAUSE_S)
        pieces, at, flat_at = [], 0, np.full(len(self.ids), -1, np.int64)
        for n, segment_id in enumerate(self.ids.tolist()):
            found = self.envelopes.get(segment_id) if self._durations[n] else None
            if found is not None:
                envelope, pause = found
                lengths[n], pauses[n] = len(envelope) * BIN_S, pause
                pieces.append(envelope)
                flat_at[n], at = at, at + len(envelope)
            elif self._durations[n]:
                lengths[n] = float(self._durations[n] or 0.0)
        self._flat = np.concatenate(pieces) if pieces else np.zeros((0, 2), np.float32)
        self._flat_at = flat_at
        self.lengths = lengths
        spans = lengths + pauses
        self.ends = np.cumsum(spans)
        self.starts = self.ends - spans
        self._update_scroll()
        self.viewport().update()

    def _scale(self) -> float:
        width = max(1, self.viewport().width())
        return self.pps if self.pps > 0 else width / max(self.total_s, 1e-3)

    def _update_scroll(self) -> None:
        width = self.viewport().width()
        total = int(self.total_s * self._scale())
        bar = self.horizontalScrollBar()
        bar.setRange(0, max(0, total - width))
        bar.setPageStep(width)
        bar.setSingleStep(max(1, width // 10))

    def zoom(self, factor: float, around_x: float | None = None) -> None:
        """Zoom by ``factor`` keeping the time under ``around_x`` in place."""
        scale = self._scale()
        x = self.viewport().width() / 2 if around_x is None else around_x
        t = (self.horizontalScrollBar().value() + x) / scale
        fit = self.viewport().width() / max(self.total_s, 1e-3)
        self.pps = min(2000.0, max(fit, scale * factor))
        self._update_scroll()
        self.horizontalScrollBar().setValue(int(t * self.pps - x))
        self.viewport().update()

    def time_at(self, x: float) -> float:
        return (self.horizontalScrollBar().value() + x) / self._scale()

    def segment_at(self, t: float) -> int:
        """The index of the segment at ``t`` seconds (its pause included)."""
        return int(np.clip(np.searchsorted(self.starts, t, "right") - 1, 0, len(self.ids) - 1))

    def set_playhead(self, segment_id: int, into: float) -> None:
        """Put the playhead ``into`` seconds into a segment (-1 hides it)."""
        n = self.index.get(segment_id)
        if n is None:
            self.playhead_s = None
        else:
            self.playhead_s = float(self.starts[n]) + min(into, float(self.lengths[n]) + 5)
            x = self.playhead_s * self._scale() - self.horizontalScrollBar().value()
            if not 0 <= x < self.viewport().width():  # follow the playhead
                self.horizontalScrollBar().setValue(int(self.playhead_s * self._scale()) - 20)
        self.viewport().update()

    def select(self, segment_id: int | None) -> None:
        """Outline the selected segment."""
        if segment_id != self.selected:
            self.selected = segment_id
            self.viewport().update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scroll()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.25 if event.angleDelta().y() > 0 else 0.8, event.position().x())
            event.accept()
        else:
            super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.5)
        elif event.key() == Qt.Key.Key_Minus:
            self.zoom(1 / 1.5)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not len(self.ids) or event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        t = self.time_at(event.position().x())
        n = self.segment_at(t)
        into = float(min(max(0.0, t - self.starts[n]), self.lengths[n]))
        self.selected = int(self.ids[n])
        self.playhead_s = float(self.starts[n]) + into
        self.viewport().update()
        self.seek.emit(int(self.ids[n]), into)
        return None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        palette = self.palette()
        width, height = self.viewport().width(), self.viewport().height()
        painter.fillRect(0, 0, width, height, palette.color(QPalette.ColorRole.Base))
        if not len(self.ids):
            painter.end()
            return
        scale, left = self._scale(), self.horizontalScrollBar().value()
        times = (left + np.arange(width) + 0.5) / scale
        columns = np.clip(np.searchsorted(self.starts, times, "right") - 1, 0, len(self.ids) - 1)
        inside = times < self.total_s
        # state colours: one rectangle per run of columns of one state (and lock)
        top, band = 4, height - 8
        codes = self._codes[columns] * 2 + self.locked[columns]
        codes[~inside] = -1
        runs = np.concatenate([[0], np.flatnonzero(np.diff(codes)) + 1, [width]])
        for a, b in zip(runs[:-1].tolist(), runs[1:].tolist(), strict=True):
            code = int(codes[a])
            if code < 0:
                continue
            painter.fillRect(a, top, b - a, band, self._colors[code // 2])
            if code % 2:
                painter.fillRect(a, top, b - a, 3, self._lock_color)
        # boundaries, where there is room to see them (3 px or more apart)
        starts = np.flatnonzero(np.diff(columns)) + 1
        wide = starts[np.diff(np.append(starts, width)) >= 3]
        if len(wide) and len(wide) < width // 3 + 1:
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            painter.drawLines([QLineF(float(x), 0.0, float(x), float(height))
                               for x in wide.tolist()])
        # waveforms: per column, the envelope bins of the audio under it
        into = times - self.starts[columns]
        first = self._flat_at[columns]
        bins = first + (into / BIN_S).astype(np.int64)
        ends = first + (self.lengths[columns] / BIN_S).astype(np.int64)
        wave = inside & (first >= 0) & (bins < ends) & (bins < len(self._flat))
        xs = np.flatnonzero(wave)
        if len(xs):
            marks = bins[xs]  # non-decreasing: each column's bins run to the next mark
            order = np.concatenate([marks, [len(self._flat) - 1]])
            low = np.minimum.reduceat(self._flat[:, 0], order)[:-1]
            high = np.maximum.reduceat(self._flat[:, 1], order)[:-1]
            middle, half = height / 2, band / 2
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.drawLines([QLineF(float(x), middle - float(h) * half,
                                      float(x), middle - float(lo) * half + 1)
                               for x, lo, h in zip(xs.tolist(), low.tolist(), high.tolist(),
                                                   strict=True)])
        if self.selected is not None and self.selected in self.index:
            n = self.index[self.selected]
            x0 = float(self.starts[n]) * scale - left
            x1 = float(self.starts[n] + self.lengths[n]) * scale - left
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(x0, 1, max(2.0, x1 - x0), height - 2))
        if self.playhead_s is not None:
            x = int(self.playhead_s * scale - left)
            painter.setPen(QColor("#d32f2f"))
            painter.drawLine(x, 0, x, height)
        painter.end()

"""Where text lies in a laid-out document: a run's rectangles, line by line,
and the character under a point.

Plain functions on a ``QTextDocument``, in document coordinates (less the
view's scroll position, for a run's rectangles); the document view maps
segments to runs and back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QTextDocument, QTextLine


def run_rects(document: QTextDocument, offset: Callable[[], QPointF], start: int,
              end: int) -> list[QRectF]:
    """The text from ``start`` to ``end`` (one paragraph's), one rectangle
    per line it is on, less ``offset`` (read once the paragraph is laid out:
    laying it out may resize the document)."""
    block = document.findBlock(start)
    document.documentLayout().blockBoundingRect(block)  # lays the block out if not yet
    layout = block.layout()
    origin = layout.position() - offset()
    first, last = start - block.position(), end - block.position()
    rects: list[QRectF] = []
    line_number = layout.lineForTextPosition(first).lineNumber()
    for i in range(max(0, line_number), layout.lineCount()):
        line = layout.lineAt(i)
        line_end = line.textStart() + line.textLength()
        if rects and line.textStart() >= last:
            break
        x0 = _x(line.cursorToX(max(first, line.textStart())))
        x1 = _x(line.cursorToX(min(last, line_end)))
        rects.append(QRectF(x0, line.y(), x1 - x0, line.height()).translated(origin))
    return rects


def position_at(document: QTextDocument, point: QPointF) -> int | None:
    """The character under ``point`` (in document coordinates) on the line
    nearest it; none off the text."""
    at = document.documentLayout().hitTest(point, Qt.HitTestAccuracy.FuzzyHit)
    if at < 0:
        return None
    # the line nearest the point (a hit between lines says only "the next
    # line's start"), then the character under it on that line
    block = document.findBlock(at)
    layout = block.layout()
    inside = point - layout.position()
    lines = [layout.lineAt(i) for i in range(layout.lineCount())]
    if not lines:
        return None
    line = min(lines, key=lambda line: max(line.y() - inside.y(),
                                            inside.y() - line.y() - line.height(), 0.0))
    return block.position() + line.xToCursor(inside.x(),
                                              QTextLine.CursorPosition.CursorOnCharacter)


def _x(found: object) -> float:
    """QTextLine.cursorToX's x (it may come with the position it used)."""
    return float(found[0] if isinstance(found, tuple) else cast(float, found))

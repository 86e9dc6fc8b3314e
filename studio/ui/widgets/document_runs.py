"""How a segment's run in the document view looks: by its state, and
selected, playing or the keyboard's.

A run is the segment's bar (one inline image: a bar in the state's colour,
with a padlock when the segment is locked), a word joiner (so the bar never
ends a line with the words on the next), then its words on a tint of the
same colour. Each character of a run carries its segment's id. Restyling
gives a run new formats in place: same text, same places. The selection,
the segment playing and the keyboard's are drawn over the text (an extra
selection, a paint pass), so they lay nothing out again.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextImageFormat,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from studio.ui.states import STATE_COLORS

SEGMENT_ID = int(QTextFormat.Property.UserProperty) + 1  # the segment a run of text belongs to
LEAD = 2  # a run's bar and word joiner: its words start this far into it
WORD_JOINER = "\u2060"
_TINT_ALPHA = 64  # the state's colour behind the words: light enough for dark text and light
_BAR_WIDTH = 3.0
_FALLBACK_COLOR = "#e0e0e0"
_PLAYING_COLOR = "#d32f2f"  # the timeline's playhead


def shown(text: str) -> str:
    """A segment's text on one line (a newline in it would start a paragraph)."""
    return " ".join(text.split())


def paragraph_format() -> QTextBlockFormat:
    """A script paragraph: spaced lines, a margin below."""
    block = QTextBlockFormat()
    block.setBottomMargin(10)
    block.setLineHeight(135, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
    return block


def text_format(segment_id: int, state: str) -> QTextCharFormat:
    """The words on their state's tint; not yet rendered is plain text
    (its grey would read as a highlight on a dark background)."""
    text = QTextCharFormat()
    if state != "pending":
        tint = QColor(STATE_COLORS.get(state, _FALLBACK_COLOR))
        tint.setAlpha(_TINT_ALPHA)
        text.setBackground(tint)
    text.setProperty(SEGMENT_ID, segment_id)
    return text


def bar_format(widget: QWidget, document: QTextDocument, bars: set[str], segment_id: int,
               state: str, locked: bool) -> QTextImageFormat:
    """The run's first character: the state's bar, and a padlock if locked
    (the image a resource of ``document``, added once: ``bars`` names those
    it holds). The image is drawn for ``widget``'s screen and palette."""
    name = f"studio-bar:{state}:{'locked' if locked else 'open'}"
    metrics = QFontMetricsF(document.defaultFont())
    height = metrics.ascent() + metrics.descent()
    lock = round(height * 0.55) if locked else 0
    width = _BAR_WIDTH + 3 + (lock + 3 if locked else 0)
    if name not in bars:
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name),
                             _bar_image(widget, state, width, height, lock))
        bars.add(name)
    image = QTextImageFormat()
    image.setName(name)
    image.setWidth(width)
    image.setHeight(height)
    image.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignBaseline)
    image.setProperty(SEGMENT_ID, segment_id)
    image.setToolTip("")
    return image


def _bar_image(widget: QWidget, state: str, width: float, height: float, lock: int) -> QImage:
    ratio = max(1.0, widget.devicePixelRatioF())
    image = QImage(round(width * ratio), round(height * ratio),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(QRectF(0, 0, _BAR_WIDTH, height),
                     QColor(STATE_COLORS.get(state, _FALLBACK_COLOR)))
    if lock:  # a padlock: a shackle over a body, in the text's colour
        color = widget.palette().color(QPalette.ColorRole.Text)
        left, body_top = _BAR_WIDTH + 3, height * 0.48
        body = QRectF(left, body_top, lock, height * 0.4)
        painter.fillRect(body, color)
        radius = lock * 0.3
        shackle = QPainterPath()
        shackle.moveTo(left + lock / 2 - radius, body_top)
        shackle.lineTo(left + lock / 2 - radius, height * 0.2 + radius)
        shackle.arcTo(QRectF(left + lock / 2 - radius, height * 0.2, 2 * radius, 2 * radius),
                      180, -180)
        shackle.lineTo(left + lock / 2 + radius, body_top)
        painter.setPen(QPen(color, max(1.2, lock * 0.16)))
        painter.drawPath(shackle)
    painter.end()
    return image


def restyle(view: QTextEdit, bars: set[str],
            runs: Sequence[tuple[int, int, int, str, bool]]) -> None:
    """New formats for these runs of the document ``view`` shows: segment
    id, where its run starts and ends, its state and lock."""
    if not runs:
        return
    cursor = QTextCursor(view.document())
    many = len(runs) > 50  # then one layout pass for all, not one per paragraph
    if many:
        cursor.beginEditBlock()
    for segment_id, start, end, state, locked in runs:
        cursor.setPosition(start)
        cursor.setPosition(start + 1, QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(bar_format(view, view.document(), bars, segment_id, state, locked))
        cursor.setPosition(start + 1)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(text_format(segment_id, state))
    if many:
        cursor.endEditBlock()


def highlight(view: QTextEdit, start: int, end: int) -> QTextEdit.ExtraSelection:
    """The words of the run from ``start`` to ``end`` in the palette's
    highlight (its bar stays in view)."""
    palette = view.palette()
    selected = QTextCharFormat()
    selected.setBackground(palette.color(QPalette.ColorRole.Highlight))
    selected.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
    cursor = QTextCursor(view.document())
    cursor.setPosition(start + 1)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    found = QTextEdit.ExtraSelection()
    found.cursor = cursor
    found.format = selected
    return found


def paint_marks(viewport: QWidget, palette: QPalette, playing: list[QRectF],
                current: list[QRectF]) -> None:
    """Over the text: a thick line under the run playing, a dotted frame
    around the keyboard's (their rectangles, line by line)."""
    if not playing and not current:
        return
    painter = QPainter(viewport)
    for rect in playing:  # a thick line under the words, the playhead's colour
        painter.fillRect(QRectF(rect.left(), rect.bottom() - 1, rect.width(), 3),
                         QColor(_PLAYING_COLOR))
    if current:
        pen = QPen(palette.color(QPalette.ColorRole.Text), 1, Qt.PenStyle.DotLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect in current:
            painter.drawRect(rect.adjusted(-1, -1, 0, 0))
    painter.end()

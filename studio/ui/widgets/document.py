"""The document view: a project's script as it reads, paragraph by paragraph,
each segment a span of text that shows its state.

One text document, no widget per segment: each script paragraph is one
block, and each segment a run inside it: an inline image (a bar in the
state's colour, with a padlock when the segment is locked), then its words
on a tint of the same colour. 5,000 segments build in a fraction of a second
and scroll like any text. What changes often stays cheap: a refresh with the
same rows does nothing, a change of state restyles only that segment's run,
and the selection, the segment playing and the keyboard's current segment
are drawn over the text (extra selections and a paint pass), so they lay
nothing out again.

The widget is handed rows (the store's ``segment_rows``) and says what the
user asked for through signals; it never reads or writes the store.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFocusEvent,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextImageFormat,
    QTextLine,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from studio.ui.qa import qa_tooltip
from studio.ui.states import STATE_COLORS, state_label
from studio.ui.table_models import seconds

SEGMENT_ID = int(QTextFormat.Property.UserProperty) + 1  # the segment a run of text belongs to
# A segment's run: its bar (one inline image), a word joiner (so the bar never
# ends a line with the words on the next), then its text.
LEAD = 2
_WORD_JOINER = "\u2060"
_TINT_ALPHA = 64  # the state's colour behind the words: light enough for dark text and light
_BAR_WIDTH = 3.0
BUILD_CHUNK = 400  # segments built per turn of the event loop (about 5 ms)
# segments restyled per turn: Render all queues every segment at once, and
# restyling 1,000 in one turn held the GUI thread 27 ms
RESTYLE_CHUNK = 200
# characters of a new document laid out per turn once it is shown (about 2 ms):
# laying out a 5,000-segment script at once held the GUI thread 35 ms
LAYOUT_CHARS = 10_000
_PLAYING_COLOR = "#d32f2f"  # the timeline's playhead
_FALLBACK_COLOR = "#e0e0e0"
# The context menu's batch actions, in the order they are offered.
ACTIONS = ("play", "regenerate", "approve", "unapprove", "lock", "unlock")


def _shown(text: str) -> str:
    """A segment's text on one line (a newline in it would start a paragraph)."""
    return " ".join(text.split())


@dataclass
class _Build:
    """A document being built, a chunk at a time."""

    structure: list[tuple[int, Any, str]]
    document: QTextDocument
    cursor: QTextCursor
    styles: dict[int, tuple[str, bool]]  # the latest states (a refresh may update them)
    done: int = 0
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    paragraphs: list[Any] = field(default_factory=list)
    used: dict[int, tuple[str, bool]] = field(default_factory=dict)  # as laid out
    bars: set[str] = field(default_factory=set)


class DocumentView(QTextEdit):
    """The script as paragraphs of segments, with their states.

    Click selects a segment, Ctrl+click toggles one, Shift+click extends the
    selection from the last one clicked; the arrow keys (Shift: extend),
    Home and End move it. Double-click or Return plays from a segment; F2
    (or the context menu) edits its text in place. The context menu's batch
    actions apply to the selection. Selection, playing and edits are
    reported through the signals; nothing is written here.
    """

    selection_changed = Signal(list)  # segment ids in script order (the user changed it)
    play_from = Signal(int)  # segment id
    edit_requested = Signal(int, str)  # segment id, its new text (changed, not blank)
    action_requested = Signal(str, list)  # one of ACTIONS, the segment ids it applies to
    refused = Signal(str)  # why a request was refused (a locked segment's text)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setUndoRedoEnabled(False)
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        self.viewport().setAcceptDrops(False)  # a dropped script file is the window's
        self.setAccessibleName(self.tr("Script, segment by segment"))
        self.setPlaceholderText(self.tr("The script's segments appear here once it is split."))
        self.document().setDocumentMargin(12)
        self.rows: list[dict[str, Any]] = []
        self._by_id: dict[int, dict[str, Any]] = {}
        self._order: list[int] = []  # segment ids in script order
        self._index: dict[int, int] = {}  # segment id: its place in _order
        self._starts: list[int] = []  # each segment's run in the document, [start, end)
        self._ends: list[int] = []
        self._structure: list[tuple[int, Any, str]] | None = None
        self._pending: _Build | None = None  # a large document being built
        self._layout_run = 0  # the stepwise layout under way (a newer one replaces it)
        self.laying_out = False  # the document shown, the rest of it being laid out
        self._restyle_due = False  # more runs to restyle on the next turn
        self._styles_next: dict[int, tuple[str, bool]] = {}
        self._styles: dict[int, tuple[str, bool]] = {}
        self._bars: set[str] = set()  # bar images the document holds (cleared with it)
        self._highlights: dict[int, QTextEdit.ExtraSelection] = {}  # per segment, made once
        self._selected: set[int] = set()
        self._anchor: int | None = None  # where Shift extends from
        self._current: int | None = None  # the keyboard's segment
        self._playing: int | None = None
        self.editor: InlineEditor | None = None
        self.builds = 0  # full layouts so far: a refresh with the same rows makes none
        self.verticalScrollBar().valueChanged.connect(self._place_editor)

    # ------------------------------------------------------------ rows
    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Show these segments (rows of the store's ``segment_rows``, in order).

        The same segments with the same texts keep the document: only runs
        whose state or lock changed are restyled. The scroll position and the
        selection are kept (segments that are gone leave it, without a signal).
        """
        structure = [(int(row["id"]), row["paragraph"], row["text"] or "") for row in rows]
        styles = {int(row["id"]): (str(row["status"]), bool(row["locked"])) for row in rows}
        self.rows = list(rows)
        self._by_id = {int(row["id"]): row for row in rows}
        self._styles_next = styles
        pending = self._pending
        if pending is not None and structure == pending.structure:
            pending.styles = styles  # still being built: its rest takes the new states
            self._styles = styles
            marks = False
        elif structure != self._structure:
            self._build(structure, styles)
            self._styles = styles
            marks = True
        else:
            self._pending = None  # back to what is shown: a build under way is dropped
            self._restyle_some()
            marks = False
        kept = self._selected & self._by_id.keys()
        if kept != self._selected:
            self._selected, marks = kept, True
        for name in ("_anchor", "_current", "_playing"):
            if getattr(self, name) not in self._by_id and getattr(self, name) is not None:
                setattr(self, name, None)
                marks = True
        if marks:
            self._show_marks()
        if self.editor is not None:
            if self.editor.segment_id in self._index:
                self._place_editor()
            else:  # its segment is gone
                self._editor_done(self.editor.segment_id, None)

    def _build(self, structure: list[tuple[int, Any, str]],
               styles: dict[int, tuple[str, bool]]) -> None:
        """Lay the segments out in a new document. A small one is built at
        once; a large one (a paste of a long script) is built BUILD_CHUNK
        segments per turn of the event loop, so the window never stalls, and
        shown when complete (the old one stays until then)."""
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self.document().defaultFont())
        document.setDocumentMargin(self.document().documentMargin())
        cursor = QTextCursor(document)
        cursor.setBlockFormat(self._paragraph_format())
        self._pending = _Build(structure, document, cursor, styles)
        self._build_step(self._pending)

    def _build_step(self, build: _Build) -> None:
        if build is not self._pending:  # a newer build replaced it
            return
        plain = QTextCharFormat()
        cursor, structure = build.cursor, build.structure
        cursor.beginEditBlock()
        for n in range(build.done, min(len(structure), build.done + BUILD_CHUNK)):
            segment_id, paragraph, text = structure[n]
            if n and paragraph != build.paragraphs[-1]:
                cursor.insertBlock(self._paragraph_format(), plain)
            elif n:
                cursor.insertText(" ", plain)
            state, locked = build.styles[segment_id]
            build.starts.append(cursor.position())
            cursor.insertImage(self._bar_format(segment_id, state, locked, build.document,
                                                build.bars))
            cursor.insertText(_WORD_JOINER + _shown(text), self._text_format(segment_id, state))
            build.ends.append(cursor.position())
            build.paragraphs.append(paragraph)
            build.used[segment_id] = (state, locked)
        cursor.endEditBlock()
        build.done = min(len(structure), build.done + BUILD_CHUNK)
        if build.done < len(structure):
            QTimer.singleShot(0, self, lambda: self._build_step(build))
        elif build.done > BUILD_CHUNK:  # built in chunks: its text layout is made
            build.document.documentLayout()  # on this turn (6 ms), shown on the next
            QTimer.singleShot(0, self, lambda: self._show_built(build))
        else:
            self._show_built(build)

    def _show_built(self, build: _Build) -> None:
        """Show a document built whole: the segment at the top stays there."""
        if build is not self._pending:  # a newer build replaced it
            return
        structure = build.structure
        self._pending = None
        anchor = self._top_anchor()
        self.setExtraSelections([])  # they hold cursors into the old text
        self._highlights.clear()
        self.setDocument(build.document)  # the old one, a child of this view, is deleted
        self._bars = build.bars
        self._structure = structure
        self._order = [segment_id for segment_id, _, _ in structure]
        self._index = {segment_id: n for n, segment_id in enumerate(self._order)}
        self._starts, self._ends = build.starts, build.ends
        self.builds += 1
        self._scroll_to(anchor)
        # what it shows; states that changed while it was built are restyled
        # once it is laid out
        self._styles = dict(build.used)
        self._lay_out_stepwise()
        self._selected &= self._index.keys()
        self._show_marks()

    def _top_anchor(self) -> tuple[int, int] | None:
        """The segment at the top of the view and where its run starts (in
        viewport coordinates); none at the top of the script."""
        if not self._order or self.verticalScrollBar().value() == 0:
            return None
        at = self.cursorForPosition(QPoint(0, 0)).position()
        segment_id = self._order[max(0, bisect_right(self._starts, at) - 1)]
        return segment_id, self.block_rect(segment_id).top()

    def _scroll_to(self, anchor: tuple[int, int] | None) -> None:
        """A new document of the same script shows the segment that was at
        the top in the same place (another script starts at its top). The
        document is laid out as far as a view past that segment."""
        bar = self.verticalScrollBar()
        if anchor is None or anchor[0] not in self._index:
            bar.setValue(0)
            return
        segment_id, y = anchor
        document = self.document()
        end = min(document.characterCount() - 1, self._starts[self._index[segment_id]]
                  + LAYOUT_CHARS)
        document.documentLayout().blockBoundingRect(document.findBlock(end))
        target = bar.value() + self.block_rect(segment_id).top() - y
        if target > bar.maximum():  # the layout tells its new size on a later turn
            bar.setMaximum(target)
        bar.setValue(target)

    def _lay_out_stepwise(self) -> None:
        """Lay out the document shown (new, or laid out again at a new width)
        LAYOUT_CHARS characters a turn of the event loop, so the scroll range
        grows to the whole script while the window stays responsive. Left to
        itself, the text layout works in doubling steps, its last ones as
        long as laying out all at once.

        Runs are restyled only once the layout is whole: a format changed
        past the laid-out part ends the layout there, with the rest of the
        script left out of the scroll range."""
        self._layout_run += 1
        run, document = self._layout_run, self.document()
        laid_out = 0  # characters laid out so far
        self.laying_out = True

        def step() -> None:
            nonlocal laid_out
            if run != self._layout_run or document is not self.document():
                return  # a newer layout, or another document
            end = document.characterCount() - 1
            laid_out = min(end, laid_out + LAYOUT_CHARS)
            document.documentLayout().blockBoundingRect(document.findBlock(laid_out))
            if laid_out < end:
                QTimer.singleShot(0, self, step)
            else:
                self.laying_out = False
                self._restyle_some()

        step()

    def _restyle_some(self) -> None:
        """Restyle the runs whose state changed, :data:`RESTYLE_CHUNK` of them
        now and the rest on later turns of the event loop (each turn takes
        the latest states)."""
        if self._pending is not None or self.laying_out:  # done when built, laid out
            return
        styles = self._styles_next
        changed = [i for i, style in styles.items()
                   if self._styles.get(i) != style and i in self._index]
        now = changed[:RESTYLE_CHUNK]
        self._restyle(now, styles)
        self._styles = {**self._styles, **{i: styles[i] for i in now}}
        if len(changed) > len(now) and not self._restyle_due:
            self._restyle_due = True

            def later() -> None:
                self._restyle_due = False
                self._restyle_some()

            QTimer.singleShot(0, self, later)

    def _restyle(self, ids: list[int], styles: dict[int, tuple[str, bool]]) -> None:
        """New formats for these segments' runs (same text, same places)."""
        if not ids:
            return
        cursor = QTextCursor(self.document())
        many = len(ids) > 50  # then one layout pass for all, not one per paragraph
        if many:
            cursor.beginEditBlock()
        for segment_id in ids:
            n = self._index[segment_id]
            start, end = self._starts[n], self._ends[n]
            state, locked = styles[segment_id]
            cursor.setPosition(start)
            cursor.setPosition(start + 1, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(self._bar_format(segment_id, state, locked))
            cursor.setPosition(start + 1)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(self._text_format(segment_id, state))
        if many:
            cursor.endEditBlock()

    def _paragraph_format(self) -> QTextBlockFormat:
        block = QTextBlockFormat()
        block.setBottomMargin(10)
        block.setLineHeight(135, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        return block

    def _text_format(self, segment_id: int, state: str) -> QTextCharFormat:
        """The words on their state's tint; not yet rendered is plain text
        (its grey would read as a highlight on a dark background)."""
        text = QTextCharFormat()
        if state != "pending":
            tint = QColor(STATE_COLORS.get(state, _FALLBACK_COLOR))
            tint.setAlpha(_TINT_ALPHA)
            text.setBackground(tint)
        text.setProperty(SEGMENT_ID, segment_id)
        return text

    def _bar_format(self, segment_id: int, state: str, locked: bool,
                    document: QTextDocument | None = None,
                    bars: set[str] | None = None) -> QTextImageFormat:
        """The run's first character: the state's bar, and a padlock if locked
        (the image a resource of ``document``, the one shown by default)."""
        document = document or self.document()
        bars = self._bars if bars is None else bars
        name = f"studio-bar:{state}:{'locked' if locked else 'open'}"
        metrics = QFontMetricsF(document.defaultFont())
        height = metrics.ascent() + metrics.descent()
        lock = round(height * 0.55) if locked else 0
        width = _BAR_WIDTH + 3 + (lock + 3 if locked else 0)
        if name not in bars:
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name),
                                 self._bar_image(state, width, height, lock))
            bars.add(name)
        image = QTextImageFormat()
        image.setName(name)
        image.setWidth(width)
        image.setHeight(height)
        image.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignBaseline)
        image.setProperty(SEGMENT_ID, segment_id)
        image.setToolTip("")
        return image

    def _bar_image(self, state: str, width: float, height: float, lock: int) -> QImage:
        ratio = max(1.0, self.devicePixelRatioF())
        image = QImage(round(width * ratio), round(height * ratio),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(QRectF(0, 0, _BAR_WIDTH, height),
                         QColor(STATE_COLORS.get(state, _FALLBACK_COLOR)))
        if lock:  # a padlock: a shackle over a body, in the text's colour
            color = self.palette().color(QPalette.ColorRole.Text)
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

    # ------------------------------------------------------------ geometry
    def span(self, segment_id: int) -> tuple[int, int] | None:
        """The segment's run in the document, [start, end): its bar is at
        ``start``, its text from ``start + LEAD``."""
        n = self._index.get(segment_id)
        return None if n is None else (self._starts[n], self._ends[n])

    def _span_rects(self, segment_id: int) -> list[QRectF]:
        """The segment's run, one rectangle per line it is on, in viewport
        coordinates."""
        found = self.span(segment_id)
        if found is None:
            return []
        start, end = found
        document = self.document()
        block = document.findBlock(start)
        document.documentLayout().blockBoundingRect(block)  # lays the block out if not yet
        layout = block.layout()
        origin = layout.position() - QPointF(self.horizontalScrollBar().value(),
                                             self.verticalScrollBar().value())
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

    def block_rect(self, segment_id: int) -> QRect:
        """Where the segment's run starts (its first line's part), in
        viewport coordinates; an empty rectangle for an unknown segment."""
        rects = self._span_rects(segment_id)
        return rects[0].toAlignedRect() if rects else QRect()

    def segment_at(self, pos: QPoint) -> int | None:
        """The segment under a point of the viewport, if any: on its words,
        or in the spacing around them (between lines, the gap before the
        next segment); not in the empty space after a paragraph."""
        if not self._order:
            return None
        point = QPointF(pos) + QPointF(self.horizontalScrollBar().value(),
                                       self.verticalScrollBar().value())
        document = self.document()
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
        at = block.position() + line.xToCursor(inside.x(),
                                               QTextLine.CursorPosition.CursorOnCharacter)
        n = bisect_right(self._starts, at) - 1
        if n < 0:
            return None
        segment_id = self._order[n]
        for rect in self._span_rects(segment_id):
            pad = rect.height() * 0.25 + 1  # half the lines' spacing (135%)
            if rect.adjusted(-3, -pad, 3, pad).contains(QPointF(pos)):
                return segment_id
        return None

    def _reveal(self, segment_id: int | None) -> None:
        """Scroll the segment into view if it is not."""
        if segment_id is None:
            return
        rect = self.block_rect(segment_id)
        height = self.viewport().height()
        if rect.isValid() and (rect.top() < 0 or rect.bottom() > height):
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + rect.top() - height // 3)

    # ------------------------------------------------------------ selection
    def selected_ids(self) -> list[int]:
        """The selected segments, in script order."""
        return sorted(self._selected, key=self._index.__getitem__)

    def select(self, ids: Iterable[int]) -> None:
        """Select these segments (those shown) and scroll to the first; no
        signal (the caller knows)."""
        chosen = {i for i in ids if i in self._index}
        first = min(chosen, key=self._index.__getitem__) if chosen else None
        current = self._current if self._current in chosen else first
        if chosen != self._selected or current != self._current:
            self._change(chosen, current, current, user=False)
            self._reveal(first)

    def current_id(self) -> int | None:
        """The keyboard's segment (F2 edits it, Return plays from it)."""
        return self._current

    def _change(self, selected: set[int], current: int | None, anchor: int | None,
                user: bool = True) -> None:
        changed = selected != self._selected
        self._selected, self._current, self._anchor = selected, current, anchor
        self._show_marks()
        if changed and user:
            self.selection_changed.emit(self.selected_ids())

    def _click(self, segment_id: int | None, modifiers: Qt.KeyboardModifier) -> None:
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        if segment_id is None:
            if not (ctrl or shift):
                self._change(set(), self._current, self._anchor)
        elif shift and self._anchor in self._index:
            assert self._anchor is not None
            chosen = self._range(self._anchor, segment_id)
            self._change(chosen | self._selected if ctrl else chosen, segment_id, self._anchor)
        elif ctrl:
            self._change(self._selected ^ {segment_id}, segment_id, segment_id)
        else:
            self._change({segment_id}, segment_id, segment_id)

    def _range(self, a: int, b: int) -> set[int]:
        first, last = sorted((self._index[a], self._index[b]))
        return set(self._order[first:last + 1])

    def set_playing(self, segment_id: int | None) -> None:
        """Mark the segment now playing (None: nothing plays), scrolled into view."""
        segment_id = segment_id if segment_id in self._index else None
        if segment_id != self._playing:
            self._playing = segment_id
            self.viewport().update()
            self._reveal(segment_id)

    def playing_id(self) -> int | None:
        return self._playing

    def _show_marks(self) -> None:
        """The selection, as one extra selection per selected segment (made
        once per layout, then reused: a select-all of 5,000 costs little)."""
        self.setExtraSelections([self._highlight(segment_id) for segment_id in self._selected])
        self.viewport().update()

    def _highlight(self, segment_id: int) -> QTextEdit.ExtraSelection:
        """A segment's words in the palette's highlight (its bar stays in view)."""
        found = self._highlights.get(segment_id)
        if found is None:
            palette = self.palette()
            highlight = QTextCharFormat()
            highlight.setBackground(palette.color(QPalette.ColorRole.Highlight))
            highlight.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
            n = self._index[segment_id]
            cursor = QTextCursor(self.document())
            cursor.setPosition(self._starts[n] + 1)
            cursor.setPosition(self._ends[n], QTextCursor.MoveMode.KeepAnchor)
            found = QTextEdit.ExtraSelection()
            found.cursor = cursor
            found.format = highlight
            self._highlights[segment_id] = found
        return found

    # ------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        playing = self._span_rects(self._playing) if self._playing is not None else []
        current = (self._span_rects(self._current)
                   if self._current is not None and self.hasFocus() else [])
        if not playing and not current:
            return
        painter = QPainter(self.viewport())
        for rect in playing:  # a thick line under the words, the playhead's colour
            painter.fillRect(QRectF(rect.left(), rect.bottom() - 1, rect.width(), 3),
                             QColor(_PLAYING_COLOR))
        if current:
            pen = QPen(self.palette().color(QPalette.ColorRole.Text), 1, Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in current:
                painter.drawRect(rect.adjusted(-1, -1, 0, 0))
        painter.end()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and self.rows:
            self._structure = None  # the bars are drawn in the palette, at the font's height
            self.set_rows(self.rows)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)  # another width: the text is laid out again
        if event.size().width() != event.oldSize().width() and self._order:
            self._lay_out_stepwise()
        self._place_editor()

    # ------------------------------------------------------------ mouse and keys
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._click(self.segment_at(event.position().toPoint()), event.modifiers())
        event.accept()  # no text selection: segments are what is selected

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            segment_id = self.segment_at(event.position().toPoint())
            if segment_id is not None:
                self.play_from.emit(segment_id)
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            help_event = cast(QHelpEvent, event)
            segment_id = self.segment_at(help_event.pos())
            if segment_id is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(help_event.globalPos(), self.tooltip_for(segment_id),
                                  self.viewport(), self.block_rect(segment_id))
            return True
        return super().viewportEvent(event)

    def tooltip_for(self, segment_id: int) -> str:
        """Number, state, lock, voice, length and takes of a segment."""
        row = self._by_id[segment_id]
        head = [self.tr("Segment %d") % row["number"], state_label(row["status"])]
        if row["locked"]:
            head.append(self.tr("locked"))
        detail = []
        if row.get("voice"):
            detail.append(self.tr("voice %s") % row["voice"])
        if row.get("duration_s"):
            detail.append(self.tr("length %s") % seconds(row["duration_s"]))
        if row.get("takes"):
            detail.append(self.tr("%d takes") % row["takes"])
        qa = qa_tooltip(row)  # the verdict, and what QA found, one a line
        return (" · ".join(head) + ("\n" + " · ".join(detail) if detail else "")
                + ("\n" + qa if qa else ""))

    _MOVES: ClassVar[dict[Qt.Key, int]] = {
        Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1,
        Qt.Key.Key_Home: 0, Qt.Key.Key_End: 0,
    }
    _KEYS: ClassVar[tuple[Qt.Key, ...]] = (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def _handles(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        return (key in self._MOVES or key in self._KEYS
                or event.matches(QKeySequence.StandardKey.SelectAll))

    def event(self, event: QEvent) -> bool:
        # its keys (F2 among them) before the window's shortcuts, while it has focus
        if event.type() == QEvent.Type.ShortcutOverride and self._handles(cast(QKeyEvent, event)):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if event.matches(QKeySequence.StandardKey.SelectAll):
            self._change(set(self._order), self._current, self._anchor)
        elif key in self._MOVES:
            self._move(key, bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        elif key == Qt.Key.Key_F2:
            self.edit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._current is not None:
                self.play_from.emit(self._current)
        else:
            super().keyPressEvent(event)

    def _move(self, key: Qt.Key, extend: bool) -> None:
        if not self._order:
            return
        step = self._MOVES[key]
        if key == Qt.Key.Key_Home:
            n = 0
        elif key == Qt.Key.Key_End:
            n = len(self._order) - 1
        elif self._current not in self._index:
            n = 0 if step > 0 else len(self._order) - 1
        else:
            assert self._current is not None
            n = min(max(0, self._index[self._current] + step), len(self._order) - 1)
        target = self._order[n]
        anchor = self._anchor if extend and self._anchor in self._index else target
        assert anchor is not None
        self._change(self._range(anchor, target), target, anchor)
        self._reveal(target)

    # ------------------------------------------------------------ context menu
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            segment_id = self.segment_at(event.pos())
            where = event.globalPos()
        else:  # the menu key: at the keyboard's segment
            segment_id = self._current
            rect = self.block_rect(segment_id) if segment_id is not None else QRect()
            where = self.viewport().mapToGlobal(rect.bottomLeft() if rect.isValid()
                                                else QPoint(0, 0))
        if segment_id is not None and segment_id not in self._selected:
            self._change({segment_id}, segment_id, segment_id)
        menu = self.build_menu(segment_id)
        menu.exec(where)
        menu.deleteLater()

    def applicable(self, name: str, ids: list[int]) -> list[int]:
        """The segments among ``ids`` that action ``name`` can change (the
        store refuses the others: a locked segment gets no new take, only
        a rendered one can be approved)."""
        rows = [self._by_id[i] for i in ids if i in self._by_id]
        return [int(row["id"]) for row in rows if _applies(name, row)]

    def build_menu(self, segment_id: int | None) -> QMenu:
        """The context menu: edit the segment under the pointer, and the
        batch actions on the selection (each offered for the segments it
        can change, with their count when there are several)."""
        menu = QMenu(self)
        ids = self.selected_ids()
        edit = menu.addAction(self.tr("Edit text…"))
        edit.setData("edit")
        edit.setShortcut(QKeySequence(Qt.Key.Key_F2))
        edit.setEnabled(segment_id is not None)
        edit.triggered.connect(lambda: self.edit(segment_id))
        menu.addSeparator()
        labels = {
            "play": self.tr("Play from here") if len(ids) < 2
            else self.tr("Play from the first selected"),
            "regenerate": self.tr("Regenerate"),
            "approve": self.tr("Approve"), "unapprove": self.tr("Withdraw approval"),
            "lock": self.tr("Lock"), "unlock": self.tr("Unlock"),
        }
        for name in ACTIONS:
            targets = self.applicable(name, ids)
            label = labels[name]
            if name != "play" and len(ids) > 1:
                label = f"{label} ({len(targets)})"
            action = menu.addAction(label)
            action.setData(name)
            action.setEnabled(bool(targets))
            action.triggered.connect(
                lambda _=False, name=name, targets=targets: self.action_requested.emit(
                    name, targets))
            if name == "play":
                menu.addSeparator()
        return menu

    # ------------------------------------------------------------ editing
    def edit(self, segment_id: int | None = None) -> bool:
        """Open the inline editor on a segment (the keyboard's by default).
        A locked segment is refused: ``refused`` says why, so does a tooltip."""
        segment_id = self._current if segment_id is None else segment_id
        row = self._by_id.get(segment_id) if segment_id is not None else None
        if segment_id is None or row is None:
            return False
        if row["locked"]:
            reason = self.tr("segment %d is locked: unlock it (L) to edit") % row["number"]
            self.refused.emit(reason)
            rect = self.block_rect(segment_id)
            QToolTip.showText(self.viewport().mapToGlobal(rect.bottomLeft()), reason,
                              self.viewport())
            return False
        if self.editor is not None:
            self.editor.finish(self.editor.toPlainText())
        self._reveal(segment_id)
        editor = InlineEditor(segment_id, row["text"] or "", self.viewport())
        editor.finished.connect(self._editor_done)
        editor.textChanged.connect(self._place_editor)
        self.editor = editor
        self._place_editor()
        editor.show()
        editor.setFocus()
        return True

    def _place_editor(self) -> None:
        """Over its segment, the viewport's width, as tall as its text (3 to
        10 lines)."""
        editor = self.editor
        if editor is None or editor.segment_id not in self._index:
            return
        rect = self.block_rect(editor.segment_id)
        viewport = self.viewport().rect()
        width = max(80, viewport.width() - 8)
        editor.resize(width, editor.height())
        lines = editor.document().documentLayout().documentSize().height()  # wrapped lines
        spacing = editor.fontMetrics().lineSpacing()
        extra = 2 * editor.frameWidth() + 2 * editor.document().documentMargin() + 2
        height = int(min(max(lines, 3), 10) * spacing + extra)
        top = max(0, min(rect.top() - 4, viewport.height() - height))
        editor.setGeometry(4, top, width, height)

    def _editor_done(self, segment_id: int, text: object) -> None:
        editor = self.editor
        if editor is None or editor.segment_id != segment_id:
            return
        self.editor = None
        if editor.hasFocus():  # Enter or Escape: the keyboard comes back here
            self.setFocus()
        editor.hide()
        editor.deleteLater()
        if isinstance(text, str):
            new = text.strip()
            if new and new != editor.original.strip():
                self.edit_requested.emit(segment_id, new)


def _applies(name: str, row: dict[str, Any]) -> bool:
    """Whether batch action ``name`` can change this segment."""
    if name in ("regenerate", "lock"):
        return not row["locked"]
    if name == "unlock":
        return bool(row["locked"])
    if name == "approve":
        return bool(row["status"] == "rendered")
    if name == "unapprove":
        return bool(row["status"] == "approved")
    return name == "play"


def _x(found: object) -> float:
    """QTextLine.cursorToX's x (it may come with the position it used)."""
    return float(found[0] if isinstance(found, tuple) else cast(float, found))


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

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

This module is the view: its rows, selection, events and editing. Its parts:
``document_build`` builds and lays out the text a part per turn,
``document_runs`` styles a segment's run, ``document_geometry`` finds text
on screen, ``document_menu`` makes the tooltip and context menu, and
``inline_editor`` edits a segment's text in place.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Any, ClassVar, cast

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QMenu, QTextEdit, QToolTip, QWidget

from studio.ui.widgets.document_build import LAYOUT_CHARS, Build, StepwiseLayout, lay_out_to
from studio.ui.widgets.document_geometry import position_at, run_rects
from studio.ui.widgets.document_menu import applies, context_menu, tooltip
from studio.ui.widgets.document_runs import LEAD, SEGMENT_ID, highlight, paint_marks, restyle
from studio.ui.widgets.inline_editor import InlineEditor

__all__ = ["LEAD", "SEGMENT_ID", "DocumentView"]  # a run's layout, as the tests read it

# segments restyled per turn: Render all queues every segment at once, and
# restyling 1,000 in one turn held the GUI thread 27 ms
RESTYLE_CHUNK = 200


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
    action_requested = Signal(str, list)  # a menu action (ACTIONS), the segment ids it applies to
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
        self._pending: Build | None = None  # a large document being built
        # runs are restyled only once the layout is whole: a format changed
        # past the laid-out part ends the layout there, with the rest of the
        # script left out of the scroll range
        self._layout = StepwiseLayout(self, self._restyle_some)
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

    @property
    def laying_out(self) -> bool:
        """The document shown, the rest of it being laid out."""
        return self._layout.active

    def _build(self, structure: list[tuple[int, Any, str]],
               styles: dict[int, tuple[str, bool]]) -> None:
        """Lay the segments out in a new document, shown when complete (the
        old one stays until then): see :class:`Build`."""
        self._pending = Build.begin(self, structure, styles)
        self._pending.run(self, lambda: self._pending, self._show_built)

    def _show_built(self, build: Build) -> None:
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
        self._layout.start()
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
        lay_out_to(document, min(document.characterCount() - 1,
                                 self._starts[self._index[segment_id]] + LAYOUT_CHARS))
        target = bar.value() + self.block_rect(segment_id).top() - y
        if target > bar.maximum():  # the layout tells its new size on a later turn
            bar.setMaximum(target)
        bar.setValue(target)

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
        runs = []
        for segment_id in now:
            n = self._index[segment_id]
            runs.append((segment_id, self._starts[n], self._ends[n], *styles[segment_id]))
        restyle(self, self._bars, runs)
        self._styles = {**self._styles, **{i: styles[i] for i in now}}
        if len(changed) > len(now) and not self._restyle_due:
            self._restyle_due = True

            def later() -> None:
                self._restyle_due = False
                self._restyle_some()

            QTimer.singleShot(0, self, later)

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
        return run_rects(self.document(), self._scrolled, *found)

    def _scrolled(self) -> QPointF:
        """How far the view is scrolled."""
        return QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())

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
        at = position_at(self.document(), QPointF(pos) + self._scrolled())
        if at is None:
            return None
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
            n = self._index[segment_id]
            found = highlight(self, self._starts[n], self._ends[n])
            self._highlights[segment_id] = found
        return found

    # ------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        playing = self._span_rects(self._playing) if self._playing is not None else []
        current = (self._span_rects(self._current)
                   if self._current is not None and self.hasFocus() else [])
        paint_marks(self.viewport(), self.palette(), playing, current)

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
            self._layout.start()
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
        return tooltip(self._by_id[segment_id])

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
        return [int(row["id"]) for row in rows if applies(name, row)]

    def build_menu(self, segment_id: int | None) -> QMenu:
        """The context menu: edit the segment under the pointer, and the
        batch actions on the selection (each offered for the segments it
        can change, with their count when there are several)."""
        return context_menu(self, segment_id, self.selected_ids(), self.applicable, self.edit,
                            self.action_requested.emit)

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
        editor.place(self.block_rect(editor.segment_id), self.viewport().rect())

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


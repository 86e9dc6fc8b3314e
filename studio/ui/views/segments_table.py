"""The segments table of the Projects page: a row per segment of the
selected project (a model over the rows read, filtered by state), its
selection, and its context menu (Edit text…, Pronounce as…).

Its strings keep the page's translation context, ``ProjectsView``."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from studio.core.store import Library
from studio.ui.qa import QA_COLORS, QA_GLYPHS, qa_tooltip
from studio.ui.states import state_label
from studio.ui.table_models import Column, RowFilter, RowsModel, seconds

translate = QCoreApplication.translate  # (context, text): the strings are extracted

# the keys that move the table's cursor from row to row
MOVING_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
                         Qt.Key.Key_Home, Qt.Key.Key_End})


def segment_words(text: str) -> list[str]:
    """The words of a segment's text a lexicon entry could name: each once
    (the first spelling), in order, numbers left out."""
    seen: dict[str, str] = {}
    for word in re.findall(r"\w+(?:['’.-]\w+)*", text):
        if not word.isdigit():
            seen.setdefault(word.casefold(), word)
    return list(seen.values())


class SegmentsTable(QTableView):
    """The segments, several selectable at once (Shift/Ctrl+click, Ctrl+A)
    for batch review; :attr:`segments` holds every row read, :attr:`shown`
    the rows the state filter keeps."""

    edit_requested = Signal()  # a double-click, or Edit text… in the menu
    pronounce_requested = Signal(int, str)  # segment id, one of its words ("": another)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.segments = RowsModel([
            Column("#", "number", align=Qt.AlignmentFlag.AlignRight),
            Column(translate("ProjectsView", "Text"), "text"),
            Column(translate("ProjectsView", "Voice"), "voice"),
            Column(translate("ProjectsView", "Status"), "shown_state", self._state_label),
            Column(translate("ProjectsView", "QA"), "qa", lambda v: QA_GLYPHS.get(v, "?"),
                   Qt.AlignmentFlag.AlignCenter, tip=qa_tooltip, color=QA_COLORS.get),
            Column(translate("ProjectsView", "Length"), "duration_s", seconds,
                   Qt.AlignmentFlag.AlignRight),
            Column(translate("ProjectsView", "Takes"), "takes", align=Qt.AlignmentFlag.AlignRight),
        ], self)
        self.shown = RowFilter(self.segments, self)  # the rows the state filter keeps
        self.setModel(self.shown)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # several rows at once (Shift/Ctrl+click, Ctrl+A): batch review
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.verticalHeader().hide()
        header = self.horizontalHeader()  # fixed widths: no per-row measuring
        for column, width in enumerate((44, 0, 84, 130, 36, 64, 48)):
            if width:
                self.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(24)
        self.setWordWrap(False)
        self.doubleClicked.connect(lambda _: self.edit_requested.emit())
        # a right-click: edit, and "Pronounce as…" one of the segment's words
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    # ------------------------------------------------------------ keys
    def selectionCommand(self, index: QModelIndex | QPersistentModelIndex,
                         event: QEvent | None = None) -> QItemSelectionModel.SelectionFlag:
        """A key that moves the cursor selects the row it lands on, alone, as
        in a spreadsheet; Shift (with or without Ctrl) extends from the anchor.

        Qt's extended selection moves only the cursor on Ctrl+key (to toggle
        rows with Ctrl+Space), which left the panel and A, L, R acting on a
        selection out of sight after Ctrl+End."""
        if (isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and event.key() in MOVING_KEYS):
            flag = QItemSelectionModel.SelectionFlag
            extend = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            return (flag.SelectCurrent if extend else flag.ClearAndSelect) | flag.Rows
        return super().selectionCommand(index, event)

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Home and End go to the first and the last row (the table selects
        rows, so a first or last column would be no move at all), as in the
        document beside it."""
        cursor = QAbstractItemView.CursorAction
        if action in (cursor.MoveHome, cursor.MoveEnd) and self.shown.rowCount():
            row = 0 if action == cursor.MoveHome else self.shown.rowCount() - 1
            return self.shown.index(row, max(0, self.currentIndex().column()))
        return super().moveCursor(action, modifiers)

    def _state_label(self, shown: tuple[str, bool]) -> str:
        """A segment's state in words, and its lock."""
        state, locked = shown
        label = state_label(state)
        return label + " · " + translate("ProjectsView", "locked") if locked else label

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Show these segment rows (the state and the lock in one column)."""
        for row in rows:  # the state and the lock, shown together in one column
            row["shown_state"] = (row["status"], bool(row["locked"]))
        self.segments.set_rows(rows)

    def shown_rows(self) -> list[dict[str, Any]]:
        """The rows the state filter keeps, in script order (what the find
        bar searches: a match the user cannot see is not counted)."""
        rows, shown = self.segments.rows, self.shown
        return [rows[shown.source_row(n)] for n in range(shown.rowCount())]

    def selected_ids(self) -> list[int]:
        """The selected segments, in script order."""
        rows = sorted(self.shown.source_row(i.row())
                      for i in self.selectionModel().selectedRows())
        return [self.segments.rows[r]["id"] for r in rows]

    def current_id(self) -> int | None:
        """The segment the table's cursor is on (the one the panel shows)."""
        row = self.currentIndex().row()
        if row < 0 or not self.selectionModel().isRowSelected(row):
            return None
        return int(self.segments.rows[self.shown.source_row(row)]["id"])

    def select_ids(self, ids: list[int], current: int | None = None) -> None:
        """Select these segments (those the filter shows), the cursor on ``current``."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        positions = {row["id"]: n for n, row in enumerate(self.segments.rows)}
        selection = QItemSelection()
        for segment_id in ids:
            row = self.shown.shown_row(positions.get(segment_id, -1)) \
                if segment_id in positions else -1
            if row >= 0:
                selection.select(self.shown.index(row, 0),
                                 self.shown.index(row, self.shown.columnCount() - 1))
        model = self.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        if current in positions:
            row = self.shown.shown_row(positions[current])
            if row >= 0:
                model.setCurrentIndex(self.shown.index(row, 0), flags.NoUpdate)
        model.select(selection, flags.ClearAndSelect)

    def select_segment(self, segment_id: int) -> None:
        """Select a segment's row (playback follows along, a timeline click);
        a segment the filter hides is not selected."""
        ids = [row["id"] for row in self.segments.rows]
        if segment_id not in ids:
            return
        row = self.shown.shown_row(ids.index(segment_id))
        if row >= 0:
            self.selectRow(row)
            self.scrollTo(self.shown.index(row, 0))

    def reveal(self, segment_id: int) -> None:
        """Scroll a segment's row into view (if the filter shows it)."""
        ids = [row["id"] for row in self.segments.rows]
        if segment_id in ids:
            row = self.shown.shown_row(ids.index(segment_id))
            if row >= 0:
                self.scrollTo(self.shown.index(row, 0))

    def hides(self, segment_id: int) -> bool:
        """Whether the state filter hides this segment (one of the rows read)."""
        ids = [row["id"] for row in self.segments.rows]
        return segment_id in ids and self.shown.shown_row(ids.index(segment_id)) < 0

    # ------------------------------------------------------------ context menu
    def _menu(self, pos: QPoint) -> None:
        """Right-click on a segment's row: edit it, or say one of its words
        another way."""
        index = self.indexAt(pos)
        if not index.isValid():
            return
        row = self.segments.rows[self.shown.source_row(index.row())]
        if row["id"] not in self.selected_ids():
            self.select_ids([row["id"]], row["id"])
        menu = self.segment_menu(int(row["id"]))
        menu.exec(self.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def segment_menu(self, segment_id: int) -> QMenu:
        """The context menu for one segment."""
        menu = QMenu(self)
        edit = menu.addAction(translate("ProjectsView", "Edit text…"))
        edit.setShortcut(QKeySequence(Qt.Key.Key_F2))
        edit.triggered.connect(lambda: self.edit_requested.emit())
        words = segment_words(self.library.segment(segment_id).text)
        pronounce = menu.addMenu(translate("ProjectsView", "Pronounce as…"))
        pronounce.setToolTip(translate("ProjectsView", "Say a word of this segment another "
                                                       "way, in every segment that has it"))
        pronounce.setToolTipsVisible(True)
        for word in words:
            action = pronounce.addAction(word)
            action.triggered.connect(
                lambda _=False, word=word: self.pronounce_requested.emit(segment_id, word))
        if words:
            pronounce.addSeparator()
        other = pronounce.addAction(translate("ProjectsView", "Another word or phrase…"))
        other.triggered.connect(lambda: self.pronounce_requested.emit(segment_id, ""))
        return menu

"""Qt table models over store queries: rows fetched in one query, never a
widget per row, so a 5,000-segment project opens as fast as SQLite reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """A column: its header, the row key it shows, and how to show it."""

    title: str
    key: str
    fmt: Callable[[Any], str] = str
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    # the row's tooltip in this column (default: the row's own "tooltip", if any)
    tip: Callable[[dict[str, Any]], str | None] | None = None
    color: Callable[[Any], str | None] | None = None  # the text's colour, from the value


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of row dicts; :meth:`set_rows` replaces them."""

    def __init__(self, columns: list[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Replace the rows. When the same rows (by ``id``) come back in the
        same order — a render updating statuses — only their values change:
        no reset, so the view keeps its scroll, selection and layout."""
        same = len(rows) == len(self.rows) and all(
            a.get("id") == b.get("id") for a, b in zip(rows, self.rows))
        if same and rows:
            changed = [i for i, (a, b) in enumerate(zip(rows, self.rows)) if a != b]
            self.rows = rows
            if changed:
                self.dataChanged.emit(self.index(min(changed), 0),
                                      self.index(max(changed), len(self.columns) - 1))
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row(self, index: int) -> dict[str, Any]:
        """The dict behind a row."""
        return self.rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        value = self.rows[index.row()].get(column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if value is None else column.fmt(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:  # a row may explain itself
            if column.tip is not None:
                return column.tip(self.rows[index.row()])
            return self.rows[index.row()].get("tooltip")
        if role == Qt.ItemDataRole.ForegroundRole and column.color is not None:
            color = None if value is None else column.color(value)
            return QColor(color) if color else None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None


class RowFilter(QSortFilterProxyModel):
    """Shows the rows of a :class:`RowsModel` that a predicate keeps (all of
    them when there is none); the rows stay in the source model's order."""

    def __init__(self, source: RowsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows_model = source
        self.keep: Callable[[dict[str, Any]], bool] | None = None
        self.setSourceModel(source)

    def set_filter(self, keep: Callable[[dict[str, Any]], bool] | None) -> None:
        self.beginFilterChange()
        self.keep = keep
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        return self.keep is None or self.keep(self.rows_model.rows[row])

    def source_row(self, row: int) -> int:
        """The source model's row for a row shown here."""
        return self.mapToSource(self.index(row, 0)).row()

    def shown_row(self, source_row: int) -> int:
        """The row shown for a source row; -1 when the filter hides it."""
        return self.mapFromSource(self.rows_model.index(source_row, 0)).row()


def seconds(value: float) -> str:
    """1:05.2 style durations."""
    minutes, rest = divmod(float(value), 60)
    return f"{int(minutes)}:{rest:04.1f}"

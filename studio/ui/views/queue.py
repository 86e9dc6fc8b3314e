"""The render queue: jobs by state, dead ones with their error, retry and cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
)

from studio.engine.queue import JobQueue
from studio.errors import UserError
from studio.store import Library
from studio.ui.qt_models import Column, RowsModel
from studio.ui.views.base import View


class QueueView(View):
    """Jobs, newest first; dead ones show their last error."""

    title = "Queue"

    def __init__(self, library: Library, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(library, parent)
        self.queue = JobQueue(library)
        self.model = RowsModel([
            Column(self.tr("Job"), "id", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Project"), "project"),
            Column(self.tr("Segment"), "segment", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("State"), "state"),
            Column(self.tr("Attempts"), "attempts", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Error"), "error"),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        buttons = QHBoxLayout()
        for label, slot in ((self.tr("Retry dead"), self.retry_dead),
                            (self.tr("Retry selected"), self.retry_selected),
                            (self.tr("Cancel selected"), self.cancel_selected)):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch()
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self.queue.jobs()[:2000])

    def _selected_ids(self) -> list[int]:
        return [self.model.row(i.row())["id"] for i in self.table.selectionModel().selectedRows()]

    def retry_dead(self) -> None:
        self.queue.retry()
        self.refresh()

    def retry_selected(self) -> None:
        for job_id in self._selected_ids():
            try:
                self.queue.retry(job_id)
            except UserError as err:
                self.show_error(err)
        self.refresh()

    def cancel_selected(self) -> None:
        for job_id in self._selected_ids():
            try:
                self.queue.cancel(job_id)
            except UserError as err:
                self.show_error(err)
        self.refresh()

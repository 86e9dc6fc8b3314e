"""The render queue: jobs by state, dead ones with their error, retry and cancel."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
)

from studio.core.jobs import JobQueue
from studio.core.store import Library
from studio.errors import UserError
from studio.ui.qt_models import Column, RowsModel
from studio.ui.views.base import View


class QueueView(View):
    """Jobs, newest first; dead ones show their last error."""

    title = QT_TRANSLATE_NOOP("View", "Queue")

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
        self.projects = RowsModel([
            Column(self.tr("Project"), "name"),
            Column(self.tr("Progress"), "progress"),
            Column(self.tr("Waiting"), "active", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Failed"), "dead", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Priority"), "priority", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Paused"), "paused", lambda v: self.tr("paused") if v else ""),
        ], self)
        self.project_table = QTableView()
        self.project_table.setModel(self.projects)
        self.project_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.project_table.verticalHeader().hide()
        self.project_table.setMaximumHeight(180)
        self.project_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        project_buttons = QHBoxLayout()
        for label, slot in ((self.tr("Pause"), lambda: self._project(pause=True)),
                            (self.tr("Resume"), lambda: self._project(pause=False)),
                            (self.tr("Priority ↑"), lambda: self._project(raise_=True)),
                            (self.tr("Cancel project"), lambda: self._project(cancel=True))):
            button = QPushButton(label)
            button.clicked.connect(slot)
            project_buttons.addWidget(button)
        project_buttons.addStretch()
        self.layout_.addLayout(project_buttons)
        self.layout_.addWidget(self.project_table)
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
        projects = self.queue.project_rows()
        for row in projects:
            row["progress"] = f"{row['rendered']} / {row['segments']}"
        self.projects.set_rows(projects)
        self.model.set_rows(self.queue.jobs()[:2000])

    def _project(self, *, pause: bool | None = None, raise_: bool = False,
                 cancel: bool = False) -> None:
        """Apply a project action to the selected project rows."""
        for index in self.project_table.selectionModel().selectedRows():
            row = self.projects.row(index.row())
            if pause is not None:
                self.queue.set_paused(row["id"], pause)
            if raise_:
                self.queue.set_priority(row["id"], (row["priority"] or 0) + 1)
            if cancel:
                self.queue.cancel(project_id=row["id"])
        self.refresh()

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

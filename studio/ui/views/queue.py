"""The render queue: whether anything renders it, jobs by state, dead ones
with their error, retry and cancel."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from studio.core.store import Library
from studio.errors import UserError
from studio.service import engine, queue
from studio.ui.table_models import Column, RowsModel
from studio.ui.tasks import run_task
from studio.ui.views.base import View

IDLE_STATES = ("failed", "stopped")  # worker rows that render nothing
PROBE_MS = 1000  # how often a shown page asks whether the engine still runs


class QueueView(View):
    """Jobs, newest first; dead ones show their last error."""

    title = QT_TRANSLATE_NOOP("View", "Queue")

    def __init__(self, library: Library, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(library, parent)
        # Whether anything renders the queue: after "stop rendering" on close,
        # jobs wait with no engine, and only this line says so.
        self.engine_line = QLabel()
        self.engine_line.setWordWrap(True)
        self.engine_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.paused_line = QLabel()
        self.paused_line.setWordWrap(True)
        self.start_button = QPushButton(self.tr("Start the engine"))
        self.start_button.clicked.connect(self.start_engine)
        self.status_box = QFrame()
        self.status_box.setFrameShape(QFrame.Shape.StyledPanel)
        status_layout = QHBoxLayout(self.status_box)
        lines = QFrame()
        lines_layout = QVBoxLayout(lines)
        lines_layout.setContentsMargins(0, 0, 0, 0)
        lines_layout.addWidget(self.engine_line)
        lines_layout.addWidget(self.paused_line)
        status_layout.addWidget(lines, 1)
        status_layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignTop)
        self.layout_.addWidget(self.status_box)
        self._starting = False
        self._pid: int | None = None  # the engine as last shown
        # The engine writes nothing when it exits (or is killed), so the store
        # watcher cannot tell: while the page shows, ask the kernel each second
        # (a lock query on one file, microseconds).
        self._probe = QTimer(self)
        self._probe.setInterval(PROBE_MS)
        self._probe.timeout.connect(self._probe_engine)
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
        projects = queue.project_rows(self.library)
        for row in projects:
            row["progress"] = f"{row['rendered']} / {row['segments']}"
        self.projects.set_rows(projects)
        self.model.set_rows(queue.jobs(self.library)[:2000])
        self._show_engine(projects)

    # ------------------------------------------------------------ the engine line
    def _show_engine(self, projects: list[dict[str, Any]]) -> None:
        """Say whether the engine runs (and with which workers), how much
        waits for it, and which projects are paused."""
        status = engine.engine_status(self.library)  # the Engine page's own reading
        self._pid = status["pid"]
        waiting = sum(status["jobs"].get(state, 0) for state in queue.ACTIVE)
        paused = [row for row in projects if row["paused"]]
        held = sum(row["active"] for row in paused)  # waiting, but nothing claims them
        ready = waiting - held
        if self._starting:
            text = self.tr("Starting the engine…")
        elif status["running"] and status["pid"] == -1:
            text = self.tr("The engine is starting…")
        elif status["running"]:
            text = self.tr("Engine running (pid %d): %s.") % (
                status["pid"], self._workers_text(status["workers"]))
            if ready:
                text += " " + self.tr("%d jobs wait.") % ready
        elif ready:
            text = self.tr("Engine stopped — %d jobs wait. Start it to render them.") % ready
        else:
            text = self.tr("Engine stopped. Nothing waits to render.")
        stopped_with_work = not status["running"] and ready > 0 and not self._starting
        self.engine_line.setText(text)
        self.engine_line.setStyleSheet("font-weight: bold" if stopped_with_work else "")
        self.start_button.setVisible(not status["running"] and ready > 0)
        self.start_button.setEnabled(not self._starting)
        self.paused_line.setVisible(bool(paused))
        if paused:
            names = ", ".join(row["name"] for row in paused[:3])
            if len(paused) > 3:
                names += " " + self.tr("and %d more") % (len(paused) - 3)
            self.paused_line.setText(
                self.tr("Paused: %s. Their %d jobs wait until you select the project and "
                        "press Resume.") % (names, held) if held else
                self.tr("Paused: %s.") % names)

    def _workers_text(self, workers: list[dict[str, Any]]) -> str:
        """Live workers by backend ("2 piper workers, 1 cosyvoice2 worker"),
        and failed ones, which render nothing."""
        live = Counter(w["backend"] for w in workers if w["state"] not in IDLE_STATES)
        failed = Counter(w["backend"] for w in workers if w["state"] == "failed")
        if not live and not failed:
            return self.tr("no workers yet")
        parts = [(self.tr("%d %s worker") if n == 1 else self.tr("%d %s workers")) % (n, name)
                 for name, n in sorted(live.items())]
        parts += [self.tr("%d %s failed (see the Engine page)") % (n, name)
                  for name, n in sorted(failed.items())]
        return ", ".join(parts)

    def start_engine(self) -> None:
        """Start the engine off the GUI thread (starting waits for its lock)."""
        root = self.root
        self._starting = True
        self.refresh()

        def done(_pid: object) -> None:
            self._starting = False
            self.refresh()

        def failed(err: Exception, details: str) -> None:
            self._starting = False
            self.refresh()
            self.show_error(err, details)

        run_task(lambda: engine.ensure_engine(root), done, failed)

    def _probe_engine(self) -> None:
        """Refresh when the engine came or went since the page last looked."""
        if not self._starting and engine.engine_running(self.root) != self._pid:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._probe.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._probe.stop()

    def _project(self, *, pause: bool | None = None, raise_: bool = False,
                 cancel: bool = False) -> None:
        """Apply a project action to the selected project rows."""
        for index in self.project_table.selectionModel().selectedRows():
            row = self.projects.row(index.row())
            if pause is not None:
                queue.set_paused(self.library, row["id"], pause)
            if raise_:
                queue.raise_priority(self.library, row["id"], (row["priority"] or 0) + 1)
            if cancel:
                queue.cancel(self.library, project=row["id"])
        self.refresh()

    def _selected_ids(self) -> list[int]:
        return [self.model.row(i.row())["id"] for i in self.table.selectionModel().selectedRows()]

    def retry_dead(self) -> None:
        queue.retry(self.library)
        self.refresh()

    def retry_selected(self) -> None:
        for job_id in self._selected_ids():
            try:
                queue.retry(self.library, job_id)
            except UserError as err:
                self.show_error(err)
        self.refresh()

    def cancel_selected(self) -> None:
        for job_id in self._selected_ids():
            try:
                queue.cancel(self.library, job_id)
            except UserError as err:
                self.show_error(err)
        self.refresh()

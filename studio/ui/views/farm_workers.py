"""The Engine page's render farm: where the farm is, whether it answers, the
jobs it holds, and each remote worker as its last heartbeat tells.

The farm is asked through Redis, which may be slow or gone: every read runs
on the thread pool (:func:`studio.service.farm.status`, at most
:data:`READ_TIMEOUT_S`), one at a time, and only while the group is shown.
A read that ends after the page was hidden or the window closed is dropped.
The workers' heartbeats change Redis, not the library, so besides the page's
refreshes (store changes, the page shown) a timer reads again every
:data:`READ_EVERY_MS` while the page is shown.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.core.store import Library
from studio.service import farm
from studio.service.farm import FarmStatus, RemoteWorker
from studio.ui.table_models import Column, RowsModel
from studio.ui.tasks import run_task

READ_TIMEOUT_S = 2.0  # the longest a read waits for Redis
READ_EVERY_MS = 2000  # a worker beats every 2 s
MIN_GAP_S = 1.0  # store changes come many times a second during a render
SHOWN_ROWS = 4  # a table grows to this many rows, then scrolls

_STATES = {
    "loading": QT_TRANSLATE_NOOP("FarmGroup", "loading"),
    "idle": QT_TRANSLATE_NOOP("FarmGroup", "idle"),
    "busy": QT_TRANSLATE_NOOP("FarmGroup", "busy"),
    "stopped": QT_TRANSLATE_NOOP("FarmGroup", "stopped"),
    "failed": QT_TRANSLATE_NOOP("FarmGroup", "failed"),
    "gone": QT_TRANSLATE_NOOP("FarmGroup", "gone"),
}
_STATE_COLORS = {"busy": "#ef6c00", "failed": "#c0392b", "stopped": "#808080", "gone": "#808080"}
PROBLEM_STYLE = "color: #c0392b"


def state_label(state: str) -> str:
    """A remote worker's state in the interface's language."""
    label = _STATES.get(state)
    return QCoreApplication.translate("FarmGroup", str(label)) if label else state


def ago(seconds: float) -> str:
    """How long ago, in the largest whole unit: "3 s ago", "2 min ago", "5 h ago"."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return QCoreApplication.translate("FarmGroup", "%d s ago") % seconds
    if seconds < 3600:
        return QCoreApplication.translate("FarmGroup", "%d min ago") % (seconds // 60)
    return QCoreApplication.translate("FarmGroup", "%d h ago") % (seconds // 3600)


def fit_rows(table: QTableView, rows: int) -> None:
    """Make ``table`` as tall as ``rows`` rows (one at least), up to
    :data:`SHOWN_ROWS`, then it scrolls: the page's log keeps the rest."""
    table.setFixedHeight(
        min(max(rows, 1), SHOWN_ROWS) * table.verticalHeader().defaultSectionSize()
        + table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth())


def read_status(root: Path) -> FarmStatus:
    """The farm's status, on a pool thread with its own library connection."""
    with Library.open(root) as library:
        return farm.status(library, READ_TIMEOUT_S)


class FarmGroup(QGroupBox):
    """The farm this library hands jobs to, and its remote workers."""

    def __init__(self, root: Path, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Render farm"), parent)
        self.root = root
        self.reading = False  # a read is on the thread pool
        self.started = 0.0  # when the last read started (monotonic)
        self.status: FarmStatus | None = None  # the last one shown
        self.where_label = QLabel()
        self.where_label.setWordWrap(True)  # a long URL or language never widens the window
        self.where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label.hide()
        right = Qt.AlignmentFlag.AlignRight
        self.workers = RowsModel([
            Column(self.tr("Worker"), "name"),
            Column(self.tr("State"), "state", state_label, color=_STATE_COLORS.get),
            Column(self.tr("Device"), "device"),
            Column(self.tr("Backend"), "backend"),
            Column(self.tr("Job"), "job", align=right),
            Column(self.tr("Done"), "jobs_done", align=right),
            Column(self.tr("Last seen"), "seen_s", ago, align=right),
            Column(self.tr("Problem"), "error"),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.workers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)  # host:pid
        header.setSectionResizeMode(len(self.workers.columns) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.hide()
        box = QVBoxLayout(self)
        box.addWidget(self.where_label)
        box.addWidget(self.problem_label)
        box.addWidget(self.table)
        self.timer = QTimer(self)
        self.timer.setInterval(READ_EVERY_MS)
        self.timer.timeout.connect(self.read)
        self.where_label.setText(self.tr("Asking the farm…"))

    def refresh(self) -> None:
        """The page refreshed: read the farm again, unless a read is under way
        or one started within :data:`MIN_GAP_S` (the timer comes soon)."""
        if time.monotonic() - self.started >= MIN_GAP_S:
            self.read()

    def read(self) -> None:
        """Ask the farm on the thread pool (one read at a time, only while shown)."""
        if self.reading or not self.isVisible():
            return
        self.reading = True
        self.started = time.monotonic()
        root = self.root

        def done(status: FarmStatus) -> None:
            self.reading = False
            if shiboken6.isValid(self) and self.isVisible():  # else: hidden or closed since
                self.show_status(status)

        def failed(err: Exception, _details: str) -> None:
            done(FarmStatus(None, problem=str(err)))

        run_task(lambda: read_status(root), done, failed)

    def show_status(self, status: FarmStatus) -> None:
        """Show what a read found."""
        self.status = status
        problem, hint = status.problem, None
        if status.url is None and problem is None:
            self.where_label.setText(self.tr(
                "Not connected to a render farm — connect one with "
                "`studio farm connect redis://HOST:PORT/DB`"))
        elif status.url is None:  # the library itself could not be read
            self.where_label.setText(self.tr("The farm could not be asked"))
        else:
            self.where_label.setText(
                (self.tr("Farm at %s: answers") if status.reachable else
                 self.tr("Farm at %s: does not answer")) % status.url
                + " · " + self.tr("jobs handed to the farm: %d · results waiting: %d")
                % (status.held, status.waiting))
            if status.reachable and not status.workers:
                hint = self.tr("No workers yet — start them on each machine with "
                               "`studio farm worker --redis URL`")
        self.problem_label.setText(problem or hint or "")
        self.problem_label.setStyleSheet(PROBLEM_STYLE if problem else "")
        self.problem_label.setVisible(bool(problem or hint))
        self.workers.set_rows([self._row(worker) for worker in status.workers])
        self.table.setVisible(bool(status.workers))
        fit_rows(self.table, len(self.workers.rows))

    @staticmethod
    def _row(worker: RemoteWorker) -> dict[str, Any]:
        return {**worker.as_json(), "id": worker.name,
                "tooltip": worker.error or worker.host}

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.timer.start()
        self.read()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)

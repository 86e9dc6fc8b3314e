"""The engine: the placement plan, each worker (local, and the render farm's),
start and stop, the log."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from studio.backends import installed_backends
from studio.core import serving
from studio.core.keys import list_keys, revoke_key
from studio.core.store import Library
from studio.gpu import probe
from studio.service import engine
from studio.ui.table_models import Column, RowsModel
from studio.ui.tasks import run_task
from studio.ui.views.base import View
from studio.ui.views.farm_workers import FarmGroup, fit_rows
from studio.ui.views.keys_dialog import AddKeyDialog, NewKeyDialog


def _when(stamp: float) -> str:
    """A time of day if it is today, else the date and time."""
    moment = time.localtime(stamp)
    today = time.localtime()
    same_day = (moment.tm_year, moment.tm_yday) == (today.tm_year, today.tm_yday)
    return time.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M", moment)


class EngineView(View):
    """What the engine is doing, honestly: every worker and why it is where it is."""

    title = QT_TRANSLATE_NOOP("View", "Engine")

    def __init__(self, library: Library, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(library, parent)
        self.plan_label = QLabel("\n".join(self._plan_lines()))
        self.plan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label = QLabel()
        # Registered backends that failed to load: without this they would
        # simply be missing, with no word of why.
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label.setStyleSheet("color: #c0392b")
        self.start_button = QPushButton(self.tr("Start"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        bar = QHBoxLayout()
        bar.addWidget(self.state_label, 1)
        bar.addWidget(self.start_button)
        bar.addWidget(self.stop_button)
        self.workers = RowsModel([
            Column(self.tr("Worker"), "slot", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("State"), "state"),
            Column(self.tr("Device"), "device"),
            Column(self.tr("Job"), "current_job", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("PID"), "pid", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Uptime"), "uptime_s", lambda s: f"{s:.0f} s"),
            Column(self.tr("Done"), "jobs_done", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Restarts"), "restarts", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Placed because"), "reason"),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.workers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.layout_.addWidget(self.plan_label)
        self.layout_.addWidget(self.problems_label)
        self.layout_.addLayout(bar)
        self.layout_.addWidget(self.table, 1)
        self.farm = FarmGroup(self.root)
        self.layout_.addWidget(self.farm)
        self.layout_.addWidget(QLabel(self.tr("Log")))
        self.layout_.addWidget(self.log, 1)
        self.layout_.addWidget(self._api_group())
        self.refresh()

    def _api_group(self) -> QGroupBox:
        """The HTTP API (``studio serve``): whether it runs, where, and its keys."""
        group = QGroupBox(self.tr("HTTP API"))
        self.server_label = QLabel()
        self.server_label.setWordWrap(True)
        self.server_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keys = RowsModel([
            Column(self.tr("Key"), "name"),
            Column(self.tr("Created"), "created_at", _when),
            Column(self.tr("State"), "state"),
        ], self)
        self.keys_table = QTableView()
        self.keys_table.setModel(self.keys)
        self.keys_table.verticalHeader().hide()
        self.keys_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.keys_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.keys_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.keys_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.keys_table.selectionModel().selectionChanged.connect(
            lambda *_: self._key_actions())
        self.add_key_button = QPushButton(self.tr("Add key…"))
        self.revoke_key_button = QPushButton(self.tr("Revoke"))
        self.add_key_button.clicked.connect(self.add_key)
        self.revoke_key_button.clicked.connect(self.revoke_selected)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_key_button)
        buttons.addWidget(self.revoke_key_button)
        buttons.addStretch(1)
        keys_row = QHBoxLayout()
        keys_row.addWidget(self.keys_table, 1)
        keys_row.addLayout(buttons)
        box = QVBoxLayout(group)
        box.addWidget(self.server_label)
        box.addLayout(keys_row)
        return group

    def _plan_lines(self) -> list[str]:
        """The GPUs, then each backend's plan as the supervisor would make it
        now: the backend's own memory need with the library's options."""
        gpus, note = probe()
        lines = [f"GPUs: {note}"] + [
            f"#{g.index} {g.name}: {g.free_mb} of {g.total_mb} MB free" for g in gpus]
        for name in sorted(installed_backends()):
            need, result = engine.worker_plan(self.library, name, gpus)
            lines.append(f"{name}: {need} MB of GPU memory per worker" if need and gpus
                         else f"{name}:")
            lines += [f"  worker {p.slot + 1}: {p.reason}" for p in result.placements]
            lines += [f"  not placed: {line}" for line in result.unplaced]
        return lines

    def refresh(self) -> None:
        status = engine.engine_status(self.library)
        running = status["running"]
        self.state_label.setText(
            self.tr("Running (pid %s)") % status["pid"] if running else self.tr("Stopped"))
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.workers.set_rows(status["workers"])
        problems = status["backend_problems"]
        self.problems_label.setText("\n".join(
            self.tr("Backend %s is not available: %s") % (name, problem)
            for name, problem in sorted(problems.items())))
        self.problems_label.setVisible(bool(problems))
        self._refresh_api()
        self.farm.refresh()
        log = self.root / "logs" / "engine.log"
        if log.exists():
            with open(log, "rb") as handle:
                handle.seek(max(0, log.stat().st_size - 20000))
                tail = handle.read().decode("utf-8", "replace").splitlines()[-200:]
            self.log.setPlainText("\n".join(tail))
            self.log.verticalScrollBar().setValue(self.log.verticalScrollBar().maximum())

    def start(self) -> None:
        root = self.root
        self.start_button.setEnabled(False)
        run_task(lambda: engine.start_engine(root, exist_ok=True), lambda _: self.refresh(),
                 self.show_error)

    def stop(self) -> None:
        root = self.root
        self.stop_button.setEnabled(False)
        run_task(lambda: engine.stop_engine(root), lambda _: self.refresh(), self.show_error)

    def _refresh_api(self) -> None:
        server = serving.running(self.root)
        if server is None:
            self.server_label.setText(self.tr(
                "API server not running — start it with `studio serve` (see docs/server.md)"))
        else:
            self.server_label.setText(self.tr("API server running at %s (pid %s, since %s)") % (
                server["url"], server["pid"], _when(float(server["since"]))))
        rows: list[dict[str, Any]] = [
            {**row, "id": row["key_id"],
             "state": self.tr("active") if row["revoked_at"] is None
             else self.tr("revoked %s") % _when(row["revoked_at"])}
            for row in list_keys(self.library)]
        self.keys.set_rows(rows)
        fit_rows(self.keys_table, len(rows))  # as tall as its keys, up to four
        self._key_actions()

    def selected_key(self) -> dict[str, Any] | None:
        """The key row selected, if any."""
        chosen = self.keys_table.selectionModel().selectedRows()
        return self.keys.row(chosen[0].row()) if chosen else None

    def _key_actions(self) -> None:
        row = self.selected_key()
        self.revoke_key_button.setEnabled(row is not None and row["revoked_at"] is None)

    def add_key(self) -> None:
        """Ask a name, make the key, show it once."""
        self.key_dialog = AddKeyDialog(self.root, self)
        self.key_dialog.accepted.connect(self._key_added)
        self.key_dialog.open()

    def _key_added(self) -> None:
        dialog = self.key_dialog
        self.refresh()
        if dialog.key is not None:
            self.new_key_dialog = NewKeyDialog(dialog.name(), dialog.key, self)
            self.new_key_dialog.open()

    def revoke_selected(self) -> None:
        """Revoke the selected key, once the user confirms."""
        row = self.selected_key()
        if row is None or row["revoked_at"] is not None:
            return
        name = str(row["name"])
        answer = QMessageBox.question(
            self, self.tr("Revoke key"),
            self.tr("Revoke the key %s? Programs that use it are refused from now on.")
            % name)
        if answer != QMessageBox.StandardButton.Yes:
            return
        root = self.root

        def revoke() -> None:
            with Library.open(root) as library:
                revoke_key(library, name)

        run_task(revoke, lambda _: self.refresh(), self.show_error)

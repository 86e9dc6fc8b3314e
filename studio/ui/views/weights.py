"""Models: what the manifest offers, what is on disk, and the same actions as
``studio models`` (download with progress and cancel, verify, remove)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
)

from studio.core.store import Library
from studio.errors import UserError
from studio.ui.table_models import Column, RowsModel
from studio.ui.tasks import run_task
from studio.ui.views.base import View
from studio.weights import ModelStore


def _shown(folder: Path) -> str:
    """A folder as the user thinks of it: relative to where the studio runs, or ~/…"""
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        try:
            return prefix + str(folder.relative_to(base))
        except ValueError:
            continue
    return str(folder)


class _Progress(QObject):
    """Carries progress from the download thread to the GUI thread."""

    moved = Signal(str, int, int)  # file, done, total


class ModelsView(View):
    """Model weights: download, verify, remove."""

    title = QT_TRANSLATE_NOOP("View", "Models")

    def __init__(self, library: Library, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(library, parent)
        self.store: ModelStore | None = None
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.model = RowsModel([
            Column(self.tr("Model"), "name"),
            Column(self.tr("State"), "state"),
            Column(self.tr("On disk"), "on_disk"),
            Column(self.tr("Backend"), "backend"),
            Column(self.tr("VRAM"), "vram"),
            Column(self.tr("Licence"), "licence"),
            Column(self.tr("Languages"), "languages"),
            Column(self.tr("Folder"), "folder"),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.clicked.connect(self.download_selected)
        self.cancel_button = QPushButton(self.tr("Cancel download"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.verify_button = QPushButton(self.tr("Verify"))
        self.verify_button.clicked.connect(self.verify_selected)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        for button in (self.download_button, self.cancel_button, self.verify_button,
                       self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel(self.tr("Models are downloaded only from this page or "
                                     "`studio models download`, never while rendering."))
        self.status.setWordWrap(True)
        self.layout_.addWidget(self.problem)
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.progress)
        self.layout_.addWidget(self.status)
        self._busy = False
        self._cancel = threading.Event()
        self._signals = _Progress(self)
        self._signals.moved.connect(self._moved)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.store = self.store or ModelStore()
        except UserError as err:
            self.problem.setText(str(err))
            return
        self.problem.setVisible(False)
        rows = []
        for name, spec in sorted(self.store.specs.items()):
            status = self.store.status(name)
            rows.append({
                "name": name, "state": status.state,
                "on_disk": f"{status.bytes_on_disk / 1e9:.2f} GB" if status.bytes_on_disk else "",
                "backend": spec.backend, "vram": f"{spec.vram_mb} MB",
                "licence": spec.licence, "languages": " ".join(spec.languages),
                "folder": _shown(status.folder),
            })
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        if rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self._enable()

    def selected(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.row(index.row())["name"] if index.isValid() else None

    def _enable(self) -> None:
        name = self.selected()
        state = self.model.row(self.table.currentIndex().row())["state"] if name else None
        self.download_button.setEnabled(bool(name) and not self._busy and state != "installed")
        self.verify_button.setEnabled(not self._busy and state in ("installed", "incomplete"))
        self.remove_button.setEnabled(not self._busy and state not in (None, "absent"))
        self.cancel_button.setEnabled(self._busy)

    # ------------------------------------------------------------ actions
    def _run(self, label: str, work, done) -> None:  # type: ignore[no-untyped-def]
        self._busy = True
        self._cancel.clear()
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.status.setText(label)
        self._enable()
        last = [0.0]

        def progress(path: str, in_file: int, done_bytes: int, total: int) -> None:
            if self._cancel.is_set():
                raise UserError(self.tr("download cancelled"),
                                self.tr("download again to resume where it stopped"))
            now = time.monotonic()
            if now - last[0] > 0.1 or done_bytes == total:  # at most 10 updates a second
                last[0] = now
                self._signals.moved.emit(path, done_bytes, total)

        def finish(result: object) -> None:
            self._finished()
            done(result)

        def failed(err: Exception, details: str) -> None:
            self._finished()
            self.status.setText(str(err))
            self.show_error(err, details)

        run_task(lambda: work(progress), finish, failed)

    def _finished(self) -> None:
        self._busy = False
        self.progress.setVisible(False)
        self.refresh()

    def _moved(self, path: str, done: int, total: int) -> None:
        if total:  # the manifest knows the sizes
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
            self.status.setText(self.tr("%s: %.1f of %.1f MB") % (path, done / 1e6,
                                                                 total / 1e6))
        else:
            self.status.setText(self.tr("%s: %.1f MB") % (path, done / 1e6))

    def download_selected(self) -> None:
        name = self.selected()
        if name is None or self.store is None:
            return
        store = self.store
        self._run(self.tr("Downloading %s…") % name,
                  lambda progress: store.download(name, progress=progress),
                  lambda folder: self.status.setText(self.tr("%s is ready in %s") %
                                                     (name, folder)))

    def cancel(self) -> None:
        self._cancel.set()
        self.status.setText(self.tr("Cancelling: the part downloaded so far is kept…"))

    def verify_selected(self) -> None:
        name = self.selected()
        if name is None or self.store is None:
            return
        store = self.store

        def done(problems: list[object]) -> None:
            if problems:
                self.show_error(UserError(
                    self.tr("%s is damaged: %s") % (name, "; ".join(map(str, problems))),
                    self.tr("Download repairs only these files")))
            else:
                self.status.setText(self.tr("%s: every file checks out") % name)

        self._run(self.tr("Verifying %s…") % name,
                  lambda progress: store.verify(name, progress), done)

    def remove_selected(self) -> None:
        name = self.selected()
        if name is None or self.store is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Remove model"),
            self.tr("Delete the files of %s? Downloading it again takes a while.") % name)
        if answer != QMessageBox.StandardButton.Yes:
            return
        store = self.store
        self._run(self.tr("Removing %s…") % name, lambda progress: store.remove(name),
                  lambda freed: self.status.setText(self.tr("Removed %s (%.1f MB freed)") %
                                                    (name, freed / 1e6)))

"""The voice library: presets and cloned voices, import with transcript."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMainWindow,
    QPushButton,
    QTableView,
)

from studio.core.planning import ensure_presets
from studio.core.store import Library
from studio.errors import UserError
from studio.ui.table_models import Column, RowsModel, seconds
from studio.ui.tasks import run_in_process, run_task
from studio.ui.views.base import View, cached_fit


class VoicesView(View):
    """Voices with language, duration and which backend can use them."""

    title = QT_TRANSLATE_NOOP("View", "Voices")

    def __init__(self, library: Library, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(library, parent)
        self.model = RowsModel([
            Column(self.tr("Name"), "name"),
            Column(self.tr("Kind"), "kind"),
            Column(self.tr("Language"), "language"),
            Column(self.tr("Length"), "duration_s", seconds),
            Column(self.tr("Backend"), "backend"),
            Column(self.tr("Transcript"), "transcript"),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        buttons = QHBoxLayout()
        self.import_button = QPushButton(self.tr("Import clip…"))
        self.import_button.clicked.connect(self.choose_clip)
        self.record_button = QPushButton(self.tr("Record…"))
        self.record_button.clicked.connect(self.record)
        from studio.audio.recording import input_problem

        problem = input_problem()
        if problem:
            self.record_button.setEnabled(False)
            self.record_button.setToolTip(problem)
        from studio.audio.playback import Player

        self.player = Player()
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.clicked.connect(self.play_selected)
        if self.player.problem:
            self.play_button.setEnabled(False)
            self.play_button.setToolTip(self.player.problem)
        self.trim_button = QPushButton(self.tr("Trim…"))
        self.trim_button.clicked.connect(self.trim_selected)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.trim_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(self.table, 1)
        ensure_presets(library)
        self.refresh()

    def refresh(self) -> None:
        rows = []
        for voice in self.library.voices():
            fit = cached_fit(self.library, voice)
            modes = {"preset": self.tr("preset"), "zero-shot": self.tr("zero-shot"),
                     "cross-lingual": self.tr("cross-lingual")}
            backend = f"{fit.backend or '-'} ({modes[fit.mode]})"
            if fit.problem:
                backend += " ⚠ " + self.tr("cannot render here")
            rows.append({"id": voice.id, "name": voice.name, "kind": voice.kind,
                         "language": voice.language, "duration_s": voice.duration_s,
                         "backend": backend, "transcript": voice.transcript,
                         "tooltip": fit.problem})
        self.model.set_rows(rows)

    def choose_clip(self) -> None:
        """Ask for a clip, then the import form."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a voice clip"), "",
            self.tr("Audio (*.wav *.flac *.ogg *.mp3)"))
        if path:
            self.import_clip(Path(path))

    def record(self) -> None:
        """Record a clip from the microphone, then import it like a file."""
        from studio.ui.views.record_dialog import RecordDialog

        self.record_dialog = RecordDialog(self)
        self.record_dialog.accepted.connect(self._recorded)
        self.record_dialog.open()

    def _recorded(self) -> None:
        dialog = self.record_dialog
        if dialog.clip is not None:
            self.import_clip(dialog.clip, dialog.name.text().strip() or "Recording",
                             dialog.transcript.text(), remove_after=True)

    def import_clip(self, clip: Path, name: str | None = None,
                    transcript: str | None = None, *, remove_after: bool = False) -> None:
        """Import ``clip``: a dropped or chosen file first opens the import form
        (name, transcript, language, listen); a recording comes with its own."""
        if name is None:
            from studio.ui.views.import_dialog import ImportVoiceDialog

            dialog = self.import_dialog = ImportVoiceDialog(clip, self)
            dialog.accepted.connect(lambda: self._start_import(clip, *dialog.values()))
            dialog.open()
            return
        self._start_import(clip, name, transcript, None, remove_after=remove_after)

    def _start_import(self, clip: Path, name: str, transcript: str | None,
                      language: str | None, *, remove_after: bool = False) -> None:
        """Import off the GUI thread, with the checks of `studio voices add`."""
        root = self.root

        def work() -> tuple[str, tuple[str, ...]]:
            from studio.core.prompts import import_voice

            try:
                with Library.open(root) as library:
                    voice, warnings = import_voice(library, name, clip, transcript or None,
                                                   language)
            finally:
                if remove_after:
                    clip.unlink(missing_ok=True)
            return voice.name, warnings

        self.import_button.setEnabled(False)
        run_task(work, self._imported, self._failed)

    def _imported(self, result: tuple[str, tuple[str, ...]]) -> None:
        name, warnings = result
        self.import_button.setEnabled(True)
        self.refresh()
        message = self.tr("Added voice %s") % name
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage("; ".join([message, *warnings]), 8000)

    def _failed(self, err: Exception, details: str) -> None:
        self.import_button.setEnabled(True)
        self.show_error(err, details)

    def play_selected(self) -> None:
        """Preview the selected voice's prompt (a preset plays a sample line)."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.player.problem:
            return
        voice = self.library.find_voice(self.model.row(rows[0].row())["name"])
        if voice is None:
            return
        from studio.core.review import preview

        run_in_process(preview, (str(self.root), voice.name),
                       lambda result: self.player.play(*result), self.show_error)

    def trim_selected(self) -> None:
        """Open the trim handles for the selected cloned voice."""
        from studio.core.prompts import original_audio
        from studio.ui.views.trim_dialog import TrimDialog

        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        voice = self.library.find_voice(self.model.row(rows[0].row())["name"])
        if voice is None:
            return
        try:
            samples, rate = original_audio(self.library, voice)
        except UserError as err:
            self.show_error(err)
            return
        self.trim_dialog = TrimDialog(voice.name, samples, rate, self)
        self.trim_dialog.accepted.connect(lambda: self._retrim(voice.name))
        self.trim_dialog.open()

    def _retrim(self, name: str) -> None:
        start, end = self.trim_dialog.selection()
        root = self.root

        def work() -> str:
            from studio.core.prompts import retrim

            with Library.open(root) as library:
                return retrim(library, name, start, end).name

        run_task(work, lambda _: self.refresh(), self.show_error)

    def remove_selected(self) -> None:
        """Remove the selected cloned voice."""
        from studio.core.prompts import remove_voice

        for index in self.table.selectionModel().selectedRows():
            try:
                remove_voice(self.library, self.model.row(index.row())["name"])
            except UserError as err:
                self.show_error(err)
        self.refresh()

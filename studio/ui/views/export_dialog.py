"""Export a project: a preset (video, podcast, audiobook) or format, sample
rate and loudness by hand, pauses, SRT and WebVTT subtitles, one file per
segment; runs off the GUI thread; reveals the folder. The presets are the
command line's (``studio.core.presets``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio import audio
from studio.core.export import (
    DEFAULT_PAUSES,
    ExportSettings,
    NotRendered,
    check_exportable,
    export_segments,
)
from studio.core.presets import PRESETS, resolve
from studio.core.store import Library, Project
from studio.errors import UserError
from studio.service import qa
from studio.service.export import default_path, export
from studio.ui import words
from studio.ui.table_models import seconds
from studio.ui.tasks import engine_starter, run_task


class ExportDialog(QDialog):
    """Choose how to export, then export."""

    show_flagged = Signal()  # "Show them": the segments that need review, in the window

    def __init__(self, library: Library, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.library, self.project = library, project
        self.setWindowTitle(self.tr("Export %s") % project.name)
        self.preset = QComboBox()
        self.preset.addItem(self.tr("None (choose below)"), None)
        for preset in PRESETS.values():
            self.preset.addItem(f"{preset.name.capitalize()}: {preset.description}", preset.name)
        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.format = QComboBox()
        for suffix, fmt in audio.EXPORT_FORMATS.items():
            if fmt.lossy:
                self.format.addItem(f"{fmt.label}, {fmt.kbps} kb/s", suffix)
                continue
            for bits in sorted({fmt.bits, *audio.PCM_BITS}):
                self.format.addItem(f"{fmt.label} ({bits}-bit)", f"{suffix}/{bits}")
        self.format.currentIndexChanged.connect(self._update_suffix)
        self.rate = QComboBox()
        self.rate.addItem(self.tr("As rendered"), None)
        for rate in (22050, 24000, 44100, 48000):
            self.rate.addItem(f"{rate} Hz", rate)
        self.lufs = QDoubleSpinBox()
        self.lufs.setRange(-30.0, -10.0)
        self.lufs.setSingleStep(0.5)
        self.lufs.setValue(-16.0)
        self.lufs.setSuffix(" LUFS")
        self.pauses: dict[str, QDoubleSpinBox] = {}
        self.srt = QCheckBox(self.tr("Subtitles (.srt) beside the audio"))
        self.srt.setChecked(True)
        self.vtt = QCheckBox(self.tr("WebVTT subtitles (.vtt) beside the audio"))
        self.per_segment = QCheckBox(self.tr("One file per segment (in a folder)"))
        self.path = QLineEdit(str(default_path(library, project, ".wav")))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Preset"), self.preset)
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("Sample rate"), self.rate)
        form.addRow(self.tr("Loudness"), self.lufs)
        for kind, label in (("comma", self.tr("Pause after a comma")),
                            ("sentence", self.tr("Pause after a sentence")),
                            ("paragraph", self.tr("Pause after a paragraph"))):
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 5.0)
            spin.setSingleStep(0.05)
            spin.setValue(DEFAULT_PAUSES[kind])
            spin.setSuffix(" s")
            self.pauses[kind] = spin
            form.addRow(label, spin)
        form.addRow(self.srt)
        form.addRow(self.vtt)
        form.addRow(self.per_segment)
        form.addRow(self.tr("Save to"), path_row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.summary = QLabel()
        self.reveal = QPushButton(self.tr("Show folder"))
        self.reveal.setEnabled(False)
        self.reveal.clicked.connect(self._reveal)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton(self.tr("Export"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        # Stale or missing takes: the export would not match the script.
        self.not_rendered = QLabel()
        self.not_rendered.setWordWrap(True)
        self.render_first = QPushButton(self.tr("Render these first"))
        self.render_first.clicked.connect(self._render_first)
        # Take QA's flagged segments: exported as they are, but said first
        self.flagged = QLabel()
        self.flagged.setWordWrap(True)
        self.show_them = QPushButton(self.tr("Show them"))
        self.show_them.setToolTip(self.tr(
            "Close this dialog and show only the segments that need review (N: the next one)"))
        self.show_them.clicked.connect(self._show_flagged)
        flagged_row = QHBoxLayout()
        flagged_row.addWidget(self.flagged, 1)
        flagged_row.addWidget(self.show_them)
        layout = QVBoxLayout(self)
        layout.addWidget(self.not_rendered)
        layout.addWidget(self.render_first)
        layout.addLayout(flagged_row)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.reveal)
        layout.addWidget(self.buttons)
        self.check_rendered()

    def check_rendered(self) -> bool:
        """Show what is not rendered (and offer to render it); True if all is."""
        if self.progress.maximum() == 0:  # exporting now: leave the buttons alone
            return True
        self._check_flagged()
        try:
            check_exportable(self.library, self.project)
        except NotRendered as err:
            self.not_rendered.setText("⚠ " + str(err))
            locked = all(s.locked for s in err.segments)
            self.render_first.setEnabled(not locked)
            self.not_rendered.show()
            self.render_first.show()
            self.export_button.setEnabled(False)
            return False
        self.not_rendered.hide()
        self.render_first.hide()
        self.export_button.setEnabled(True)
        return True

    def _check_flagged(self) -> None:
        """Say how many segments take QA flagged (they export as they are)."""
        count = qa.summary(self.library, self.project)["flagged"]
        self.flagged.setText("" if not count else "⚠ " + (
            self.tr("1 segment needs review: take QA found its take wanting.") if count == 1
            else self.tr("%d segments need review: take QA found their takes wanting.")
            % count) + " " + self.tr("They are exported as they are."))
        self.flagged.setVisible(bool(count))
        self.show_them.setVisible(bool(count))

    def _show_flagged(self) -> None:
        self.show_flagged.emit()
        self.reject()

    def _render_first(self) -> None:
        """Queue what is not rendered and start the engine; the dialog checks
        again as takes arrive (the window calls :meth:`check_rendered` on
        every change of the library) and enables Export when all is done."""
        from studio.service import render

        try:
            queued = render.start_render(self.library, self.project,
                                         start=engine_starter(self._failed))
        except UserError as err:
            self.summary.setText(str(words.refusal(err)))
            return
        self.summary.setText(words.queued(queued))
        self.render_first.setEnabled(False)

    def _apply_preset(self) -> None:
        """Set format, sample rate and loudness from the chosen preset; any of
        them may be changed afterwards (as options override it on the command line)."""
        name = self.preset.currentData()
        if name is None:
            return
        preset = PRESETS[name]
        bits = preset.bits or audio.EXPORT_FORMATS[preset.suffix].bits
        self.format.setCurrentIndex(self.format.findData(f"{preset.suffix}/{bits}" if bits
                                                         else preset.suffix))
        self.rate.setCurrentIndex(self.rate.findData(preset.sample_rate))
        self.lufs.setValue(preset.lufs)

    def _update_suffix(self) -> None:
        path = Path(self.path.text())
        self.path.setText(str(path.with_suffix(self.chosen_format()[0])))

    def chosen_format(self) -> tuple[str, int | None]:
        """The suffix and, for WAV and FLAC, the bit depth chosen."""
        suffix, _, bits = self.format.currentData().partition("/")
        return suffix, int(bits) if bits else None

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export to"), self.path.text())
        if path:
            self.path.setText(path)

    def settings(self) -> ExportSettings:
        """The export settings chosen in the dialog: the preset's, with the
        format, rate and loudness shown (the preset's own unless changed)."""
        pauses = dict(DEFAULT_PAUSES)
        pauses.update({kind: spin.value() for kind, spin in self.pauses.items()})
        suffix, bits = self.chosen_format()
        _, settings = resolve(self.preset.currentData(), suffix=suffix,
                              sample_rate=self.rate.currentData(), lufs=self.lufs.value(),
                              base=ExportSettings(pauses=pauses))
        return replace(settings, bits=bits) if bits else settings

    def export(self) -> None:
        """Export off the GUI thread (the dialog stays responsive)."""
        root, name = self.library.root, self.project.name
        target = Path(self.path.text()).expanduser()
        suffix = self.chosen_format()[0]
        try:
            settings = self.settings()
        except UserError as err:
            self.summary.setText(str(err))
            return
        per_segment, srt, vtt = (self.per_segment.isChecked(), self.srt.isChecked(),
                                 self.vtt.isChecked())

        def work() -> str:
            with Library.open(root) as library:
                project = library.find_project(name)
                assert project is not None
                if per_segment:
                    files = export_segments(library, project, target.with_suffix(""), suffix,
                                            settings)
                    return f"{len(files)} files in {target.with_suffix('')}"
                result = export(library, project, target.with_suffix(suffix),
                                settings=settings,
                                srt=target.with_suffix(".srt") if srt else None,
                                vtt=target.with_suffix(".vtt") if vtt else None)
                chapters = f", {len(result.chapters)} chapters" if result.chapters else ""
                return (f"{result.audio_path.name}: {seconds(result.duration_s)}, "
                        f"{result.sample_rate} Hz, {result.lufs:.1f} LUFS{chapters}")

        if not self.check_rendered():
            return
        self.export_button.setEnabled(False)
        self.progress.setRange(0, 0)  # busy
        self.summary.setText(self.tr("Exporting…"))
        run_task(work, self._done, self._failed)

    def _done(self, summary: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.summary.setText(summary)
        self.export_button.setEnabled(True)
        self.reveal.setEnabled(True)

    def _failed(self, err: Exception, details: str = "") -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.summary.setText(str(err))
        self.check_rendered()

    def _reveal(self) -> None:
        folder = Path(self.path.text()).expanduser()
        folder = folder.with_suffix("") if self.per_segment.isChecked() else folder.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

"""Record a voice prompt: device, countdown, level meter, stop, transcript."""

from __future__ import annotations

import tempfile
from pathlib import Path

import soundfile as sf
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.audio.recording import Recorder, input_devices


class RecordDialog(QDialog):
    """Counts down, records until Stop, then hands the clip to the caller."""

    def __init__(self, parent: QWidget | None = None, countdown_s: int = 3) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record a voice"))
        self.countdown_s = countdown_s
        self.recorder: Recorder | None = None
        self.clip: Path | None = None
        self.device = QComboBox()
        for index, name in input_devices():
            self.device.addItem(name, index)
        self.name = QLineEdit()
        self.transcript = QLineEdit()
        self.transcript.setPlaceholderText(self.tr("Read a sentence aloud and type it here"))
        self.meter = QProgressBar()
        self.meter.setRange(-60, 0)
        self.meter.setFormat("%v dBFS")
        self.status = QLabel(self.tr("3 to 30 seconds of speech."))
        self.record_button = QPushButton(self.tr("Record"))
        self.record_button.clicked.connect(self.toggle)
        form = QFormLayout()
        form.addRow(self.tr("Microphone"), self.device)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Transcript"), self.transcript)
        form.addRow(self.tr("Level"), self.meter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.record_button)
        layout.addWidget(buttons)
        self.timer = QTimer(self)
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._tick)
        self._count = 0
        if self.device.count() == 0:
            self.record_button.setEnabled(False)
            self.status.setText(self.tr("No microphone: recording is not available here."))

    def toggle(self) -> None:
        """Record (after the countdown) or stop."""
        if self.recorder is None and not self.timer.isActive():
            self._count = self.countdown_s * 20
            self.record_button.setText(self.tr("Stop"))
            self.timer.start()
        else:
            self.finish()

    def _tick(self) -> None:
        if self._count > 0:  # counting down
            self._count -= 1
            self.status.setText(self.tr("Recording in %d…") % (self._count // 20 + 1))
            if self._count == 0:
                self.recorder = Recorder(self.device.currentData())
                self.recorder.start()
            return
        if self.recorder is not None:
            self.meter.setValue(max(-60, int(self.recorder.level_db)))
            self.status.setText(self.tr("Recording: %.1f s") % self.recorder.seconds)

    def finish(self) -> None:
        """Stop, write the clip to a temporary WAV, and accept."""
        self.timer.stop()
        if self.recorder is None:
            self.reject()
            return
        audio = self.recorder.stop()
        rate = self.recorder.rate
        self.recorder = None
        handle = tempfile.NamedTemporaryFile(suffix=".wav", delete=False)  # noqa: SIM115
        handle.close()
        sf.write(handle.name, audio, rate)
        self.clip = Path(handle.name)
        self.accept()

    def reject(self) -> None:
        self.timer.stop()
        if self.recorder is not None:
            self.recorder.stop()
            self.recorder = None
        super().reject()

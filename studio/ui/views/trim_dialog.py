"""Trim a voice prompt: two handles over the clip's waveform."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from studio.audio import Audio
from studio.audio.playback import Player
from studio.ui.widgets.waveform import Waveform


class TrimDialog(QDialog):
    """Choose the part of the original clip that becomes the prompt."""

    def __init__(self, name: str, samples: Audio, rate: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Trim %s") % name)
        self.samples, self.rate = samples, rate
        self.duration_ms = int(len(samples) * 1000 / rate)
        self.waveform = Waveform()
        self.waveform.setMinimumHeight(120)
        self.waveform.set_audio(samples, rate)
        self.start = QSlider(Qt.Orientation.Horizontal)
        self.end = QSlider(Qt.Orientation.Horizontal)
        for slider, value in ((self.start, 0), (self.end, self.duration_ms)):
            slider.setRange(0, self.duration_ms)
            slider.setValue(value)
            slider.valueChanged.connect(self._changed)
        self.length = QLabel()
        self.player = Player()
        self.play_button = QPushButton(self.tr("Play selection"))
        self.play_button.clicked.connect(self.play)
        if self.player.problem:
            self.play_button.setEnabled(False)
            self.play_button.setToolTip(self.player.problem)
        form = QFormLayout()
        form.addRow(self.tr("Start"), self.start)
        form.addRow(self.tr("End"), self.end)
        form.addRow(self.tr("Selection"), self.length)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.waveform)
        layout.addLayout(form)
        layout.addWidget(self.play_button)
        layout.addWidget(buttons)
        self.resize(720, 320)
        self._changed()

    def selection(self) -> tuple[float, float]:
        """(start, end) in seconds."""
        return self.start.value() / 1000, self.end.value() / 1000

    def _changed(self) -> None:
        if self.end.value() <= self.start.value():  # handles never cross
            self.end.setValue(min(self.duration_ms, self.start.value() + 100))
        start, end = self.selection()
        total = max(1, self.duration_ms) / 1000
        self.waveform.set_markers(start / total, end / total)
        ok = 3.0 <= end - start <= 30.0
        self.length.setText(self.tr("%.1f s") % (end - start)
                            + ("" if ok else self.tr(" (a prompt needs 3 to 30 s)")))

    def play(self) -> None:
        start, end = self.selection()
        self.player.play(self.samples[int(start * self.rate):int(end * self.rate)], self.rate)

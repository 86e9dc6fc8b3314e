"""Import a voice from a clip: name, transcript, language, and a listen first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.audio import Audio
from studio.audio.playback import Player
from studio.text import LANGUAGE_NAMES
from studio.ui.tasks import run_task


class ImportVoiceDialog(QDialog):
    """One form for everything an imported voice needs, with the clip playable.

    The clip is read off the GUI thread (for its length and for listening);
    the import itself runs after the dialog is accepted, with the same checks
    as ``studio voices add``.
    """

    def __init__(self, clip: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clip = clip
        self.audio: tuple[Audio, int] | None = None
        self.player = Player()
        self.playing = False  # our own state: the device starts a moment after play()
        self._ended = QTimer(self)
        self._ended.setInterval(200)
        self._ended.timeout.connect(self._check_ended)
        self.setWindowTitle(self.tr("Import a voice"))
        self.name = QLineEdit(clip.stem)
        self.name.textChanged.connect(self._update)
        self.transcript = QPlainTextEdit()
        self.transcript.setPlaceholderText(
            self.tr("What the clip says, word for word (cloning works best with it)"))
        self.transcript.setMinimumHeight(70)
        self.language = QComboBox()
        self.language.addItem(self.tr("Detect from the transcript"), None)
        for code, name in LANGUAGE_NAMES.items():
            if code != "und":
                self.language.addItem(f"{name} ({code})", code)
        self.length = QLabel(self.tr("Reading the clip…"))
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.setEnabled(False)
        self.play_button.setToolTip(self.player.problem or self.tr("Listen to the clip"))
        self.play_button.clicked.connect(self.toggle_play)
        form = QFormLayout()
        form.addRow(self.tr("Clip"), QLabel(clip.name))
        form.addRow(self.tr("Length"), self.length)
        form.addRow("", self.play_button)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Transcript"), self.transcript)
        form.addRow(self.tr("Language"), self.language)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.finished.connect(self._closed)
        self._update()
        run_task(self._read, self._read_done, self._read_failed)

    def _closed(self, _result: int) -> None:
        self._ended.stop()
        if self.playing:
            self.player.stop()
            self.playing = False

    def _read(self) -> tuple[Audio, int]:
        from studio.audio import read_audio

        return read_audio(self.clip)

    def _read_done(self, result: tuple[Audio, int]) -> None:
        self.audio = result
        samples, rate = result
        self.length.setText(self.tr("%.1f s (3 to 30 s of speech are used)")
                            % (len(samples) / rate))
        self.play_button.setEnabled(self.player.problem is None)

    def _read_failed(self, err: Exception, details: str = "") -> None:
        self.length.setText(self.tr("Cannot read the clip: %s") % err)
        self._update()

    def toggle_play(self) -> None:
        """Play the clip, or stop it (the button says which it will do)."""
        if self.playing:
            self.player.stop()
            self.playing = False
        elif self.audio is not None:
            self.player.play(*self.audio)
            self.playing = True
            self._ended.start()
        self.play_button.setText(self.tr("Stop") if self.playing else self.tr("Play"))

    def _check_ended(self) -> None:
        """Back to Play once the clip has played to its end."""
        if self.playing and not self.player.playing:
            self.playing = False
            self.play_button.setText(self.tr("Play"))
        if not self.playing:
            self._ended.stop()

    def values(self) -> tuple[str, str | None, str | None]:
        """The name, the transcript (None if empty) and the language (None: detect)."""
        transcript = self.transcript.toPlainText().strip()
        return self.name.text().strip(), transcript or None, self.language.currentData()

    def _update(self) -> None:
        name = self.name.text().strip()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(name))
        self.problem.setText("" if name else self.tr("Give the voice a name."))

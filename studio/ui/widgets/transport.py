"""A transport bar: play/pause, stop, previous/next segment, and the position.

It only shows state and says what was asked (signals); the segment panel owns
the playback and tells the bar where it is, so the bar never reads audio.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStyle, QWidget


def clock(seconds: float) -> str:
    """``0:12.3``: minutes, seconds and tenths."""
    tenths = max(0, round(seconds * 10))
    minutes, tenths = divmod(tenths, 600)
    return f"{minutes}:{tenths // 10:02d}.{tenths % 10}"


class TransportBar(QWidget):
    """Play/pause, stop, previous/next segment and "elapsed / duration"."""

    play_pause = Signal()
    stop = Signal()
    previous = Signal()
    next = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The style's own media icons: symbol glyphs are missing from many
        # fonts (they drew as empty boxes with DejaVu alone).
        style = self.style()
        pixmap = QStyle.StandardPixmap
        self.previous_button = QPushButton(style.standardIcon(pixmap.SP_MediaSkipBackward), "")
        self.previous_button.setToolTip(self.tr("Previous segment"))
        self.play_button = QPushButton()
        self.stop_button = QPushButton(style.standardIcon(pixmap.SP_MediaStop), "")
        self.stop_button.setToolTip(self.tr("Stop"))
        self.next_button = QPushButton(style.standardIcon(pixmap.SP_MediaSkipForward), "")
        self.next_button.setToolTip(self.tr("Next segment"))
        self.loop = QPushButton(style.standardIcon(pixmap.SP_BrowserReload), self.tr("Loop"))
        self.loop.setCheckable(True)
        self.loop.setToolTip(self.tr("Loop: play what plays again when it ends"))
        self.position = QLabel()
        self.what = QLabel()  # what is playing: a take, or the project from a segment
        for button, signal in ((self.previous_button, self.previous),
                               (self.play_button, self.play_pause),
                               (self.stop_button, self.stop),
                               (self.next_button, self.next)):
            button.clicked.connect(signal.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.previous_button, self.play_button, self.stop_button,
                       self.next_button, self.loop):
            layout.addWidget(widget)
        layout.addWidget(self.position)
        layout.addWidget(self.what, 1)
        self.playing = False
        self.set_playing(False)
        self.set_position(0.0, 0.0)

    def set_playing(self, playing: bool, what: str = "") -> None:
        """Show Pause while playing, Play otherwise."""
        self.playing = playing
        pixmap = QStyle.StandardPixmap
        self.play_button.setIcon(self.style().standardIcon(
            pixmap.SP_MediaPause if playing else pixmap.SP_MediaPlay))
        self.play_button.setText(self.tr("Pause") if playing else self.tr("Play"))
        self.stop_button.setEnabled(playing)
        self.what.setText(what if playing else "")

    def set_position(self, elapsed: float, duration: float) -> None:
        """``0:12.3 / 4:05.0``."""
        self.position.setText(f"{clock(elapsed)} / {clock(duration)}")

    def set_available(self, available: bool, why: str = "") -> None:
        """Disable the bar (no audio device) with the reason as a tooltip."""
        for button in (self.previous_button, self.play_button, self.stop_button,
                       self.next_button):
            button.setEnabled(available and (button is not self.stop_button or self.playing))
        self.play_button.setToolTip(why)

"""GUI tests run offscreen with real widgets; settings live in the test's
folder; a test that leaves windows, timers, pool tasks or threads behind
fails."""

from __future__ import annotations

import gc
import os
import tempfile
import threading
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# A real ALSA device for machines with no sound card: playback goes to a null
# device, and capture reads real speech (made by the bundled voice) from a
# raw file through ALSA's file plugin. PortAudio reads ~/.asoundrc once, when
# sounddevice is first imported, so this is set before any test runs.
_HOME = tempfile.mkdtemp(prefix="studio-gui-home-")


def _speech_device(home: str) -> None:
    import numpy as np

    from studio.backends import VoiceRef
    from studio.backends.piper import PiperBackend

    piper = PiperBackend()
    piper.load("cpu")
    sentence = "The quick brown fox jumps over the lazy dog, and the studio records it."
    speech = np.concatenate([piper.synthesize(sentence, VoiceRef("joe", "preset", "en"), seed=0)
                             for _ in range(6)])
    pcm = (speech / np.abs(speech).max() * 0.5 * 32767).astype("<i2")
    pcm.tofile(Path(home, "speech.raw"))
    Path(home, ".asoundrc").write_text(
        'pcm.speechfile { type file slave.pcm "null" file "/dev/null" '
        f'infile "{home}/speech.raw" format "raw" }}\n'
        'pcm.!default { type plug slave { pcm "speechfile" format S16_LE rate 22050 '
        "channels 1 } }\n"
    )


_speech_device(_HOME)
os.environ["HOME"] = _HOME


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qt"))
    yield
    assert not (Path.home() / ".config" / "VoiceStudio").exists(), "settings escaped the test"


@pytest.fixture(autouse=True)
def nothing_left_behind(qapp):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from studio.ui.tasks import wait_for_tasks

    threads_before = {t.ident for t in threading.enumerate()}
    _let_go_of_the_keys()
    yield
    assert wait_for_tasks(60000), "background tasks still running"
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, 0)
    QApplication.processEvents()
    gc.collect()
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not visible, f"windows left open: {visible}"
    import shiboken6

    timers = [o for o in gc.get_objects()
              if isinstance(o, QTimer) and shiboken6.isValid(o) and o.isActive()]
    assert not timers, f"timers left running: {timers}"
    leaked = [t for t in threading.enumerate()
              if t.ident not in threads_before and t.is_alive() and not t.daemon]
    assert not leaked, f"threads left running: {leaked}"


def _let_go_of_the_keys() -> None:
    """Start each test with no modifier key held, as a person would.

    A simulated key click with a modifier (Ctrl+Return, Shift+F3) leaves Qt's
    idea of the held modifiers at that modifier until the next key event; a
    later test's ``selectRow`` then reads Ctrl as held and toggles the row off
    instead of selecting it (test_pronunciation's remove failed after
    test_review_safety's Ctrl+Return). A key release with no modifier, sent to
    a throwaway widget, lets go of them.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    if QGuiApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        QTest.keyRelease(QWidget(), Qt.Key.Key_unknown)
        assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier

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

# A real ALSA device that plays and records nothing, for machines with no
# sound card: PortAudio reads ~/.asoundrc once, when sounddevice is imported.
_HOME = tempfile.mkdtemp(prefix="studio-gui-home-")
Path(_HOME, ".asoundrc").write_text("pcm.!default { type null }\n")
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

    from studio.ui.qt_store import wait_for_tasks

    threads_before = {t.ident for t in threading.enumerate()}
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
    timers = [o for o in gc.get_objects() if isinstance(o, QTimer) and o.isActive()]
    assert not timers, f"timers left running: {timers}"
    leaked = [t for t in threading.enumerate()
              if t.ident not in threads_before and t.is_alive() and not t.daemon]
    assert not leaked, f"threads left running: {leaked}"

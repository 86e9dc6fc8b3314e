"""The desktop studio, offscreen, on the real engine and the real Piper voice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from studio.core.store import Library
from tests.conftest import REPO, write_script


def _settle(qtbot) -> None:
    """Let every pool task deliver its result to the window (its callback may read
    the library) before the test closes the library under it."""
    from studio.ui import tasks as qt_tasks

    qtbot.waitUntil(lambda: not qt_tasks._running, timeout=60000)


def _window(library_dir: Path, qtbot, size: tuple[int, int] | None = (1280, 800)):
    from studio.core.planning import ensure_presets
    from studio.ui.main_window import MainWindow

    library = Library.open(library_dir)
    ensure_presets(library)
    window = MainWindow(library)
    qtbot.addWidget(window)
    if size is not None:  # None: as the window opens itself
        window.resize(*size)
    window.show()
    return window, library


def test_import_a_voice_open_a_script_render_and_watch_it(qtbot, library_dir, tmp_path, clip):
    window, library = _window(library_dir, qtbot)
    try:
        window.voices.import_clip(clip(5.0), name="Narrator", transcript="The quick fox.")
        qtbot.waitUntil(lambda: any(r["name"] == "Narrator" for r in window.voices.model.rows),
                        timeout=30000)
        script = write_script(tmp_path, "story.txt",
                              "The first line is here. The second line follows. The end.")
        window.open_file(script)
        qtbot.waitUntil(lambda: len(window.projects.segments.rows) == 3, timeout=30000)
        assert window.current_view() == "projects"
        assert [r["status"] for r in window.projects.segments.rows] == ["pending"] * 3
        window.projects.render_button.click()
        # the store watcher refreshes the view as workers commit takes
        qtbot.waitUntil(
            lambda: [r["takes"] for r in window.projects.segments.rows] == [1, 1, 1],
            timeout=120000)
        qtbot.waitUntil(lambda: window.projects.progress.value() == 3, timeout=5000)
        window.show_view("queue")
        queue = window.views["queue"]
        # take QA checks each take after it lands: the queue empties once they are done
        qtbot.waitUntil(lambda: {r["state"] for r in queue.model.rows} == {"done"},
                        timeout=120000)
        assert [(r["name"], r["progress"]) for r in queue.projects.rows] == [("story", "3 / 3")]
        window.show_view("engine")
        assert window.views["engine"].workers.rows  # the workers that did it
    finally:
        from studio.engine.client import stop_engine

        stop_engine(library_dir)
        _settle(qtbot)
        window.close()
        library.close()


def test_drop_a_text_file_makes_a_project_and_bad_files_say_why(qtbot, library_dir, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    window, library = _window(library_dir, qtbot)
    try:
        bad = tmp_path / "broken.txt"
        bad.write_bytes(b"\x00\x01binary")
        window.open_file(bad)
        qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=10000)
        box = window.findChild(QMessageBox)
        assert "broken.txt is not a text file" in box.text()
        box.close()
        assert library.projects() == []  # nothing written
    finally:
        _settle(qtbot)
        window.close()
        library.close()


def test_window_state_is_remembered(qtbot, library_dir):
    from tests.gui.helpers import make_project

    window, library = _window(library_dir, qtbot)
    for name in ("alpha", "beta", "gamma"):
        make_project(library, name)
    window.projects.refresh()
    assert window.projects.select_project("beta")
    window.resize(780, 600)  # within the offscreen screen: a larger one is fitted to it
    window.show_view("engine")
    assert window.height() == 600  # the width: what the pages need at least
    window.close()
    library.close()
    from studio.ui.app import open_window

    library = Library.open(library_dir)
    again = open_window(library, None, screenshot=False)  # as `studio gui` opens it
    qtbot.addWidget(again)
    again.show()
    try:
        assert again.current_view() == "engine"
        assert again.height() == 600  # not the first run's 800
        assert again.projects.current_project().name == "beta"
        assert str(library_dir.parent) in again.settings.fileName()  # isolated
    finally:
        again.close()
        library.close()


def test_screenshots_of_every_view(tmp_path, library_dir):
    for view in ("voices", "projects", "queue", "engine", "models"):
        out = tmp_path / f"{view}.png"
        result = subprocess.run(
            [sys.executable, "-m", "studio", "--library", str(library_dir), "gui",
             "--screenshot", str(out), "--view", view],
            capture_output=True, text=True, cwd=REPO, timeout=120,
        )
        assert result.returncode == 0, result.stderr
        from PySide6.QtGui import QImage

        image = QImage(str(out))
        assert (image.width(), image.height()) == (1280, 800)


def test_record_a_voice_from_the_microphone(qtbot, library_dir):
    """The microphone is ALSA's file plugin replaying real speech (see conftest)."""
    window, library = _window(library_dir, qtbot)
    try:
        window.show_view("voices")
        voices = window.voices
        assert voices.record_button.isEnabled(), voices.record_button.toolTip()
        voices.record()
        dialog = voices.record_dialog
        assert dialog.device.count() >= 1
        dialog.countdown_s = 1
        dialog.name.setText("Mic")
        dialog.transcript.setText("The quick brown fox jumps over the lazy dog.")
        dialog.record_button.click()
        qtbot.waitUntil(lambda: dialog.recorder is not None and dialog.recorder.seconds >= 5,
                        timeout=30000)
        # the level meter moves with speech (read while it does: a sample taken at
        # one instant can fall in a pause between words, or before a loaded machine
        # repaints)
        qtbot.waitUntil(lambda: dialog.meter.value() > -30, timeout=10000)
        dialog.record_button.click()  # stop
        qtbot.waitUntil(lambda: any(r["name"] == "Mic" for r in voices.model.rows),
                        timeout=30000)
        row = next(r for r in voices.model.rows if r["name"] == "Mic")
        assert 3.0 <= row["duration_s"] <= 30.0 and row["language"] == "en"
        assert not dialog.clip.exists()  # the temporary recording is gone
    finally:
        _settle(qtbot)
        window.close()
        library.close()


def test_trim_a_voice_with_handles(qtbot, library_dir, clip):
    from studio.core.prompts import import_voice

    window, library = _window(library_dir, qtbot)
    try:
        import_voice(library, "Long", clip(10.0), "The quick brown fox.")
        window.show_view("voices")
        voices = window.voices
        voices.refresh()
        row = next(i for i, r in enumerate(voices.model.rows) if r["name"] == "Long")
        voices.table.selectRow(row)
        voices.trim_selected()
        dialog = voices.trim_dialog
        assert len(dialog.waveform.envelope) > 0
        dialog.start.setValue(1000)
        dialog.end.setValue(6000)
        assert dialog.waveform.markers == pytest.approx((0.1, 0.6), abs=0.01)
        assert dialog.length.text() == "5.0 s"
        dialog.end.setValue(2500)
        assert "needs 3 to 30 s" in dialog.length.text()
        dialog.end.setValue(6000)
        dialog.accept()
        # stored on a pool thread, then shown: wait for the table, not just the database
        qtbot.waitUntil(lambda: any(r["name"] == "Long" and 4.0 < r["duration_s"] <= 5.1
                                    for r in voices.model.rows), timeout=30000)
        assert 4.0 < library.find_voice("Long").duration_s <= 5.1
    finally:
        _settle(qtbot)
        window.close()
        library.close()


def test_preview_a_voice_and_drop_a_script(qtbot, library_dir, tmp_path, clip):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    from studio.core.prompts import import_voice

    window, library = _window(library_dir, qtbot)
    try:
        import_voice(library, "Clip", clip(5.0), "The quick brown fox.")
        voices = window.voices
        window.show_view("voices")
        played = []
        real_play = voices.player.play
        voices.player.play = lambda audio, rate: (played.append((len(audio), rate)),
                                                  real_play(audio, rate))
        for name in ("joe", "Clip"):  # a preset speaks a line (helper process); a clone its clip
            row = next(i for i, r in enumerate(voices.model.rows) if r["name"] == name)
            voices.table.selectRow(row)
            before = len(played)
            voices.play_selected()
            qtbot.waitUntil(lambda before=before: len(played) > before, timeout=60000)
        assert played[0][1] == 22050 and played[1][1] == 24000

        script = write_script(tmp_path, "dropped.txt", "A dropped script. It becomes a project.")
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(script))])
        drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                          Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        window.dropEvent(drop)
        # the project is stored on a pool thread, then shown on the GUI thread: wait for
        # the window to show it (closing the library before that would pull it away)
        qtbot.waitUntil(lambda: "dropped" in [r["name"] for r in window.projects.projects.rows],
                        timeout=30000)
        assert window.current_view() == "projects"
    finally:
        _settle(qtbot)
        window.close()
        library.close()


def test_closing_while_rendering_asks(qtbot, library_dir, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from studio.core.jobs import JobQueue
    from studio.core.planning import plan_project
    from studio.engine.client import start_engine, stop_engine
    from studio.engine.lock import engine_pid

    window, library = _window(library_dir, qtbot)
    text = " ".join(f"Line number {n} of a long render." for n in range(40))
    planned = plan_project(library, text, "long")
    JobQueue(library).enqueue([s.id for s in planned.todo], "piper")
    JobQueue(library).set_paused(planned.sync.project.id, True)  # stays queued: always asked
    start_engine(library_dir)
    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: next(answers))
    try:
        window.close()
        assert window.isVisible()  # Cancel: the window stays
        window.close()
        assert not window.isVisible() and engine_pid(library_dir)  # Yes: rendering goes on
        again, library2 = _window(library_dir, qtbot)
        monkeypatch.setattr(QMessageBox, "question",
                            lambda *a, **k: QMessageBox.StandardButton.No)
        again.close()  # No: the engine finishes its current jobs and stops
        qtbot.waitUntil(lambda: engine_pid(library_dir) is None, timeout=60000)
        assert JobQueue(library2).counts() == {"queued": 40}  # the work stays queued
        library2.close()

        start_engine(library_dir)  # a screenshot mid-render asks nobody, and exits
        shot = subprocess.run(
            [sys.executable, "-m", "studio", "--library", str(library_dir), "gui",
             "--screenshot", str(tmp_path / "shot.png"), "--view", "engine"],
            capture_output=True, text=True, timeout=120, cwd=REPO)
        assert shot.returncode == 0 and (tmp_path / "shot.png").stat().st_size > 0, shot.stderr
        assert engine_pid(library_dir)  # and leaves the render alone
    finally:
        stop_engine(library_dir)
        library.close()

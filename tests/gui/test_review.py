"""Segment review in the window: play, regenerate, edit with undo, lock."""

from __future__ import annotations

import subprocess
import sys

from studio.engine.client import stop_engine
from studio.store import Library
from tests.conftest import write_script


def test_review_a_segment_in_the_window(qtbot, library_dir, tmp_path) -> None:
    from studio.render import ensure_presets
    from studio.ui.main_window import MainWindow
    from studio.ui.views.segment_panel import EditTextCommand

    library = Library.open(library_dir)
    ensure_presets(library)
    window = MainWindow(library)
    qtbot.addWidget(window)
    window.show()
    view, panel = window.projects, window.projects.panel
    try:
        view.open_script(write_script(tmp_path, "r.txt", "One line here. Two lines here."))
        qtbot.waitUntil(lambda: len(view.segments.rows) == 2, timeout=30000)
        view.render_button.click()
        qtbot.waitUntil(lambda: [r["takes"] for r in view.segments.rows] == [1, 1],
                        timeout=120000)
        view.table.selectRow(0)
        assert panel.segment is not None and panel.takes.count() == 1
        assert panel.player.problem is None and panel.buttons["play"].isEnabled()
        panel.toggle_play()  # plays on the null device
        qtbot.waitUntil(lambda: not panel.player.playing, timeout=10000)

        qtbot.keyClick(view.table, "r")  # R: regenerate, a second take
        qtbot.waitUntil(lambda: view.segments.rows[0]["takes"] == 2, timeout=60000)
        assert panel.takes.count() == 2

        segment = panel.segment
        window.undo.push(EditTextCommand(library, segment.id, segment.source,
                                         "One line, edited.", view.refresh))
        assert view.segments.rows[0]["text"] == "One line, edited."
        window.undo.undo()  # Ctrl+Z
        assert view.segments.rows[0]["text"] == "One line here."

        view.table.selectRow(1)
        panel.toggle_lock()
        assert library.segment(view.segments.rows[1]["id"]).locked
        assert panel.buttons["lock"].text() == "Unlock"
    finally:
        stop_engine(library_dir)
        window.close()
        library.close()


def test_no_audio_device_disables_playback_with_a_reason(tmp_path) -> None:
    """A machine with no sound card: a fresh process with no ALSA device."""
    home = tmp_path / "home"
    home.mkdir()
    code = "from studio.playback import output_problem; print(output_problem())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("no audio")

"""Playback shows what it does: Play turns into Stop, the position advances,
the table and the timeline follow the project as it plays, A/B names the
take playing, and a click on the timeline seeks (real widgets offscreen,
real playback on the null device; takes of real speech completed by hand on
the queue, so no engine is needed)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from studio.core.jobs import JobQueue
from studio.core.planning import ensure_presets, save_take_audio
from studio.core.store import Library
from studio.text import prepare_script

SCRIPT = "The first line is here. The second line follows. The last one ends it."


@pytest.fixture
def rendered(library_dir, speech):
    library = Library.open(library_dir)
    ensure_presets(library)
    joe = library.find_voice("joe")
    project = library.sync_project("p", SCRIPT, joe, prepare_script(SCRIPT).segments).project
    queue = JobQueue(library)
    queue.enqueue([s.id for s in library.segments(project.id)], "piper")
    while (job := queue.claim("piper", worker_pid=1)) is not None:
        samples = speech(0.6)
        path = save_take_audio(library, samples, 22050)
        queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=len(samples))
    yield library, project
    library.close()


def _window(qtbot, library):
    from studio.ui.main_window import MainWindow

    window = MainWindow(library)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    return window


def _second_take(library, segment_id, speech):
    queue = JobQueue(library)
    queue.enqueue([segment_id], "piper")
    job = queue.claim("piper", worker_pid=1)
    samples = speech(1.0)
    path = save_take_audio(library, samples, 22050)
    queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=len(samples))


def test_play_turns_into_stop_and_the_time_advances(qtbot, rendered) -> None:
    library, _ = rendered
    window = _window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        view.table.selectRow(0)
        assert panel.buttons["play"].text() == "Play"
        panel.toggle_play()
        qtbot.waitUntil(lambda: panel.buttons["play"].text() == "Stop", timeout=10000)
        assert "Pause" in panel.transport.play_button.text()
        first = panel.transport.position.text()
        qtbot.waitUntil(lambda: panel.transport.position.text() != first, timeout=5000)
        elapsed, duration = panel.transport.position.text().split(" / ")
        assert duration == "0:00.6" and elapsed != "0:00.0"
        assert panel.waveform.playhead is not None  # the segment's own playhead
        qtbot.waitUntil(lambda: panel.buttons["play"].text() == "Play", timeout=10000)
        assert panel.playing is None and panel.waveform.playhead is None
    finally:
        panel.stop()
        window.close()


def test_playing_from_a_segment_follows_into_the_next_row(qtbot, rendered) -> None:
    library, _ = rendered
    window = _window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        ids = [row["id"] for row in view.segments.rows]
        view.table.selectRow(0)
        panel.play_from_here()  # Shift+Space
        qtbot.waitUntil(lambda: panel.playing is not None, timeout=10000)
        qtbot.waitUntil(lambda: view.timeline.playhead_s is not None, timeout=5000)
        qtbot.waitUntil(lambda: panel.segment is not None and panel.segment.id == ids[1],
                        timeout=10000)
        assert view.table.currentIndex().row() == 1  # the table follows along
        assert view.timeline.selected == ids[1]
        assert view.timeline.playhead_s >= view.timeline.starts[1]
        panel.stop()
        assert view.timeline.playhead_s is None and panel.buttons["play"].text() == "Play"
    finally:
        panel.stop()
        window.close()


def test_ab_names_the_take_playing(qtbot, rendered, speech) -> None:
    library, project = rendered
    first = library.segments(project.id)[0]
    _second_take(library, first.id, speech)
    window = _window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        view.table.selectRow(0)
        current = library.segment(first.id).current_take_id
        assert panel.takes.count() == 2 and panel.takes.currentData() == current
        panel.play_other_take()  # B: the current take first
        qtbot.waitUntil(lambda: panel.playing is not None, timeout=10000)
        panel.stop()
        panel.play_other_take()  # B again: the other take
        qtbot.waitUntil(lambda: panel.playing is not None and panel.playing.take_id != current,
                        timeout=10000)
        assert panel.takes.currentData() == panel.playing.take_id  # the picker names it
        assert "not current" in panel.now_playing.text()
        assert library.segment(first.id).current_take_id == current  # nothing chosen
        panel.stop()
        assert panel.takes.currentData() == current and panel.now_playing.text() == ""
    finally:
        panel.stop()
        window.close()


def test_a_click_on_the_timeline_seeks_and_selects(qtbot, rendered) -> None:
    library, _ = rendered
    window = _window(qtbot, library)
    view = window.projects
    timeline = view.timeline
    try:
        ids = [row["id"] for row in view.segments.rows]
        qtbot.waitUntil(lambda: len(timeline.envelopes) == 3, timeout=20000)
        assert len(timeline._flat) and float(timeline._flat[:, 1].max()) > 0.05  # speech
        scale = timeline._scale()
        x = int((timeline.starts[2] + 0.2) * scale)
        qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 30))
        assert view.table.currentIndex().row() == 2 and view.panel.segment.id == ids[2]
        assert timeline.selected == ids[2]
        assert timeline.starts[2] <= timeline.playhead_s < timeline.ends[2]
    finally:
        window.close()


def test_a_5000_segment_timeline_draws_at_fit_and_zoomed(qtbot) -> None:
    """Every state, locks and envelopes on 5,000 segments are painted for real.
    How fast is measured by benchmarks/gui_responsiveness.py, not here: these
    machines are shared, and a timed test would fail at random."""
    from studio.ui.widgets.timeline import Timeline

    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.resize(1600, 80)
    states = ["approved", "rendered", "pending", "failed", "queued", "stale"]
    rows = [{"id": i, "text": "word " * 12, "status": states[i % 6], "locked": i % 7 == 0,
             "duration_s": 4.0 if states[i % 6] in ("approved", "rendered") else None}
            for i in range(5000)]
    timeline.set_segments(rows)
    envelope = np.stack([-np.ones(400, np.float32) / 2, np.ones(400, np.float32) / 2], 1)
    timeline.set_envelopes({r["id"]: (envelope, 0.5) for r in rows if r["duration_s"]})
    timeline.show()
    painted = []
    original = timeline.paintEvent
    timeline.paintEvent = lambda event: (painted.append(1), original(event))  # count paints
    for _ in range(3):
        timeline.grab()
    timeline.zoom(40)
    timeline.grab()
    assert len(painted) >= 4
    timeline.close()


def test_zoom_and_scroll_keep_the_time_under_the_mouse(qtbot) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    from studio.ui.widgets.timeline import Timeline

    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.resize(800, 80)
    timeline.show()
    rows = [{"id": i, "text": "word " * 10, "status": "pending", "locked": False,
             "duration_s": None} for i in range(100)]
    timeline.set_segments(rows)
    assert timeline.horizontalScrollBar().maximum() == 0  # fitted: the whole project shows
    before = timeline.time_at(400)
    for _ in range(3):  # Ctrl+wheel up, at the middle
        timeline.wheelEvent(QWheelEvent(QPointF(400, 40), QPointF(400, 40), QPoint(0, 0),
                                        QPoint(0, 120), Qt.MouseButton.NoButton,
                                        Qt.KeyboardModifier.ControlModifier,
                                        Qt.ScrollPhase.NoScrollPhase, False))
    assert timeline.horizontalScrollBar().maximum() > 0
    assert abs(timeline.time_at(400) - before) < 0.1
    qtbot.keyClick(timeline, Qt.Key.Key_Minus)
    qtbot.keyClick(timeline, Qt.Key.Key_Plus)
    timeline.set_playhead(99, 0.0)  # off screen: the view scrolls to it
    x = timeline.playhead_s * timeline._scale() - timeline.horizontalScrollBar().value()
    assert 0 <= x < 800
    timeline.close()


def test_pause_and_resume_keep_the_place(qtbot, rendered) -> None:
    library, _ = rendered
    window = _window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        view.table.selectRow(0)
        panel.transport.play_button.click()  # the transport's Play: the project from here
        qtbot.waitUntil(lambda: panel.playing is not None, timeout=10000)
        qtbot.waitUntil(lambda: panel.playing.elapsed() > 0.3, timeout=5000)
        panel.transport.play_button.click()  # Pause
        paused = panel.playing.paused_at
        assert paused is not None and "Play" in panel.transport.play_button.text()
        assert not panel.clock.isActive()
        panel.transport.play_button.click()  # resume from the same place
        assert panel.playing.paused_at is None and panel.playing.elapsed() >= paused
        panel.transport.stop_button.click()
        assert panel.playing is None and not panel.clock.isActive()
    finally:
        panel.stop()
        window.close()


def test_playback_goes_on_through_the_project(qtbot, rendered, monkeypatch) -> None:
    """The project plays in chunks of segments; when one ends the next is
    assembled and played, and the table follows into it."""
    from studio.ui.views import segment_panel

    monkeypatch.setattr(segment_panel, "PROJECT_CHUNK", 2)
    library, _ = rendered
    window = _window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        ids = [row["id"] for row in view.segments.rows]
        view.table.selectRow(0)
        panel.play_from_here()
        qtbot.waitUntil(lambda: panel.playing is not None, timeout=10000)
        assert [span[0] for span in panel.playing.spans] == ids[:2]
        qtbot.waitUntil(lambda: panel.segment is not None and panel.segment.id == ids[2],
                        timeout=20000)
        assert view.table.currentIndex().row() == 2 and panel.playing is not None
        assert [span[0] for span in panel.playing.spans] == ids[2:]
        qtbot.waitUntil(lambda: panel.playing is None, timeout=20000)
    finally:
        panel.stop()
        window.close()


def test_loop_plays_the_take_again(qtbot, rendered) -> None:
    library, _ = rendered
    window = _window(qtbot, library)
    view, panel = window.projects, window.projects.panel
    try:
        view.table.selectRow(0)
        panel.transport.loop.setChecked(True)
        panel.toggle_play()
        qtbot.waitUntil(lambda: panel.playing is not None, timeout=10000)
        clip = panel.playing
        qtbot.waitUntil(lambda: panel.playing is not clip, timeout=10000)  # it ended...
        assert panel.playing is not None and panel.playing.take_id == clip.take_id  # ...again
        panel.transport.loop.setChecked(False)
        qtbot.waitUntil(lambda: panel.playing is None, timeout=10000)
        assert panel.buttons["play"].text() == "Play"
    finally:
        panel.stop()
        window.close()


def test_a_new_take_redraws_its_segment(qtbot, rendered, speech) -> None:
    library, project = rendered
    window = _window(qtbot, library)
    view = window.projects
    timeline = view.timeline
    try:
        first = library.segments(project.id)[0]
        qtbot.waitUntil(lambda: len(timeline.envelopes) == 3, timeout=20000)
        before = len(timeline.envelopes[first.id][0])
        _second_take(library, first.id, speech)  # 1.0 s instead of 0.6 s
        view.refresh()
        qtbot.waitUntil(lambda: len(timeline.envelopes[first.id][0]) > before + 20,
                        timeout=20000)
        assert timeline.lengths[0] > 0.8
    finally:
        window.close()

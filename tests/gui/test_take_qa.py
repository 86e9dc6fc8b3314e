"""Take QA in the window: the table's verdicts and reasons, the Needs review
filter, N / Shift+N, the panel's aligned words and the waveform's spots,
the export dialog's count. The checks are real: takes of real speech (the
bundled voice), two of them damaged on purpose, claimed as check jobs from
the queue and checked by the real checker."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from studio.core.store import Library
from tests.gui.helpers import show_window

# the second sentence is spoken without its first three words (missing: fail);
# the third with 2.5 s of silence in its middle (fail)
SCRIPT = ("The first line is here. The licensee may copy the work for "
          "personal use. Every copy keeps this notice in full. The end comes quickly now.")
CUT = "The licensee may "


@functools.cache
def _piper():  # type: ignore[no-untyped-def]
    from studio.backends.piper import PiperBackend

    piper = PiperBackend()
    piper.load("cpu")
    return piper


def _speak(text: str) -> np.ndarray:
    """The take for ``text``: real speech, damaged where the script says so."""
    from studio.backends import VoiceRef

    def say(words: str) -> np.ndarray:
        return _piper().synthesize(words, VoiceRef("joe", "preset", "en"), seed=0)

    if text.startswith(CUT):
        return say(text[len(CUT):])
    if text.startswith("Every copy"):
        first, _, rest = text.partition(" keeps ")
        gap = np.zeros(int(2.5 * _piper().sample_rate), np.float32)
        return np.concatenate([say(first), gap, say("keeps " + rest)])
    return say(text)


def render_and_check(library: Library, name: str, script: str = SCRIPT) -> list[int]:
    """A project whose takes are rendered by hand (``_speak``) on the real
    queue, then checked: check jobs claimed and completed with the real
    checker's results. No retakes, so failing takes leave their segments
    flagged. Returns the segment ids in order."""
    from studio.audio import read_audio
    from studio.core.jobs import JobQueue, qa_settings
    from studio.core.planning import save_take_audio
    from studio.core.take_qa import claim_checks, complete_check
    from studio.qa import TakeToCheck
    from studio.qa.checker import Checker
    from tests.gui.helpers import make_project

    library.set_setting("qa.max_retakes", 0)
    project = make_project(library, name, script=script)
    ids = [s.id for s in library.segments(project.id)]
    queue = JobQueue(library)
    queue.enqueue(ids, "piper")
    rate = _piper().sample_rate
    while (job := queue.claim("piper", worker_pid=1)) is not None:
        audio = _speak(job.text)
        path = save_take_audio(library, audio, rate)
        queue.complete(job, path=path, backend="piper", sample_rate=rate, frames=len(audio))
    jobs = claim_checks(library, worker_pid=1, max_audio_s=600)
    assert len(jobs) == len(ids)
    takes = []
    for job in jobs:
        audio, sample_rate = read_audio(library.path(job.path))
        takes.append(TakeToCheck(key=job.id, audio=audio, rate=sample_rate, text=job.text,
                                 language=job.language))
    checker = Checker(qa_settings(library))
    for job, result in zip(jobs, checker.check(takes)):
        complete_check(library, job, result)
    return ids


@pytest.fixture(scope="module")
def checked_root(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """One checked library for the module's tests (each opens it anew)."""
    from studio.core.planning import ensure_presets

    root = tmp_path_factory.mktemp("qa") / "library"
    library = Library.open(root)
    try:
        ensure_presets(library)
        render_and_check(library, "terms")
    finally:
        library.close()
    return root


@pytest.fixture
def window(qtbot, checked_root):  # type: ignore[no-untyped-def]
    library = Library.open(checked_root)
    window = show_window(qtbot, library)
    window.resize(1280, 800)
    yield window
    window.close()
    library.close()


def _settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    from studio.ui import tasks as qt_tasks

    qtbot.waitUntil(lambda: not qt_tasks._running, timeout=60000)


def test_the_table_shows_verdicts_and_filters_and_jumps_to_flagged(window, qtbot) -> None:
    from PySide6.QtTest import QTest

    view = window.projects
    rows = view.segments.rows
    assert [r["status"] for r in rows] == ["rendered", "flagged", "flagged", "rendered"]
    assert [r["qa"] for r in rows] == ["pass", "fail", "fail", "pass"]
    column = [c.key for c in view.segments.columns].index("qa")
    glyphs = [view.segments.data(view.segments.index(n, column)) for n in range(4)]
    assert glyphs == ["✓", "✗", "✗", "✓"]
    tip = view.segments.data(view.segments.index(1, column), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("QA failed\n") and "missing" in tip and "licensee" in tip.lower()
    assert "silence" in view.segments.data(view.segments.index(2, column),
                                           Qt.ItemDataRole.ToolTipRole)
    assert view.segments.data(view.segments.index(0, column),
                              Qt.ItemDataRole.ToolTipRole) == "QA passed"
    # the counts, the filter with its count, and the link that shows them
    assert "2 segments need review" in view.flagged_note.text()
    labels = [view.filter_picker.itemText(i) for i in range(view.filter_picker.count())]
    assert "Needs review (2)" in labels and "Not approved (4)" in labels
    view.filter_picker.setCurrentIndex(view.filter_picker.findData("flagged"))
    assert view.table.model().rowCount() == 2
    assert {view.shown.data(view.shown.index(n, 0), Qt.ItemDataRole.UserRole)["status"]
            for n in range(2)} == {"flagged"}
    view.filter_picker.setCurrentIndex(view.filter_picker.findData("all"))
    assert view.table.model().rowCount() == 4
    # N / Shift+N from the first segment: to the flagged ones, round the end
    ids = [r["id"] for r in rows]
    view.table.selectRow(0)
    view.table.setFocus()
    QTest.keyClick(view.table, Qt.Key.Key_N)
    assert view.current_id() == ids[1]
    assert window.statusBar().currentMessage() == "Needs review: segment 2 (1 of 2)"
    QTest.keyClick(view.table, Qt.Key.Key_N)
    assert view.current_id() == ids[2]
    QTest.keyClick(view.table, Qt.Key.Key_N)
    assert view.current_id() == ids[1]  # round the end
    shift = Qt.KeyboardModifier.ShiftModifier
    QTest.keyPress(view.table, Qt.Key.Key_Shift, shift)  # held, as a person does
    QTest.keyClick(view.table, Qt.Key.Key_N, shift)
    QTest.keyRelease(view.table, Qt.Key.Key_Shift)  # the application's modifiers: none
    assert view.current_id() == ids[2]  # and back round the start
    assert view.selected_ids() == [ids[2]]  # that one, not a range from Shift
    assert view.panel.segment.id == ids[2]
    # a filter that hides the next one makes way for all segments
    view.filter_picker.setCurrentIndex(view.filter_picker.findData("approved"))
    view.next_flagged(1)
    assert view.filter_picker.currentData() == "all" and view.current_id() in ids[1:3]
    view.flagged_note.linkActivated.emit("show")
    assert view.filter_picker.currentData() == "flagged"
    assert view.table.model().rowCount() == 2
    assert any("N / Shift+N" in keys for keys, _ in window.shortcut_lines())
    assert "(N)" in view.flagged_buttons[1].toolTip()
    # the document view's tooltip says what QA found too
    assert "licensee" in view.document.tooltip_for(ids[1]).lower()
    _settle(qtbot)


def test_the_panel_aligns_what_was_heard_and_marks_the_spots(window, qtbot) -> None:
    view, panel = window.projects, window.projects.panel
    ids = [r["id"] for r in view.segments.rows]
    view._select_segment(ids[1])
    qtbot.waitUntil(lambda: panel.check is not None and panel.waveform.audio is not None,
                    timeout=30000)
    assert panel.check["verdict"] == "fail"
    assert panel.qa.isVisible() and "QA failed" in panel.qa.text()
    assert "WER" in panel.qa.text()
    assert panel.aligned.isVisible()
    missing = " ".join(unit.script for unit in panel.aligned.marked("missing")).lower()
    assert "licensee" in missing
    assert "[-licensee-]" in panel.aligned.plain().lower()
    assert panel.aligned.heightForWidth(panel.aligned.width()) > 0
    assert any(kind == "missing" for _, _, kind in panel.waveform.spots)
    assert panel.waveform.spot_rects()  # placed on the clip shown
    # the silence inside the third take: a spot where the gap is
    view._select_segment(ids[2])
    qtbot.waitUntil(lambda: panel.check is not None and panel.segment.id == ids[2]
                    and panel.waveform.audio is not None and bool(panel.waveform.spots),
                    timeout=30000)
    silences = [(s, e) for s, e, kind in panel.waveform.spots if kind == "silence"]
    assert silences and any(e - s > 2.0 for s, e in silences)
    image = panel.waveform.grab().toImage()  # the spot is drawn: its shade is there
    left, right, _kind = next(r for r in panel.waveform.spot_rects() if r[2] == "silence")
    middle = image.pixelColor((left + right) // 2, image.height() - 4)
    outside = image.pixelColor(max(0, left - 20) if left > 20 else right + 20,
                               image.height() - 4)
    assert middle != outside
    # a clean take: the verdict, no aligned lines, no spots
    view._select_segment(ids[0])
    qtbot.waitUntil(lambda: panel.check is not None and panel.segment.id == ids[0]
                    and panel.check["verdict"] == "pass", timeout=30000)
    assert "QA passed" in panel.qa.text()
    assert not panel.aligned.isVisible() and panel.waveform.spots == []
    _settle(qtbot)


def test_the_export_dialog_says_how_many_need_review(window, qtbot) -> None:
    window.show_view("queue")
    window.export()
    dialog = window.export_dialog
    assert dialog.flagged.isVisible()
    assert dialog.flagged.text().startswith("⚠ 2 segments need review")
    dialog.show_them.click()
    assert not dialog.isVisible()
    assert window.current_view() == "projects"
    view = window.projects
    assert view.filter_picker.currentData() == "flagged"
    assert view.table.model().rowCount() == 2
    assert view.current_id() == view.segments.rows[1]["id"]
    _settle(qtbot)

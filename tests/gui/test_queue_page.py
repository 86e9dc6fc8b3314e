"""The Queue page says whether anything renders the queue: engine stopped
with jobs waiting (and a Start button), running with its workers, and the
paused projects whose jobs wait for Resume. A real library and engine."""

from __future__ import annotations

from studio.core.jobs import JobQueue
from studio.core.store import Library
from tests.gui.helpers import make_project, show_window


def _queue(library: Library, name: str) -> int:
    """Project ``name`` with every segment queued; its id."""
    project = make_project(library, name)
    JobQueue(library).enqueue([s.id for s in library.segments(project.id)], "piper")
    return project.id


def _close(qtbot, window, library: Library) -> None:  # type: ignore[no-untyped-def]
    """Let pool tasks deliver, cancel what waits (closing with jobs waiting
    asks a question), and close the window."""
    from studio.ui import tasks as qt_tasks

    qtbot.waitUntil(lambda: not qt_tasks._running, timeout=60000)
    queue = JobQueue(library)
    for row in queue.project_rows():
        queue.cancel(project_id=row["id"])
    window.close()


def test_stopped_engine_says_how_much_waits_and_names_paused_projects(
        qtbot, library: Library) -> None:
    _queue(library, "story")
    book = _queue(library, "book")
    _queue(library, "letters")
    JobQueue(library).set_paused(book, True)
    window = show_window(qtbot, library)
    window.resize(1000, 600)
    window.show_view("queue")
    page = window.views["queue"]
    line = page.engine_line.text()
    # 9 jobs are queued; the paused project's 3 wait for Resume, not for the engine
    assert line == "Engine stopped — 6 jobs wait. Start it to render them."
    assert page.start_button.isVisible() and page.start_button.isEnabled()
    assert page.paused_line.isVisible()
    assert page.paused_line.text().startswith("Paused: book. Their 3 jobs wait")

    JobQueue(library).cancel(project_id=library.find_project("story").id)
    JobQueue(library).cancel(project_id=library.find_project("letters").id)
    page.refresh()
    assert page.engine_line.text() == "Engine stopped. Nothing waits to render."
    assert not page.start_button.isVisible()  # nothing for it to do
    _close(qtbot, window, library)


def test_start_runs_the_engine_and_the_line_follows_it(qtbot, library: Library) -> None:
    from studio.engine.client import engine_pid, stop_engine

    _queue(library, "story")
    window = show_window(qtbot, library)
    window.show_view("queue")
    page = window.views["queue"]
    try:
        assert page.engine_line.text().startswith("Engine stopped — 3 jobs wait")
        page.start_button.click()  # the real engine, started off the GUI thread
        assert not page.start_button.isEnabled()
        qtbot.waitUntil(lambda: page.engine_line.text().startswith("Engine running (pid "),
                        timeout=60000)
        assert f"(pid {engine_pid(library.root)})" in page.engine_line.text()
        assert not page.start_button.isVisible()
        # the workers render the three segments; the store watcher refreshes the page
        qtbot.waitUntil(lambda: {r["state"] for r in page.model.rows} == {"done"},
                        timeout=120000)
        qtbot.waitUntil(lambda: "piper worker" in page.engine_line.text(), timeout=10000)
        assert "jobs wait" not in page.engine_line.text()
        stop_engine(library.root)  # the engine's exit writes nothing: the page probes
        qtbot.waitUntil(lambda: page.engine_line.text() ==
                        "Engine stopped. Nothing waits to render.", timeout=10000)
    finally:
        stop_engine(library.root)
        _close(qtbot, window, library)

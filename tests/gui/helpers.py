"""Shared pieces of the window tests: a project whose takes are completed by
hand on the real queue (no engine), and a shown main window."""

from __future__ import annotations

import numpy as np

from studio.core.jobs import JobQueue
from studio.core.planning import save_take_audio
from studio.core.store import Library, Project
from studio.text import prepare_script

SCRIPT = "The first line is here. The second line follows. The last one ends it."


def make_project(library: Library, name: str, rendered: bool = False,
                 script: str = SCRIPT) -> Project:
    """Project ``name`` from ``script``; with ``rendered``, every segment has a take."""
    joe = library.find_voice("joe")
    assert joe is not None
    project = library.sync_project(name, script, joe, prepare_script(script).segments).project
    if rendered:
        queue = JobQueue(library)
        queue.enqueue([s.id for s in library.segments(project.id)], "piper")
        while (job := queue.claim("piper", worker_pid=1)) is not None:
            path = save_take_audio(library, np.full(2205, 0.1, np.float32), 22050)
            queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=2205)
    return project


def show_window(qtbot, library: Library):  # type: ignore[no-untyped-def]
    """The main window on ``library``, shown (closed by the test)."""
    from studio.ui.main_window import MainWindow

    window = MainWindow(library)
    qtbot.addWidget(window)
    window.show()
    return window

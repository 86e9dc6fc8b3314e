"""Take QA's pictures for the docs, from a real render with faults.

A small project is rendered by the real engine with the fault-injecting
voice (``tests.qa_faults``: some takes truncated, repeated, silent in the
middle...), checked by the real take QA, with no retakes so that the
damaged takes stay and their segments need review. Then the window, at
1280x800, is saved twice:

* ``docs/screenshots/qa-projects.png``: the Projects page, every segment,
  the QA column, the "need review" count, the first flagged one selected;
* ``docs/screenshots/qa-panel.png``: the segments that need review, one
  with missing words selected: what was heard aligned under the script, the
  reasons and measures, and the spots on its waveform.

Run from the repository root: ``.venv/bin/python scripts/qa_screenshots.py``
(a few minutes on two cores; the library lives in a temporary folder).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
SCRIPT = """The licensee may copy the work for personal use. Every copy keeps this notice \
in full. The work may not be sold to anyone without written permission.

Read the terms twice before you sign them. A signature means you agree to every line. \
Questions go to the office that issued the licence.

The office answers within ten working days. Its reply is final. The end comes quickly now. \
Thank you for reading this far."""


def render(root: Path) -> str:
    """Render and check the project with faults; its name."""
    from studio.core.planning import ensure_presets, plan_project
    from studio.core.store import Library
    from studio.core.take_qa import active_checks, qa_summary
    from studio.engine.client import stop_engine
    from studio.service import render

    with Library.open(root) as library:
        ensure_presets(library)
        library.set_setting("qa.max_retakes", 0)  # damaged takes stay: their segments flag
        project = plan_project(library, SCRIPT, "licence").sync.project
        render.start_render(library, project)
        try:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                states = {row["status"] for row in library.segment_rows(project.id)}
                if states <= {"rendered", "flagged", "approved"} and \
                        not active_checks(library, project.id):
                    break
                time.sleep(1.0)
            else:
                raise SystemExit("the render did not finish in 10 minutes")
        finally:
            stop_engine(root)
        print("QA:", json.dumps(qa_summary(library, project.id)))
        return project.name


def has_missing_words(root: Path, name: str) -> bool:
    """Whether a flagged segment's take lost words and kept others."""
    from studio.core.store import Library
    from studio.core.take_qa import take_check

    with Library.open(root) as library:
        project = library.find_project(name)
        assert project is not None
        for row in library.segment_rows(project.id):
            segment = library.segment(row["id"])
            if row["status"] == "flagged" and segment.current_take_id is not None:
                ops = {op for op, _s, _h in (take_check(library, segment.current_take_id)
                                             or {}).get("diff", [])}
                if {"missing", "equal"} <= ops:
                    return True
    return False


def shoot(root: Path, name: str) -> None:
    """The two pictures, from the real window."""
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from studio.core.store import Library
    from studio.core.take_qa import take_check
    from studio.ui import theme
    from studio.ui.main_window import MainWindow
    from studio.ui.tasks import wait_for_tasks

    app = QApplication.instance() or QApplication(sys.argv[:1])
    theme.apply(app, "light")

    def settle() -> None:
        for _ in range(10):
            QThreadPool.globalInstance().waitForDone(10000)
            app.processEvents()

    with Library.open(root) as library:
        window = MainWindow(library, remember=False)
        window.resize(1280, 800)
        window.show_view("projects")
        window.show()
        view = window.projects
        view.select_project(name)
        settle()
        rows = view.segments.rows
        flagged = [row for row in rows if row["status"] == "flagged"]
        if not flagged:
            raise SystemExit("no segment was flagged: nothing to show")
        view.next_flagged(1)
        settle()
        OUT.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(OUT / "qa-projects.png"))

        # a flagged segment with missing words among words said right (the
        # clearest picture of the aligned lines), else the one that differs most
        def differences(row: dict[str, object]) -> tuple[bool, bool, int]:
            segment = library.segment(int(row["id"]))  # type: ignore[call-overload]
            check = take_check(library, segment.current_take_id) if segment.done else None
            ops = [op for op, _s, _h in (check or {}).get("diff", [])]
            return "missing" in ops, "equal" in ops, sum(op != "equal" for op in ops)

        shown = max(flagged, key=differences)
        view.show_flagged()
        view.select_ids([shown["id"]], shown["id"])
        settle()
        window.grab().save(str(OUT / "qa-panel.png"))
        window.close()
        wait_for_tasks()
    print("saved", OUT / "qa-projects.png", OUT / "qa-panel.png")


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # the engine's workers load the fault-injecting voice from the tests
    os.environ["STUDIO_BACKENDS"] = "piper=tests.qa_faults:FaultyPiper"
    os.environ.setdefault("STUDIO_QA_FAULT_RATE", "0.5")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO),
                                                             os.environ.get("PYTHONPATH")]))
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory(prefix="studio-qa-shots-") as folder:
        # the faults fall by seed, and seeds are drawn anew: render again (a
        # few times at most) until a flagged take lost words among words said
        # right, the clearest picture of the aligned lines
        for attempt in range(1, 5):
            root = Path(folder) / f"library-{attempt}"
            os.environ["STUDIO_HOME"] = str(root)
            name = render(root)
            if has_missing_words(root, name):
                break
        shoot(root, name)


if __name__ == "__main__":
    main()

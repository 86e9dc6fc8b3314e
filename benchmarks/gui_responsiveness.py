"""How responsive the desktop studio stays, measured offscreen.

* time to open a 5,000-segment project (window built, table filled, the
  timeline laid out), until its document view is complete (built a chunk
  per turn of the event loop), and to repaint its timeline fitted and
  zoomed in;
* the worst event-loop stall while a 100,000-character script is pasted and
  applied (split and normalized on the thread pool);
* the worst event-loop stall while a 1,000-segment project renders on the
  real engine (the view refreshing from the store as takes land), over the
  first ``--render-s`` seconds.

A 5 ms QTimer notes the largest gap between its firings: the worst time the
GUI could not react. Targets: stalls under 50 ms, opening under 1 s.

    python benchmarks/gui_responsiveness.py [--render-s 20] [--open-only]
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class StallMeter:
    """Largest gap between firings of a 5 ms timer, in ms; every gap over
    ``note_ms`` is kept, with what the GUI thread was running when a watch
    thread (``--why``) saw it late."""

    def __init__(self, why: bool = False, note_ms: float = 30.0) -> None:
        from PySide6.QtCore import QTimer

        self.worst = 0.0
        self.gaps: list[float] = []
        self.note_ms = note_ms
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.seen: dict[str, int] = {}
        if why:
            import threading

            self._main = threading.get_ident()
            threading.Thread(target=self._watch, daemon=True).start()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self.last) * 1000 - 5
        self.worst = max(self.worst, gap)
        if gap > self.note_ms:
            self.gaps.append(gap)
        self.last = now

    def _watch(self) -> None:
        import sys
        import traceback

        while True:
            time.sleep(0.01)
            if self.timer.isActive() and (time.perf_counter() - self.last) * 1000 > self.note_ms:
                frame = sys._current_frames().get(self._main)
                if frame is not None:
                    where = "".join(traceback.format_stack(frame, limit=6)[-3:])
                    self.seen[where] = self.seen.get(where, 0) + 1

    def start(self) -> None:
        self.worst, self.last, self.gaps = 0.0, time.perf_counter(), []
        self.seen.clear()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst

    def report(self) -> str:
        gaps = sorted(self.gaps, reverse=True)
        text = (f"    gaps over {self.note_ms:.0f} ms: {len(gaps)}"
                + (f" (largest {', '.join(f'{g:.0f}' for g in gaps[:8])} ms)" if gaps else ""))
        for where, count in sorted(self.seen.items(), key=lambda item: -item[1])[:5]:
            text += f"\n    seen late {count}x in:\n" + where
        return text


def pump(app, condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.001)


def sentences(count: int, start: int = 0) -> str:
    """Prose in paragraphs of ten sentences, as scripts come."""
    lines = [f"Sentence {n} tells of the river and the mill." for n in
             range(start, start + count)]
    return "\n\n".join(" ".join(lines[i:i + 10]) for i in range(0, len(lines), 10))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--render-s", type=float, default=20.0)
    parser.add_argument("--why", action="store_true",
                        help="list the gaps over 30 ms and where the GUI thread was")
    parser.add_argument("--render-only", action="store_true",
                        help="skip the paste (measure opening and rendering)")
    parser.add_argument("--qa", choices=("on", "off"), default="on",
                        help="take QA during the render (check workers beside the renderers)")
    parser.add_argument("--profile", action="store_true",
                        help="profile the GUI thread while the project renders")
    parser.add_argument("--open-only", action="store_true",
                        help="measure opening the project and drawing its timeline only")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from studio.core.jobs import JobQueue
    from studio.core.planning import ensure_presets
    from studio.core.store import Library
    from studio.engine.client import start_engine, stop_engine
    from studio.text import prepare_script
    from studio.ui.main_window import MainWindow
    from studio.ui.tasks import wait_for_tasks

    app = QApplication([])
    meter = StallMeter(why=args.why)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["HOME"] = tmp  # the window's settings stay in here
        library = Library.open(root / "library")
        ensure_presets(library)
        joe = library.find_voice("joe")
        big = sentences(5000)
        library.sync_project("big", big, joe,
                             prepare_script(big, normalize=lambda s: s).segments)

        started = time.perf_counter()
        window = MainWindow(library)
        window.resize(1280, 800)
        window.show()
        window.show_view("projects")
        pump(app, lambda: len(window.projects.segments.rows) == 5000, 30)
        opened = (time.perf_counter() - started) * 1000
        document = window.projects.document
        meter.start()
        pump(app, lambda: document.builds > 0 and document._pending is None
             and not document.laying_out, 30)
        laid_out = (time.perf_counter() - started) * 1000
        stall = meter.stop()
        gc.freeze()  # as studio.ui.app does once the window is up
        print(f"open a 5,000-segment project: {opened:7.0f} ms  (target < 1000 ms)")
        print(f"  its document view complete: {laid_out:7.0f} ms, built in chunks: "
              f"worst stall {stall:5.0f} ms  (target < 50 ms)")
        timeline = window.projects.timeline
        started = time.perf_counter()
        timeline.grab()  # a real paint, offscreen too
        fitted = (time.perf_counter() - started) * 1000
        timeline.zoom(50)
        started = time.perf_counter()
        timeline.grab()  # a real paint, offscreen too
        zoomed = (time.perf_counter() - started) * 1000
        print(f"draw its timeline: {fitted:5.1f} ms fitted, {zoomed:5.1f} ms zoomed in"
              f"  ({len(timeline.ids)} segments; target < 50 ms)")
        if args.open_only:
            window.close()
            wait_for_tasks()
            window.deleteLater()
            meter.timer.deleteLater()
            app.processEvents()
            library.close()
            app.shutdown()
            return

        if not args.render_only:
            paste = sentences(2200, 10_000)[:100_000]  # exactly 100,000 characters
            meter.start()
            window.projects.script.setPlainText(paste)  # what a paste inserts
            app.processEvents()
            window.projects.apply_button.click()
            pump(app, lambda: window.projects.apply_button.isEnabled(), 600)
            pump(app, lambda: len(window.projects.segments.rows) != 5000, 30)
            stall = meter.stop()
            print(f"paste and apply {len(paste):,} characters: worst stall {stall:5.0f} ms"
                  f"  (target < 50 ms; {len(window.projects.segments.rows)} segments)")
            if args.why:
                print(meter.report())

        text = sentences(1000, 50_000)
        sync = library.sync_project("thousand", text, joe, prepare_script(text).segments)
        window.projects.refresh_projects()
        names = [row["name"] for row in window.projects.projects.rows]
        window.projects.project_list.setCurrentIndex(
            window.projects.projects.index(names.index("thousand"), 0))
        with library.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO settings VALUES ('qa.enabled', ?)",
                         ("true" if args.qa == "on" else "false",))
        JobQueue(library).enqueue([s.id for s in library.segments(sync.project.id)], "piper")
        start_engine(library.root, exist_ok=True)
        meter.start()
        if args.profile:  # where the GUI thread's time goes while takes land
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(pump, app, lambda: False, args.render_s)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        else:
            pump(app, lambda: False, args.render_s)
        stall = meter.stop()
        done = JobQueue(library).counts(sync.project.id).get("done", 0)
        print(f"render 1,000 segments, QA {args.qa} ({done} done in {args.render_s:.0f} s): "
              f"worst stall {stall:5.0f} ms  (target < 50 ms)")
        if args.why:
            print(meter.report())
        JobQueue(library).cancel(project_id=sync.project.id)
        stop_engine(library.root)
        window.close()
        wait_for_tasks()
        # every Qt object goes before the application, and the application
        # before the interpreter's final collection
        window.deleteLater()
        meter.timer.stop()
        meter.timer.deleteLater()
        app.processEvents()
        library.close()
    app.shutdown()


if __name__ == "__main__":
    main()

"""The one way to run work off the GUI thread.

:func:`run_task` runs a function on the shared thread pool and delivers its
result (or exception) back on the GUI thread. Every long operation in the
GUI goes through it; nothing else starts threads.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object, str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as err:  # delivered to the GUI thread, shown to the user
            self.signals.failed.emit(err, traceback.format_exc())
        else:
            self.signals.done.emit(result)


_running: set[_Task] = set()


def run_task(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception, str], None],
) -> None:
    """Run ``fn`` on the thread pool; call back on the GUI thread."""
    task = _Task(fn)
    _running.add(task)

    def finish(callback: Callable[..., None], *args: Any) -> None:
        _running.discard(task)
        callback(*args)

    task.signals.done.connect(lambda result: finish(on_done, result))
    task.signals.failed.connect(lambda err, tb: finish(on_error, err, tb))
    QThreadPool.globalInstance().start(task)


def engine_starter(on_error: Callable[[Exception, str], None],
                   on_started: Callable[[Any], None] | None = None) -> Callable[[Path], None]:
    """The ``start`` the service's flows take, for the window: the engine is
    started on the thread pool (starting waits for the supervisor's lock,
    never on the GUI thread); ``on_started(pid)`` and ``on_error`` are
    called back on the GUI thread."""
    from studio.service.engine import ensure_engine

    def start(root: Path) -> None:
        run_task(lambda: ensure_engine(root), on_started or (lambda _pid: None), on_error)

    return start


_processes: ProcessPoolExecutor | None = None


def run_in_process(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception, str], None],
) -> None:
    """Run a CPU-heavy pure function in a helper process.

    Threads share the GIL with the GUI: text normalization holds it in long
    C++ calls (over 100 ms), which a thread cannot avoid. One spawned helper
    process, kept warm for the session, takes that work; the result comes
    back on the GUI thread like :func:`run_task`'s.
    """
    global _processes
    if _processes is None:
        _processes = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    future = _processes.submit(fn, *args)
    run_task(future.result, on_done, on_error)  # a pool thread waits, GIL released


def wait_for_tasks(timeout_ms: int = 30000) -> bool:
    """Block until every task has finished and stop the helper process
    (tests and shutdown)."""
    global _processes
    done = bool(QThreadPool.globalInstance().waitForDone(timeout_ms))
    if _processes is not None:
        _processes.shutdown(wait=True, cancel_futures=True)
        _processes = None
    return done

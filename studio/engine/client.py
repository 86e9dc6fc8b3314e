"""What front ends use to drive the engine: start, stop, status, and wait for
a project's jobs. The engine itself runs in its own process group, so a
front end that is closed or killed never takes queued work down with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.core.jobs import JobQueue
from studio.core.progress import Progress, project_progress
from studio.core.storage.workers import WorkerStore
from studio.core.store import Library, Project
from studio.engine.lock import EngineRunning, engine_pid
from studio.errors import UserError


def start_engine(
    root: Path,
    *,
    workers: int | None = None,
    idle_exit_s: float | None = None,
    exist_ok: bool = False,
    timeout_s: float = 30.0,
) -> int:
    """Start the supervisor for ``root`` in the background; returns its pid.

    With ``exist_ok`` a running engine is fine (its pid is returned);
    otherwise it is an :class:`EngineRunning` error. A supervisor that fails
    to start (damaged database, unwritable folder) is reported in one line.
    """
    root = Path(root).resolve()
    running = engine_pid(root)
    if running is not None:
        if exist_ok:
            return running
        raise EngineRunning(
            f"the engine is already running for {root} (pid {running})",
            "use `studio engine status`, or `studio engine stop` first",
        )
    command = [sys.executable, "-m", "studio.engine.supervisor", "--library", str(root)]
    if workers:
        command += ["--workers", str(workers)]
    if idle_exit_s is not None:
        command += ["--idle-exit", str(idle_exit_s)]
    errors = root / "logs" / "engine-start.err"
    errors.parent.mkdir(parents=True, exist_ok=True)
    with open(errors, "wb") as stderr:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
            start_new_session=True,  # survives the front end, and its Ctrl+C
        )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pid = engine_pid(root)
        if pid == process.pid:
            return pid
        if process.poll() is not None:
            if pid is not None and exist_ok:  # another front end started it first
                return pid
            message = errors.read_text(errors="replace").strip().splitlines()
            line = message[-1] if message else f"exit code {process.returncode}"
            raise UserError(line.removeprefix("studio: "))
        time.sleep(0.05)
    raise UserError(f"the engine did not start within {timeout_s:.0f} s",
                    f"see {root / 'logs' / 'engine.log'}")


def stop_engine(root: Path, timeout_s: float = 60.0, *, wait: bool = True) -> int | None:
    """Ask the supervisor to stop gracefully (and wait, unless ``wait`` is
    False); its pid, or None if it was not running."""
    pid = engine_pid(root)
    if pid is None:
        return None
    os.kill(pid, signal.SIGTERM)
    if not wait:
        return pid
    deadline = time.monotonic() + timeout_s
    while engine_pid(root) is not None:
        if time.monotonic() > deadline:
            raise UserError(f"the engine (pid {pid}) did not stop within {timeout_s:.0f} s",
                            f"kill it: kill {pid}")
        time.sleep(0.1)
    return pid


def engine_status(library: Library) -> dict[str, Any]:
    """The engine's pid, its workers, the queue's counts, and the registered
    backends that could not be loaded here (name -> why, and the fix)."""
    from studio.backends import backend_problems

    now = time.time()
    live = ("starting", "loaded", "busy")
    workers = [
        row | {"uptime_s": round(now - row["started_at"], 1)
               if row["started_at"] and row["state"] in live else None}
        for row in WorkerStore(library.conn).rows()
    ]
    pid = engine_pid(library.root)
    if pid is None:
        workers = [w | {"state": "failed" if w["state"] == "failed" else "stopped", "pid": None,
                        "current_job": None, "uptime_s": None} for w in workers]
    return {"running": pid is not None, "pid": pid, "workers": workers,
            "jobs": JobQueue(library).counts(), "backend_problems": backend_problems()}


def wait_for_project(
    library: Library,
    project: Project,
    on_progress: Callable[[Progress], None] | None = None,
    *,
    poll_s: float = 0.25,
    idle_exit_s: float = 30.0,
) -> Progress:
    """Wait until the project is settled (no render and no check of it left:
    :attr:`Progress.settled`), restarting the engine if it dies meanwhile
    (three restarts without progress are an error, not a loop). Returns the
    final progress."""
    restarts_without_progress = 0
    last = None
    while True:
        progress = project_progress(library, project.id)
        if on_progress:
            on_progress(progress)
        if progress.settled:
            return progress
        if progress != last:
            restarts_without_progress = 0
            last = progress
        if engine_pid(library.root) is None:
            if restarts_without_progress >= 3:
                raise EngineFailed(
                    "the engine keeps stopping without rendering this project",
                    f"see {library.root / 'logs' / 'engine.log'}",
                )
            restarts_without_progress += 1
            start_engine(library.root, idle_exit_s=idle_exit_s, exist_ok=True)
        else:
            _raise_if_workers_failed(library)
        time.sleep(poll_s)


def workers_failed(library: Library) -> str | None:
    """Why the engine cannot finish any work, if every one of its workers has
    failed (the last one's backend and error); None while one can work."""
    rows = WorkerStore(library.conn).rows()
    if rows and all(row["state"] == "failed" for row in rows):
        last = rows[-1]
        return f"every worker of the engine failed ({last['backend']}): {last['last_error']}"
    return None


def _raise_if_workers_failed(library: Library) -> None:
    """A running engine whose every worker has failed cannot finish the work."""
    problem = workers_failed(library)
    if problem is not None:
        raise EngineFailed(
            problem,
            f"see {library.root / 'logs' / 'engine.log'}; stop the engine with "
            "`studio engine stop` after fixing the cause",
        )


class EngineFailed(UserError):
    """The engine runs but none of its workers can."""

    exit_code = 3

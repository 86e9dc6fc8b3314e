"""The render engine as the front ends drive it: start it on demand, stop it,
read its status, and wait for a project's work.

Front ends never import :mod:`studio.engine`; they call these. Starting the
engine can take a few seconds (it waits for the supervisor to take its lock),
so the window calls them off its thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.core.progress import Progress, busy_projects
from studio.core.settings import EngineSettings
from studio.core.storage.workers import WorkerStore
from studio.core.store import Library, Project
from studio.engine import client, lock, supervisor
from studio.engine.client import EngineFailed
from studio.gpu import Gpu, Plan

__all__ = [
    "IDLE_EXIT_S",
    "EngineFailed",
    "Starter",
    "engine_problem",
    "engine_running",
    "engine_status",
    "ensure_engine",
    "projects_at_work",
    "start_engine",
    "start_engine_for",
    "stop_engine",
    "wait",
    "worker_plan",
    "worker_rows",
]

# An engine started on demand stops itself this long after its last job.
IDLE_EXIT_S = 30.0

#: What a flow that queues work calls to start the engine: the front end's
#: way (None: here, blocking; the window's runs on its thread pool; the
#: server's is a background task its event loop schedules).
Starter = Callable[[Path], object]


def ensure_engine(root: Path) -> int:
    """Start the engine for the library if it is not running; its pid."""
    return client.start_engine(root, idle_exit_s=IDLE_EXIT_S, exist_ok=True)


def start_engine_for(root: Path, start: Starter | None) -> None:
    """Start the engine the front end's way (``start``), or here, blocking
    until the supervisor runs (:func:`ensure_engine`), when it passed none."""
    if start is None:
        ensure_engine(root)
    else:
        start(root)


def start_engine(root: Path, *, workers: int | None = None, exist_ok: bool = False) -> int:
    """Start the engine as the user asked (it stays up until stopped); its pid.
    A running engine is a refusal unless ``exist_ok``."""
    return client.start_engine(root, workers=workers, exist_ok=exist_ok)


def stop_engine(root: Path, *, wait: bool = True) -> int | None:
    """Stop the engine gracefully (finishing current jobs); its pid, or None
    if it was not running. Without ``wait`` it is only asked to stop."""
    return client.stop_engine(root, wait=wait)


def engine_running(root: Path) -> int | None:
    """The running engine's pid (-1 while one starts), or None."""
    return lock.engine_pid(root)


def engine_status(library: Library) -> dict[str, Any]:
    """The engine's pid, its workers, the queue's counts by state, and the
    backends that cannot load here (name -> why, and the fix). Cheap: the
    Queue and Engine pages read it several times a second."""
    return client.engine_status(library)


def projects_at_work(library: Library) -> list[dict[str, Any]]:
    """Each project with work left and its
    :class:`~studio.core.progress.Progress` (state, segments rendered of
    all, renders and checks left, time left): ``studio engine status``."""
    return [{"name": name, "state": p.state, "segments": p.total, "rendered": p.rendered,
             "renders_left": p.renders, "checks_left": p.checks, "failed": p.count("failed"),
             "eta_s": p.eta_s} for name, p in busy_projects(library)]


def engine_problem(library: Library) -> str | None:
    """Start the engine if it is not running; why it cannot render, if so
    (it did not start, or every worker failed)."""
    try:
        ensure_engine(library.root)
    except Exception as err:  # the engine's own one-line reason
        return str(err)
    return client.workers_failed(library)


def worker_rows(library: Library) -> list[dict[str, Any]]:
    """The engine's workers as it last recorded them (slot, backend, state,
    last error, …)."""
    return WorkerStore(library.conn).rows()


def wait(library: Library, project: Project,
         on_progress: Callable[[Progress], None] | None = None) -> Progress:
    """Wait until the project's work is settled (rendered and checked),
    restarting an engine that died; the final progress."""
    return client.wait_for_project(library, project, on_progress, idle_exit_s=IDLE_EXIT_S)


def worker_plan(library: Library, backend: str, gpus: list[Gpu]) -> tuple[int, Plan]:
    """What the engine would start for ``backend`` on ``gpus``: the MB each
    worker is planned with, and the plan (the Engine page shows both)."""
    settings = EngineSettings.from_library(library)
    return (supervisor.backend_need_mb(library, backend, settings),
            supervisor.plan_backend(library, backend, gpus, settings))


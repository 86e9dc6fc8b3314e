"""The engine under bad conditions: a locked database under the lease
heartbeat, status probes racing a starting supervisor, backends that fail
to import. Real SQLite files, real threads and processes, no fixed sleeps:
each wait is for a condition, with a deadline."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.core.jobs import JobQueue
from studio.core.store import Library
from studio.text import prepare_script
from tests.conftest import REPO

ROUNDS = 1500  # lock takes while the probes run


def wait_until(condition: Callable[[], object], timeout_s: float = 10.0) -> bool:
    """Poll ``condition`` until it holds or the deadline passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return bool(condition())


def _running_job(library: Library) -> int:
    """One job of a fresh project, claimed by this process."""
    joe = library.find_voice("joe")
    text = "One sentence to render."
    project = library.sync_project("p", text, joe, prepare_script(text).segments).project
    queue = JobQueue(library)
    queue.enqueue([s.id for s in library.segments(project.id)], "piper")
    job = queue.claim("piper", os.getpid())
    assert job is not None
    return job.id


def _lease(library: Library, job: int) -> float:
    return float(library.conn.execute("SELECT lease_until FROM jobs WHERE id = ?",
                                      (job,)).fetchone()[0])


def test_heartbeat_survives_a_locked_database_and_renews_again(
        library: Library, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Another program holds the write lock past the busy timeout: the renewal
    fails, is logged, and the next tick after the lock is gone renews the lease."""
    from studio.engine.worker import Heartbeat

    monkeypatch.setenv("STUDIO_DB_TIMEOUT_S", "0.05")
    job = _running_job(library)
    caplog.set_level(logging.WARNING, logger="studio.engine.worker")
    heartbeat = Heartbeat(library.root, os.getpid(), every_s=0.02)
    try:
        heartbeat.job = job
        first = _lease(library, job)
        assert wait_until(lambda: _lease(library, job) > first), "never renewed"
        blocker = sqlite3.connect(library.root / "studio.db", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # a writer that does not let go
        try:
            failed = wait_until(lambda: "could not renew" in caplog.text
                                or not heartbeat._thread.is_alive())
            assert failed, "no renewal was attempted while the database was locked"
            locked = _lease(library, job)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert wait_until(lambda: _lease(library, job) > locked, timeout_s=5), \
            "the lease was not renewed after the lock was released"
        assert heartbeat._thread.is_alive()
        assert f"could not renew the lease of job {job} (OperationalError: database is " \
            "locked); trying again" in caplog.text
    finally:
        heartbeat.stop()


PROBE_LOOP = """
import sys
from pathlib import Path
from studio.engine.lock import engine_pid
root, seen = Path(sys.argv[1]), set()
print("probing", flush=True)
while not (root / "stop").exists():
    seen.add(engine_pid(root))
print(" ".join(sorted(map(str, seen))), flush=True)
"""


def test_status_probes_never_make_a_starting_engine_fail(tmp_path: Path) -> None:
    """``engine_pid`` (what `studio engine status`, the GUI and `studio render`
    ask) runs in a loop in another process and on another thread while a
    supervisor takes and drops the lock again and again: every take succeeds,
    and the probes see either no engine or this one."""
    from studio.engine.lock import EngineRunning, acquire_lock, engine_pid

    (tmp_path / "engine.lock").write_text("")
    prober = subprocess.Popen([sys.executable, "-c", PROBE_LOOP, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True, cwd=REPO)
    stop = threading.Event()
    seen: set[int | None] = set()

    def probe() -> None:
        while not stop.is_set():
            seen.add(engine_pid(tmp_path))

    thread = threading.Thread(target=probe, daemon=True)
    refused = 0
    try:
        assert prober.stdout is not None and prober.stdout.readline() == "probing\n"
        thread.start()
        for _ in range(ROUNDS):
            try:
                handle = acquire_lock(tmp_path)
            except EngineRunning:
                refused += 1
                continue
            assert engine_pid(tmp_path) == os.getpid()
            handle.close()
    finally:
        stop.set()
        thread.join()
        (tmp_path / "stop").touch()
        out, _ = prober.communicate(timeout=30)
    assert refused == 0, f"{refused} of {ROUNDS} starts refused as 'already running'"
    assert prober.returncode == 0
    allowed = {None, -1, os.getpid()}  # -1: the lock is held, its pid not yet written
    assert seen <= allowed and set(out.split()) <= set(map(str, allowed))


BROKEN = "broken=tests.broken_backend:BrokenBackend"
BROKEN_REASON = ("cannot load tests.broken_backend:BrokenBackend (ModuleNotFoundError: No "
                 "module named 'studio_missing_runtime'): fix or remove it in STUDIO_BACKENDS")


def test_engine_status_says_which_backend_failed_to_load_and_why(studio) -> None:  # type: ignore[no-untyped-def]
    """The broken backend is left out, not fatal, and `studio engine status`
    names it with the import error, in text and in JSON."""
    text = studio("engine", "status", STUDIO_BACKENDS=BROKEN)
    assert text.returncode == 0, text.stderr
    assert f"backend broken: not available: {BROKEN_REASON}" in text.stdout.splitlines()
    assert f"backend 'broken' is not available: {BROKEN_REASON}" in text.stderr  # the log
    as_json = studio("engine", "status", "--json", STUDIO_BACKENDS=BROKEN)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["backend_problems"] == {"broken": BROKEN_REASON}
    healthy = studio("engine", "status", "--json")
    assert json.loads(healthy.stdout)["backend_problems"] == {}

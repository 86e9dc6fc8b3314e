"""The engine under bad conditions: a locked database under the lease
heartbeat, status probes racing a starting supervisor, backends that fail
to import. Real SQLite files, real threads and processes, no fixed sleeps:
each wait is for a condition, with a deadline."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable

import pytest

from studio.core.jobs import JobQueue
from studio.core.store import Library
from studio.text import prepare_script


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
    from studio.engine.worker import _Heartbeat

    monkeypatch.setenv("STUDIO_DB_TIMEOUT_S", "0.05")
    job = _running_job(library)
    caplog.set_level(logging.WARNING, logger="studio.engine.worker")
    heartbeat = _Heartbeat(library.root, os.getpid(), every_s=0.02)
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

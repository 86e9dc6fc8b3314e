"""Worker and supervisor, stepped by hand, with real worker processes and the
real Piper voice (faults added by ``tests/fault_backends.py``)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.core.jobs import JobQueue
from studio.core.settings import EngineSettings
from studio.core.store import Library
from studio.engine.lock import EngineRunning, engine_pid
from studio.engine.supervisor import Supervisor
from studio.engine.worker import Worker
from studio.text import prepare_script
from tests.conftest import REPO


def wait_until(condition: Callable[[], object], timeout: float = 60, step: Callable[[], None]
               = lambda: None) -> None:
    """Step (if given) and poll until ``condition`` holds; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        step()
        time.sleep(0.05)


def make_project(library: Library, count: int, word: str = "sentence") -> list[int]:
    joe = library.find_voice("joe")
    text = " ".join(f"This is {word} number {n}." for n in range(1, count + 1))
    sync = library.sync_project("engine", text, joe, prepare_script(text).segments)
    segments = library.segments(sync.project.id)
    assert len(segments) == count
    return JobQueue(library).enqueue([s.id for s in segments], "piper")


def states(library: Library) -> dict[str, int]:
    return JobQueue(library).counts()


@pytest.fixture(autouse=True)
def render_queue_only(library: Library) -> None:
    """These tests are about the render queue and its workers: take QA (its
    own jobs and worker pool, tested in test_qa_engine.py) is off in their
    library, so the job and take counts here are the renders'."""
    library.set_setting("qa.enabled", False)


@pytest.fixture
def worker_env(monkeypatch):
    """Worker processes import the fault backends from the source tree."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))

    def use(backend_class: str) -> None:
        monkeypatch.setenv("STUDIO_BACKENDS", f"piper=tests.fault_backends:{backend_class}")

    return use


def test_worker_steps_one_job_at_a_time(library: Library) -> None:
    make_project(library, 2)
    worker = Worker(library.root, slot=0, backend="piper", threads=1)
    worker.load()
    assert worker.step() is True
    assert states(library) == {"done": 1, "queued": 1}
    assert worker.step() is True
    assert worker.step() is False
    worker.close()
    for segment in library.segments(library.find_project("engine").id):
        take = library.take(segment.current_take_id)
        assert library.path(take.path).is_file() and take.frames > 10000


def test_heartbeats_keep_a_long_job_leased(library: Library, worker_env) -> None:
    """A job longer than its lease is not taken away while its worker beats."""
    import threading

    from studio.backends import installed_backends

    worker_env("SlowPiper")
    installed_backends.cache_clear()
    try:
        library.set_setting("engine.lease_s", 0.6)
        make_project(library, 1, word="slow")
        loaded = threading.Event()

        def work() -> None:  # a worker's connection lives on its own thread
            worker = Worker(library.root, slot=0, backend="piper", threads=1)
            worker.load()
            loaded.set()
            worker.step()
            worker.close()

        runner = threading.Thread(target=work)
        runner.start()
        loaded.wait(30)
        queue = JobQueue(library)
        requeued: list[int] = []
        while runner.is_alive():
            requeued += queue.requeue_lost({os.getpid()})
            time.sleep(0.05)
        runner.join()
    finally:
        installed_backends.cache_clear()
    assert requeued == []
    assert states(library) == {"done": 1}
    assert JobQueue(library).jobs()[0]["attempts"] == 1


def test_cpu_workers_start_together_and_finish(library: Library) -> None:
    """CPU workers have no memory budget to wait for (GPU ones do: below), so
    all of them start in the first step, each with the math libraries' thread
    pools sized to its share of the cores; each job is done exactly once."""
    make_project(library, 12)
    supervisor = Supervisor(library.root, EngineSettings(workers=2, idle_exit_s=0.5))
    supervisor.start()
    try:
        supervisor.step()
        rows = library.conn.execute("SELECT state, pid FROM workers ORDER BY slot").fetchall()
        assert [r[0] for r in rows] == ["starting", "starting"]
        for slot, row in zip(supervisor.slots, rows, strict=True):
            environ = Path(f"/proc/{row['pid']}/environ").read_bytes().split(b"\0")
            for pool in (b"OMP_NUM_THREADS", b"OPENBLAS_NUM_THREADS", b"MKL_NUM_THREADS"):
                assert pool + b"=" + str(slot.placement.threads).encode() in environ
        wait_until(lambda: states(library) == {"done": 12}, step=supervisor.step)
        # How the jobs split between the workers depends on which loads first:
        # what the engine guarantees is once each, none lost, none repeated.
        done = [r[0] for r in library.conn.execute("SELECT jobs_done FROM workers")]
        assert sum(done) == 12
        assert [job["attempts"] for job in JobQueue(library).jobs()] == [1] * 12
        assert library.conn.execute("SELECT COUNT(*) FROM takes").fetchone()[0] == 12
        wait_until(lambda: supervisor.stopping, step=supervisor.step)  # idle exit
    finally:
        supervisor.stop()
    assert {r[0] for r in library.conn.execute("SELECT state FROM workers")} == {"stopped"}


def test_gpu_workers_start_one_at_a_time(library: Library, monkeypatch) -> None:
    """GPU placements start in slot order, each only after the previous one
    reports 'loaded' (fake inventory: this machine has no GPU, so the workers
    here load on the CPU). The first worker is held (SIGSTOP) before it can
    load: however many steps the supervisor takes, the second must wait."""
    from studio.gpu import Gpu

    def worker(index: int) -> tuple[str, int | None]:
        row = library.conn.execute("SELECT state, pid FROM workers WHERE slot = ?",
                                   (index,)).fetchone()
        return row["state"], row["pid"]

    make_project(library, 4)
    supervisor = Supervisor(library.root, EngineSettings(workers=2, per_model_mb=1000))
    supervisor._gpus = [Gpu(0, "Test GPU", "GPU-test", 24000, 24000)]
    supervisor.start()
    first = None
    try:
        supervisor.step()
        rows = library.conn.execute("SELECT state, device FROM workers ORDER BY slot").fetchall()
        assert [tuple(r) for r in rows] == [("starting", "GPU-test"), ("waiting", "GPU-test")]
        first = supervisor.slots[0].process
        assert first is not None
        first.send_signal(signal.SIGSTOP)  # a fresh interpreter: far from loaded yet
        assert worker(0) == ("starting", first.pid)
        for _ in range(20):
            supervisor.step()
            assert worker(0)[0] == "starting"
            assert worker(1) == ("waiting", None) and supervisor.slots[1].process is None
        first.send_signal(signal.SIGCONT)
        wait_until(lambda: supervisor.slots[1].process is not None, step=supervisor.step)
        assert worker(0)[0] in ("loaded", "busy")  # it reported loaded before
        assert worker(1)[1] == supervisor.slots[1].process.pid  # started after it
        wait_until(lambda: states(library) == {"done": 4}, step=supervisor.step)
    finally:
        if first is not None:
            first.send_signal(signal.SIGCONT)  # so that stop() can end it gracefully
        supervisor.stop()


def test_a_second_supervisor_is_refused(library: Library) -> None:
    first = Supervisor(library.root, EngineSettings(workers=1))
    first.start()
    try:
        assert engine_pid(library.root) == os.getpid()
        with pytest.raises(EngineRunning, match="already running"):
            Supervisor(library.root).start()
    finally:
        first.stop()
    assert engine_pid(library.root) is None


def test_a_crash_looping_worker_is_marked_failed(library: Library, worker_env) -> None:
    worker_env("CrashOnLoad")
    make_project(library, 2)
    supervisor = Supervisor(library.root, EngineSettings(workers=1, restart_backoff_s=0.01))
    supervisor.start()
    try:
        wait_until(lambda: supervisor.slots and supervisor.slots[0].failed,
                   step=supervisor.step)
    finally:
        supervisor.stop()
    row = library.conn.execute("SELECT state, restarts, last_error FROM workers").fetchone()
    assert row["state"] == "failed" and row["restarts"] == 4
    assert "model file is corrupt" in row["last_error"]
    assert states(library) == {"queued": 2}  # nothing lost: the jobs wait for a fix


@pytest.mark.slow  # `make test-slow`: keeps `make test` under six minutes
def test_a_job_past_its_timeout_gets_its_worker_killed(library: Library, worker_env) -> None:
    worker_env("HangingPiper")
    library.set_setting("engine.max_attempts", 1)  # stored on each job when queued
    make_project(library, 2, word="hang")
    supervisor = Supervisor(library.root, EngineSettings(workers=1, job_timeout_s=2.0))
    supervisor.start()
    try:
        wait_until(lambda: states(library).get("dead") == 2, step=supervisor.step, timeout=90)
    finally:
        supervisor.stop()
    errors = {job["error"] for job in JobQueue(library).jobs(state="dead")}
    assert errors == {"timed out after 2 s"}
    row = library.conn.execute("SELECT state, restarts FROM workers").fetchone()
    assert row["state"] != "failed" and row["restarts"] == 0  # a kill is not a crash


def test_graceful_stop_finishes_the_current_job(library: Library) -> None:
    make_project(library, 30)
    supervisor = Supervisor(library.root, EngineSettings(workers=1, grace_s=30))
    supervisor.start()
    wait_until(lambda: states(library).get("running"), step=supervisor.step)
    supervisor.stop()
    counts = states(library)
    assert counts.get("running", 0) == 0 and counts["done"] >= 1
    assert counts["done"] + counts["queued"] == 30


def test_recovery_sweeps_orphans_and_backs_up(library: Library) -> None:
    orphan = library.root / "takes" / "ab" / "orphan.flac"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"no row points here")
    partial = library.root / "takes" / "ab" / ".partial-1234-x.flac"
    partial.write_bytes(b"a torn write")
    old = time.time() - 3600
    for path in (orphan, partial):
        os.utime(path, (old, old))
    supervisor = Supervisor(library.root, EngineSettings(workers=1))
    supervisor.start()
    supervisor.stop()
    assert not orphan.exists() and not partial.exists()
    assert len(list((library.root / "backups").glob("studio-*.db"))) == 1


def test_a_worker_whose_supervisor_died_while_it_started_exits(library: Library) -> None:
    """The start-up race: the supervisor is gone before the worker could ask
    to die with it. The worker checks the pid it was given and leaves."""
    import subprocess
    import sys

    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "studio.engine.worker_process", "--library", str(library.root),
         "--slot", "0", "--backend", "piper", "--parent", "999999999"],
        capture_output=True, timeout=60,
    )
    assert result.returncode == 0
    assert time.monotonic() - started < 10  # before loading any model


def test_unused_root(tmp_path: Path) -> None:
    """engine_pid on a folder that was never a library is simply None."""
    assert engine_pid(tmp_path) is None


@pytest.fixture
def fresh_backends():
    """The supervisor runs in this process: let it see $STUDIO_BACKENDS too."""
    from studio.backends import installed_backends

    installed_backends.cache_clear()
    yield
    installed_backends.cache_clear()


def test_a_backend_build_runs_once_before_its_workers(library: Library, worker_env, tmp_path,
                                                      monkeypatch, fresh_backends) -> None:
    worker_env("BuildOncePiper")
    monkeypatch.setenv("STUDIO_BUILD_DIR", str(tmp_path))
    library.set_setting("piper.fp16", True)  # backend options reach the build
    make_project(library, 4)
    supervisor = Supervisor(library.root, EngineSettings(workers=2))
    supervisor.start()
    try:
        supervisor.step()
        rows = library.conn.execute("SELECT state FROM workers").fetchall()
        assert [r["state"] for r in rows] == ["building", "building"]
        wait_until(lambda: states(library) == {"done": 4}, step=supervisor.step)
    finally:
        supervisor.stop()
    assert (tmp_path / "builds.log").read_text().split()[1:] == ["True"]  # one build
    assert len((tmp_path / "loads.log").read_text().split()) == 2  # both workers, after it


def test_a_failed_build_fails_the_workers_with_its_error(library: Library, worker_env,
                                                         tmp_path, monkeypatch,
                                                         fresh_backends) -> None:
    worker_env("BuildOncePiper")
    monkeypatch.setenv("STUDIO_BUILD_DIR", str(tmp_path))
    monkeypatch.setenv("STUDIO_BUILD_FAIL", "1")
    make_project(library, 2)
    supervisor = Supervisor(library.root, EngineSettings(workers=1))
    supervisor.start()
    try:
        wait_until(lambda: supervisor.slots and supervisor.slots[0].failed,
                   step=supervisor.step)
    finally:
        supervisor.stop()
    row = library.conn.execute("SELECT state, last_error FROM workers").fetchone()
    assert row["state"] == "failed" and "not enough GPU memory" in row["last_error"]
    assert not (tmp_path / "loads.log").exists()
    assert states(library) == {"queued": 2}  # nothing lost: the jobs wait for a fix

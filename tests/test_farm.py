"""The render farm on this machine: a real ``redis-server`` (tests/redis_server.py),
real farm worker processes, each in a folder of its own (they never see the
library), and the desktop's bridge stepped by the test. The backend spends a
fixed time per segment (tests/fault_backends.py: FixedDelay) so that the
timing of a kill is under the test's control; the engine and the real voice
are in test_farm_slow.py."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import redis

from studio import audio
from studio.core.jobs import JobQueue
from studio.core.store import Library
from studio.errors import UserError
from studio.farm import protocol
from studio.farm.bridge import Bridge
from studio.service import farm
from studio.text import prepare_script
from tests.conftest import REPO
from tests.redis_server import RedisServer, free_port

BACKENDS = "piper=tests.fault_backends:FixedDelay"
MACHINES: dict[int, str] = {}  # each worker process's machine name, by pid


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    running = RedisServer(tmp_path / "redis").start()
    yield running
    running.stop()


@pytest.fixture
def client(server: RedisServer) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(server.url)
    yield connection
    connection.close()


class Workers:
    """Farm worker processes, each in its own folder, stopped at the end."""

    def __init__(self, tmp_path: Path, url: str) -> None:
        self.tmp_path, self.url = tmp_path, url
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, **env: str) -> subprocess.Popen[bytes]:
        folder = self.tmp_path / f"remote-{len(self.processes)}"
        folder.mkdir()
        process = subprocess.Popen(
            [sys.executable, "-m", "studio.farm.worker", "--redis", self.url,
             "--backend", "piper", "--cache", str(folder / "cache"), "--name", folder.name],
            cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(folder / "worker.log", "wb"),  # noqa: SIM115 - the child holds it
            env=dict(os.environ, PYTHONPATH=str(REPO), STUDIO_BACKENDS=BACKENDS,
                     HOME=str(folder), **env))
        self.processes.append(process)
        MACHINES[process.pid] = folder.name
        return process

    def log(self, process: subprocess.Popen[bytes]) -> str:
        index = self.processes.index(process)
        return (self.tmp_path / f"remote-{index}" / "worker.log").read_text()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.fixture
def workers(tmp_path: Path, server: RedisServer) -> Iterator[Workers]:
    started = Workers(tmp_path, server.url)
    yield started
    started.stop()


def _name(process: subprocess.Popen[bytes]) -> str:
    """The worker's name in the farm: its machine's (``--name``, the folder's) and its pid."""
    return f"{MACHINES[process.pid]}:{process.pid}"


def _beat(client: redis.Redis, process: subprocess.Popen[bytes]) -> protocol.WorkerBeat | None:
    raw = client.hget(protocol.WORKERS, _name(process))
    return protocol.WorkerBeat.parse(raw) if raw else None


def _until(condition: Callable[[], object], bridge: Bridge | None = None,
           timeout: float = 60) -> object:
    """Step the bridge (if any) until ``condition()`` is truthy; its value."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, "timed out waiting"
        if bridge is not None:
            bridge.step(block_ms=50)
        else:
            time.sleep(0.05)
    return value


def _idle(client: redis.Redis, process: subprocess.Popen[bytes]) -> bool:
    beat = _beat(client, process)
    return beat is not None and beat.state == "idle"


def _project(library: Library, name: str, sentences: list[str]) -> list[int]:
    """A project of these sentences, every segment queued; the job ids."""
    text = " ".join(sentences)
    sync = library.sync_project(name, text, library.find_voice("joe"),
                                prepare_script(text).segments)
    segments = library.segments(sync.project.id)
    assert len(segments) == len(sentences)
    return JobQueue(library).enqueue([s.id for s in segments], "piper")


def _states(library: Library, jobs: list[int]) -> list[str]:
    return [JobQueue(library).store.job_state(job) or "?" for job in jobs]


def _takes(library: Library, jobs: list[int]) -> int:
    rows = library.conn.execute(
        f"SELECT COUNT(*) FROM takes WHERE segment_id IN (SELECT segment_id FROM jobs "
        f"WHERE id IN ({','.join('?' * len(jobs))}))", jobs).fetchone()
    return int(rows[0])


@pytest.fixture
def linked(library: Library, server: RedisServer) -> Library:
    """The library connected to the farm, with a short lease (kills are seen
    in seconds) and QA off (this file tests the farm, not take QA)."""
    library.update_settings({"engine.lease_s": 2.0, "qa.enabled": False})
    farm.connect(library, server.url)
    return library


# ---------------------------------------------------------------- connecting

def test_bad_farms_are_refused_in_one_line_and_nothing_is_kept(
        library: Library, tmp_path: Path, studio, monkeypatch) -> None:
    before = library.settings()
    nothing = f"redis://127.0.0.1:{free_port()}/0"
    with pytest.raises(UserError, match=r"cannot reach Redis at 127\.0\.0\.1:\d+"):
        farm.connect(library, nothing)
    with pytest.raises(UserError, match="carries a password"):
        farm.connect(library, "redis://:hunter2@127.0.0.1:6379/0")
    with pytest.raises(UserError, match="carries a password"):
        farm.connect(library, "redis://127.0.0.1:6379/0?password=hunter2")
    with pytest.raises(UserError, match="is not a Redis URL"):
        farm.connect(library, "http://127.0.0.1:6379/0")
    assert library.settings() == before

    locked = RedisServer(tmp_path / "locked", password="s3cret-pass").start()
    try:
        with pytest.raises(UserError, match="asks for a password"):
            farm.connect(library, locked.url)
        monkeypatch.setenv(protocol.PASSWORD_ENV, "wrong")
        with pytest.raises(UserError, match="refused the password"):
            farm.connect(library, locked.url)
        assert library.settings() == before
        monkeypatch.delenv(protocol.PASSWORD_ENV)
        secret = tmp_path / "farm-password"
        secret.write_text("s3cret-pass\n")
        farm.connect(library, locked.url, str(secret))
        assert farm.status(library).reachable
        assert "s3cret-pass" not in repr(library.settings())  # the path is kept, not the secret

        other = Library.open(tmp_path / "other-library")
        try:
            with pytest.raises(UserError, match="already serves another library's farm"):
                farm.connect(other, locked.url, str(secret))
            assert not other.settings_with_prefix("farm.")
        finally:
            other.close()
        # the command says it in one line, exit code 2, and keeps nothing
        library.close()
        run = studio("farm", "connect", nothing)
        assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
        assert "cannot reach Redis" in run.stderr
    finally:
        locked.stop()


def test_a_farm_over_tls_renders_and_an_unknown_certificate_is_named(
        library: Library, tmp_path: Path) -> None:
    secure = RedisServer(tmp_path / "tls", tls=True).start()
    workers = Workers(tmp_path, secure.url)
    try:
        plain = secure.url.split("?")[0]
        with pytest.raises(UserError, match=r"TLS certificate of Redis at 127\.0\.0\.1:\d+ "
                                            r"could not be verified: give the certificate"):
            farm.connect(library, plain)
        library.update_settings({"qa.enabled": False})
        farm.connect(library, secure.url)
        client = protocol.connect(secure.url, None)
        worker = workers.start()
        _until(lambda: _idle(client, worker))
        jobs = _project(library, "secure", ["Over TLS.", "Still over TLS."])
        bridge = Bridge(library.root)
        try:
            _until(lambda: set(_states(library, jobs)) == {"done"}, bridge)
        finally:
            bridge.close()
            client.close()
    finally:
        workers.stop()
        secure.stop()


def test_a_worker_of_another_protocol_refuses_to_start(linked: Library, client, workers) -> None:
    client.hset(protocol.CONFIG, "protocol", "99")
    worker = workers.start()
    assert worker.wait(timeout=60) == 2
    assert "this farm speaks protocol 99 and this worker 1" in workers.log(worker)
    assert not _beat(client, worker) or _beat(client, worker).state == "failed"


# ---------------------------------------------------------------- rendering

def test_remote_workers_render_a_project_and_each_take_names_its_machine(
        linked: Library, client, workers, studio) -> None:
    first, second = workers.start(), workers.start()
    _until(lambda: _idle(client, first) and _idle(client, second))
    jobs = _project(linked, "farmed", [f"Sentence {n} is here." for n in range(1, 9)])
    bridge = Bridge(linked.root)
    try:
        _until(lambda: set(_states(linked, jobs)) == {"done"}, bridge)
    finally:
        bridge.close()
    assert _takes(linked, jobs) == len(jobs)  # each once
    done = [_beat(client, w).jobs_done for w in (first, second)]  # type: ignore[union-attr]
    assert sum(done) == len(jobs) and min(done) >= 1, done  # both took work
    hosts = linked.conn.execute("SELECT DISTINCT host, device FROM takes").fetchall()
    assert sorted(tuple(row) for row in hosts) == [("remote-0", "cpu"), ("remote-1", "cpu")]
    assert client.hlen(protocol.INFLIGHT) == 0 and client.xlen(protocol.RESULTS) == 0
    linked.close()
    shown = studio("takes", "farmed", "1")
    assert "made on remote-" in shown.stdout and "(cpu)" in shown.stdout
    status = studio("farm", "status")
    assert status.stdout.count(" idle, ") == 2, status.stdout


def test_a_killed_worker_s_job_is_reclaimed_and_past_its_limit_it_is_dead(
        linked: Library, client, workers) -> None:
    bridge = Bridge(linked.root)
    try:
        first = workers.start()
        _until(lambda: _idle(client, first))
        (job,) = _project(linked, "reclaimed", ["This slow one is killed."])
        _until(lambda: (_beat(client, first).job == job), bridge)  # type: ignore[union-attr]
        first.send_signal(signal.SIGKILL)
        first.wait()
        second = workers.start()
        _until(lambda: _states(linked, [job]) == ["done"], bridge)
        assert _takes(linked, [job]) == 1
        assert "reclaimed a job another worker left past its lease (delivery 2)" \
            in workers.log(second)

        linked.set_setting("engine.max_attempts", 1)
        (last,) = _project(linked, "dead", ["This slow one dies twice."])
        _until(lambda: (_beat(client, second).job == last), bridge)  # type: ignore[union-attr]
        second.send_signal(signal.SIGKILL)
        second.wait()
        workers.start()
        _until(lambda: _states(linked, [last]) == ["dead"], bridge)
        error = linked.conn.execute("SELECT last_error FROM jobs WHERE id = ?",
                                    (last,)).fetchone()[0]
        assert "delivered 2 times" in error and "died" in error
        assert _takes(linked, [last]) == 0
    finally:
        bridge.close()


def test_results_wait_in_redis_while_the_desktop_is_away_and_a_second_copy_writes_nothing(
        linked: Library, client, workers, caplog) -> None:
    worker = workers.start()
    _until(lambda: _idle(client, worker))
    jobs = _project(linked, "away", ["One is here.", "Two is here."])
    bridge = Bridge(linked.root)
    _until(lambda: len(linked.conn.execute(
        "SELECT 1 FROM jobs WHERE state = 'running'").fetchall()) == 2, bridge)
    bridge.close()  # the desktop is gone: the worker goes on
    _until(lambda: client.xlen(protocol.RESULTS) == 2)
    copy = client.xrange(protocol.RESULTS)[0][1]
    assert _states(linked, jobs) == ["running", "running"]
    caplog.set_level(logging.INFO, "studio.farm.bridge")
    bridge = Bridge(linked.root)  # the desktop starts again
    try:
        _until(lambda: set(_states(linked, jobs)) == {"done"}, bridge)
        client.xadd(protocol.RESULTS, copy)  # delivered twice
        _until(lambda: client.xlen(protocol.RESULTS) == 0, bridge)
    finally:
        bridge.close()
    assert _takes(linked, jobs) == 2
    assert "is done already (a second delivery): dropped" in caplog.text


@pytest.mark.slow  # `make test-slow`; the fast run keeps one of its kind
def test_work_resumes_after_redis_restarts_and_is_handed_out_again_when_redis_is_lost(
        linked: Library, client, workers, server, caplog) -> None:
    worker = workers.start()
    _until(lambda: _idle(client, worker))
    bridge = Bridge(linked.root)
    try:
        jobs = _project(linked, "restart", [f"Line {n} is here." for n in range(1, 7)])
        _until(lambda: _states(linked, jobs).count("done") >= 1, bridge)
        server.kill()
        bridge.step()  # unreachable: logged, and waited out
        server.start()
        _until(lambda: set(_states(linked, jobs)) == {"done"}, bridge, timeout=90)
        assert _takes(linked, jobs) == len(jobs)

        caplog.set_level(logging.WARNING, "studio.farm.bridge")
        more = _project(linked, "lost", [f"Part {n} is here." for n in range(1, 7)])
        _until(lambda: _states(linked, more).count("done") >= 1, bridge)
        server.wipe()
        server.start()
        _until(lambda: set(_states(linked, more)) == {"done"}, bridge, timeout=90)
        assert _takes(linked, more) == len(more)
        assert "Redis holds no record of this library's farm" in caplog.text
    finally:
        bridge.close()


# ---------------------------------------------------------------- what is dropped

def _hand_out(bridge: Bridge, client: redis.Redis) -> protocol.JobMessage:
    """Hand one job out with no worker alive, and take it as a worker would."""
    assert bridge._hand_out(bridge._client(), "piper", time.time())
    entries = client.xreadgroup(protocol.WORKER_GROUP, "test", {protocol.jobs_key("piper"): ">"},
                                count=1)
    return protocol.JobMessage.parse(entries[0][1][0][1][b"job"])


def _result(message: protocol.JobMessage, rate: int = 22050, v: int = protocol.PROTOCOL,
            audio_bytes: bytes | None = None, **changes: object) -> dict[str, object]:
    data = audio_bytes or audio.encode(
        np.random.default_rng(message.job_id).uniform(-0.1, 0.1, rate // 2).astype(np.float32),
        rate, ".flac")
    meta = dict(v=v, job_id=message.job_id, token=message.token, worker="test:1", host="test",
                device="cpu", backend="piper", sample_rate=rate, frames=rate // 2,
                sha256=protocol.sha256(data))
    meta.update(changes)
    import json

    return {"meta": json.dumps(meta), "audio": data}


def test_stale_and_hostile_results_are_dropped_with_a_line_and_write_nothing(
        linked: Library, client, caplog) -> None:
    caplog.set_level(logging.INFO, "studio.farm.bridge")
    jobs = _project(linked, "hostile", [f"Number {n} is here." for n in range(1, 11)])
    bridge = Bridge(linked.root)
    try:
        bridge.step()
        refusals = [
            (dict(v=0), "farm protocol 0, from an older studio"),
            (dict(sha256="0" * 64), "does not match its checksum"),
            (dict(rate=16000), "16000 Hz where piper speaks at 22050 Hz"),
            (dict(frames=5), "where the result says 5"),
            (dict(backend="cosyvoice2"), "made by cosyvoice2, not piper"),
        ]
        for changes, line in refusals:
            message = _hand_out(bridge, client)
            client.xadd(protocol.RESULTS, _result(message, **changes))  # type: ignore[arg-type]
            bridge.ingest(client)
            assert line in caplog.text
            row = linked.conn.execute("SELECT state, last_error FROM jobs WHERE id = ?",
                                      (message.job_id,)).fetchone()
            assert row[0] == "failed" and line in row[1]
        client.xadd(protocol.RESULTS, {"meta": b"\x80 not json", "audio": b""})
        bridge.ingest(client)
        assert "dropped a result that does not follow the farm's protocol" in caplog.text
        # poison: an id past SQLite's integers, JSON nested past the parser's depth, a
        # heartbeat of the same; each is dropped and the bridge goes on
        poisoned = _hand_out(bridge, client)
        client.xadd(protocol.RESULTS, _result(poisoned, job_id=2**70))  # type: ignore[arg-type]
        client.xadd(protocol.RESULTS, {"meta": "[" * 100_000, "audio": b""})
        client.hset(protocol.WORKERS, "deep:1", "{\"v\": " + "[" * 100_000)
        bridge.next_reconcile = 0.0  # reconcile (and read the heartbeats) in this step
        bridge.step()
        assert client.xlen(protocol.RESULTS) == 0 and client.hlen(protocol.WORKERS) == 0
        # a bomb: 601 s of silence is a small FLAC; it is refused from its header
        bomb = _hand_out(bridge, client)
        silence = audio.encode(np.zeros(601 * 22050, np.float32), 22050, ".flac")
        assert len(silence) < 2 * 2**20
        client.xadd(protocol.RESULTS, _result(bomb, frames=601 * 22050, audio_bytes=silence))  # type: ignore[arg-type]
        bridge.ingest(client)
        assert "601 s long (the limit is 600 s)" in caplog.text
        client.xadd(protocol.RESULTS, _result(poisoned))  # type: ignore[arg-type]
        bridge.ingest(client)  # and the bridge still takes a good take in
        assert _states(linked, [poisoned.job_id]) == ["done"]
        linked.conn.execute("DELETE FROM takes")  # (the checks below count takes from here)
        for path in (linked.root / "takes").rglob("*.flac"):
            path.unlink()
        assert linked.conn.execute("SELECT COUNT(*) FROM takes").fetchone()[0] == 0
        assert not list((linked.root / "takes").rglob("*.flac"))

        cancelled = _hand_out(bridge, client)
        JobQueue(linked).cancel(cancelled.job_id)
        client.xadd(protocol.RESULTS, _result(cancelled))  # type: ignore[arg-type]
        bridge.ingest(client)
        assert f"job {cancelled.job_id} was cancelled: dropped the result" in caplog.text
        assert linked.conn.execute("SELECT COUNT(*) FROM takes").fetchone()[0] == 0

        edited = _hand_out(bridge, client)
        (segment_id,) = linked.conn.execute("SELECT segment_id FROM jobs WHERE id = ?",
                                            (edited.job_id,)).fetchone()
        linked.conn.execute("UPDATE segments SET text = 'Edited meanwhile.', "
                            "speech = 'Edited meanwhile.' WHERE id = ?", (segment_id,))
        client.xadd(protocol.RESULTS, _result(edited))  # type: ignore[arg-type]
        bridge.ingest(client)
        assert f"job {edited.job_id}: its segment changed while test:1 rendered it" \
            in caplog.text
        assert _states(linked, [edited.job_id]) == ["queued"]  # renders what it says now
        segment = linked.conn.execute("SELECT current_take_id FROM segments WHERE id = ?",
                                      (segment_id,)).fetchone()
        assert segment[0] is None  # the old text's take is kept, not current
    finally:
        bridge.close()
    assert len(jobs) == 10


@pytest.mark.slow  # `make test-slow`; the fast run keeps one of its kind
def test_pausing_takes_back_what_no_worker_started(linked: Library, client, workers) -> None:
    worker = workers.start()
    _until(lambda: _idle(client, worker))
    jobs = _project(linked, "paused", ["The slow first one.", "Second is here.",
                                       "Third is here."])
    bridge = Bridge(linked.root)
    try:
        _until(lambda: _states(linked, jobs)[:2] == ["running", "running"]
               and _beat(client, worker).job == jobs[0], bridge)  # type: ignore[union-attr]
        project = linked.find_project("paused")
        JobQueue(linked).set_paused(project.id, True)
        _until(lambda: _states(linked, jobs) == ["done", "queued", "queued"], bridge)
        assert client.xlen(protocol.jobs_key("piper")) == 0
        assert client.hlen(protocol.INFLIGHT) == 0
    finally:
        bridge.close()


def test_leaving_the_farm_brings_its_jobs_home_and_a_silent_farm_loses_them_after_a_lease(
        linked: Library, client) -> None:
    jobs = _project(linked, "home", ["One is here.", "Two is here.", "Three is here."])
    bridge = Bridge(linked.root)
    try:
        bridge.step()
        for _ in range(2):
            _hand_out(bridge, client)
        queue = JobQueue(linked)
        assert queue.return_expired_from_farm() == []  # the lease still runs
        later = time.time() + queue.settings.lease_s + 1
        assert sorted(queue.return_expired_from_farm(later)) == jobs[:2]
        assert _states(linked, jobs) == ["queued"] * 3

        for _ in range(2):
            _hand_out(bridge, client)
        assert farm.disconnect(linked) == 2
        assert _states(linked, jobs) == ["queued"] * 3
        assert client.xlen(protocol.jobs_key("piper")) == 0
        assert client.hlen(protocol.INFLIGHT) == 0
    finally:
        bridge.close()


@pytest.mark.slow  # `make test-slow`; the fast run keeps one of its kind
def test_a_machine_s_workers_are_restarted_when_they_crash_and_stop_when_asked(
        linked: Library, client, server, tmp_path: Path) -> None:
    folder = tmp_path / "pool-machine"
    folder.mkdir()
    pool = subprocess.Popen(
        [sys.executable, "-m", "studio", "farm", "worker", "--redis", server.url,
         "--workers", "2", "--name", "pool", "--cache", str(folder / "cache")],
        cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=open(folder / "pool.log", "wb"),  # noqa: SIM115 - the child holds it
        env=dict(os.environ, PYTHONPATH=str(REPO), STUDIO_BACKENDS=BACKENDS, HOME=str(folder)))
    try:
        def idle() -> list[protocol.WorkerBeat]:
            beats = [protocol.WorkerBeat.parse(raw)
                     for raw in client.hgetall(protocol.WORKERS).values()]
            return [beat for beat in beats if beat.state == "idle"]

        first = _until(lambda: len(idle()) == 2 and idle())
        victim = first[0].pid  # type: ignore[index]
        os.kill(victim, signal.SIGKILL)
        _until(lambda: client.hget(protocol.WORKERS, f"pool:{victim}") is None)  # not "idle"
        again = _until(lambda: len(idle()) == 2 and idle())
        assert victim not in {beat.pid for beat in again}  # type: ignore[union-attr]
        pool.send_signal(signal.SIGTERM)
        assert pool.wait(timeout=60) == 0
        beats = [protocol.WorkerBeat.parse(raw)
                 for raw in client.hgetall(protocol.WORKERS).values()]
        assert sorted(beat.state for beat in beats) == ["stopped", "stopped"]
        assert "starting another in 1 s" in (folder / "pool.log").read_text()
    finally:
        if pool.poll() is None:
            pool.kill()
        pool.wait()

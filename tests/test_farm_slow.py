"""The render farm with everything real at once: the ``studio render``
command, the engine it starts (a local worker and the farm's bridge), a real
``redis-server`` and farm worker processes in folders of their own.

The torture kills, at a random moment of a render, a busy farm worker,
``redis-server``, the engine's supervisor, or all of them together with the
render command; then it finishes the render and counts what was lost,
duplicated or corrupt: all must be zero over 20 rounds."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import soundfile as sf
import srt

from studio.farm import protocol
from tests.conftest import REPO
from tests.redis_server import RedisServer

pytestmark = pytest.mark.slow

FIXED = "piper=tests.fault_backends:FixedDelay"
WORDS = ["river", "mountain", "lantern", "harbor", "meadow", "candle", "window", "garden"]


class Farm:
    """A library connected to a real Redis, and its farm's worker processes."""

    def __init__(self, tmp_path: Path, backends: str) -> None:
        self.tmp_path = tmp_path
        self.library = tmp_path / "library"
        self.redis = RedisServer(tmp_path / "redis").start()
        self.backends = backends
        self.env = dict(os.environ, STUDIO_HOME=str(self.library), PYTHONPATH=str(REPO),
                        **({"STUDIO_BACKENDS": backends} if backends else {}))
        self.workers: list[subprocess.Popen[bytes]] = []
        self.started = 0

    def studio(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "studio", *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def start_worker(self) -> subprocess.Popen[bytes]:
        folder = self.tmp_path / f"remote-{self.started}"
        self.started += 1
        folder.mkdir()
        env = dict(self.env, HOME=str(folder))
        env.pop("STUDIO_HOME")  # a farm machine has no library
        process = subprocess.Popen(
            [sys.executable, "-m", "studio.farm.worker", "--redis", self.redis.url,
             "--cache", str(folder / "cache"), "--name", folder.name],
            cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        self.workers.append(process)
        return process

    def live_workers(self) -> list[subprocess.Popen[bytes]]:
        return [w for w in self.workers if w.poll() is None]

    def busy_worker(self) -> subprocess.Popen[bytes] | None:
        client = redis.Redis.from_url(self.redis.url, socket_timeout=2)
        try:
            beats = [protocol.WorkerBeat.parse(raw)
                     for raw in client.hgetall(protocol.WORKERS).values()]
        finally:
            client.close()
        busy = {beat.pid for beat in beats if beat.state == "busy"}
        return next((w for w in self.live_workers() if w.pid in busy), None)

    def engine_pid(self) -> int:
        lock = self.library / "engine.lock"
        text = lock.read_text().strip() if lock.exists() else ""
        return int(text) if text.isdigit() else 0

    def close(self) -> None:
        self.studio("engine", "stop")
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait()
        self.redis.stop()


@pytest.fixture
def fixed_farm(tmp_path: Path) -> Iterator[Farm]:
    farm = Farm(tmp_path, FIXED)
    for key, value in (("engine.workers", "1"), ("engine.lease_s", "2"),
                       ("qa.enabled", "false")):
        assert farm.studio("config", "set", key, value).returncode == 0
    assert farm.studio("farm", "connect", farm.redis.url).returncode == 0
    yield farm
    farm.close()


def _wait_idle(farm: Farm, count: int) -> None:
    client = redis.Redis.from_url(farm.redis.url)
    deadline = time.monotonic() + 60
    try:
        while True:
            beats = [protocol.WorkerBeat.parse(raw)
                     for raw in client.hgetall(protocol.WORKERS).values()]
            clock = protocol.redis_now(client)
            if sum(beat.state == "idle" and beat.alive(clock) for beat in beats) >= count:
                return
            assert time.monotonic() < deadline, "farm workers did not come up"
            time.sleep(0.1)
    finally:
        client.close()


def test_the_engine_and_a_farm_worker_render_one_project_with_the_real_voice(
        tmp_path: Path) -> None:
    farm = Farm(tmp_path, "")  # the real Piper voice, here and on the farm machine
    try:
        for key, value in (("engine.workers", "1"), ("qa.enabled", "false")):
            assert farm.studio("config", "set", key, value).returncode == 0
        assert farm.studio("farm", "connect", farm.redis.url).returncode == 0
        farm.start_worker()
        _wait_idle(farm, 1)
        script = tmp_path / "shared.txt"
        script.write_text(" ".join(f"Sentence {n} is read by whoever is free." for n in
                                   range(1, 13)))
        run = farm.studio("render", str(script), "--out", str(tmp_path / "shared.wav"),
                          "--no-progress")
        assert run.returncode == 0, run.stderr
        db = sqlite3.connect(farm.library / "studio.db")
        hosts = dict(db.execute("SELECT host, COUNT(*) FROM takes GROUP BY host").fetchall())
        db.close()
        assert sum(hosts.values()) == 12, hosts  # each segment once
        assert hosts.get("remote-0", 0) >= 1 and len(hosts) == 2, hosts  # both worked
    finally:
        farm.close()


def _script(rng: random.Random, count: int, round_no: int) -> str:
    lines = []
    for n in range(1, count + 1):
        word = WORDS[(n * 7) % len(WORDS)]
        edit = f" in round {round_no}" if rng.random() < 0.6 else ""
        lines.append(f"Line {n} speaks of the {word}{edit}.")
    return " ".join(lines)


def _wait_running(farm: Farm, render: subprocess.Popen[bytes]) -> None:
    """Until a job of the round runs (here or on the farm), or the render ended."""
    deadline = time.monotonic() + 60
    while render.poll() is None and time.monotonic() < deadline:
        try:
            conn = sqlite3.connect(farm.library / "studio.db", timeout=5)
            try:
                if conn.execute("SELECT 1 FROM jobs WHERE state = 'running'").fetchone():
                    return
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # the library is still being created
        time.sleep(0.05)


def _kill(farm: Farm, render: subprocess.Popen[bytes], target: str,
          rng: random.Random) -> str:
    if target == "worker":
        victim = farm.busy_worker() or (farm.live_workers() or [None])[0]
        if victim is not None:
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            farm.start_worker()
            return f"farm worker {victim.pid}"
        target = "redis"
    if target == "redis":
        farm.redis.kill()
        time.sleep(rng.uniform(0.0, 1.5))
        farm.redis.start()
        return "redis-server"
    engine = farm.engine_pid()
    if target == "supervisor" and engine:
        os.kill(engine, signal.SIGKILL)
        return f"supervisor {engine}"
    if engine:
        os.killpg(os.getpgid(engine), signal.SIGKILL)
    render.kill()
    for worker in farm.live_workers():
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    farm.redis.kill()
    farm.redis.start()
    farm.start_worker()
    farm.start_worker()
    return "everything"


def _count(farm: Farm, out: Path) -> tuple[int, int, int]:
    """Lost, duplicated and corrupt, as the user would find them."""
    conn = sqlite3.connect(farm.library / "studio.db", timeout=30)
    lost = duplicated = corrupt = 0
    try:
        corrupt += conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
        rows = conn.execute(
            "SELECT s.id, s.position, s.source, s.current_take_id, t.segment_id, t.text, "
            "s.text FROM segments s LEFT JOIN takes t ON t.id = s.current_take_id "
            "WHERE s.position IS NOT NULL ORDER BY s.position").fetchall()
        lost += sum(1 for row in rows if row[3] is None or row[5] != row[6])
        duplicated += sum(1 for row in rows if row[4] is not None and row[4] != row[0])
        duplicated += len(rows) - len({row[1] for row in rows})
        # a job done twice leaves two takes of one text for one segment (every
        # round's edits are new text)
        duplicated += conn.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM takes GROUP BY segment_id, text, voice_id "
            "HAVING COUNT(*) > 1)").fetchone()[0]
        for (path,) in conn.execute("SELECT path FROM takes"):
            try:
                sf.info(str(farm.library / path))
            except Exception:
                corrupt += 1
    finally:
        conn.close()
    cues = list(srt.parse(out.with_suffix(".srt").read_text()))
    if [" ".join(cue.content.split()) for cue in cues] != [row[2] for row in rows]:  # unwrapped
        duplicated += abs(len(cues) - len(rows)) or 1
    return lost, duplicated, corrupt


def test_torture_kill_9_of_each_part_at_random_loses_and_duplicates_nothing(
        fixed_farm: Farm) -> None:
    farm = fixed_farm
    farm.start_worker()
    farm.start_worker()
    _wait_idle(farm, 2)
    rng = random.Random(22)
    script, out = farm.tmp_path / "torture.txt", farm.tmp_path / "torture.wav"
    command = [sys.executable, "-m", "studio", "render", str(script), "--out", str(out),
               "--srt", str(out.with_suffix(".srt")), "--no-progress"]
    targets = ["worker", "redis", "supervisor", "all"] * 5
    rng.shuffle(targets)
    totals = [0, 0, 0]
    report = []
    for round_no, target in enumerate(targets, start=1):
        script.write_text(_script(rng, 30, round_no))
        render = subprocess.Popen(command, env=farm.env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        _wait_running(farm, render)
        time.sleep(rng.uniform(0.0, 1.0))
        victim = _kill(farm, render, target, rng) if render.poll() is None \
            else "nothing (finished first)"
        render.wait()
        final = farm.studio("render", str(script), "--out", str(out), "--srt",
                            str(out.with_suffix(".srt")), "--no-progress")
        assert final.returncode == 0, f"round {round_no} ({victim}): {final.stderr[-500:]}"
        counts = _count(farm, out)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        report.append(f"round {round_no}: killed {victim}: {counts}")
    assert totals == [0, 0, 0], "\n".join(report)
    assert sum("nothing" not in line for line in report) >= 16, "\n".join(report)

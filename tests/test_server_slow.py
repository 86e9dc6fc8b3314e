"""``studio serve`` under load and under kill -9 (slow: `make test-slow`)."""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.test_server import (  # noqa: F401 (clip_server: a fixture)
    Server,
    clip_server,
    free_port,
    prepare_library,
    project_events,
    read_audio,
    start_server,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "library"
    yield root, prepare_library(root, tmp_path)
    from studio.engine.client import stop_engine

    stop_engine(root)


def test_50_concurrent_speech_requests_all_get_their_audio(fresh: tuple[Path, str],
                                                           tmp_path: Path) -> None:
    root, key = fresh
    srv = start_server(root, tmp_path, key)
    try:
        texts = [f"Request number {n} asks for its own sentence." for n in range(50)]

        def one(text: str) -> tuple[int, float]:
            reply = httpx.post(f"{srv.url}/v1/audio/speech", headers=srv.auth, timeout=600,
                               json={"model": "tts-1", "input": text, "voice": "joe",
                                     "response_format": "wav"})
            assert reply.status_code == 200, reply.text
            samples, rate = read_audio(reply.content)
            assert float(np.max(np.abs(samples))) > 0.05
            return reply.status_code, len(samples) / rate

        started = time.monotonic()
        with ThreadPoolExecutor(50) as pool:
            results = list(pool.map(one, texts))
        took = time.monotonic() - started
        assert [code for code, _ in results] == [200] * 50
        # each answer is its own sentence: "number 7" and "number 42" differ in length
        assert all(1.5 < seconds < 6 for _, seconds in results)
        print(f"50 concurrent requests answered in {took:.1f} s")
    finally:
        assert srv.stop() == 0


def test_kill_9_of_the_server_during_a_project(fresh: tuple[Path, str],
                                               tmp_path: Path) -> None:
    root, key = fresh
    port = free_port()
    srv = start_server(root, tmp_path, key, port=port)
    script = "\n\n".join(f"Paragraph {n} says one thing. Then it says another thing."
                         for n in range(1, 9))
    made = httpx.post(f"{srv.url}/v1/projects", headers=srv.auth, timeout=60,
                      json={"name": "Survivor", "script": script, "voice": "joe"})
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    deadline = time.monotonic() + 120
    while httpx.get(f"{srv.url}/v1/projects/{pid}", headers=srv.auth).json()["done"] < 3:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    srv.process.send_signal(signal.SIGKILL)
    srv.process.wait()
    again: Server = start_server(root, tmp_path, key, port=port)
    try:
        deadline = time.monotonic() + 180
        while (status := httpx.get(f"{again.url}/v1/projects/{pid}",
                                   headers=again.auth).json())["state"] != "done":
            assert status["state"] in ("rendering", "done"), status
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert status["done"] == status["segments"] == 16 and status["failed"] == 0
        audio = httpx.get(f"{again.url}/v1/projects/{pid}/audio", headers=again.auth,
                          timeout=120)
        samples, rate = read_audio(audio.content)
        assert len(samples) / rate > 20
    finally:
        assert again.stop() == 0
    conn = sqlite3.connect(root / "studio.db")
    takes = conn.execute(
        "SELECT s.position, COUNT(t.id) FROM segments s LEFT JOIN takes t ON t.segment_id = s.id "
        "WHERE s.project_id = ? GROUP BY s.id ORDER BY s.position", (pid,)).fetchall()
    jobs = conn.execute(
        "SELECT COUNT(*), COUNT(DISTINCT j.segment_id) FROM jobs j JOIN segments s "
        "ON s.id = j.segment_id WHERE s.project_id = ? AND j.state = 'done' AND j.kind = 'render'",
        (pid,)).fetchone()
    conn.close()
    assert [count for _, count in takes] == [1] * 16  # nothing lost, nothing rendered twice
    assert jobs == (16, 16)


def test_a_voice_url_is_cloned_and_speaks_then_is_swept(
        tmp_path: Path, clip_server: str) -> None:  # noqa: F811 (the fixture)
    """/synthesize with voice_url, end to end: the clip fetched from a real
    HTTP server (on an address the test allows), checked, made a one-shot
    cloned voice, and the text rendered with it by the engine.

    The clone renders through the cosyvoice2 adapter against the stand-in
    runtime in tests/standin (the real one needs an NVIDIA GPU and 5 GB of
    weights; scripts/gpu_smoke.py runs it). The fetch, the checks, the queue,
    the engine and the server are the real thing."""
    import os

    from tests.conftest import REPO
    from tests.test_backend_cosyvoice2 import STANDIN, make_model_dir
    from tests.test_server import CLIP_HOST

    models = tmp_path / "models"
    make_model_dir(models / "cosyvoice2-0.5b")
    env = {"STUDIO_MODELS": str(models),
           "PYTHONPATH": os.pathsep.join([str(REPO), str(STANDIN)])}
    root = tmp_path / "library"
    key = prepare_library(root, tmp_path, **{"cosyvoice2.device": "cpu"})
    srv = start_server(root, tmp_path, key, "--voice-url-allow", f"{CLIP_HOST}/32",
                       "--timeout", "20", "--result-ttl", "1", "--sweep-every", "1", env=env)
    try:
        reply = httpx.post(f"{srv.url}/synthesize", timeout=300, json={
            "apikey": key, "target": "A cloned voice reads this line.",
            "voice_url": f"{clip_server}/clip.wav",
            "voice_prompt_text": "The quick brown fox jumps over the lazy dog, and the studio "
                                 "records it."})
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["num_chunks"] == 1 and body["processing_time_seconds"] > 0
        audio = httpx.get(body["download_url"], timeout=30)  # absolute, and a capability
        assert audio.status_code == 200
        samples, rate = read_audio(audio.content)
        assert rate == 24000 and len(samples) / rate > 0.5  # the cloning backend's rate
        with sqlite3.connect(root / "studio.db") as conn:
            backends = {row[0] for row in conn.execute("SELECT backend FROM takes")}
        assert backends == {"cosyvoice2"}
        # past its time to live (the 20 s the request might have waited, then the
        # result's 1 s), the result, its project and its voice are swept
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with sqlite3.connect(root / "studio.db") as conn:
                left = conn.execute("SELECT COUNT(*) FROM projects").fetchone()[0] + \
                    conn.execute("SELECT COUNT(*) FROM voices WHERE kind = 'clone'"
                                 ).fetchone()[0]
            if left == 0:
                break
            time.sleep(0.5)
        assert left == 0
        assert httpx.get(body["download_url"], headers=srv.auth).status_code == 404
    finally:
        srv.stop()
        from studio.engine.client import stop_engine

        stop_engine(root)


def test_done_comes_after_the_last_check(fresh: tuple[Path, str], tmp_path: Path) -> None:
    """With take QA on, a project's ``done`` event comes once every take is
    checked: after it, no take changes (no retake lands, no verdict moves)."""
    from studio.core.store import Library

    root, key = fresh
    with Library.open(root) as library:
        library.set_setting("qa.enabled", True)  # prepare_library turns it off
    srv = start_server(root, tmp_path, key)
    script = ("The train to the city was late because of the snow. "
              "She opened the window and listened to the rain on the roof. "
              "They planted apple trees in the garden behind the house.")
    try:
        with srv.client() as client:
            made = client.post("/v1/projects", json={"name": "Checked", "script": script,
                                                     "voice": "joe"})
            assert made.status_code == 201, made.text
            pid = made.json()["id"]
            events = project_events(client, pid)
            assert events[-1][0] == "done" and events[-1][1]["state"] == "done", events[-1]
            assert events[-1][1]["checking"] == 0

            def shown() -> list[tuple[object, ...]]:
                rows = client.get(f"/v1/projects/{pid}/segments").json()["data"]
                return [(r["number"], r["takes"], r["state"], r["qa"], r["duration_s"])
                        for r in rows]

            at_done = shown()
            # every current take carries its verdict: nothing is left to check
            assert all(qa in ("pass", "review", "fail") for _, _, _, qa, _ in at_done), at_done
            time.sleep(3)  # a check, or a retake it queued, would land in this time
            assert shown() == at_done
            status = client.get(f"/v1/projects/{pid}").json()
            assert status["state"] == "done" and status["checking"] == 0
    finally:
        assert srv.stop(signal.SIGTERM) == 0


def test_a_worker_killed_mid_stream_costs_the_client_nothing(fresh: tuple[Path, str],
                                                              tmp_path: Path) -> None:
    """kill -9 of the worker rendering a streamed request's segment: the job
    goes back to the queue, another worker renders it, and the client gets
    every sentence, in order, with no error in its stream and no traceback
    in the server's log."""
    import os
    import threading

    root, key = fresh
    srv = start_server(root, tmp_path, key)
    sentences = [f"Sentence number {n} of the request is still spoken in full." for n in
                 range(1, 7)]
    received: list[bytes] = []
    errors: list[BaseException] = []

    def listen() -> None:
        try:
            with httpx.stream("POST", f"{srv.url}/v1/audio/speech", headers=srv.auth,
                              timeout=300, json={"model": "tts-1", "input": " ".join(sentences),
                                                 "voice": "joe", "response_format": "pcm"}
                              ) as reply:
                assert reply.status_code == 200
                received.extend(reply.iter_raw())
        except BaseException as err:  # shown by the main thread
            errors.append(err)

    try:
        client = threading.Thread(target=listen)
        client.start()
        killed = None
        deadline = time.monotonic() + 120
        while killed is None and client.is_alive():
            assert time.monotonic() < deadline
            conn = sqlite3.connect(root / "studio.db")
            busy = conn.execute("SELECT pid, current_job FROM workers WHERE state = 'busy' AND "
                                "backend = 'piper' AND current_job IS NOT NULL").fetchall()
            conn.close()
            # a segment after the first: the stream has begun, the rest is queued
            if busy and received:
                killed = busy[0]
                os.kill(killed[0], signal.SIGKILL)
            time.sleep(0.01)
        client.join(300)
        assert not errors, errors
        assert killed is not None, "no worker was caught rendering"
        samples = np.frombuffer(b"".join(received), dtype="<i2")
        assert len(samples) / 24000 > 6 * 1.5  # six sentences, none missing
        conn = sqlite3.connect(root / "studio.db")
        attempts = conn.execute("SELECT attempts FROM jobs WHERE id = ?",
                                (killed[1],)).fetchone()[0]
        conn.close()
        assert attempts == 2  # the killed job was rendered again
    finally:
        assert srv.stop() == 0
    assert "Traceback" not in srv.log.read_text()

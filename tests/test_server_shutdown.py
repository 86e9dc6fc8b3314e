"""``studio serve`` stopping on SIGTERM, against a real server on loopback:
an open event stream gets a last ``shutdown`` event and the server exits
at once, well within the grace; requests still rendering when the grace is
over are answered in their route's error shape (never a plain-text 500),
their one-shot jobs are cancelled (nothing renders for nobody), and the
exit code is 0."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import run_studio
from tests.test_server import Server, prepare_library, start_server

SLOW = {"STUDIO_BACKENDS": "piper=tests.fault_backends:SlowPiper"}  # 2 s on "slow"


def _stop_engine(root: Path) -> None:
    from studio.engine.client import stop_engine

    stop_engine(root)


def _exited_within(server: Server, seconds: float) -> tuple[int, float]:
    """SIGTERM the server; its exit code and how long it took to exit."""
    sent = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    code = server.process.wait(seconds)
    return code, time.monotonic() - sent


def test_an_event_stream_ends_with_a_last_event_and_holds_no_stop(tmp_path: Path) -> None:
    root = tmp_path / "library"
    key = prepare_library(root, tmp_path)  # the default grace: 10 s
    server = start_server(root, tmp_path, key)
    events: list[tuple[float, str, dict[str, Any]]] = []
    opened = threading.Event()
    try:
        with server.client() as client:
            script = " ".join(f"Sentence {n} waits its turn." for n in range(20))
            pid = client.post("/v1/projects", json={"name": "Waiting",
                                                    "script": script}).json()["id"]
            assert client.post(f"/v1/projects/{pid}/pause").status_code == 200

            def listen() -> None:
                with server.client() as listener, listener.stream(
                        "GET", f"/v1/projects/{pid}/events") as stream:
                    name = ""
                    for line in stream.iter_lines():
                        if line.startswith("event: "):
                            name = line[7:]
                        elif line.startswith("data: "):
                            events.append((time.monotonic(), name, json.loads(line[6:])))
                            if name == "progress":
                                opened.set()

            thread = threading.Thread(target=listen, daemon=True)
            thread.start()
            assert opened.wait(30), "the stream sent no progress"
            progress = [data for _, name, data in events if name == "progress"]
            assert progress[-1]["state"] == "rendering", progress[-1]
            sent = time.monotonic()
            code, took = _exited_within(server, 30)
            thread.join(5)
        assert code == 0, server.log.read_text()[-2000:]
        stamp, name, data = events[-1]
        assert name == "shutdown", events[-3:]
        assert "SIGTERM" in data["reason"] and data["status"]["id"] == pid
        assert stamp - sent < 3.0  # at once, not at the end of the 10 s grace
        assert took < 5.0, took  # the open stream held nothing up
        log = server.log.read_text()
        assert "Exception in ASGI" not in log and "Cancel" not in log
    finally:
        server.stop(signal.SIGKILL)
        _stop_engine(root)


def _oneshot_projects_queued(root: Path) -> int:
    conn = sqlite3.connect(root / "studio.db")
    try:
        return int(conn.execute(
            "SELECT COUNT(DISTINCT s.project_id) FROM jobs j JOIN segments s ON s.id = "
            "j.segment_id JOIN projects p ON p.id = s.project_id WHERE p.name LIKE "
            "'api-oneshot-%'").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.slow  # `make test-slow`; the fast run keeps the event stream's stop
def test_requests_past_the_grace_are_answered_and_their_jobs_cancelled(tmp_path: Path
                                                                       ) -> None:
    root = tmp_path / "library"
    key = prepare_library(root, tmp_path, **{"server.grace_s": 1.0})
    server = start_server(root, tmp_path, key, env=SLOW)
    # the first sentence comes at once, the others render long after the grace
    text = "It begins. " + " ".join(f"This slow sentence {n} takes its time." for n in range(6))
    answers: dict[str, Any] = {}
    first_audio = threading.Event()

    def sse() -> None:
        with server.client() as client, client.stream("POST", "/v1/audio/speech", json={
                "model": "tts-1", "input": text, "voice": "joe", "response_format": "pcm",
                "stream_format": "sse"}) as stream:
            answers["sse_status"] = stream.status_code
            events = []
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
                    if events[-1]["type"] == "speech.audio.delta":
                        first_audio.set()
            answers["sse"] = events

    def synthesize() -> None:
        reply = httpx.post(f"{server.url}/synthesize", timeout=60, json={
            "apikey": key, "target": text, "voice": "joe"})
        answers["synthesize"] = (reply.status_code, reply.headers.get("content-type"),
                                 reply.text)

    threads = [threading.Thread(target=work, daemon=True) for work in (sse, synthesize)]
    try:
        threads[0].start()
        assert first_audio.wait(60), server.log.read_text()[-2000:]
        threads[1].start()  # queued behind the stream's slow sentences: still waiting at the stop
        deadline = time.monotonic() + 30
        while _oneshot_projects_queued(root) < 2:
            assert time.monotonic() < deadline, server.log.read_text()[-2000:]
            time.sleep(0.05)
        code, took = _exited_within(server, 30)
        for thread in threads:
            thread.join(10)
        assert code == 0, server.log.read_text()[-2000:]
        assert took < 1.0 + 3.0 + 3.0, took  # the grace, the few seconds after it, a margin
        # the SSE stream had begun: its last event is the error clients understand
        assert answers["sse_status"] == 200
        last = answers["sse"][-1]
        assert last["type"] == "error", answers["sse"][-2:]
        assert last["error"]["code"] == "server_stopping"
        assert "retry" in last["error"]["message"]
        # /synthesize waited for all its audio: a 503 in its own shape, not a plain 500
        status, kind, body = answers["synthesize"]
        assert status == 503 and kind == "application/json", answers["synthesize"]
        assert "the server is stopping" in json.loads(body)["detail"]
        log = server.log.read_text()
        assert "Exception in ASGI" not in log and "Internal Server Error" not in log
    finally:
        server.stop(signal.SIGKILL)
    # nothing renders for nobody: every one-shot job was cancelled
    try:
        jobs = json.loads(run_studio(root, tmp_path, "jobs", "list", "--json").stdout)
        oneshot = [job for job in jobs if job["project"].startswith("api-oneshot-")]
        assert len({job["project"] for job in oneshot}) == 2, oneshot
        assert not [job for job in oneshot if job["state"] in ("queued", "running")], oneshot
        assert any(job["state"] == "cancelled" for job in oneshot)
    finally:
        _stop_engine(root)

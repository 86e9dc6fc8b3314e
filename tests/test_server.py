"""``studio serve`` against a real uvicorn on a loopback port, with httpx and
the official client of the compatible API: every endpoint and status code,
the bad-input list (each with its status and a JSON error naming the
problem, the library unchanged), keys, and the voice_url guards against a
real redirecting server and a real clip server on loopback."""

from __future__ import annotations

import http.client
import http.server
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO, run_studio, snapshot

CLIP_HOST = "127.0.0.2"  # the clip server's address: the one voice_url may reach here


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running ``studio serve``."""

    process: subprocess.Popen[bytes]
    url: str
    root: Path
    key: str
    log: Path

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def client(self, timeout: float = 120) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.auth, timeout=timeout)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)


def prepare_library(root: Path, tmp: Path, **settings: object) -> str:
    """A library with take QA off, quick retries, the given settings; a key."""
    assert run_studio(root, tmp, "config", "set", "qa.enabled", "false").returncode == 0
    from studio.core.store import Library

    with Library.open(root) as library:
        library.set_setting("engine.backoff_base_s", 0.1)
        library.set_setting("engine.max_attempts", 2)
        for key, value in settings.items():
            library.set_setting(key, value)
    made = run_studio(root, tmp, "keys", "add", "tests")
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def start_server(root: Path, tmp: Path, key: str, *args: str, port: int | None = None,
                 env: dict[str, str] | None = None) -> Server:
    port = port or free_port()
    log = tmp / f"serve-{port}.log"
    environment = dict(os.environ, STUDIO_HOME=str(root), PYTHONPATH=str(REPO),
                       PYTHONUNBUFFERED="1")
    environment.update(env or {})
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "studio", "serve", "--port", str(port), *args],
            stdout=out, stderr=out, env=environment, cwd=tmp)
    server = Server(process, f"http://127.0.0.1:{port}", root, key, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {log.read_text()}")
        try:
            if httpx.get(f"{server.url}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop(signal.SIGKILL)
    raise AssertionError(f"the server did not start: {log.read_text()}")


class ClipHandler(http.server.BaseHTTPRequestHandler):
    """Routes for voice_url: a real clip, a redirect to a refused address,
    text, an oversized file."""

    clip: bytes = b""
    redirect_to: str = ""

    def do_GET(self) -> None:
        if self.path == "/clip.wav":
            self._send(200, self.clip, "audio/wav")
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", self.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/text":
            self._send(200, b"<html>not audio</html>" * 10, "text/html")
        elif self.path == "/huge.wav":
            self._send(200, b"RIFF\x00\x00\x00\x00WAVE" + b"\x00" * 600_000, "audio/wav")
        else:
            self._send(404, b"no", "text/plain")

    def _send(self, status: int, data: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def clip_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real HTTP server on 127.0.0.2 serving a real speech clip (5 s)."""
    from studio.backends import VoiceRef
    from studio.backends.piper import PiperBackend

    piper = PiperBackend()
    piper.load("cpu")
    sentence = "The quick brown fox jumps over the lazy dog, and the studio records it."
    speech = np.concatenate([piper.synthesize(sentence, VoiceRef("joe", "preset", "en"),
                                              seed=0) for _ in range(2)])
    buffer = io.BytesIO()
    sf.write(buffer, speech * 0.5 / float(np.max(np.abs(speech))), piper.sample_rate,
             format="WAV")
    ClipHandler.clip = buffer.getvalue()
    httpd = http.server.ThreadingHTTPServer((CLIP_HOST, 0), ClipHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://{CLIP_HOST}:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module: a fresh library, a key, voice_url allowed to
    reach the clip server's address only, a per-key limit of 2, a small body
    limit, and Piper that fails on the word in the poison file."""
    tmp = tmp_path_factory.mktemp("serve")
    root = tmp / "library"
    key = prepare_library(root, tmp, **{"server.voice_url_max_bytes": 500_000})
    poison = tmp / "poison"
    poison.write_text("xylophone")
    srv = start_server(root, tmp, key, "--voice-url-allow", f"{CLIP_HOST}/32",
                       "--key-concurrency", "2", "--max-body", "200000",
                       env={"STUDIO_BACKENDS": "piper=tests.fault_backends:PoisonedPiper",
                            "STUDIO_POISON_FILE": str(poison)})
    yield srv
    code = srv.stop(signal.SIGTERM)
    from studio.engine.client import stop_engine

    stop_engine(root)
    assert code == 0, srv.log.read_text()[-3000:]  # a graceful stop on SIGTERM


def project_events(client: httpx.Client, pid: int) -> list[tuple[str, dict[str, object]]]:
    """Every server-sent event of the project's stream, until it ends."""
    events: list[tuple[str, dict[str, object]]] = []
    with client.stream("GET", f"/v1/projects/{pid}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        event = ""
        for line in stream.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                events.append((event, json.loads(line[6:])))
    return events


def read_audio(data: bytes) -> tuple[np.ndarray, int]:
    samples, rate = sf.read(io.BytesIO(data), dtype="float32")
    return samples, rate


def assert_speech(data: bytes, min_s: float = 0.5) -> None:
    samples, rate = read_audio(data)
    assert len(samples) / rate > min_s
    assert float(np.max(np.abs(samples))) > 0.05  # not silence


# ---------------------------------------------------------------- keys and access
ENDPOINTS = [("GET", "/"), ("GET", "/voices"), ("POST", "/synthesize"),
             ("GET", "/audio/not-a-result.wav"), ("GET", "/ready"),
             ("GET", "/metrics"), ("GET", "/v1/models"), ("GET", "/v1/audio/voices"),
             ("POST", "/v1/audio/speech"), ("POST", "/v1/projects"), ("GET", "/v1/projects"),
             ("GET", "/v1/projects/1"), ("GET", "/v1/projects/1/events"),
             ("GET", "/v1/projects/1/audio"), ("GET", "/v1/projects/1/srt"),
             ("GET", "/v1/projects/1/segments"),
             ("POST", "/v1/projects/1/segments/1/regenerate")]


def test_no_key_no_access_except_health(server: Server) -> None:
    assert httpx.get(f"{server.url}/health").json() == {"status": "ok"}
    for method, path in ENDPOINTS:
        for headers in ({}, {"Authorization": "Bearer vs-000000000000-" + "x" * 43},
                        {"Authorization": "Bearer nonsense"}):
            reply = httpx.request(method, server.url + path, headers=headers,
                                  json={} if method == "POST" else None)
            assert reply.status_code == 401, (method, path, reply.text)
            error = reply.json()
            message = error["error"]["message"] if path.startswith("/v1/") else error["detail"]
            assert "key" in message


def test_keys_are_shown_once_stored_hashed_and_revocable(server: Server, tmp_path: Path
                                                         ) -> None:
    made = run_studio(server.root, tmp_path, "keys", "add", "temp")
    key = made.stdout.strip()
    assert made.returncode == 0 and key.startswith("vs-")
    db = (server.root / "studio.db").read_bytes()
    assert key.encode() not in db and key.split("-", 2)[2].encode() not in db
    listed = run_studio(server.root, tmp_path, "keys", "list", "--json")
    rows = json.loads(listed.stdout)
    assert [r["name"] for r in rows if r["revoked_at"] is None] == ["tests", "temp"]
    assert "hash" not in listed.stdout and key.split("-", 2)[2] not in listed.stdout
    assert httpx.get(f"{server.url}/voices", headers={"Authorization": f"Bearer {key}"}
                     ).status_code == 200
    assert run_studio(server.root, tmp_path, "keys", "revoke", "temp").returncode == 0
    time.sleep(1.1)  # a checked key is remembered for a second
    reply = httpx.get(f"{server.url}/voices", headers={"Authorization": f"Bearer {key}"})
    assert reply.status_code == 401 and "revoked" in reply.json()["detail"]
    again = run_studio(server.root, tmp_path, "keys", "revoke", "temp")
    assert again.returncode == 2 and again.error_lines == [
        "studio: no key named 'temp': see `studio keys list`"]


def test_binding_beyond_loopback_without_a_key_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "library"
    run = run_studio(root, tmp_path, "serve", "--host", "0.0.0.0", "--port",
                     str(free_port()), timeout=60)
    assert run.returncode == 2
    assert run.error_lines == [
        "studio: refusing to serve on 0.0.0.0 with no API key: anyone on the network could "
        "use this library: make a key first (`studio keys add NAME`), or serve on 127.0.0.1"]


# ---------------------------------------------------------------- the original contract
def test_original_contract(server: Server) -> None:
    with server.client() as client:
        assert client.get("/").json() == {"status": "ok", "available_voices": ["joe"]}
        assert client.get("/voices").json() == ["joe"]
        reply = client.post("/synthesize", headers={"Authorization": ""}, json={
            "apikey": server.key, "target": "Hello from the original contract.",
            "voice": "joe"})
        assert reply.status_code == 200, reply.text
        result = reply.json()
        assert set(result) == {"download_url", "processing_time_seconds", "num_chunks"}
        assert result["num_chunks"] == 1 and result["processing_time_seconds"] > 0
        audio = client.get(result["download_url"])
        assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
        assert_speech(audio.content)
        missing = client.get("/audio/0123456789abcdef0123456789abcdef.wav")
        assert missing.status_code == 404 and "no audio file" in missing.json()["detail"]
        # a one-shot request's project is not among the projects the desktop shows
    listed = run_studio(server.root, server.root.parent, "projects", "list", "--json")
    assert not any(p["name"].startswith("api-oneshot-") for p in json.loads(listed.stdout))


def raw_get(server: Server, path: str) -> tuple[int, bytes]:
    """A GET with the path sent exactly as written (clients normalize ``..``)."""
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.putheader("Authorization", f"Bearer {server.key}")
    conn.endheaders()
    reply = conn.getresponse()
    data = reply.read()
    conn.close()
    return reply.status, data


@pytest.mark.parametrize("path", [
    "/audio/../studio.db", "/audio/..%2Fstudio.db", "/audio/%2e%2e%2fstudio.db",
    "/audio/..%2F..%2F..%2Fetc%2Fpasswd", "/audio/%2E%2E/studio.db", "/audio/..\\studio.db",
    "/audio/server%2Fresults%2F..%2F..%2Fstudio.db"])
def test_audio_cannot_leave_its_folder(server: Server, path: str) -> None:
    status, data = raw_get(server, path)
    assert status in (400, 404), (path, status)
    assert b"SQLite" not in data and b"root:" not in data
    assert "detail" in json.loads(data)


# ---------------------------------------------------------------- the compatible API
@pytest.mark.parametrize("fmt", ["wav", "flac", "mp3", "opus", "pcm"])
def test_speech_in_every_format(server: Server, fmt: str) -> None:
    with server.client() as client:
        reply = client.post("/v1/audio/speech", json={
            "model": "tts-1", "input": "Every format carries the same words.", "voice": "joe",
            "response_format": fmt, "speed": 1.0})
    assert reply.status_code == 200, reply.text
    if fmt == "pcm":
        samples = np.frombuffer(reply.content, dtype="<i2")
        assert len(samples) / 24000 > 0.5 and np.max(np.abs(samples)) > 1000
    else:
        assert_speech(reply.content)


def test_speed_changes_the_length(server: Server) -> None:
    lengths = {}
    with server.client() as client:
        for speed in (0.5, 2.0):
            reply = client.post("/v1/audio/speech", json={
                "model": "tts-1", "input": "Speed changes how long this takes to say.",
                "voice": "joe", "response_format": "wav", "speed": speed})
            samples, rate = read_audio(reply.content)
            lengths[speed] = len(samples) / rate
    assert lengths[0.5] > 1.5 * lengths[2.0]


def test_the_official_client_gets_speech(server: Server) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=f"{server.url}/v1", api_key=server.key)
    spoken = client.audio.speech.create(model="tts-1", voice="joe",  # type: ignore[arg-type]
                                        input="The official client speaks too.",
                                        response_format="wav")
    assert_speech(spoken.content)
    assert [m.id for m in client.models.list()][:2] == ["tts-1", "tts-1-hd"]


def test_models_and_voices(server: Server) -> None:
    with server.client() as client:
        models = client.get("/v1/models").json()
        assert models["object"] == "list" and "piper" in [m["id"] for m in models["data"]]
        voices = client.get("/v1/audio/voices").json()["voices"]
        assert [v["name"] for v in voices] == ["joe"] and voices[0]["usable"]


def test_a_key_past_its_concurrency_limit_gets_429(server: Server) -> None:
    text = "This sentence keeps a worker busy for a little while, long enough to overlap."

    def one(_: int) -> httpx.Response:
        with server.client() as client:
            return client.post("/v1/audio/speech", json={
                "model": "tts-1", "input": text, "voice": "joe", "response_format": "wav"})

    with ThreadPoolExecutor(6) as pool:
        replies = list(pool.map(one, range(6)))
    codes = sorted(r.status_code for r in replies)
    assert 429 in codes and 200 in codes and set(codes) <= {200, 429}, codes
    refused = next(r for r in replies if r.status_code == 429)
    assert "limit" in refused.json()["error"]["message"]
    assert refused.headers["retry-after"] == "1"


@pytest.mark.parametrize("text", [
    "The xylophone cannot be read.",
    # the sentences after it are held until the first lands: it failing ends the request
    "The xylophone cannot be read. Then comes a second sentence. And a third one."])
def test_a_render_that_keeps_failing_is_a_500(server: Server, text: str) -> None:
    with server.client() as client:
        reply = client.post("/v1/audio/speech", json={
            "model": "tts-1", "input": text, "voice": "joe"})
    assert reply.status_code == 500
    assert "cannot read 'xylophone'" in reply.json()["error"]["message"]
    conn = sqlite3.connect(server.root / "studio.db")
    left = conn.execute(
        "SELECT COUNT(*) FROM jobs j JOIN segments s ON s.id = j.segment_id WHERE s.project_id "
        "= (SELECT MAX(id) FROM projects WHERE name LIKE 'api-oneshot-%') AND j.state IN "
        "('queued', 'running', 'failed')").fetchone()[0]
    conn.close()
    assert left == 0  # nothing is left to render for nobody


# ---------------------------------------------------------------- operations
def test_ready_metrics_and_access_log(server: Server) -> None:
    with server.client() as client:
        ready = client.get("/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["status"] == "ready"
        assert ready.json()["engine"] in ("running", "idle", "starting")
        said = client.post("/v1/audio/speech", json={
            "model": "tts-1", "input": "Counted.", "voice": "joe", "response_format": "wav"})
        assert said.status_code == 200, said.text
        # a request is counted once its stream has closed, a moment after its last byte
        deadline = time.monotonic() + 10
        while 'route="/v1/audio/speech"' not in (text := client.get("/metrics").text):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    for needle in ('studio_http_requests_total{route="/v1/audio/speech",method="POST",'
                   'status="200"}', "studio_http_request_duration_seconds_bucket",
                   'studio_audio_seconds_total{endpoint="speech"}',
                   'studio_queue_jobs{state="queued",kind="render"}',
                   'studio_workers{state="', 'studio_qa_verdicts{verdict="pass"}'):
        assert needle in text, needle
    seconds = next(line for line in text.splitlines()
                   if line.startswith('studio_audio_seconds_total{endpoint="speech"}'))
    assert float(seconds.split()[-1]) > 0.3
    assert "POST /v1/audio/speech 200" in server.log.read_text()


# ---------------------------------------------------------------- long-form projects
def test_a_long_form_project(server: Server, tmp_path: Path) -> None:
    script = ("Chapter one begins here. It has two sentences.\n\n"
              "Chapter two follows. The end is near. This is the end.")
    with server.client() as client:
        made = client.post("/v1/projects", json={"name": "Lecture", "script": script,
                                                 "voice": "joe"})
        assert made.status_code == 201, made.text
        project = made.json()
        pid = project["id"]
        assert project["segments"] == 5 and project["name"] == "Lecture"
        again = client.post("/v1/projects", json={"name": "lecture", "script": script})
        assert again.status_code == 409 and "already" in again.json()["error"]["message"]
        events = project_events(client, pid)
        assert events[-1][0] == "done" and events[-1][1]["state"] == "done"
        finished = {e[1]["number"] for e in events
                    if e[0] == "segment" and e[1]["state"] == "rendered"}
        assert finished == {1, 2, 3, 4, 5}
        status = client.get(f"/v1/projects/{pid}").json()
        assert (status["done"], status["failed"], status["needs_review"], status["eta_s"]) == (
            5, 0, 0, 0.0)
        segments = client.get(f"/v1/projects/{pid}/segments").json()["data"]
        assert [s["number"] for s in segments] == [1, 2, 3, 4, 5]
        assert all(s["state"] == "rendered" and s["takes"] == 1 for s in segments)
        audio = client.get(f"/v1/projects/{pid}/audio", params={"format": "flac"})
        assert audio.status_code == 200
        assert_speech(audio.content, 4.0)
        srt = client.get(f"/v1/projects/{pid}/srt").text
        assert srt.startswith("1\n00:00:0") and "Chapter two follows." in srt
        regen = client.post(f"/v1/projects/{pid}/segments/2/regenerate")
        assert regen.status_code == 202 and regen.json()["action"] == "queued"
        deadline = time.monotonic() + 60
        while client.get(f"/v1/projects/{pid}/segments").json()["data"][1]["takes"] < 2:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        nowhere = client.post(f"/v1/projects/{pid}/segments/9/regenerate")
        assert nowhere.status_code == 404 and "no segment 9" in nowhere.json()["error"]["message"]
        bad = client.get(f"/v1/projects/{pid}/audio", params={"format": "ogg"})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "format"
        assert client.get("/v1/projects/99999").status_code == 404
        listed = [p["name"] for p in client.get("/v1/projects").json()["data"]]
        assert "Lecture" in listed and not any(n.startswith("api-oneshot-") for n in listed)
    # the same project the desktop app shows
    rows = json.loads(run_studio(server.root, tmp_path, "projects", "list", "--json").stdout)
    assert any(r["name"] == "Lecture" and r["rendered"] == 5 for r in rows)


def test_an_unfinished_project_cannot_be_downloaded(server: Server) -> None:
    with server.client() as client:
        made = client.post("/v1/projects", json={"name": "Unfinished",
                                                 "script": "The xylophone is never read."})
        pid = made.json()["id"]
        deadline = time.monotonic() + 60
        while (status := client.get(f"/v1/projects/{pid}").json())["state"] != "failed":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert status["failed"] == 1
        reply = client.get(f"/v1/projects/{pid}/audio")
        assert reply.status_code == 409
        assert "without a current take" in reply.json()["error"]["message"]


# ---------------------------------------------------------------- bad input
def _bad(server: Server, clip_url: str) -> list[tuple[str, str, dict[str, object] | bytes,
                                                      dict[str, str], int, str]]:
    """(method, path, body, headers, status, words the error names)."""
    speech = {"model": "tts-1", "input": "Hello.", "voice": "joe"}
    synth = {"apikey": server.key, "target": "Hello.", "voice_prompt_text": "The quick fox."}
    no_key: dict[str, str] = {"Authorization": ""}
    return [
        ("POST", "/v1/audio/speech", speech, {"Authorization": "Bearer wrong"}, 401, "key"),
        ("POST", "/v1/audio/speech", speech, no_key, 401, "no API key"),
        ("POST", "/synthesize", {"apikey": "wrong", "target": "Hi.", "voice": "joe"}, no_key,
         401, "key"),
        ("POST", "/v1/audio/speech", {"model": "tts-1", "voice": "joe"}, {}, 400, "'input'"),
        ("POST", "/v1/audio/speech", {"input": "Hi.", "voice": "joe"}, {}, 400, "'model'"),
        ("POST", "/v1/audio/speech", {"model": "tts-1", "input": "Hi."}, {}, 400, "'voice'"),
        ("POST", "/synthesize", {"apikey": server.key, "voice": "joe"}, no_key, 400, "'target'"),
        ("POST", "/synthesize", {"apikey": server.key, "target": "Hi."}, no_key, 400, "'voice'"),
        ("POST", "/v1/projects", {"name": "x"}, {}, 400, "'script'"),
        ("POST", "/v1/audio/speech", speech | {"voice": "zelda"}, {}, 400, "no voice named"),
        ("POST", "/synthesize", {"apikey": server.key, "target": "Hi.", "voice": "nobody"},
         no_key, 400, "no voice named 'nobody'"),
        ("POST", "/v1/projects", {"name": "x", "script": "Hi.", "voice": "nobody"}, {}, 400,
         "no voice named"),
        ("POST", "/v1/audio/speech", speech | {"input": "word " * 1000}, {}, 400,
         "over the limit of 4096"),
        ("POST", "/v1/audio/speech", speech | {"response_format": "aac"}, {}, 400,
         "response_format"),
        ("POST", "/v1/audio/speech", speech | {"speed": 9}, {}, 400, "speed"),
        ("POST", "/v1/audio/speech", speech | {"input": "   "}, {}, 400, "empty"),
        ("POST", "/v1/audio/speech", speech | {"input": "🙂🙂🙂"}, {}, 400,
         "cannot be spoken: remove it from the text"),  # no command-line flag to an API client
        ("POST", "/v1/audio/speech", b'{"model": "tts-1", "input": ', {}, 400, "not valid JSON"),
        ("POST", "/synthesize", b"{nope", {}, 400, "not valid JSON"),
        ("POST", "/v1/audio/speech", b"[1, 2]", {}, 400, "JSON object"),
        ("POST", "/v1/audio/speech", speech | {"input": "x" * 300_000}, {}, 413,
         "over the limit of 200000 bytes"),
        ("POST", "/synthesize", synth | {"voice_url": "file:///etc/passwd"}, no_key, 400,
         "http or https"),
        ("POST", "/synthesize", synth | {"voice_url": "gopher://example.com/1"}, no_key, 400,
         "http or https"),
        ("POST", "/synthesize", synth | {"voice_url": f"http://127.0.0.1:{free_port()}/a.wav"},
         no_key, 400, "loopback address"),
        ("POST", "/synthesize", synth | {"voice_url": "http://169.254.169.254/latest/"},
         no_key, 400, "link-local address"),
        ("POST", "/synthesize", synth | {"voice_url": "http://[::1]:9/x"}, no_key, 400,
         "loopback address"),
        ("POST", "/synthesize", synth | {"voice_url": "http://10.0.0.1/x.wav"}, no_key, 400,
         "private address"),
        ("POST", "/synthesize", synth | {"voice_url": f"{clip_url}/redirect"}, no_key, 400,
         "link-local address"),
        ("POST", "/synthesize", synth | {"voice_url": f"{clip_url}/text"}, no_key, 400,
         "did not return audio"),
        ("POST", "/synthesize", synth | {"voice_url": f"{clip_url}/huge.wav"}, no_key, 400,
         "over the limit of 500000"),
        ("POST", "/synthesize", synth | {"voice_url": f"{clip_url}/missing.wav"}, no_key, 400,
         "HTTP 404"),
        ("POST", "/synthesize", synth | {"voice_url": f"{clip_url}/clip.wav"}, no_key, 503,
         "voice cloning cannot run here"),
        ("POST", "/synthesize", synth | {"voice_url": "http://100.100.100.200/latest/"},
         no_key, 400, "non-public address"),
        ("POST", "/synthesize", synth | {"voice_url": "http://[2002:7f00:1::]/x.wav"},
         no_key, 400, "loopback address"),
        ("GET", "/v1/projects/abc", b"", {}, 400, "project_id must be a whole number"),
        ("POST", "/v1/projects/1/segments/x/regenerate", b"", {}, 400,
         "must be a whole number"),
        ("PATCH", "/v1/projects/99999/segments/1", {}, {}, 400, "'text'"),
        ("PATCH", "/v1/projects/99999/segments/1", {"text": 5}, {}, 400, "must be a string"),
        ("PATCH", "/v1/projects/99999/segments/1", {"text": "Hi."}, {}, 404,
         "no project with id 99999"),
        ("POST", "/v1/projects/99999/segments/1/explode", b"", {}, 404, "no action 'explode'"),
        ("POST", "/v1/projects/99999/segments/1/approve", b"", {}, 404, "no project with id"),
        ("POST", "/v1/projects/99999/render", b"", {}, 404, "no project with id"),
        ("POST", "/v1/projects/99999/pause", b"", {}, 404, "no project with id"),
        ("POST", "/v1/lexicon", {"entries": "line"}, {}, 400, "'entries'"),
        ("POST", "/v1/lexicon", {"entries": [{"alias": "x"}]}, {}, 400, "'term'"),
        ("POST", "/v1/lexicon", {"entries": [{"term": "line", "alias": 3}]}, {}, 400,
         "'alias' must be a string"),
        ("POST", "/v1/lexicon", {"entries": [], "remove": ["nothere"]}, {}, 400,
         "'nothere' is not in the library's lexicon"),
        ("POST", "/v1/lexicon", {"entries": [{"term": "line"}], "remove": "line"}, {}, 400,
         "'remove'"),
        ("POST", "/v1/lexicon", {"entries": [{"term": "line", "alias": "lyne"}],
                                 "project": "x"}, {}, 400, "'project'"),
        ("POST", "/v1/lexicon", {"entries": [{"term": "line", "alias": "lyne"}],
                                 "project": 99999}, {}, 404, "no project with id"),
        ("GET", "/v1/lexicon?project=abc", b"", {}, 400, "whole number"),
        ("GET", "/v1/nowhere", b"", {}, 404, "no such endpoint"),
        ("DELETE", "/v1/models", b"", {}, 405, "not allowed"),
    ]


def test_bad_input_is_refused_with_the_library_unchanged(server: Server,
                                                          clip_server: str) -> None:
    ClipHandler.redirect_to = "http://169.254.169.254/latest/meta-data/"
    with server.client() as client:  # the engine settles (workers loaded) first
        client.post("/v1/audio/speech", json={"model": "tts-1", "input": "Settle.",
                                               "voice": "joe", "response_format": "wav"})
    time.sleep(1.0)
    before = snapshot(server.root)
    with server.client() as client:
        for method, path, payload, headers, status, words in _bad(server, clip_server):
            content = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            reply = client.request(method, path, content=content,
                                   headers={"Content-Type": "application/json", **headers})
            assert reply.status_code == status, (path, payload if len(content) < 300 else "…",
                                                 reply.text)
            error = reply.json()
            message = (error["error"]["message"] if path.startswith("/v1/")
                       else error["detail"])
            assert words in message, (path, message)
            assert "\n" not in message
    assert snapshot(server.root) == before


def test_a_redirect_to_loopback_is_refused_after_the_redirect(server: Server,
                                                               clip_server: str) -> None:
    ClipHandler.redirect_to = f"http://127.0.0.1:{server.url.rsplit(':', 1)[1]}/health"
    reply = httpx.post(f"{server.url}/synthesize", json={
        "apikey": server.key, "target": "Hi.", "voice_url": f"{clip_server}/redirect",
        "voice_prompt_text": "Hello."}, timeout=60)
    assert reply.status_code == 400
    assert "'127.0.0.1' is a loopback address" in reply.json()["detail"]


# ---------------------------------------------------------------- 503 and 504
def test_ready_while_idle_not_ready_for_a_real_problem_then_a_timeout(tmp_path: Path
                                                                       ) -> None:
    root = tmp_path / "library"
    key = prepare_library(root, tmp_path)
    srv = start_server(root, tmp_path, key, "--timeout", "0.05")
    from studio.core.store import Library
    from studio.engine.lock import engine_pid

    try:
        with srv.client() as client:
            # the server starts the engine for a warm first request; ready all the while
            deadline = time.monotonic() + 60
            while (ready := client.get("/ready")).json()["engine"] != "running":
                assert ready.status_code == 200, ready.text
                assert ready.json()["engine"] in ("starting", "idle"), ready.text
                assert time.monotonic() < deadline
                time.sleep(0.1)
            from studio.engine.client import stop_engine

            stop_engine(root)
            # the engine does not run (it starts on demand): ready, and asking starts nothing
            for _ in range(3):
                ready = client.get("/ready")
                assert ready.status_code == 200, ready.text
                assert ready.json() == {"status": "ready", "engine": "idle", "workers": {}}
            assert engine_pid(root) is None
            # a library whose default voice cannot render here is not ready, and says why
            with Library.open(root) as library:
                library.ensure_preset("elsewhere", "gone", "en")  # a backend not installed
                library.set_setting("default_voice", "elsewhere")
            ready = client.get("/ready")
            assert ready.status_code == 503, ready.text
            detail = ready.json()["detail"]
            assert detail.startswith("not ready: the default voice 'elsewhere' cannot render "
                                     "here: This voice needs the gone backend"), detail
            assert ready.json()["engine"] == "idle"
            reply = client.post("/v1/audio/speech", json={
                "model": "tts-1", "input": "Too slow for a twentieth of a second.",
                "voice": "joe"})
            assert reply.status_code == 504
            assert "not ready within 0.05 s" in reply.json()["error"]["message"]
            late = client.post("/synthesize", json={"apikey": key, "target": "Late.",
                                                    "voice": "joe"})
            assert late.status_code == 504 and "0.05 s" in late.json()["detail"]
    finally:
        assert srv.stop(signal.SIGINT) == 0
        from studio.engine.client import stop_engine

        stop_engine(root)

"""Limits a hostile or careless client meets, against a real ``studio serve``
on loopback: a ``voice_url`` server that drips its bytes is cut at the
download's deadline; a request whose output is far longer than its input
(pauses, or audio) is refused at once, or before its takes are joined; a
project name that is not one safe line is refused over HTTP and on the
command line, and a file name made from any name stays a plain file in the
exports folder."""

from __future__ import annotations

import base64
import http.server
import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from studio.core.store import Library
from studio.service.export import default_path, safe_name
from tests.conftest import run_studio, snapshot
from tests.test_server import CLIP_HOST, Server, prepare_library, start_server

DEADLINE_S = 2.0  # the server's voice_url_timeout_s here
MAX_AUDIO_S = 20.0  # the server's max_audio_s here (max_pause_s keeps its default, 60)
WAV_HEAD = b"RIFF\x00\x00\x00\x00WAVEfmt "


class DripHandler(http.server.BaseHTTPRequestHandler):
    """A server that sends a WAV 100 bytes a second (``/drip.wav``), or its
    headers a few bytes a second (``/slow-headers``); ``closed`` is set
    when the client has gone."""

    closed = threading.Event()

    def do_GET(self) -> None:
        try:
            if self.path == "/drip.wav":
                self.send_response(200)
                self.send_header("Content-Type", "audio/wav")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(WAV_HEAD)
                self._drip(b"\x00" * 10)
            elif self.path == "/slow-headers":
                self.wfile.write(b"HTTP/1.0 200 OK\r\n")
                self._drip(b"X-Pad: a\r\n")
            else:
                self.send_error(404)
        except OSError:
            pass
        finally:
            DripHandler.closed.set()

    def _drip(self, piece: bytes) -> None:
        for _ in range(600):  # a minute at most
            self.wfile.write(piece)
            self.wfile.flush()
            time.sleep(0.1)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def drip_server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer((CLIP_HOST, 0), DripHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://{CLIP_HOST}:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose voice_url may reach the drip server, with a short
    download deadline and a low audio limit."""
    tmp = tmp_path_factory.mktemp("limits")
    root = tmp / "library"
    key = prepare_library(root, tmp, **{"server.voice_url_timeout_s": DEADLINE_S,
                                        "server.max_audio_s": MAX_AUDIO_S})
    srv = start_server(root, tmp, key, "--voice-url-allow", f"{CLIP_HOST}/32")
    yield srv
    code = srv.stop(signal.SIGTERM)
    from studio.engine.client import stop_engine

    stop_engine(root)
    assert code == 0, srv.log.read_text()[-3000:]


def settled(server: Server) -> dict[str, str]:
    """The library's content once the server's first request has settled it
    (preset voices registered)."""
    with server.client() as client:
        assert client.get("/v1/audio/voices").status_code == 200
    return snapshot(server.root)


# ---------------------------------------------------------------- the voice_url deadline
@pytest.mark.parametrize("path", ["/drip.wav", "/slow-headers"])
def test_a_dripping_voice_url_is_cut_at_the_deadline(server: Server, drip_server: str,
                                                     path: str) -> None:
    before = settled(server)
    DripHandler.closed.clear()
    started = time.monotonic()
    reply = httpx.post(f"{server.url}/synthesize", timeout=90, json={
        "apikey": server.key, "target": "Hello there.", "voice_url": drip_server + path,
        "voice_prompt_text": "Hello."})
    took = time.monotonic() - started
    assert DEADLINE_S - 0.1 < took < DEADLINE_S + 3.0, took  # not held past the deadline
    assert reply.status_code == 400, reply.text
    detail = reply.json()["detail"]
    assert f"took longer than {DEADLINE_S:g} s" in detail, detail
    assert "server.voice_url_timeout_s" in detail
    assert DripHandler.closed.wait(5), "the download was not closed at the deadline"
    assert snapshot(server.root) == before


# ---------------------------------------------------------------- output bounded by input
PAUSES = "Hello. " + "[pause 30s]" * 87  # 964 characters, 43.5 minutes of silence


def test_pauses_past_the_limit_are_refused_at_once(server: Server) -> None:
    assert len(PAUSES) == 964
    before = settled(server)
    with server.client() as client:
        started = time.monotonic()
        speech = client.post("/v1/audio/speech", json={
            "model": "tts-1", "input": PAUSES, "voice": "joe", "response_format": "wav"})
        took = time.monotonic() - started
        synth = client.post("/synthesize", json={"apikey": server.key, "target": PAUSES,
                                                 "voice": "joe"})
    assert speech.status_code == 400, speech.text
    error = speech.json()["error"]
    assert error["code"] == "too_long"
    assert "2610 s of pauses, over the limit of 60 s" in error["message"]
    assert "server.max_pause_s" in error["message"]
    assert took < 2.0, took  # refused before anything was queued or rendered
    assert synth.status_code == 400 and "server.max_pause_s" in synth.json()["detail"]
    assert snapshot(server.root) == before  # no project, no job, no file


def test_audio_past_the_limit_is_refused_at_once(server: Server) -> None:
    before = settled(server)
    text = "Words and more words. " * 30  # 660 characters: surely over 20 s
    with server.client() as client:
        started = time.monotonic()
        reply = client.post("/v1/audio/speech", json={"model": "tts-1", "input": text,
                                                       "voice": "joe"})
        took = time.monotonic() - started
    assert reply.status_code == 400, reply.text
    message = reply.json()["error"]["message"]
    assert f"over the limit of {MAX_AUDIO_S:g} s" in message and "server.max_audio_s" in message
    assert took < 2.0, took
    assert snapshot(server.root) == before


@pytest.mark.slow  # `make test-slow`; the fast run keeps one of its kind
def test_audio_longer_than_its_text_looks_is_refused_before_it_is_joined(
        server: Server) -> None:
    """Whole-file answers are refused with a 400 before the takes are joined;
    a streamed answer, whose status went out with its first audio, ends with
    an error event (SSE) once what it sent passes the limit."""
    # 108 characters (at least 4 s by their count) that take about a minute to say
    text = "1234567, " * 12
    with server.client(timeout=300) as client:
        reply = client.post("/synthesize", json={"apikey": server.key, "target": text,
                                                 "voice": "joe"})
        assert reply.status_code == 400, reply.text[:300]
        message = reply.json()["detail"]
        assert "made" in message and "server.max_audio_s" in message
        events = []
        with client.stream("POST", "/v1/audio/speech", json={
                "model": "tts-1", "input": text, "voice": "joe", "response_format": "pcm",
                "stream_format": "sse"}) as streamed:
            for line in streamed.iter_lines():
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
        assert events[-1]["type"] == "error", events[-1]
        assert events[-1]["error"]["code"] == "too_long"
        assert "server.max_audio_s" in events[-1]["error"]["message"]
        sent = sum(len(base64.b64decode(e["audio"])) for e in events
                   if e["type"] == "speech.audio.delta")
        assert sent / 2 / 24000 <= MAX_AUDIO_S + 10  # cut near the limit, not at the end
        short = client.post("/v1/audio/speech", json={"model": "tts-1", "input": "Hello there.",
                                                       "voice": "joe", "response_format": "wav"})
        assert short.status_code == 200  # a request under the limits is answered as before


# ---------------------------------------------------------------- project names
BAD_NAMES = [
    ("../../etc/x", "cannot hold / or \\"),
    ("a\\b", "cannot hold / or \\"),
    ("..", "cannot name a project"),
    ("n" * 5000, "at most 200 characters, not 5000"),
    ("two\nlines", "control character ('\\n')"),
    ("nul\x00byte", "control character ('\\x00')"),
    ("\u202eevil.exe", "control character ('\\u202e')"),
]


def test_bad_project_names_are_refused_over_http(server: Server) -> None:
    before = settled(server)
    with server.client() as client:
        for name, words in BAD_NAMES:
            reply = client.post("/v1/projects", json={"name": name, "script": "Hello there."})
            assert reply.status_code == 400, (name[:20], reply.text[:300])
            message = reply.json()["error"]["message"]
            assert words in message, (name[:20], message)
            assert "\n" not in message and len(message) < 300
        listed = client.get("/v1/projects").json()["data"]
    assert listed == []
    assert snapshot(server.root) == before


@pytest.mark.slow  # `make test-slow`; the fast run keeps one of its kind
def test_bad_project_names_are_refused_on_the_command_line(tmp_path: Path) -> None:
    root = tmp_path / "library"
    script = tmp_path / "story.txt"
    script.write_text("Hello there.", encoding="utf-8")
    assert run_studio(root, tmp_path, "voices", "list").returncode == 0  # presets registered
    before = snapshot(root)
    for name, words in BAD_NAMES:
        if "\x00" in name:
            continue  # a command line cannot carry a NUL
        for args in (("render", script, "--project", name), ("projects", "new", name)):
            run = run_studio(root, tmp_path, *args)
            assert run.returncode == 2, (args[0], name[:20], run.stderr[-500:])
            assert words in run.stderr, (name[:20], run.stderr[-500:])
    assert snapshot(root) == before
    with Library.open(root) as library:
        assert library.project_names() == []


def test_file_names_made_from_project_names_stay_in_the_exports_folder(
        tmp_path: Path) -> None:
    with Library.open(tmp_path / "library") as library:
        from studio.core.planning import ensure_presets

        ensure_presets(library)
        voice = library.find_voice("joe")
        assert voice is not None
        for name in ("é" * 200, ".hidden", "CON", "nul.txt", "Chapter 1: a?b*c", "x..",
                     "ok name"):
            project = library.create_project(name, voice)
            path = default_path(library, project, ".wav")
            assert path.parent == library.path("exports"), name
            assert len(path.name.encode()) <= 255 and not path.name.startswith("."), name
            assert path.stem.split(".")[0].upper() not in ("CON", "NUL"), name
            assert path.name[-5] not in " .", name
        assert default_path(library, project, ".wav").name == "ok name.wav"
    for legacy in ("../../etc/x", "..", "a/b\\c", "x\n\x00y", ""):  # names made before the rule
        made = safe_name(legacy)
        assert made and "/" not in made and "\\" not in made and not made.startswith(".")
        assert made.isprintable(), json.dumps(made)

"""``/v1/audio/speech`` streaming, against a real ``studio serve`` on loopback
with the real Piper voice (slowed down by two seconds on any sentence with
the word "slow", so a render still under way can be seen): the official
client gets the first segment's audio while the last is still rendering, in
every streamed format, and the stream decodes to the whole text; the
speech API's server-sent events; a client that leaves cancels its jobs; a
failure after the first chunk; the speech API's voice names, the models
route and ``instructions``."""

from __future__ import annotations

import base64
import io
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf
from openai import OpenAI

from studio.core.store import Library
from tests.test_server import Server, prepare_library, start_server

SLOW = {"STUDIO_BACKENDS": "piper=tests.fault_backends:SlowPiper"}
# five sentences; only the last is slow (two seconds more than the voice)
FIVE = ("The first sentence arrives quickly. A second one follows it. The third keeps "
        "going. The fourth is nearly done. The fifth is slow to render.")


def serve(root: Path, tmp: Path, *args: str, **settings: object) -> Server:
    key = prepare_library(root, tmp, **settings)
    return start_server(root, tmp, key, *args, env=SLOW)


def stop(srv: Server) -> None:
    code = srv.stop(signal.SIGTERM)
    from studio.engine.client import stop_engine

    stop_engine(srv.root)
    assert code == 0, srv.log.read_text()[-3000:]


def warm(srv: Server) -> None:
    """Until a one-sentence request is answered: the engine and its workers up."""
    deadline = time.monotonic() + 90
    with srv.client() as client:
        while client.post("/v1/audio/speech", json={
                "model": "tts-1", "input": "Warm.", "voice": "joe",
                "response_format": "wav"}).status_code != 200:
            assert time.monotonic() < deadline, srv.log.read_text()[-3000:]
            time.sleep(0.5)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("speech")
    srv = serve(tmp / "library", tmp, **{"server.voice_map": "nova=joe, echo=nobody"})
    warm(srv)
    yield srv
    stop(srv)


def openai_client(server: Server) -> OpenAI:
    return OpenAI(base_url=f"{server.url}/v1", api_key=server.key, max_retries=0)


def latest_request(root: Path) -> tuple[int, dict[str, int], int]:
    """The newest one-shot project: its id, its jobs by state, and how many of
    its segments have no take."""
    with Library.open(root) as library:
        conn = library.conn
        (pid,) = conn.execute("SELECT id FROM projects WHERE name LIKE 'api-oneshot-%' "
                              "ORDER BY id DESC LIMIT 1").fetchone()
        jobs = dict(conn.execute(
            "SELECT j.state, COUNT(*) FROM jobs j JOIN segments s ON s.id = j.segment_id "
            "WHERE s.project_id = ? GROUP BY j.state", (pid,)).fetchall())
        (missing,) = conn.execute("SELECT COUNT(*) FROM segments WHERE project_id = ? AND "
                                  "current_take_id IS NULL", (pid,)).fetchone()
    return int(pid), jobs, int(missing)


def decode(data: bytes, fmt: str) -> tuple[np.ndarray, int]:
    if fmt == "pcm":
        return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32767, 24000
    samples, rate = sf.read(io.BytesIO(data), dtype="float32")
    return samples, int(rate)


def sentences(samples: np.ndarray, rate: int) -> int:
    """Runs of speech separated by 0.35 s or more of silence."""
    frame = rate // 100
    levels = np.sqrt(np.mean(samples[: len(samples) // frame * frame].reshape(-1, frame) ** 2,
                             axis=1))
    loud = levels > 10 ** (-45 / 20)
    runs, quiet = 0, 1000
    for is_loud in loud:
        if is_loud:
            runs += quiet >= 35
            quiet = 0
        else:
            quiet += 1
    return runs


def assert_whole(samples: np.ndarray, rate: int, reference_s: float) -> None:
    """The five sentences, in full: five runs of speech, the length of the
    whole file made from the same takes' joins, at the loudness target."""
    from studio.audio import loudness_lufs

    assert sentences(samples, rate) == 5
    assert abs(len(samples) / rate - reference_s) < 0.5, (len(samples) / rate, reference_s)
    assert abs(loudness_lufs(samples, rate) + 16.0) < 1.0, loudness_lufs(samples, rate)


@pytest.fixture(scope="module")
def reference_s(server: Server) -> float:
    """How long the five sentences last, answered whole (flac)."""
    with server.client() as client:
        reply = client.post("/v1/audio/speech", json={
            "model": "tts-1", "input": FIVE, "voice": "joe", "response_format": "flac"})
    assert reply.status_code == 200, reply.text
    samples, rate = decode(reply.content, "flac")
    assert sentences(samples, rate) == 5
    return len(samples) / rate


# ---------------------------------------------------------------- streaming
@pytest.mark.parametrize("fmt", ["pcm", *(pytest.param(fmt, marks=pytest.mark.slow)
                                           for fmt in ("wav", "mp3", "opus"))])
def test_the_first_chunk_comes_before_the_last_segment_is_rendered(
        server: Server, reference_s: float, fmt: str) -> None:
    client = openai_client(server)
    started = time.monotonic()
    chunks: list[bytes] = []
    with client.audio.speech.with_streaming_response.create(
            model="tts-1", voice="joe", input=FIVE, response_format=fmt) as response:
        assert "content-length" not in response.headers
        assert response.headers["transfer-encoding"] == "chunked"
        for chunk in response.iter_bytes():
            if not chunks:
                first = time.monotonic() - started
                _, _, missing = latest_request(server.root)
                assert missing >= 1  # the slow last sentence is still rendering
            chunks.append(chunk)
    total = time.monotonic() - started
    assert total - first > 1.0, (first, total)  # the slow sentence took 2 s after it
    assert_whole(*decode(b"".join(chunks), fmt), reference_s)


def test_sse_sends_deltas_then_done(server: Server, reference_s: float) -> None:
    client = openai_client(server)
    started = time.monotonic()
    events: list[tuple[float, dict[str, object]]] = []
    with client.audio.speech.with_streaming_response.create(
            model="gpt-4o-mini-tts", voice="joe", input=FIVE, response_format="pcm",
            stream_format="sse") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-audio-media-type"] == "audio/pcm"
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append((time.monotonic() - started, json.loads(line[6:])))
    kinds = [event["type"] for _, event in events]
    assert kinds[-1] == "speech.audio.done" and set(kinds[:-1]) == {"speech.audio.delta"}
    assert len(kinds) >= 3
    assert events[-1][1]["usage"] == {"input_tokens": len(FIVE), "output_tokens": 0,
                                      "total_tokens": len(FIVE)}
    assert events[-1][0] - events[0][0] > 1.0  # the first delta came before the slow one
    audio = b"".join(base64.b64decode(str(event["audio"])) for _, event in events[:-1])
    assert_whole(*decode(audio, "pcm"), reference_s)


def wait_cancelled(root: Path, pid: int, within_s: float) -> dict[str, int]:
    deadline = time.monotonic() + within_s
    while True:
        got, jobs, _ = latest_request(root)
        assert got == pid
        if not {"queued", "running", "failed"} & set(jobs):
            return jobs
        assert time.monotonic() < deadline, jobs
        time.sleep(0.05)


def test_a_client_that_leaves_mid_stream_cancels_its_jobs(server: Server) -> None:
    text = ("This one is quick. Then a slow one. Another slow one. A third slow one. "
            "The last slow one.")
    with server.client() as client, client.stream("POST", "/v1/audio/speech", json={
            "model": "tts-1", "input": text, "voice": "joe", "response_format": "pcm"}
            ) as stream:
        assert next(stream.iter_bytes())  # the first sentence, then the client leaves
        pid, jobs, _ = latest_request(server.root)
        assert jobs.get("done") == 1
    jobs = wait_cancelled(server.root, pid, within_s=1.5)
    assert jobs == {"done": 1, "cancelled": 4}
    time.sleep(2.5)  # the slow renders that were running have finished by now
    assert latest_request(server.root) == (pid, {"done": 1, "cancelled": 4}, 4)


@pytest.mark.slow  # `make test-slow`; the fast run keeps one of its kind
def test_a_client_that_leaves_before_any_audio_cancels_its_jobs(server: Server) -> None:
    text = "A slow start. A slow middle. A slow end."
    with server.client(timeout=0.5) as client, pytest.raises(httpx.ReadTimeout):
        client.post("/v1/audio/speech", json={"model": "tts-1", "input": text,
                                              "voice": "joe", "response_format": "mp3"})
    pid, _, _ = latest_request(server.root)
    assert wait_cancelled(server.root, pid, within_s=1.5) == {"cancelled": 3}
    time.sleep(2.5)
    assert latest_request(server.root) == (pid, {"cancelled": 3}, 3)


@pytest.mark.slow  # `make test-slow`; the fast run keeps one of its kind
def test_a_failure_after_the_first_chunk(tmp_path: Path) -> None:
    """Past the timeout mid-stream: a raw stream is cut short (no last
    chunk), an SSE stream ends with an error event; the jobs are cancelled."""
    srv = serve(tmp_path / "library", tmp_path, "--timeout", "1.5")
    try:
        warm(srv)
        text = "A quick first sentence. Then a slow second one. And a third."
        body = {"model": "tts-1", "input": text, "voice": "joe", "response_format": "wav"}
        got = bytearray()
        with srv.client() as client, pytest.raises(httpx.RemoteProtocolError), \
                client.stream("POST", "/v1/audio/speech", json=body) as stream:
            assert stream.status_code == 200
            for chunk in stream.iter_bytes():
                got += chunk
        samples, rate = sf.read(io.BytesIO(bytes(got)), dtype="float32")
        assert sentences(samples, rate) == 1  # the first sentence came, whole
        pid, _, _ = latest_request(srv.root)
        assert wait_cancelled(srv.root, pid, within_s=1.5).get("cancelled")
        assert "cut short: the audio was not ready within 1.5 s" in srv.log.read_text()
        with srv.client() as client, client.stream("POST", "/v1/audio/speech", json={
                **body, "stream_format": "sse"}) as stream:
            events = [json.loads(line[6:]) for line in stream.iter_lines()
                      if line.startswith("data: ")]
        assert [e["type"] for e in events][-1] == "error"
        assert {e["type"] for e in events[:-1]} == {"speech.audio.delta"}
        assert events[-1]["error"]["code"] == "timeout"
        assert events[-1]["error"]["type"] == "server_error"
    finally:
        stop(srv)


# ---------------------------------------------------------------- voices, models, instructions
def test_the_speech_apis_voice_names(server: Server) -> None:
    with server.client() as client:
        for voice in ("alloy", "nova", "shimmer", {"id": "joe"}):  # default, mapped, object
            reply = client.post("/v1/audio/speech", json={
                "model": "tts-1", "input": "A named voice.", "voice": voice,
                "response_format": "wav"})
            assert reply.status_code == 200, (voice, reply.text)
            assert sentences(*decode(reply.content, "wav")) == 1
        refused = client.post("/v1/audio/speech", json={
            "model": "tts-1", "input": "Mapped to nobody.", "voice": "echo"})
        assert refused.status_code == 400
        assert refused.json()["error"]["message"] == (
            "the voice 'echo' stands for 'nobody' (server.voice_map, else the default "
            "voice), which is not in the library: map it to a voice of GET /v1/audio/voices")
        unknown = client.post("/v1/audio/speech", json={
            "model": "tts-1", "input": "Nobody.", "voice": "zelda"})
        assert unknown.status_code == 400 and unknown.json()["error"]["param"] == "voice"


def test_a_malformed_voice_map_is_named() -> None:
    from studio.errors import UserError
    from studio.service.speech_stream import voice_map

    assert voice_map(" nova=joe, echo = amy ,") == {"nova": "joe", "echo": "amy"}
    with pytest.raises(UserError, match=r"server\.voice_map has 'alloy', not NAME=VOICE"):
        voice_map("nova=joe,alloy")


def test_the_models_route(server: Server) -> None:
    import openai

    client = openai_client(server)
    for name in ("tts-1", "gpt-4o-mini-tts", "piper"):
        found = client.models.retrieve(name)
        assert (found.id, found.object) == (name, "model")
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("whisper-1")
    with server.client() as http:
        reply = http.get("/v1/models/whisper-1")
    assert reply.status_code == 404
    assert reply.json() == {"error": {
        "message": "no model named 'whisper-1': models here: tts-1, tts-1-hd, gpt-4o-mini-tts, "
                   "gpt-4o-mini-tts-2025-12-15, cosyvoice2, piper (GET /v1/models)",
        "type": "invalid_request_error", "param": "model", "code": "model_not_found"}}


def test_instructions_are_refused_with_the_library_unchanged(server: Server) -> None:
    import openai

    before = latest_request(server.root)[0]
    client = openai_client(server)
    with pytest.raises(openai.BadRequestError) as refused:
        client.audio.speech.create(
            model="gpt-4o-mini-tts", voice="joe", input="Cheerfully, please.",
            instructions="Speak in a cheerful tone.")
    error = refused.value.body
    assert isinstance(error, dict) and error["param"] == "instructions"
    assert error["code"] == "unsupported_parameter"
    assert str(error["message"]).startswith("instructions are not supported")
    assert latest_request(server.root)[0] == before  # no project was made
    with server.client() as http:
        for bad, param in (({"instructions": 3}, "instructions"),
                           ({"stream_format": "ndjson"}, "stream_format"),
                           ({"voice": {"name": "joe"}}, "voice")):
            reply = http.post("/v1/audio/speech", json={
                "model": "tts-1", "input": "Bad.", "voice": "joe", **bad})
            assert reply.status_code == 400 and reply.json()["error"]["param"] == param
        empty = http.post("/v1/audio/speech", json={  # nothing asked: nothing to refuse
            "model": "tts-1", "input": "Plain.", "voice": "joe", "instructions": "",
            "response_format": "wav"})
        assert empty.status_code == 200

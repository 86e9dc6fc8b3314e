"""The compatible speech API: ``/v1/models``, ``/v1/models/{id}``,
``/v1/audio/voices`` and ``/v1/audio/speech``, answering as the API its
clients were written for, errors included (:mod:`studio.server.errors`).

``/v1/audio/speech`` streams: the request becomes a one-shot project
(:mod:`studio.service.oneshot`), and each segment's audio is sent as soon as
its take lands, in order (:mod:`studio.service.speech_stream` joins and
encodes it), as raw audio in chunks or, with ``stream_format="sse"``, as
``speech.audio.delta`` events and a last ``speech.audio.done``. The headers
go out with the first segment's audio, so whatever fails before it (the
voice, the first render, the timeout) is answered with its status code; a
failure after it ends an SSE stream with an ``error`` event and cuts a raw
stream short (no last chunk: clients see an incomplete response). A client
that goes away, before or during the stream, cancels the request's jobs.

When the server stops, a stream gets the grace to finish; one still waiting
for audio when the grace is over ends as any failure does (503, or an
``error`` event with the code ``server_stopping``, or cut short), and its
jobs are cancelled.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from studio.core.store import Library, Project
from studio.errors import UserError
from studio.server.errors import ApiError, body
from studio.server.shared import (
    Key,
    ServerState,
    Started,
    api_key,
    check_output,
    check_text,
    check_voice,
    read_json,
    text_field,
    usable_voices,
    user_error,
)
from studio.server.state import State, settle, unless_stopped, until_gone
from studio.server.waiter import EngineDown
from studio.service import oneshot, speech_stream
from studio.text.markup import MAX_SPEED, MIN_SPEED

log = logging.getLogger("studio.server")

# names the compatible clients send
MODELS = ("tts-1", "tts-1-hd", "gpt-4o-mini-tts", "gpt-4o-mini-tts-2025-12-15")
STREAM_FORMATS = ("audio", "sse")
DELTA_BYTES = 32_768  # audio bytes per speech.audio.delta event, at most

router = APIRouter()


def _models() -> list[str]:
    from studio.backends import installed_backends

    return list(MODELS) + sorted(installed_backends())


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "voice-studio"}


@router.get("/v1/models", dependencies=[Depends(api_key)])
async def models() -> dict[str, Any]:
    return {"object": "list", "data": [_model(name) for name in _models()]}


@router.get("/v1/models/{model_id}", dependencies=[Depends(api_key)])
async def model(model_id: str) -> dict[str, Any]:
    if model_id not in _models():
        raise ApiError(404, f"no model named {model_id!r}: models here: "
                       f"{', '.join(_models())} (GET /v1/models)", param="model",
                       code="model_not_found")
    return _model(model_id)


@router.get("/v1/audio/voices", dependencies=[Depends(api_key)])
async def speech_voices(state: ServerState) -> dict[str, Any]:
    return {"voices": await state.db.run(usable_voices)}


# ---------------------------------------------------------------- the request
@dataclass(frozen=True)
class Ask:
    """What a speech request asks for, checked."""

    text: str
    voice: str
    fmt: str
    speed: float
    sse: bool


def _voice_name(data: dict[str, Any]) -> str:
    voice = data.get("voice")
    if isinstance(voice, dict):  # a voice object: {"id": NAME}
        if not isinstance(voice.get("id"), str):
            raise ApiError(400, "the voice object needs an 'id' naming a voice", param="voice")
        return str(voice["id"])
    name = text_field(data, "voice")
    assert name is not None
    return name


def read_ask(data: dict[str, Any], state: State) -> Ask:
    """The request's fields, each checked: 400 naming the first bad one."""
    model_name = text_field(data, "model")
    text = text_field(data, "input")
    assert model_name is not None and text is not None
    if model_name not in _models():
        raise ApiError(400, f"no model named {model_name!r}: use one of "
                       f"{', '.join(_models())}", param="model", code="model_not_found")
    check_text(text, "input", state.settings.max_input_chars)
    voice = _voice_name(data)
    fmt = data.get("response_format", "mp3")
    have = speech_stream.formats()
    if fmt not in have:
        raise ApiError(400, f"response_format {fmt!r} is not offered here: use one of "
                       f"{', '.join(have)}", param="response_format")
    speed = data.get("speed", 1.0)
    if isinstance(speed, bool) or not isinstance(speed, int | float) \
            or not MIN_SPEED <= speed <= MAX_SPEED:
        raise ApiError(400, f"speed {speed!r} is not a number from {MIN_SPEED} to "
                       f"{MAX_SPEED}", param="speed")
    stream_format = data.get("stream_format", "audio")
    if stream_format not in STREAM_FORMATS:
        raise ApiError(400, f"stream_format {stream_format!r} is not one of "
                       f"{', '.join(STREAM_FORMATS)}", param="stream_format")
    instructions = data.get("instructions")
    if instructions is not None and not isinstance(instructions, str):
        raise ApiError(400, "the field 'instructions' must be a string", param="instructions")
    if instructions and instructions.strip():
        raise ApiError(400, "instructions are not supported: no voice here follows spoken "
                       "directions (tone, accent, emotion); leave the field out, choose the "
                       "voice that fits, and set speed and pauses with markup in the input "
                       "([speed 0.9] … [/speed], [pause 1s])", param="instructions",
                       code="unsupported_parameter")
    check_output(state, text, float(speed))  # bounded before anything is queued
    return Ask(text, voice, str(fmt), float(speed), stream_format == "sse")


async def queue_speech(state: State, ask: Ask) -> Project:
    """The request's one-shot project, made and queued at interactive priority."""

    def make(library: Library) -> Project:
        try:
            mapping = speech_stream.voice_map(state.settings.voice_map)
        except UserError as err:
            raise ApiError(500, str(err), code="bad_setting") from None
        voice = speech_stream.speech_voice(library, ask.voice, mapping)
        if voice != ask.voice and library.find_voice(voice) is None:
            raise ApiError(400, f"the voice {ask.voice!r} stands for {voice!r} (server."
                           "voice_map, else the default voice), which is not in the library: "
                           "map it to a voice of GET /v1/audio/voices", param="voice",
                           code="unknown_voice")
        check_voice(library, voice)
        # kept while the request may wait for it, then as long as a result lives
        project = oneshot.create(library, ask.text, voice, ttl_s=state.settings.timeout_s
                                 + state.settings.result_ttl_s, speed=ask.speed)
        speech_stream.queue(library, project, hold_s=state.settings.timeout_s)
        return project

    try:
        return await state.db.run(make)
    except UserError as err:
        raise user_error(err) from None


@router.post("/v1/audio/speech")
async def speech(request: Request, started: Started, name: Key,
                 state: ServerState) -> Response:
    slot = contextlib.ExitStack()  # held until the stream ends
    slot.enter_context(state.keys.slot(name))
    try:
        ask = read_ask(await read_json(request), state)
        stream = SpeechStream(state, await queue_speech(state, ask), ask, started)
        await stream.start(request)
    except BaseException:
        slot.close()
        raise
    stream.release = slot.pop_all().close
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    if ask.sse:
        headers["X-Audio-Media-Type"] = speech_stream.MEDIA_TYPES[ask.fmt]
    return Streamed(stream, headers=headers, media_type="text/event-stream" if ask.sse
                    else speech_stream.MEDIA_TYPES[ask.fmt])


# ---------------------------------------------------------------- the stream
class Cut(Exception):
    """A raw audio stream that cannot go on: it ends without its last chunk."""


class SpeechStream:
    """One request's audio: waits for each next segment's take (through the
    server's one :class:`~studio.server.waiter.Waiter`), joins and encodes it
    off the event loop, and yields the bytes or events to send."""

    def __init__(self, state: State, project: Project, ask: Ask, started: float) -> None:
        self.state, self.project, self.ask = state, project, ask
        self.deadline = started + state.settings.timeout_s
        self.joiner = speech_stream.Joiner()
        self.encoder: speech_stream.Encoder | None = None
        self.pending: list[speech_stream.Piece] = []
        self.cursor = 0  # the position of the next segment to read
        self.sent = 0  # segments sent
        self.seen = 0  # segments rendered, as last seen
        self.total = 1
        self.released = False  # the segments after the first are held until it lands
        self.seconds = 0.0  # of audio joined so far: bounded by server.max_audio_s
        self.release: Callable[[], None] = lambda: None
        self.closed = False

    async def start(self, request: Request) -> None:
        """Wait for the first segment's take; a client that leaves meanwhile,
        or a stop whose grace runs out, gets the request's jobs cancelled
        (and no answer, or a 503)."""
        gone = asyncio.ensure_future(until_gone(request))
        try:
            while not self.pending:
                await unless_stopped(self.state, self._next(), gone)
        except BaseException:
            await settle(self.state, self.close())
            raise
        finally:
            gone.cancel()

    async def _next(self) -> None:
        """Wait until more segments are rendered, then read those in order."""
        try:
            mark = await self.state.waiter.landing(
                self.project.id, self.seen, max(0.1, self.deadline - time.monotonic()))
        except TimeoutError:
            raise ApiError(504, f"the audio was not ready within "
                           f"{self.state.settings.timeout_s:g} s: try a shorter text, or "
                           "retry when the queue is shorter", code="timeout") from None
        except EngineDown as err:
            raise ApiError(503, f"the engine cannot render: {err}", code="engine_down") from None
        self.seen, self.total = mark.rendered, mark.total
        self.pending, self.cursor = await self.state.db.run(
            speech_stream.landed, self.project.id, self.cursor)
        if self.pending and not self.released:  # the first has landed: the rest may go
            await self.state.db.run(speech_stream.release, self.project)
            self.released = True
        if not self.pending and mark.outcome is not None and not mark.outcome.done:
            raise ApiError(500, f"the render failed: {'; '.join(mark.outcome.errors)[:500]}",
                           code="render_failed")

    async def chunks(self) -> AsyncIterator[bytes]:
        """The response body, piece by piece."""
        try:
            while True:
                if self.pending:
                    pieces, self.pending = self.pending, []
                    data = await anyio.to_thread.run_sync(self._encode, pieces)
                    self.sent += len(pieces)
                    for chunk in self._framed(data):
                        yield chunk
                if self.sent >= self.total:
                    break
                await unless_stopped(self.state, self._next())
            for chunk in self._framed(await anyio.to_thread.run_sync(self._flush)):
                yield chunk
            if self.ask.sse:
                used = len(self.ask.text)  # no tokenizer here: the input's characters
                yield _event({"type": "speech.audio.done", "usage": {
                    "input_tokens": used, "output_tokens": 0, "total_tokens": used}})
        except (ApiError, UserError) as err:
            failed = err if isinstance(err, ApiError) else ApiError(
                500, f"a take could not be read: {err}", code="render_failed")
            if not self.ask.sse:
                raise Cut(failed.message) from None
            yield _event({"type": "error", **body("/v1/audio/speech", failed.status,
                                                  failed.message, failed.param, failed.code)})

    def _encode(self, pieces: list[speech_stream.Piece]) -> bytes:
        out = []
        for piece in pieces:
            samples = self.joiner.join(piece)
            self.seconds += len(samples) / self.joiner.rate
            if self.seconds > self.state.settings.max_audio_s:  # longer than it looked
                raise ApiError(400, f"the input made over {self.state.settings.max_audio_s:g} "
                               "s of audio, the limit a request: split it, or make a project "
                               "(the server's setting server.max_audio_s raises the limit)",
                               code="too_long")
            if self.encoder is None:
                self.encoder = speech_stream.ENCODERS[self.ask.fmt](self.joiner.rate)
            out.append(self.encoder.feed(samples))
            self.state.metrics.add_audio("speech", len(samples) / self.joiner.rate)
        return b"".join(out)

    def _flush(self) -> bytes:
        return self.encoder.close() if self.encoder is not None else b""

    def _framed(self, data: bytes) -> list[bytes]:
        if not self.ask.sse:
            return [data] if data else []
        return [_event({"type": "speech.audio.delta",
                        "audio": base64.b64encode(data[at:at + DELTA_BYTES]).decode()})
                for at in range(0, len(data), DELTA_BYTES)]

    async def close(self) -> None:
        """Cancel what is left of the request's jobs (all of them when the
        client left early) and free its slot of the key's limit; once."""
        if self.closed:
            return
        self.closed = True
        try:
            await self.state.db.run(oneshot.finish, self.project)
        finally:
            self.release()


def _event(data: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(data)}\n\n".encode()


class Streamed(StreamingResponse):
    """The stream's response: a stream cut short is logged (the client sees
    an incomplete response), and the stream is closed however it ended: done,
    cut, or the client gone (Starlette cancels the body on a disconnect)."""

    def __init__(self, stream: SpeechStream, **kwargs: Any) -> None:
        super().__init__(stream.chunks(), **kwargs)
        self.stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except Cut as err:
            log.warning("speech stream of project %d cut short: %s", self.stream.project.id,
                        err)
        finally:
            await settle(self.stream.state, self.stream.close())

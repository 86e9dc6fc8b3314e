"""The compatible speech API: ``/v1/models``, ``/v1/audio/voices`` and
``/v1/audio/speech`` (text in, the audio itself out), answering as the API
its clients were written for, errors included (:mod:`studio.server.errors`)."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from studio.server import audio_out
from studio.server.errors import ApiError
from studio.server.shared import (
    Key,
    ServerState,
    Started,
    api_key,
    check_text,
    read_json,
    render_oneshot,
    text_field,
    usable_voices,
)
from studio.text.markup import MAX_SPEED, MIN_SPEED

MODELS = ("tts-1", "tts-1-hd", "gpt-4o-mini-tts")  # names the compatible clients send

router = APIRouter()


@router.get("/v1/models", dependencies=[Depends(api_key)])
async def models() -> dict[str, Any]:
    from studio.backends import installed_backends

    names = list(MODELS) + sorted(installed_backends())
    return {"object": "list", "data": [{"id": name, "object": "model", "created": 0,
                                        "owned_by": "voice-studio"} for name in names]}


@router.get("/v1/audio/voices", dependencies=[Depends(api_key)])
async def speech_voices(state: ServerState) -> dict[str, Any]:
    return {"voices": await state.db.run(usable_voices)}


@router.post("/v1/audio/speech")
async def speech(request: Request, started: Started, name: Key,
                 state: ServerState) -> Response:
    with state.keys.slot(name):
        data = await read_json(request)
        model = text_field(data, "model")
        text = text_field(data, "input")
        voice = text_field(data, "voice")
        assert model is not None and text is not None and voice is not None
        from studio.backends import installed_backends

        if model not in MODELS and model not in installed_backends():
            raise ApiError(400, f"no model named {model!r}: use one of "
                           f"{', '.join(list(MODELS) + sorted(installed_backends()))}",
                           param="model", code="model_not_found")
        check_text(text, "input", state.settings.max_input_chars)
        fmt = data.get("response_format", "mp3")
        have = audio_out.formats()
        if fmt not in have:
            raise ApiError(400, f"response_format {fmt!r} is not offered here: use one of "
                           f"{', '.join(have)}", param="response_format")
        speed = data.get("speed", 1.0)
        if isinstance(speed, bool) or not isinstance(speed, int | float) \
                or not MIN_SPEED <= speed <= MAX_SPEED:
            raise ApiError(400, f"speed {speed!r} is not a number from {MIN_SPEED} to "
                           f"{MAX_SPEED}", param="speed")
        samples, rate, _ = await render_oneshot(state, text, voice, float(speed), started)
        encoded = await anyio.to_thread.run_sync(
            lambda: audio_out.encode(samples, rate, str(fmt)))
        state.metrics.add_audio("speech", len(samples) / rate)
        return Response(encoded, media_type=audio_out.MEDIA_TYPES[str(fmt)])

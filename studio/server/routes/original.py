"""The original service's contract: ``/``, ``/voices``, ``/synthesize``
(text in, a download URL out; a voice by name or cloned from ``voice_url``)
and ``/audio/{name}`` (the results, kept ``result_ttl_s``). Errors are
``{"detail": message}``."""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from studio import audio
from studio.core.store import Library
from studio.errors import UserError
from studio.server.auth import bearer
from studio.server.errors import ApiError
from studio.server.fetch import FetchError, fetch, parse_allow
from studio.server.shared import (
    ServerState,
    Started,
    api_key,
    check_text,
    read_json,
    render_oneshot,
    state_of,
    text_field,
    usable_voices,
    user_error,
)
from studio.server.state import State
from studio.service import oneshot

_RESULT = re.compile(r"^[0-9a-f]{32}\.(wav|flac|mp3)$")

router = APIRouter()


async def body_and_key(request: Request) -> tuple[dict[str, Any], str]:
    """The JSON body, then the name of the key its ``apikey`` carries (else
    the headers' or query's): this contract reads the body before the key."""
    data = await read_json(request)
    apikey = data.get("apikey")
    key = apikey if isinstance(apikey, str) else None
    return data, await state_of(request).keys.check(key or bearer(request))


BodyAndKey = Annotated[tuple[dict[str, Any], str], Depends(body_and_key)]


@router.get("/", dependencies=[Depends(api_key)])
async def index(state: ServerState) -> dict[str, Any]:
    voices = await state.db.run(usable_voices)
    return {"status": "ok", "available_voices": [v["name"] for v in voices if v["usable"]]}


@router.get("/voices", dependencies=[Depends(api_key)])
async def voices(state: ServerState) -> list[str]:
    found = await state.db.run(usable_voices)
    return [v["name"] for v in found if v["usable"]]


@router.post("/synthesize")
async def synthesize(started: Started, sent: BodyAndKey, state: ServerState) -> dict[str, Any]:
    data, name = sent
    with state.keys.slot(name):
        target = text_field(data, "target")
        assert target is not None
        check_text(target, "target", state.settings.max_target_chars)
        voice = text_field(data, "voice", required=False)
        url = text_field(data, "voice_url", required=False)
        if voice is None and url is None:
            raise ApiError(400, "the field 'voice' is missing (or give 'voice_url' and "
                           "'voice_prompt_text')", param="voice", code="missing_field")
        if voice is not None and url is not None:
            raise ApiError(400, "give either 'voice' or 'voice_url', not both",
                           param="voice")
        if url is not None:
            prompt_text = text_field(data, "voice_prompt_text")
            assert prompt_text is not None
            voice = await _voice_from_url(state, url, prompt_text)
        assert voice is not None
        samples, rate, count = await render_oneshot(state, target, voice, 1.0, started,
                                                    made_here=url is not None)
        token = secrets.token_hex(16)
        path = state.results / f"{token}.wav"
        await anyio.to_thread.run_sync(
            lambda: audio.write_audio(path, samples, rate))
        state.metrics.add_audio("synthesize", len(samples) / rate)
        return {"download_url": f"/audio/{token}.wav",
                "processing_time_seconds": round(time.monotonic() - started, 3),
                "num_chunks": count}


@router.get("/audio/{filename:path}", dependencies=[Depends(api_key)])
async def result_audio(state: ServerState, filename: str) -> Response:
    if "/" in filename or "\\" in filename or ".." in filename or "\x00" in filename:
        raise ApiError(400, f"{filename!r} is not a result file name: use the "
                       "download_url /synthesize gave")
    path = (state.results / filename).resolve()
    if not _RESULT.match(filename) or not path.is_relative_to(state.results.resolve()) \
            or not path.is_file():
        raise ApiError(404, f"no audio file {filename!r} (results expire after "
                       f"{state.settings.result_ttl_s:g} s)")
    data = await anyio.to_thread.run_sync(path.read_bytes)
    return Response(data, media_type="audio/wav")


async def _voice_from_url(state: State, url: str, prompt_text: str) -> str:
    """Fetch the clip at ``url``, check it, and make a one-shot voice of it;
    its name. 400 for a URL or clip that cannot be used, 503 when no
    cloning backend can render here (checked before anything is written)."""
    settings = state.settings
    if not prompt_text.strip():
        raise ApiError(400, "the field 'voice_prompt_text' is empty: give what the clip says",
                       param="voice_prompt_text")
    try:
        allow = parse_allow(settings.voice_url_allow)
    except ValueError as err:
        raise ApiError(500, f"the voice_url_allow setting is not a list of networks ({err})"
                       ) from None
    try:
        fetched = await anyio.to_thread.run_sync(
            lambda: fetch(url, max_bytes=settings.voice_url_max_bytes,
                          timeout_s=settings.voice_url_timeout_s, allow=allow))
    except FetchError as err:
        raise ApiError(400, str(err), param="voice_url") from None

    def make(library: Library) -> str:
        from studio.backends import installed_backends
        from studio.core.prompts import check_prompt, import_voice

        with tempfile.TemporaryDirectory() as folder:
            clip = Path(folder) / f"voice_url{fetched.suffix}"
            clip.write_bytes(fetched.data)
            try:
                check_prompt(clip)
            except UserError as err:
                raise ApiError(400, f"voice_url's audio cannot be a voice: {err}",
                               param="voice_url") from None
            cloners = [cls for cls in installed_backends().values() if cls.can_clone]
            reasons = [cls.available(library.settings_with_prefix(f"{cls.name}."))
                       for cls in cloners]
            if not cloners or all(reason is not None for reason in reasons):
                why = next((r.explained for r in reasons if r is not None),
                           "no voice-cloning backend is installed")
                raise ApiError(503, f"voice cloning cannot run here: {why}",
                               code="backend_unavailable")
            name = f"{oneshot.PREFIX}{secrets.token_hex(8)}"
            import_voice(library, name, clip, prompt_text)
            return name

    try:
        return await state.db.run(make)
    except UserError as err:
        raise user_error(err, "voice_url") from None

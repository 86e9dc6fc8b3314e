"""The original service's contract: ``/``, ``/voices``, ``/synthesize``
(text in, a download URL out; a voice by name or cloned from ``voice_url``)
and ``/audio/{name}`` (the results, kept ``result_ttl_s``). Errors are
``{"detail": message}``.

As the original allowed, its clients send the key in the POST body only:
``/synthesize`` checks a key in the headers before reading the body, and
reads the body for its ``apikey`` only when the headers carry none. The
answer's ``download_url`` is absolute (``server.public_url``, else the
request's own scheme and host) and its file name is a capability: fetching
it needs no key until the result expires.
"""

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
from studio.core.serving import plain_host
from studio.core.store import Library
from studio.errors import UserError
from studio.server.auth import bearer
from studio.server.errors import ApiError
from studio.server.fetch import FetchError, fetch, parse_allow
from studio.server.settings import ServerSettings
from studio.server.shared import (
    ServerState,
    Started,
    api_key,
    check_output,
    check_text,
    check_tree,
    json_object,
    render_oneshot,
    state_of,
    text_field,
    usable_voices,
    user_error,
)
from studio.server.state import State
from studio.service import oneshot

NO_KEY = ("no API key: send it as 'apikey' in a JSON object body, or as `Authorization: "
          "Bearer KEY` (make one with `studio keys add NAME`)")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

router = APIRouter()


async def body_and_key(request: Request) -> tuple[dict[str, Any], str]:
    """The key, then the JSON body: a key in the headers (or query) is
    checked before the body is read; without one, the body must be a JSON
    object whose ``apikey`` is a live key before any other field is looked
    at (401 otherwise, whatever else is wrong with it)."""
    keys = state_of(request).keys
    header = bearer(request)
    if header is not None:
        name = await keys.check(header)
        return json_object(await request.body()), name
    try:
        data = json_object(await request.body(), tree=False)
    except ApiError as err:
        raise ApiError(401, f"{NO_KEY}; {err.message}", code="missing_api_key") from None
    apikey = data.get("apikey")
    if not isinstance(apikey, str) or not apikey or _SURROGATE.search(apikey):
        raise ApiError(401, NO_KEY, code="missing_api_key")
    name = await keys.check(apikey)
    check_tree(data)
    return data, name


BodyAndKey = Annotated[tuple[dict[str, Any], str], Depends(body_and_key)]


def base_url(request: Request, settings: ServerSettings) -> str:
    """Where clients reach this server: ``server.public_url`` when set, else
    the request's own scheme and Host (a Host that is not a plain host[:port]
    is ignored for the address the request came in on)."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = request.headers.get("host", "")
    if not plain_host(host):
        address, port = request.scope.get("server") or (settings.host, settings.port)
        host = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    return f"{request.scope.get('scheme', 'http')}://{host}"


@router.get("/", dependencies=[Depends(api_key)])
async def index(state: ServerState) -> dict[str, Any]:
    voices = await state.db.run(usable_voices)
    return {"status": "ok", "available_voices": [v["name"] for v in voices if v["usable"]]}


@router.get("/voices", dependencies=[Depends(api_key)])
async def voices(state: ServerState) -> list[str]:
    found = await state.db.run(usable_voices)
    return [v["name"] for v in found if v["usable"]]


@router.post("/synthesize")
async def synthesize(request: Request, started: Started, sent: BodyAndKey,
                     state: ServerState) -> dict[str, Any]:
    data, name = sent
    with state.keys.slot(name):
        target = text_field(data, "target")
        assert target is not None
        check_text(target, "target", state.settings.max_target_chars)
        check_output(state, target, 1.0)  # before a voice_url is fetched
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
        result = oneshot.result_name()
        path = state.results / result
        await anyio.to_thread.run_sync(
            lambda: audio.write_audio(path, samples, rate))
        state.metrics.add_audio("synthesize", len(samples) / rate)
        return {"download_url": f"{base_url(request, state.settings)}/audio/{result}",
                "processing_time_seconds": round(time.monotonic() - started, 3),
                "num_chunks": count}


@router.get("/audio/{filename:path}")
async def result_audio(request: Request, state: ServerState, filename: str) -> Response:
    """A result by the name ``/synthesize`` gave, a capability: no key is
    needed for it. Any other name needs a key and is refused before the
    filesystem is looked at."""
    shown = repr(filename[:100])
    if not oneshot.is_result_name(filename):
        await state.keys.check(bearer(request))
        if any(part in filename for part in ("/", "\\", "..", "\x00")):
            raise ApiError(400, f"{shown} is not a result file name: use the download_url "
                           "/synthesize gave")
        raise ApiError(404, f"no audio file {shown}: use the download_url /synthesize gave")
    ttl = state.settings.result_ttl_s
    data = await anyio.to_thread.run_sync(
        lambda: oneshot.read_result(state.results, filename, ttl))
    if data is None:
        raise ApiError(404, f"no audio file {shown} (results expire after {ttl:g} s)")
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

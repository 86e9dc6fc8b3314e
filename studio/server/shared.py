"""What the routers share: the dependencies every route uses (the server's
state, the caller's key, when the request arrived), reading the JSON body and
its fields, the checks of a voice and of a text to speak, and the one-shot
render behind ``/synthesize`` and ``/v1/audio/speech``."""

from __future__ import annotations

import json
import math
import time
from typing import Annotated, Any

import anyio
from fastapi import Depends, Path, Query
from starlette.requests import Request

from studio import audio
from studio.core.export import ExportSettings, join_takes
from studio.core.planning import backend_for_voice, voice_fit
from studio.core.store import Library, Project, Segment, Take
from studio.errors import UserError
from studio.server.auth import bearer
from studio.server.errors import ApiError
from studio.server.state import State, unless_stopped
from studio.server.waiter import EngineDown
from studio.service import limits, oneshot, render


# ---------------------------------------------------------------- dependencies
def state_of(request: Request) -> State:
    """The server's state, as the app's lifespan left it."""
    state: State = request.app.state.studio
    return state


async def server_state(request: Request) -> State:
    """The server's state (a dependency)."""
    return state_of(request)


async def api_key(request: Request) -> str:
    """The name of the key the request's headers or query carry (a
    dependency); 401 when there is none or it is not live."""
    return await state_of(request).keys.check(bearer(request))


async def arrival() -> float:
    """When the request arrived (a dependency, asked before the key is
    checked): the monotonic clock a one-shot's timeout counts from."""
    return time.monotonic()


ServerState = Annotated[State, Depends(server_state)]
Key = Annotated[str, Depends(api_key)]
Started = Annotated[float, Depends(arrival)]
LARGEST = 2**63 - 1  # the largest integer a path, query or body may hold (SQLite's)
PathId = Annotated[int, Path(ge=1, le=LARGEST)]  # a project's id, a segment's number
QueryId = Annotated[int | None, Query(ge=1, le=LARGEST)]


# ---------------------------------------------------------------- the body
MAX_DEPTH = 64  # nesting of a body's arrays and objects; ours need 3


class _Refused(ValueError):
    """A JSON body refused while parsing (a number out of range)."""


def _integer(text: str) -> int:
    value = int(text) if len(text) <= 20 else LARGEST + 1  # no 5,000-digit conversions
    if abs(value) > LARGEST:
        shown = text if len(text) <= 24 else f"{text[:20]}… ({len(text)} digits)"
        raise _Refused(f"the body holds the integer {shown}, out of range: send a whole "
                       f"number within ±{LARGEST}")
    return value


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the body holds the number {text[:24]}, too large for a float: "
                       "send a smaller number")
    return value


def _constant(text: str) -> float:
    raise _Refused(f"the body holds {text}, which is not JSON: send a number or null")


def is_json(content_type: str) -> bool:
    """Whether a Content-Type names JSON (``application/json``, ``…+json``)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/")
                                           and kind.endswith("+json"))


def _lone_surrogate(text: str) -> str | None:
    """The first lone surrogate of ``text`` as ``\\uXXXX``, if any."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return f"\\u{ord(text[err.start]):04x}"
    return None


def check_tree(data: dict[str, Any]) -> None:
    """400 for a body nested over :data:`MAX_DEPTH` or holding a lone
    surrogate (valid in JSON's escapes, not in UTF-8 nor in the library)."""
    stack: list[tuple[Any, int, str | None]] = [(data, 1, None)]
    while stack:
        value, depth, field = stack.pop()
        if depth > MAX_DEPTH:
            raise ApiError(400, f"the body is nested over {MAX_DEPTH} levels: send a flat "
                           "JSON object", param=field)
        lone = None
        if isinstance(value, dict):
            for key, item in value.items():
                if (lone := _lone_surrogate(key)) is not None:
                    break
                stack.append((item, depth + 1, field or key))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, field) for item in value)
        elif isinstance(value, str):
            lone = _lone_surrogate(value)
        if lone is not None:
            where = f"the field {field!r}" if field else "a field's name"
            raise ApiError(400, f"the body holds a lone surrogate ({lone}) in {where}: send "
                           "text as valid Unicode", param=field)


async def read_json(request: Request) -> dict[str, Any]:
    """The JSON object of the body; 415 for a Content-Type that is not JSON
    (none is taken as JSON), 400 naming what is wrong with the body: not
    UTF-8, not JSON, nested too deep, a number out of range, a lone
    surrogate."""
    kind = request.headers.get("content-type")
    if kind is not None and not is_json(kind):
        raise ApiError(415, f"the body must be JSON, not {kind[:60]!r}: send it with "
                       "`Content-Type: application/json`", code="unsupported_media_type")
    data = json_object(await request.body(), tree=False)
    check_tree(data)
    return data


def json_object(raw: bytes, *, tree: bool = True) -> dict[str, Any]:
    """The JSON object in ``raw``: 400 naming what is wrong with it (not
    UTF-8, not JSON, nested too deep, a number out of range, not an object),
    never a parser's own text; ``tree``: its strings checked too
    (:func:`check_tree`)."""
    if not raw.strip():
        raise ApiError(400, "the request has no body: send a JSON object")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ApiError(400, f"the body is not UTF-8 (byte 0x{raw[err.start]:02x} at offset "
                       f"{err.start}): send JSON encoded as UTF-8") from None
    try:
        data = json.loads(text, parse_int=_integer, parse_float=_number,
                          parse_constant=_constant)
    except json.JSONDecodeError as err:
        problem = err.msg.lower().removesuffix(" at")
        raise ApiError(400, f"the body is not valid JSON ({problem} at line {err.lineno}, "
                       f"column {err.colno}): send a JSON object") from None
    except RecursionError:
        raise ApiError(400, f"the body is nested over {MAX_DEPTH} levels: send a flat JSON "
                       "object") from None
    except _Refused as err:
        raise ApiError(400, str(err)) from None
    if not isinstance(data, dict):
        raise ApiError(400, "the body must be a JSON object")
    if tree:
        check_tree(data)
    return data


def text_field(data: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    """The string field ``name`` of ``data``; 400 when it is not a string,
    or is missing and ``required``."""
    value = data.get(name)
    if value is None:
        if required:
            raise ApiError(400, f"the field {name!r} is missing", param=name,
                           code="missing_field")
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"the field {name!r} must be a string", param=name)
    return value


# Refusals of what the library holds now, not of the request's form: 409.
CONFLICTS = frozenset({"paused", "locked", "not_rendered", "exists"})


def user_error(err: UserError, param: str | None = None) -> ApiError:
    """``err`` as a response: 503 for a backend that cannot run, 409 for a
    refusal by the library's state (:data:`CONFLICTS`), else 400; the
    refusal's code goes with it."""
    from studio.backends import Unavailable

    if isinstance(err, Unavailable):
        return ApiError(503, err.explained, param=param, code="backend_unavailable")
    status = 409 if err.code in CONFLICTS else 400
    if err.code == "emoji":  # no request field drops them: the client removes them
        return ApiError(status, f"{err.problem}: remove it from the text", param=param,
                        code="emoji")
    return ApiError(status, str(err), param=param, code=err.code or None)


# ---------------------------------------------------------------- voices and texts
def usable_voices(library: Library) -> list[dict[str, Any]]:
    """Every voice a request may name, with whether it can render here."""
    out = []
    for voice in library.voices():
        if voice.name.startswith(oneshot.PREFIX):
            continue
        fit = voice_fit(library, voice)
        out.append({"id": voice.name, "name": voice.name, "kind": voice.kind,
                    "language": voice.language, "backend": fit.backend,
                    "usable": fit.usable, "problem": fit.problem})
    return out


def check_text(text: str, field: str, limit: int) -> None:
    """400 for a text to speak that is empty or over ``limit`` characters."""
    if not text.strip():
        raise ApiError(400, f"the field {field!r} is empty: send the text to speak",
                       param=field)
    if len(text) > limit:
        raise ApiError(400, f"the field {field!r} has {len(text)} characters, over the limit "
                       f"of {limit}: split it, or make a project (POST /v1/projects)",
                       param=field, code="input_too_long")


def check_voice(library: Library, name: str, made_here: bool = False) -> None:
    """400 for a voice a request may not name (one made from another
    request's voice_url included), 503 for one whose backend cannot run."""
    from studio.core.planning import ensure_presets

    ensure_presets(library)
    voice = library.find_voice(name)
    if voice is None or (voice.name.startswith(oneshot.PREFIX) and not made_here):
        names = ", ".join(v.name for v in library.voices()
                          if not v.name.startswith(oneshot.PREFIX))
        raise ApiError(400, f"no voice named {name!r}: voices here: {names}", param="voice",
                       code="unknown_voice")
    backend_for_voice(voice, library)  # Unavailable: 503


# ---------------------------------------------------------------- the one-shot render
def check_output(state: State, text: str, speed: float) -> None:
    """Refuse a request whose audio would pass the output limits, before
    anything is fetched, made or queued (:func:`studio.service.limits.check_request`)."""
    try:
        limits.check_request(text, speed=speed, max_pause_s=state.settings.max_pause_s,
                             max_audio_s=state.settings.max_audio_s)
    except UserError as err:
        raise user_error(err) from None


async def render_oneshot(state: State, text: str, voice: str, speed: float,
                         started: float, made_here: bool = False
                         ) -> tuple[audio.Audio, int, int]:
    """Queue ``text`` as a one-shot project, wait, and join its takes:
    (samples, rate, segments). ``made_here``: the voice was made from this
    request's voice_url. Raises :class:`ApiError`."""
    check_output(state, text, speed)
    try:
        await state.db.run(check_voice, voice, made_here)
        project: Project = await state.db.run(
            # kept while the request may wait for it, then as long as a result lives
            lambda lib: oneshot.create(lib, text, voice, ttl_s=state.settings.timeout_s
                                       + state.settings.result_ttl_s,
                                       speed=speed))
        await state.db.run(lambda lib: render.queue_project(lib, project,
                                                             interactive=True))
    except UserError as err:
        raise user_error(err) from None
    left = state.settings.timeout_s - (time.monotonic() - started)
    try:
        outcome = await unless_stopped(state, state.waiter.wait(project.id, max(0.1, left)))
    except ApiError:  # the server stopped and this request's grace is over
        await state.db.run(oneshot.finish, project)
        raise
    except TimeoutError:
        await state.db.run(oneshot.finish, project)
        raise ApiError(504, f"the audio was not ready within {state.settings.timeout_s:g} s: "
                       "try a shorter text, or retry when the queue is shorter",
                       code="timeout") from None
    except EngineDown as err:
        await state.db.run(oneshot.finish, project)
        raise ApiError(503, f"the engine cannot render: {err}", code="engine_down") from None
    if not outcome.done:
        await state.db.run(oneshot.finish, project)
        raise ApiError(500, f"the render failed: {'; '.join(outcome.errors)[:500]}",
                       code="render_failed")
    settings = ExportSettings(lead_in_s=0.0, tail_s=0.0)

    def takes(library: Library) -> list[tuple[Segment, Take]]:
        oneshot.finish(library, project)
        limits.check_rendered(library, project, state.settings.max_audio_s, settings)
        return oneshot.rendered_takes(library, project)

    try:
        pairs = await state.db.run(takes)
    except UserError as err:
        raise user_error(err) from None

    def join() -> tuple[audio.Audio, int, int]:  # audio work: off the database threads
        samples, rate, cues = join_takes(state.root, pairs, settings)
        samples, _ = audio.normalize_loudness(samples, rate, settings.lufs, settings.peak_db)
        return samples, rate, len(cues)

    samples, rate, count = await anyio.to_thread.run_sync(join)
    return samples, rate, count

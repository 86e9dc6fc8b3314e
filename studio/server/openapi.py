"""The server's OpenAPI document, ``GET /openapi.json``, behind the key like
every route but ``/health``.

FastAPI's own document knows each route's path and query parameters and
little more: the routes read their JSON bodies by hand
(:func:`~studio.server.shared.read_json`, so that a malformed body is a 400
in the route's own error shape), answer errors in two shapes
(:mod:`studio.server.errors`), audio and event streams. :func:`complete`
takes ``app.openapi()`` and writes in what each route really takes and
answers: its request body, its success and error responses with their media
types and bodies, and the key's ways in (security schemes). The fuzz tests
(``tests/test_server_fuzz.py``) hold the server to this document response
by response, so it says what the server does, no more: where a rule cannot
be written exactly in JSON Schema (a voice that exists, a text with words
to speak, a name not taken), the document leaves it to the 400 or 409 it
declares. A route without an entry in :data:`SPECS` fails the build.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse

from studio import audio
from studio.server.errors import TYPES
from studio.server.routes.review import MARKS
from studio.server.routes.speech import STREAM_FORMATS, _models
from studio.server.settings import ServerSettings
from studio.server.shared import LARGEST, api_key
from studio.service import speech_stream
from studio.text.markup import MAX_SPEED, MIN_SPEED

Schema = dict[str, Any]
KEYED: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKeyHeader": []},
                                     {"apiKeyQuery": []}]
ID: Schema = {"type": "integer", "minimum": 1, "maximum": LARGEST}
COUNT: Schema = {"type": "integer", "minimum": 0}
TEXT: Schema = {"type": "string"}
NULLABLE_TEXT: Schema = {"type": ["string", "null"]}
ENGINE: Schema = {"enum": ["running", "starting", "idle"],
                  "description": "the engine: running, starting, or idle (it starts on demand)"}
BINARY: Schema = {"type": "string", "format": "binary"}
EXPORT_MEDIA = ("audio/wav", "audio/flac", "audio/mpeg", "audio/mp4")  # a project's audio


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str) -> dict[str, Schema]:
    return {"application/json": {"schema": _ref(name)}}


def _examples() -> dict[str, Schema]:
    """A request each body route takes, for the reader (and the fuzzer's
    first cases): the preset voice, short texts."""
    from studio.core.planning import DEFAULT_VOICE

    return {
        "SpeechRequest": {"model": "tts-1", "input": "Hello from the studio.",
                          "voice": DEFAULT_VOICE, "response_format": "wav"},
        "SynthesizeRequest": {"target": "Hello from the studio.", "voice": DEFAULT_VOICE},
        "ProjectRequest": {"name": "Welcome", "script": "The first sentence. The second."},
        "SegmentText": {"text": "New words for the segment."},
        "LexiconChange": {"entries": [{"term": "Nguyen", "alias": "new-win"}]},
    }


def _blank() -> Schema:
    """A string the server takes as blank: only what ``str.strip`` removes
    (Python's whitespace, every character of it, so that the document and
    the server agree on each one)."""
    spaces = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(sys.maxunicode + 1))
                     if c.isspace())
    return {"pattern": f"^[{spaces}]*$"}


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


# ---------------------------------------------------------------- what each route answers
@dataclass(frozen=True)
class Spec:
    """One operation: its success (status, media types with schemas), the
    error statuses it can answer, its request body (a component's name), and
    whether it needs the key (``key``), takes one (``optional``) or not
    (``none``)."""

    ok: int
    content: dict[str, Schema]
    errors: tuple[int, ...] = (401,)
    body: str | None = None
    security: str = "key"
    description: str = ""


_PROJECT = "/v1/projects/{project_id}"
_SEGMENT = f"{_PROJECT}/segments/{{number}}"
_IDS = (400, 401, 404)  # a path id that is not a whole number in range; no such one
_JSON_BODY = (400, 413, 415)  # a body that is not a JSON object as asked; too large; not JSON

SPECS: dict[tuple[str, str], Spec] = {
    ("GET", "/health"): Spec(200, _json("Health"), (), security="none"),
    ("GET", "/ready"): Spec(200, _json("Ready"), (401, 503)),
    ("GET", "/metrics"): Spec(200, {"text/plain": {"schema": TEXT}}),
    ("GET", "/openapi.json"): Spec(200, {"application/json": {"schema": {"type": "object"}}}),
    ("GET", "/"): Spec(200, _json("Index")),
    ("GET", "/voices"): Spec(200, _json("VoiceNames")),
    ("POST", "/synthesize"): Spec(
        200, _json("Synthesized"), (400, 401, 413, 429, 500, 503, 504), "SynthesizeRequest",
        description="The key may also come as the body's `apikey` when no header carries one."),
    ("GET", "/audio/{filename}"): Spec(
        200, {"audio/wav": {"schema": BINARY}}, (400, 401, 404), security="optional",
        description="A result's name (`[0-9a-f]{32}.wav`) is a capability: no key needed. "
                    "Any other name needs the key."),
    ("GET", "/v1/models"): Spec(200, _json("ModelList")),
    ("GET", "/v1/models/{model_id}"): Spec(200, _json("Model"), (401, 404)),
    ("GET", "/v1/audio/voices"): Spec(200, _json("SpeechVoices")),
    ("POST", "/v1/audio/speech"): Spec(
        200, {}, (*_JSON_BODY, 401, 429, 500, 503, 504), "SpeechRequest",
        description="The audio, streamed as each segment renders; `stream_format: sse` sends "
                    "it as `speech.audio.delta` events and a last `speech.audio.done`."),
    ("GET", "/v1/projects"): Spec(200, _json("ProjectList")),
    ("POST", "/v1/projects"): Spec(201, _json("Project"), (*_JSON_BODY, 401, 409, 429, 503),
                                   "ProjectRequest"),
    ("GET", _PROJECT): Spec(200, _json("Project"), _IDS),
    ("GET", f"{_PROJECT}/segments"): Spec(200, _json("SegmentList"), _IDS),
    ("GET", f"{_PROJECT}/events"): Spec(
        200, {"text/event-stream": {"schema": _ref("ProjectEvent")}}, _IDS),
    ("GET", f"{_PROJECT}/audio"): Spec(
        200, {media: {"schema": BINARY} for media in EXPORT_MEDIA},
        (*_IDS, 409, 416, 429, 503)),
    ("GET", f"{_PROJECT}/srt"): Spec(200, {"application/x-subrip": {"schema": TEXT}},
                                     (*_IDS, 409, 429, 503)),
    ("POST", f"{_PROJECT}/render"): Spec(202, _json("Project"), (*_IDS, 409, 503)),
    ("POST", f"{_PROJECT}/pause"): Spec(200, _json("Project"), _IDS),
    ("POST", f"{_PROJECT}/resume"): Spec(200, _json("Project"), _IDS),
    ("PATCH", _SEGMENT): Spec(200, _json("SegmentEdited"), (*_IDS, 409, 413, 415),
                              "SegmentText"),
    ("POST", f"{_SEGMENT}/regenerate"): Spec(202, _json("Regenerated"), (*_IDS, 409)),
    **{("POST", f"{_SEGMENT}/{action}"): Spec(200, _json("SegmentMarked"), (*_IDS, 409))
       for action in MARKS},
    ("GET", "/v1/lexicon"): Spec(200, _json("LexiconList"), _IDS),
    ("POST", "/v1/lexicon"): Spec(200, _json("LexiconChanged"), (*_IDS, 409, 413, 415),
                                  "LexiconChange"),
}

WHY = {
    400: "Invalid input: the message names the problem and what to do.",
    401: "No API key, or one that is not valid or was revoked.",
    404: "No such thing (the message names it).",
    409: "Refused by the library's state now (code `paused`, `locked`, `not_rendered` or "
         "`exists`).",
    413: "The request body is over the server's limit (`server.max_body_bytes`).",
    415: "The body is not sent as JSON (`Content-Type: application/json`).",
    416: "The byte range asked for (`Range`) is not in the file.",
    429: "The key has its limit of requests in flight (`server.key_concurrency`), or of "
         "exports (`server.key_exports`): retry after `Retry-After`.",
    500: "The render failed, every attempt.",
    503: "The engine, or the voice's backend, cannot run here; or the server is stopping "
         "(code `server_stopping`): retry after `Retry-After`.",
    504: "The audio was not ready within the server's timeout (`server.timeout_s`).",
}


# ---------------------------------------------------------------- the schemas
def _schemas(settings: ServerSettings) -> dict[str, Schema]:
    blank = _blank()
    words = {"type": "string", "minLength": 1, "not": blank}  # not only whitespace
    count = {"type": "object", "additionalProperties": COUNT}
    speech_voice = {"anyOf": [TEXT, {"type": "object", "required": ["id"],
                                     "properties": {"id": TEXT}}]}
    return {
        "Detail": {"type": "object", "required": ["detail"], "additionalProperties": False,
                   "properties": {"detail": {"type": "string", "minLength": 1}}},
        "Error": {"type": "object", "required": ["error"], "additionalProperties": False,
                  "properties": {"error": {
                      "type": "object", "additionalProperties": False,
                      "required": ["message", "type", "param", "code"],
                      "properties": {"message": {"type": "string", "minLength": 1},
                                     "type": {"enum": sorted(set(TYPES.values()))},
                                     "param": NULLABLE_TEXT, "code": NULLABLE_TEXT}}}},
        "Health": {"type": "object", "required": ["status"], "additionalProperties": False,
                   "properties": {"status": {"const": "ok"}}},
        "Ready": {"type": "object", "required": ["status", "engine", "workers"],
                  "additionalProperties": False,
                  "properties": {"status": {"const": "ready"}, "engine": ENGINE,
                                 "workers": count}},
        "NotReady": {"type": "object", "required": ["status", "detail", "engine", "workers"],
                     "additionalProperties": False,
                     "properties": {"status": {"const": "not_ready"}, "detail": TEXT,
                                    "engine": ENGINE, "workers": count}},
        "Index": {"type": "object", "required": ["status", "available_voices"],
                  "additionalProperties": False,
                  "properties": {"status": {"const": "ok"},
                                 "available_voices": _ref("VoiceNames")}},
        "VoiceNames": {"type": "array", "items": TEXT},
        "SynthesizeRequest": {
            "type": "object", "required": ["target"],
            "properties": {
                "apikey": {"description": "The key, read only when no header carries one."},
                "target": words | {"maxLength": settings.max_target_chars},
                "voice": NULLABLE_TEXT, "voice_url": NULLABLE_TEXT},
            "oneOf": [
                {"required": ["voice"], "properties": {"voice": TEXT,
                                                        "voice_url": {"type": "null"}}},
                {"required": ["voice_url", "voice_prompt_text"],
                 "properties": {"voice": {"type": "null"}, "voice_url": TEXT,
                                "voice_prompt_text": words}}]},
        "Synthesized": {"type": "object", "additionalProperties": False,
                        "required": ["download_url", "processing_time_seconds", "num_chunks"],
                        "properties": {"download_url": {"type": "string",
                                                        "pattern": "^https?://.*/audio/"
                                                                   "[0-9a-f]{32}\\.wav$"},
                                       "processing_time_seconds": {"type": "number",
                                                                   "minimum": 0},
                                       "num_chunks": COUNT}},
        "Model": {"type": "object", "required": ["id", "object", "created", "owned_by"],
                  "additionalProperties": False,
                  "properties": {"id": TEXT, "object": {"const": "model"},
                                 "created": COUNT, "owned_by": TEXT}},
        "ModelList": {"type": "object", "required": ["object", "data"],
                      "additionalProperties": False,
                      "properties": {"object": {"const": "list"},
                                     "data": {"type": "array", "items": _ref("Model")}}},
        "SpeechVoices": {"type": "object", "required": ["voices"], "additionalProperties": False,
                         "properties": {"voices": {"type": "array", "items": {
                             "type": "object", "required": ["id", "name", "usable"],
                             "properties": {"id": TEXT, "name": TEXT,
                                            "usable": {"type": "boolean"},
                                            "backend": NULLABLE_TEXT,
                                            "problem": NULLABLE_TEXT}}}}},
        "SpeechRequest": {
            "type": "object", "required": ["model", "input", "voice"],
            "properties": {
                "model": {"enum": _models()},
                "input": words | {"maxLength": settings.max_input_chars},
                "voice": speech_voice,
                "response_format": {"enum": list(speech_stream.formats()), "default": "mp3"},
                "speed": {"type": "number", "minimum": MIN_SPEED, "maximum": MAX_SPEED,
                          "default": 1.0},
                "stream_format": {"enum": list(STREAM_FORMATS), "default": "audio"},
                "instructions": {
                    "anyOf": [{"type": "null"}, {"type": "string"} | blank],
                    "description": "Not supported: only a blank one is taken (no voice here "
                                   "follows spoken directions)."}}},
        "SpeechEvent": _event({"const": "message"}),
        "ProjectEvent": _event({"enum": ["segment", "progress", "done", "gone", "shutdown"]}),
        "ProjectRequest": {"type": "object", "required": ["name", "script"],
                           "properties": {"name": words, "script": TEXT,
                                          "voice": NULLABLE_TEXT}},
        "Project": {"type": "object",
                    "required": ["id", "name", "voice", "state", "segments", "done", "failed",
                                 "needs_review", "rendering", "queued", "checking",
                                 "not_rendered", "approved", "eta_s", "links"],
                    "properties": {
                        "id": ID, "name": TEXT, "voice": TEXT,
                        "state": {"enum": ["done", "rendering", "checking", "failed", "idle"]},
                        **{name: COUNT for name in (
                            "segments", "done", "failed", "needs_review", "rendering",
                            "queued", "checking", "not_rendered", "approved", "to_render",
                            "new_jobs")},
                        "eta_s": {"type": ["number", "null"], "minimum": 0},
                        "links": {"type": "object", "additionalProperties": TEXT},
                        "locked_unrendered": {"type": "array", "items": ID},
                        "paused": {"type": "boolean"}}},
        "ProjectList": {"type": "object", "required": ["object", "data"],
                        "additionalProperties": False,
                        "properties": {"object": {"const": "list"},
                                       "data": {"type": "array", "items": _ref("Project")}}},
        "SegmentList": {"type": "object", "required": ["object", "data"],
                        "additionalProperties": False,
                        "properties": {"object": {"const": "list"}, "data": {
                            "type": "array", "items": {
                                "type": "object",
                                "required": ["number", "text", "state", "locked", "checking",
                                             "takes", "qa_reasons"],
                                "properties": {"number": ID, "text": TEXT, "state": TEXT,
                                               "locked": {"type": "boolean"},
                                               "checking": {"type": "boolean"},
                                               "takes": COUNT,
                                               "duration_s": {"type": ["number", "null"]},
                                               "qa": NULLABLE_TEXT,
                                               "qa_reasons": {"type": "array"}}}}}},
        "SegmentText": {"type": "object", "required": ["text"], "properties": {"text": TEXT}},
        "SegmentEdited": {"type": "object", "required": ["segment", "text", "state"],
                          "additionalProperties": False,
                          "properties": {"segment": ID, "text": TEXT, "state": TEXT}},
        "SegmentMarked": {"type": "object", "required": ["segment", "action", "state", "locked"],
                          "additionalProperties": False,
                          "properties": {"segment": ID, "action": {"enum": list(MARKS)},
                                         "state": TEXT, "locked": {"type": "boolean"}}},
        "Regenerated": {"type": "object", "required": ["segment", "job", "action", "message"],
                        "additionalProperties": False,
                        "properties": {"segment": ID, "job": {"type": ["integer", "null"]},
                                       "action": TEXT, "message": TEXT}},
        "LexiconEntry": {"type": "object", "required": ["term", "alias", "phonemes",
                                                         "case_sensitive"],
                         "properties": {"term": TEXT, "alias": TEXT, "phonemes": TEXT,
                                        "case_sensitive": {"type": "boolean"}}},
        "LexiconList": {"type": "object", "required": ["object", "data"],
                        "additionalProperties": False,
                        "properties": {"object": {"const": "list"},
                                       "data": {"type": "array",
                                                "items": _ref("LexiconEntry")}}},
        "LexiconChange": {
            "type": "object", "required": ["entries"],
            "properties": {
                "entries": {"type": "array", "items": {
                    "type": "object", "required": ["term"],
                    "properties": {"term": TEXT, "alias": NULLABLE_TEXT,
                                   "phonemes": NULLABLE_TEXT,
                                   "case_sensitive": {"description": "true, or not"}}}},
                "remove": {"type": "array", "items": TEXT},
                "project": {"anyOf": [{"type": "null"}, ID]}}},
        "LexiconChanged": {"type": "object", "required": ["changed", "locked", "queued"],
                           "additionalProperties": False,
                           "properties": {"changed": count, "locked": count,
                                          "queued": COUNT}},
    }


def _event(name: Schema) -> Schema:
    """One server-sent event, as a client reads it (its ``data`` a JSON
    text); ``name``: its ``event`` field."""
    return {"type": "object", "required": ["data", "event"],
            "properties": {"data": TEXT, "event": name, "id": TEXT, "retry": COUNT}}


# ---------------------------------------------------------------- the document
def _responses(path: str, spec: Spec, content: dict[str, Schema]) -> dict[str, Any]:
    shape = "Error" if path.startswith("/v1/") else "Detail"
    out: dict[str, Any] = {str(spec.ok): {"description": "Done.", "content": content}}
    for status in spec.errors:
        name = "NotReady" if (path, status) == ("/ready", 503) else shape
        out[str(status)] = {"description": WHY[status], "content": _json(name)}
        if status == 429:
            out[str(status)]["headers"] = {"Retry-After": {
                "required": True, "schema": {"type": "string", "pattern": "^[0-9]+$"}}}
    return out


def _speech_content() -> dict[str, Schema]:
    content = {speech_stream.MEDIA_TYPES[fmt]: {"schema": BINARY}
               for fmt in speech_stream.formats()}
    return content | {"text/event-stream": {"schema": _ref("SpeechEvent")}}


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    """A parameter as the route reads it (FastAPI's schema says less)."""
    name = parameter["name"]
    if name in ("project_id", "number", "project"):
        parameter["schema"] = dict(ID)
    elif name == "format":  # lower-cased, leading dots dropped
        kinds = "|".join(_any_case(suffix.lstrip(".")) for suffix in audio.EXPORT_FORMATS)
        parameter["schema"] = {"type": "string", "pattern": f"^\\.*({kinds})$",
                               "default": "wav"}
    else:
        parameter["schema"] = dict(TEXT)
    return parameter


def _split_marks(paths: dict[str, Any]) -> None:
    """``…/segments/{number}/{action}`` as one path per action: any other
    action is no route (404), as any other path."""
    template = paths.pop(f"{_SEGMENT}/{{action}}")
    for action in MARKS:
        item = copy.deepcopy(template)
        for operation in item.values():
            operation["parameters"] = [p for p in operation["parameters"]
                                       if p["name"] != "action"]
            operation["operationId"] = f"{action}_segment"
            operation["summary"] = f"{action.capitalize()} a segment"
        paths[f"{_SEGMENT}/{action}"] = item


def _link_projects(paths: dict[str, Any]) -> None:
    """Links from a made project to what can be asked of it (a segment: its
    first, which every project has): how a client, or the fuzzer's stateful
    phase, goes from ``POST /v1/projects`` to the project's routes."""
    links: dict[str, Any] = {}
    for path, item in paths.items():
        if not path.startswith(_PROJECT):
            continue
        for operation in item.values():
            parameters: dict[str, Any] = {"project_id": "$response.body#/id"}
            if "{number}" in path:
                parameters["number"] = "1"
            links[operation["operationId"]] = {"operationId": operation["operationId"],
                                               "parameters": parameters}
    paths["/v1/projects"]["post"]["responses"]["201"]["links"] = links


def complete(document: dict[str, Any], settings: ServerSettings) -> dict[str, Any]:
    """FastAPI's ``document``, completed in place with what the routes
    really take and answer (see the module's docstring); it, returned."""
    paths: dict[str, Any] = document["paths"]
    examples = _examples()
    _split_marks(paths)
    for path, item in paths.items():
        for method, operation in item.items():
            spec = SPECS[(method.upper(), path)]  # a route without a spec: a KeyError here
            operation["parameters"] = [_parameter(p) for p in operation.get("parameters", [])]
            if not operation["parameters"]:
                del operation["parameters"]
            content = _speech_content() if path == "/v1/audio/speech" else spec.content
            operation["responses"] = _responses(path, spec, content)
            if spec.body is not None:
                operation["requestBody"] = {"required": True, "content": {"application/json": {
                    "schema": _ref(spec.body), "example": examples[spec.body]}}}
            if spec.description:
                operation["description"] = spec.description
            if spec.security == "none":
                operation["security"] = []
            elif spec.security == "optional":
                operation["security"] = [{}, *KEYED]
    _link_projects(paths)
    document["info"]["description"] = (
        "The HTTP API of `studio serve` (docs/server.md). Errors under /v1/ are "
        "`{\"error\": {\"message\", \"type\", \"param\", \"code\"}}`, elsewhere "
        "`{\"detail\": message}`. Any request may be refused 413 (body over "
        f"{settings.max_body_bytes} bytes) or 431 (headers over the limit); "
        "a method a path does not take is 405, and HEAD is answered on every GET route.")
    document["components"] = {
        "schemas": _schemas(settings),
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "`studio keys add NAME` makes a key"},
            "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "apiKeyQuery": {"type": "apiKey", "in": "query", "name": "apikey"}}}
    document["security"] = KEYED
    return document


def install(app: FastAPI, settings: ServerSettings) -> None:
    """Serve the document at ``GET /openapi.json`` (behind the key), built
    once, when first asked for, and kept (``app.openapi_schema``)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(FastAPI.openapi(app), settings)
        return app.openapi_schema

    async def openapi_json(request: Request) -> JSONResponse:
        return JSONResponse(request.app.openapi())

    app.openapi = build  # type: ignore[method-assign]
    app.add_api_route("/openapi.json", openapi_json, methods=["GET"],
                      dependencies=[Depends(api_key)], summary="This document")

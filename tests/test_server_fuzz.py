"""``studio serve`` fuzzed from its own OpenAPI document with Schemathesis.

A real server on loopback (the fixtures of :mod:`tests.test_server`: a fresh
library, take QA off, the real engine and Piper voice) publishes
``GET /openapi.json`` behind the key; Schemathesis' command line reads it
there and sends what it generates from it over real HTTP, one request at a
time. Every check it has runs but ``positive_data_acceptance``: no 5xx
(``not_a_server_error``), each answer's status, media type, headers and body
as the document declares them, invalid data refused (``negative_data_rejection``:
hostile values, wrong types, missing fields, numbers past their bounds),
undeclared methods answered 405 with an ``Allow`` that lists the path's
methods, requests without the key or with a wrong one refused
(``ignored_auth``), resources still there when listed. Valid data may still
be refused (400 or 409, declared): the document cannot name the library's
voices, the names already taken or the texts that have words to speak.

The fast run (``make test``: about 1,200 requests in 12 to 19 s on a
2-core machine, a fixed seed) takes all 30 operations of the document
through four phases: their examples (one valid request per body route, so
real speech is rendered), coverage (boundary and hostile values of every
parameter and field: wrong types, numbers past their bounds, missing and
null fields, control characters; and each path's undeclared methods), 6
generated cases per operation, valid and invalid, and stateful chains
through the document's links (a project made, then the routes of that
project called on it). Text to speak is capped at 60 characters here
(``server.max_input_chars``, ``max_target_chars``: the document's
``maxLength`` follows them), and on ``/v1/audio/speech`` and ``/synthesize``
the coverage phase sends invalid data only, as each valid case renders audio.
The slow run (``make test-slow``: about 5,500 requests in 2 minutes) makes
150 cases per operation, sends the speech routes' valid coverage too, and
takes a new seed each time (printed with a failure, to run it again).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis

from tests.test_server import Server, prepare_library, start_server

LIMITS = {"server.max_input_chars": 60, "server.max_target_chars": 60,
          "server.voice_url_timeout_s": 2, "server.timeout_s": 60}
SPEECH = "^/(synthesize|v1/audio/speech)$"  # the routes whose valid cases render audio


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with short texts to speak and a project (id 1) for the
    routes of a project to find."""
    tmp = tmp_path_factory.mktemp("fuzz")
    root = tmp / "library"
    key = prepare_library(root, tmp, **LIMITS)
    srv = start_server(root, tmp, key)
    with srv.client() as client:
        made = client.post("/v1/projects", json={"name": "Fuzzed", "script": "One. Two."})
        assert made.status_code == 201 and made.json()["id"] == 1, made.text
    yield srv
    code = srv.stop(signal.SIGTERM)
    from studio.engine.client import stop_engine

    stop_engine(root)
    assert code == 0, srv.log.read_text()[-3000:]


def config(examples: int, *, seed: int | None, speech_valid: bool) -> str:
    """Schemathesis' configuration (TOML): the key from the environment,
    one worker, every check but positive_data_acceptance."""
    lines = [*([f"seed = {seed}"] if seed is not None else []),
             "workers = 1", "request-timeout = 60", "max-stream-events = 20",
             'suppress-health-check = ["all"]',
             'headers = { Authorization = "Bearer ${FUZZ_KEY}" }',
             "[generation]", 'mode = "all"', f"max-examples = {examples}",
             'database = "none"',
             "[checks]", "positive_data_acceptance.enabled = false"]
    if not speech_valid:
        lines += ["[[operations]]", f"include-path-regex = {json.dumps(SPEECH)}",
                  'phases.coverage.generation.mode = "negative"']
    return "\n".join(lines) + "\n"


def fuzz(server: Server, folder: Path, toml: str, timeout: float) -> dict[str, Any]:
    """Run Schemathesis against the server; its JSON report. Fails with the
    run's output (each failure with a curl line to reproduce it) unless
    every operation was tested and nothing failed."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schemathesis.toml").write_text(toml)
    report = folder / "report.json"
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", "schemathesis.toml",
         "--no-color", "run", f"{server.url}/openapi.json", "--report", "json",
         "--report-json-path", str(report),
         # every operation: Schemathesis leaves out the one that served the
         # document unless a filter names it
         "--include-path-regex", "^/"],
        cwd=folder, capture_output=True, text=True, timeout=timeout,
        env=dict(os.environ, FUZZ_KEY=server.key))
    output = run.stdout[-12000:] + run.stderr[-3000:]
    assert run.returncode == 0, output
    found = json.loads(report.read_text())
    assert found["failures"] == [] and found["errors"] == [], output
    operations = found["operations"]
    assert operations["tested"] == operations["total"] == len(operations_of(server)), output
    assert "internal error" not in server.log.read_text()
    found["seconds"] = time.monotonic() - started
    return found


def operations_of(server: Server) -> list[tuple[str, str]]:
    document = httpx.get(f"{server.url}/openapi.json", headers=server.auth).json()
    return [(method, path) for path, item in document["paths"].items() for method in item]


# ---------------------------------------------------------------- the document
def test_the_document_is_published_behind_the_key(fuzzed: Server) -> None:
    url = f"{fuzzed.url}/openapi.json"
    for headers in ({}, {"Authorization": "Bearer vs-000000000000-" + "x" * 43}):
        refused = httpx.get(url, headers=headers)
        assert refused.status_code == 401 and "key" in refused.json()["detail"]
    document = httpx.get(url, headers={"X-API-Key": fuzzed.key}).json()
    assert document == httpx.get(url, headers=fuzzed.auth).json()
    assert document["openapi"].startswith("3.")
    schemathesis.openapi.from_dict(document).validate()  # OpenAPI 3.1's own meta-schema
    operations = operations_of(fuzzed)
    assert len(operations) == 30 and ("get", "/openapi.json") in operations
    speech = document["paths"]["/v1/audio/speech"]["post"]
    assert set(speech["responses"]) == {"200", "400", "401", "413", "415", "429", "500",
                                        "503", "504"}
    assert {"audio/wav", "audio/pcm", "text/event-stream"} <= set(
        speech["responses"]["200"]["content"])
    body = document["components"]["schemas"]["SpeechRequest"]["properties"]
    assert body["input"]["maxLength"] == 60  # the server's own limit, server.max_input_chars
    assert document["paths"]["/health"]["get"]["security"] == []


def test_a_document_that_breaks_openapi_is_caught(fuzzed: Server) -> None:
    document = httpx.get(f"{fuzzed.url}/openapi.json", headers=fuzzed.auth).json()
    document["paths"]["/health"]["get"]["responses"]["200"]["content"] = "audio"
    with pytest.raises(ValueError, match="is not of type"):
        schemathesis.openapi.from_dict(document).validate()


def test_a_405_lists_every_method_of_the_path(fuzzed: Server) -> None:
    """Starlette named only the first matching route's methods: ``OPTIONS
    /v1/projects`` was answered ``Allow: POST``, hiding its GET."""
    for path, allowed in (("/v1/projects", "GET, HEAD, POST"),
                          ("/v1/lexicon", "GET, HEAD, POST"),
                          ("/v1/projects/1/segments/1", "PATCH"),
                          ("/health", "GET, HEAD")):
        reply = httpx.request("OPTIONS", fuzzed.url + path, headers=fuzzed.auth)
        assert reply.status_code == 405 and reply.headers["allow"] == allowed, path
        assert "OPTIONS is not allowed" in reply.text


# ---------------------------------------------------------------- the fuzzer
def test_the_fuzzer_finds_no_server_error_and_no_answer_off_the_document(
        fuzzed: Server, tmp_path: Path) -> None:
    found = fuzz(fuzzed, tmp_path / "fast", config(6, seed=1, speech_valid=False),
                 timeout=180)
    assert found["test_cases"]["generated"] > 450, found["test_cases"]


@pytest.mark.slow
def test_a_longer_fuzz_finds_no_server_error(fuzzed: Server, tmp_path: Path) -> None:
    found = fuzz(fuzzed, tmp_path / "slow", config(150, seed=None, speech_valid=True),
                 timeout=400)
    assert found["test_cases"]["generated"] > 3000, found["test_cases"]

"""``studio serve`` fuzzed from its own OpenAPI document with Schemathesis:
the document (``GET /openapi.json``, behind the key, valid OpenAPI 3.1),
and what the fuzzer found, each with a test of its own."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import httpx
import pytest
import schemathesis

from tests.test_server import Server, prepare_library, start_server

LIMITS = {"server.max_input_chars": 60, "server.max_target_chars": 60,
          "server.voice_url_timeout_s": 2, "server.timeout_s": 60}


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

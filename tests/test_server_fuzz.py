"""``studio serve`` fuzzed from its own OpenAPI document with Schemathesis,
and what the fuzzer found, each with a test of its own."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import httpx
import pytest

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

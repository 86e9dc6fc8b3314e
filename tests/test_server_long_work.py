"""Exports over HTTP are long work, off the request path (a real ``studio
serve`` on loopback, a real library and the real voice): short requests
answer while eight exports are in flight, a key past its export limit is
answered 429 in the route's error shape, and an export whose client goes
away is killed, its files removed (and those a killed server left, swept)."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.test_server import Server, prepare_library, read_audio, start_server

KEY_EXPORTS = 4
# a few sentences and long pauses: minutes of audio to export, rendered in seconds
SCRIPT = " ".join(f"Part {n} of the lecture. [pause 30s]" for n in range(3))


@dataclass
class Rendered:
    """A server, a second key, and a rendered project with minutes of audio."""

    server: Server
    other_key: str
    project: int


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    tmp = tmp_path_factory.mktemp("long")
    root = tmp / "library"
    key = prepare_library(root, tmp, **{"server.key_exports": KEY_EXPORTS,
                                        "server.max_exports": 2})
    from studio.core.keys import add_key
    from studio.core.store import Library

    with Library.open(root) as library:
        other = add_key(library, "other")
    stale = root / "server" / "results" / "export-left-by-a-killed-server"
    stale.mkdir(parents=True)
    (stale / "export.wav").write_bytes(b"RIFF")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))  # older than result_ttl_s
    server = start_server(root, tmp, key)
    try:
        with server.client() as client:
            pid = client.post("/v1/projects", json={"name": "Lecture",
                                                    "script": SCRIPT}).json()["id"]
            deadline = time.monotonic() + 120
            while client.get(f"/v1/projects/{pid}").json()["state"] != "done":
                assert time.monotonic() < deadline
                time.sleep(0.2)
        yield Rendered(server, other, pid)
        assert server.stop() == 0
    finally:
        server.stop(signal.SIGKILL)
        from studio.engine.client import stop_engine

        stop_engine(root)


def _export(server: Server, key: str, project: int, fmt: str = "mp3",
            timeout: float = 120) -> tuple[int, float, httpx.Response]:
    started = time.monotonic()
    with httpx.Client(base_url=server.url, timeout=timeout,
                      headers={"Authorization": f"Bearer {key}"}) as client:
        reply = client.get(f"/v1/projects/{project}/audio", params={"format": fmt})
    return reply.status_code, time.monotonic() - started, reply


def _exporters(server: Server) -> list[int]:
    """The pids of the server's export processes now."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = next(line.split()[1] for line in status.splitlines()
                      if line.startswith("PPid:"))
        if int(parent) == server.process.pid and b"studio.server.long_work" in command:
            found.append(int(entry.name))
    return found


def test_short_requests_answer_while_exports_are_in_flight(rendered: Rendered) -> None:
    server = rendered.server
    with server.client() as client, ThreadPoolExecutor(8) as pool:
        # eight at once, four per key (each key its own limit): as many as the
        # database has threads
        exports: list[Future[tuple[int, float, httpx.Response]]] = [
            pool.submit(_export, server, key, rendered.project, "wav")
            for key in (server.key, rendered.other_key) for _ in range(KEY_EXPORTS)]
        deadline = time.monotonic() + 30
        while len(_exporters(server)) < 2:  # two places at once: max_exports
            assert time.monotonic() < deadline and not any(f.done() for f in exports)
            time.sleep(0.05)
        took = {}
        for path in ("/v1/audio/voices", "/health", "/v1/projects", "/ready"):
            started = time.monotonic()
            assert client.get(path).status_code == 200, path
            took[path] = time.monotonic() - started
        in_flight = sum(not f.done() for f in exports)
        results = [f.result() for f in exports]
    assert [status for status, _, _ in results] == [200] * 8, results
    exported = results[0][2]
    assert exported.headers["content-type"] == "audio/wav"
    samples, rate = read_audio(exported.content)
    assert len(samples) / rate > 90  # the pauses are in it: minutes of audio
    assert in_flight >= 4, in_flight  # answered while exports were still being made
    shortest = min(seconds for _, seconds, _ in results)
    assert max(took.values()) < shortest / 2, (took, shortest)


def test_a_key_past_its_export_limit_gets_429(rendered: Rendered) -> None:
    server = rendered.server
    with ThreadPoolExecutor(KEY_EXPORTS + 2) as pool:
        results = list(pool.map(lambda _: _export(server, server.key, rendered.project, "wav"),
                                range(KEY_EXPORTS + 2)))
    codes = sorted(status for status, _, _ in results)
    assert codes == [200] * KEY_EXPORTS + [429] * 2, codes
    refused = next(reply for status, _, reply in results if status == 429)
    error = refused.json()["error"]
    assert error["code"] == "rate_limit_exceeded" and error["type"] == "rate_limit_error"
    assert f"{KEY_EXPORTS} exports in flight" in error["message"]
    assert refused.headers["retry-after"] == "1"


@pytest.mark.slow  # `make test-slow`; the fast run keeps the other two of this file
def test_an_export_whose_client_leaves_is_killed(rendered: Rendered) -> None:
    server = rendered.server
    results = server.root / "server" / "results"
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.sendall(f"GET /v1/projects/{rendered.project}/audio?format=mp3 HTTP/1.1\r\n"
                       f"Host: {host}\r\nAuthorization: Bearer {server.key}\r\n\r\n".encode())
        deadline = time.monotonic() + 30
        while not (children := _exporters(server)):
            assert time.monotonic() < deadline
            time.sleep(0.01)
    left = time.monotonic()  # the client went away as soon as its export began
    while any(Path(f"/proc/{pid}").exists() for pid in children):
        # killed: on its own, the export would still be importing the studio
        assert time.monotonic() - left < 0.3, "the export outlived its client"
        time.sleep(0.01)
    while any(path.is_dir() for path in results.iterdir()):
        assert time.monotonic() - left < 2.0, list(results.iterdir())
        time.sleep(0.02)
    # the killed export gave its place back
    assert _export(server, server.key, rendered.project, "wav")[0] == 200
    # and the folder of an export a killed server left behind was swept at the start
    assert not (results / "export-left-by-a-killed-server").exists()

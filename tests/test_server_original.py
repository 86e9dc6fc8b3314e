"""The original service's contract as its clients use it, against a real
``studio serve`` on loopback: the client flow as written (a POST with the
key in the body, then a GET of the answer's ``download_url`` as it is),
straight and behind a real path-prefix proxy named by ``server.public_url``;
the result's name as a capability (its form, no key, expiry, no other name
looked up); the key checked before a hostile body is read; and the checks
of ``server.public_url``."""

from __future__ import annotations

import http.client
import http.server
import io
import json
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
import requests
import soundfile as sf

from tests.conftest import run_studio, snapshot
from tests.test_server import Server, free_port, prepare_library, start_server

TTL_S = 6.0  # the module's server keeps results this long (and sweeps hourly)
NAME = re.compile(r"[0-9a-f]{32}\.wav")  # 128 random bits


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose results expire after :data:`TTL_S` but are swept only
    hourly: an expired result is refused by the route, not by the sweep."""
    tmp = tmp_path_factory.mktemp("original")
    root = tmp / "library"
    srv = start_server(root, tmp, prepare_library(root, tmp), "--result-ttl", str(TTL_S),
                       "--sweep-every", "3600")
    yield srv
    code = srv.stop(signal.SIGTERM)
    from studio.engine.client import stop_engine

    stop_engine(root)
    assert code == 0, srv.log.read_text()[-3000:]


def synthesize(url: str, key: str, target: str) -> dict[str, object]:
    """The original client's POST, as it is written (with its HTTP library):
    the key in the body."""
    resp: dict[str, object] = requests.post(url + "/synthesize", timeout=120, json={
        "apikey": key, "target": target, "voice": "joe"}).json()
    return resp


def assert_wav_speech(reply: httpx.Response | requests.Response) -> None:
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "audio/wav"
    samples, rate = sf.read(io.BytesIO(reply.content), dtype="float32")
    assert len(samples) / rate > 0.5 and float(np.max(np.abs(samples))) > 0.05


def raw(server: Server, method: str, path: str, body: bytes = b"",
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    """A request sent exactly as written (path and headers untouched)."""
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    conn.putrequest(method, path, skip_host="Host" in (headers or {}),
                    skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        conn.putheader(name, value)
    if body:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body or None)
    reply = conn.getresponse()
    data = json.loads(reply.read())
    conn.close()
    return reply.status, data


# ---------------------------------------------------------------- the client flow
def test_the_original_client_flow_as_written(server: Server) -> None:
    resp = synthesize(server.url, server.key, "The original client gets its audio.")
    audio = requests.get(resp["download_url"])  # as written: no key, the name is the capability
    assert_wav_speech(audio)
    assert str(resp["download_url"]).startswith(f"{server.url}/audio/")
    # the host the client named, when it is a plain host[:port]
    port = server.url.rsplit(":", 1)[1]
    named = synthesize(f"http://localhost:{port}", server.key, "Named by its host.")
    assert str(named["download_url"]).startswith(f"http://localhost:{port}/audio/")
    assert_wav_speech(requests.get(named["download_url"]))


@pytest.mark.parametrize("host", ["evil.example/x?y=", "evil.example:99999", "[zz]:80",
                                  "a b", "user@evil.example"])
def test_a_host_that_is_not_plain_is_not_echoed(server: Server, host: str) -> None:
    status, resp = raw(server, "POST", "/synthesize", json.dumps({
        "apikey": server.key, "target": "Where am I?", "voice": "joe"}).encode(),
        {"Host": host, "Content-Type": "application/json"})
    assert status == 200, resp
    assert str(resp["download_url"]).startswith(f"{server.url}/audio/")  # its own address


class PrefixProxy(http.server.BaseHTTPRequestHandler):
    """A reverse proxy serving the server under ``/studio/`` (as a proxy in
    front of it would), forwarding the method, body and Content-Type."""

    upstream = ""

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def _forward(self) -> None:
        if not self.path.startswith("/studio/"):
            self._send(404, b"{}", "application/json")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        reply = httpx.request(self.command, self.upstream + self.path.removeprefix("/studio"),
                              content=body, timeout=120,
                              headers={"Content-Type": self.headers.get("Content-Type", "")})
        self._send(reply.status_code, reply.content, reply.headers["content-type"])

    def _send(self, status: int, data: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.slow  # `make test-slow`; the fast run keeps one of its kind
def test_behind_a_proxy_download_urls_start_with_the_public_url(tmp_path: Path) -> None:
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PrefixProxy)
    public = f"http://127.0.0.1:{proxy.server_address[1]}/studio"
    root = tmp_path / "library"
    key = prepare_library(root, tmp_path)
    made = run_studio(root, tmp_path, "config", "set", "server.public_url", public + "/")
    assert made.returncode == 0, made.stderr
    srv = start_server(root, tmp_path, key)
    PrefixProxy.upstream = srv.url
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        resp = synthesize(public, key, "Spoken behind a proxy.")
        url = str(resp["download_url"])
        assert url.startswith(f"{public}/audio/") and NAME.fullmatch(url.rsplit("/", 1)[1])
        assert_wav_speech(httpx.get(url))
    finally:
        proxy.shutdown()
        proxy.server_close()
        assert srv.stop(signal.SIGTERM) == 0
        from studio.engine.client import stop_engine

        stop_engine(root)


# ---------------------------------------------------------------- the capability
def test_the_result_name_is_a_capability(server: Server) -> None:
    names = [str(synthesize(server.url, server.key, f"Result number {n}.")["download_url"]
                 ).rsplit("/", 1)[1] for n in range(2)]
    assert all(NAME.fullmatch(name) for name in names) and names[0] != names[1]
    for name in names:
        assert_wav_speech(httpx.get(f"{server.url}/audio/{name}"))
    # a name of that form that was never given: 404 in the route's shape, still no key
    unknown = httpx.get(f"{server.url}/audio/{'0' * 32}.wav")
    assert unknown.status_code == 404 and "no audio file" in unknown.json()["detail"]


def test_no_other_name_is_looked_up(server: Server) -> None:
    """Files of other names in the results folder are never served, with a
    key or without (only the capability's exact form is looked for)."""
    results = server.root / "server" / "results"
    planted = [f"{'a' * 32}.flac", f"{'A' * 32}.wav", f"{'b' * 31}.wav", f"{'c' * 33}.wav",
               f"{'d' * 32}.wav.bak"]
    for name in planted:
        (results / name).write_bytes(b"RIFF planted")
    try:
        for name in planted:
            assert httpx.get(f"{server.url}/audio/{name}").status_code == 401, name
            keyed = httpx.get(f"{server.url}/audio/{name}", headers=server.auth)
            assert keyed.status_code == 404 and "no audio file" in keyed.json()["detail"], name
    finally:
        for name in planted:
            (results / name).unlink()


@pytest.mark.parametrize("path", [
    "/audio/../studio.db", "/audio/..%2Fstudio.db", "/audio/%2e%2e%2fstudio.db",
    "/audio/..%2F..%2F..%2Fetc%2Fpasswd", "/audio/..\\studio.db", "/audio/%00.wav",
    f"/audio/{'0' * 32}.wav%2F..%2F..%2F..%2Fstudio.db", f"/audio/..%2F{'0' * 32}.wav"])
def test_traversal_looking_names_are_refused(server: Server, path: str) -> None:
    status, error = raw(server, "GET", path)
    assert status == 401 and "key" in str(error["detail"]), (path, error)
    status, error = raw(server, "GET", path, headers=server.auth)
    assert status in (400, 404) and "download_url" in str(error["detail"]), (path, error)


@pytest.mark.slow  # `make test-slow`; the fast run keeps one of its kind
def test_a_result_expires_with_its_ttl(server: Server) -> None:
    url = str(synthesize(server.url, server.key, "Here for a few seconds.")["download_url"])
    assert_wav_speech(httpx.get(url))
    path = server.root / "server" / "results" / url.rsplit("/", 1)[1]
    time.sleep(max(0.0, path.stat().st_mtime + TTL_S + 0.5 - time.time()))
    gone = httpx.get(url)
    assert gone.status_code == 404, gone.text
    assert f"results expire after {TTL_S:g} s" in gone.json()["detail"]
    assert path.exists()  # not swept yet: the route itself refuses an expired name


# ---------------------------------------------------------------- the key first
MALFORMED = {
    "100k-deep JSON": b"[" * 100_000 + b"]" * 100_000,
    "a 5,000-digit integer": b'{"target": ' + b"9" * 5000 + b', "voice": "joe"}',
    "a lone surrogate": b'{"target": "\\ud800", "voice": "joe"}',
    "non-UTF-8 bytes": b'{"target": "caf\xe9", "voice": "joe"}',
    "a JSON array": b'[{"target": "Hi.", "voice": "joe"}]',
}
EXCEPTION_TEXT = ("Error", "Exception", "Traceback", "recursion", "Exceeds the limit", "codec",
                  "can't decode", "surrogates not allowed", "line 1 column")


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_body_without_a_key_is_a_401(server: Server, kind: str) -> None:
    status, error = raw(server, "POST", "/synthesize", MALFORMED[kind],
                        {"Content-Type": "application/json"})
    assert status == 401, (kind, error)
    assert "no API key" in str(error["detail"])
    assert not any(text in str(error["detail"]) for text in EXCEPTION_TEXT), error


def with_body_key(body: bytes, key: str) -> bytes:
    """``body`` with the key in it, where a JSON object's fields begin."""
    return body.replace(b"{", b'{"apikey": "' + key.encode() + b'", ', 1)


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_body_with_a_key_is_a_4xx_naming_the_problem(server: Server,
                                                                  kind: str) -> None:
    before = snapshot(server.root)
    status, error = raw(server, "POST", "/synthesize", MALFORMED[kind],
                        {"Content-Type": "application/json", **server.auth})
    assert status in (400, 422), (kind, error)
    message = str(error["detail"])
    assert set(error) == {"detail"} and "\n" not in message
    assert not any(text in message for text in EXCEPTION_TEXT), message
    assert {"100k-deep JSON": "nested over 64 levels", "a 5,000-digit integer": "out of range",
            "a lone surrogate": "lone surrogate", "non-UTF-8 bytes": "not UTF-8",
            "a JSON array": "must be a JSON object"}[kind] in message
    # the same body with a live key in it: still refused, never rendered
    status, again = raw(server, "POST", "/synthesize", with_body_key(MALFORMED[kind],
                        server.key), {"Content-Type": "application/json"})
    assert status in (400, 401, 422), (kind, again)
    assert not any(text in str(again["detail"]) for text in EXCEPTION_TEXT), again
    assert snapshot(server.root) == before


def test_a_key_in_the_headers_is_checked_before_the_body(server: Server) -> None:
    status, error = raw(server, "POST", "/synthesize", MALFORMED["100k-deep JSON"],
                        {"Authorization": "Bearer vs-000000000000-" + "x" * 43})
    assert status == 401 and "not valid" in str(error["detail"])
    status, error = raw(server, "POST", "/synthesize", json.dumps({
        "apikey": server.key, "target": "Hi.", "voice": "joe"}).encode(),
        {"X-API-Key": "wrong", "Content-Type": "application/json"})
    assert status == 401  # a key in the headers is the one checked


# ---------------------------------------------------------------- server.public_url
@pytest.mark.parametrize(("value", "words"), [
    ("ftp://tts.example.com", "is not an http:// or https:// URL"),
    ("https://tts.example.com/a?b=1", "has a query or a fragment"),
    ("https://tts.example.com#top", "has a query or a fragment"),
    ("https://user:secret@tts.example.com", "carries credentials"),
    ("https://tts.example.com/a/../b",
     "has a path other than a plain prefix (letters, digits, . _ ~ -)"),
    ("https://tts.example.com:99999", "does not name a plain host[:port]"),
    ("tts.example.com", "is not an http:// or https:// URL"),
    ("https://tts.example .com", "has spaces or control characters"),
])
def test_a_bad_public_url_is_refused_in_one_line(tmp_path: Path, value: str, words: str
                                                 ) -> None:
    root = tmp_path / "library"
    run = run_studio(root, tmp_path, "config", "set", "server.public_url", value)
    assert run.returncode == 2
    assert run.error_lines == [f"studio: server.public_url {value!r} {words}: set the address "
                               "clients reach the server at, such as https://tts.example.com "
                               "or https://example.com/studio"]


def test_public_url_is_checked_when_read_too(tmp_path: Path) -> None:
    root = tmp_path / "library"
    for good in ("https://tts.example.com", "http://[::1]:8080/studio/"):
        run = run_studio(root, tmp_path, "config", "set", "server.public_url", good)
        assert run.returncode == 0 and run.stdout.strip() == f"server.public_url = {good}"
    from studio.core.store import Library

    with Library.open(root) as library:  # a value stored before it was checked
        library.set_setting("server.public_url", "https://tts.example.com/?x=1")
    run = run_studio(root, tmp_path, "serve", "--port", str(free_port()), timeout=60)
    assert run.returncode == 2
    assert run.error_lines[0].startswith("studio: server.public_url "
                                         "'https://tts.example.com/?x=1' has a query")

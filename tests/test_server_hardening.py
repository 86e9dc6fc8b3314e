"""``studio serve`` at its HTTP edges, against a real server on loopback:
malformed bodies, paths and Content-Types answered 400/415 in the route's
error shape (never a 500 nor an exception's text, the library unchanged),
key checks that take as long for an unknown key id as for a wrong secret,
log lines no path or header can forge, ``HEAD`` and 431 as HTTP says."""

from __future__ import annotations

import json
import re
import secrets
import signal
import socket
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import snapshot
from tests.test_server import Server, prepare_library, start_server

HUGE = "9" * 5000
TWENTY = "9" * 20  # over SQLite's largest integer
PYTHON_WORDS = ("Error:", "Traceback", "exceeded", "codec", "sys.set_int_max_str_digits",
                "SQLite INTEGER", "surrogates not allowed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module, logging in the house text format."""
    tmp = tmp_path_factory.mktemp("serve-hardening")
    root = tmp / "library"
    srv = start_server(root, tmp, prepare_library(root, tmp))
    yield srv
    code = srv.stop(signal.SIGTERM)
    from studio.engine.client import stop_engine

    stop_engine(root)
    assert code == 0, srv.log.read_text()[-3000:]


def assert_refused(reply: httpx.Response, status: int, *words: str) -> str:
    """The reply is ``status`` in the /v1 error shape, naming ``words`` and
    no Python exception; its message."""
    assert reply.status_code == status, reply.text[:500]
    error = reply.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error"
    message = str(error["message"])
    assert "\n" not in message and len(message) < 300, message
    for word in words:
        assert word in message, (word, message)
    for word in PYTHON_WORDS:
        assert word not in message, (word, message)
    return message


def wait_for_state(client: httpx.Client, pid: int, states: tuple[str, ...]) -> None:
    deadline = time.monotonic() + 120
    while client.get(f"/v1/projects/{pid}").json()["state"] not in states:
        assert time.monotonic() < deadline
        time.sleep(0.2)


# ---------------------------------------------------------------- malformed requests
BODIES: list[tuple[str, bytes, str]] = [
    ("deep", b"[" * 100_000 + b"]" * 100_000, "nested over 64 levels"),
    ("deep object", b'{"a":' * 100 + b"1" + b"}" * 100, "nested over 64 levels"),
    ("5000 digits", b'{"text": "Hi.", "entries": [], "name": "n", "script": "s", "x": '
     + HUGE.encode() + b"}", "5000 digits"),
    ("20 digits", b'{"text": "Hi.", "entries": [], "name": "n", "script": "s", "project": '
     + TWENTY.encode() + b"}", "out of range"),
    ("lone surrogate", b'{"text": "a\\ud800b", "name": "a\\ud800b", "script": "a\\ud800b", '
     b'"entries": [{"term": "a\\udc00", "alias": "b"}]}', "lone surrogate (\\u"),
    ("surrogate key", b'{"\\ud800": 1, "text": "Hi.", "name": "n", "script": "s", '
     b'"entries": []}', "lone surrogate"),
    ("not UTF-8", b'{"text": "caf\xe9", "name": "caf\xe9", "script": "caf\xe9", '
     b'"entries": [{"term": "caf\xe9", "alias": "x"}]}', "not UTF-8 (byte 0xe9"),
    ("UTF-16", '{"text": "Hi."}'.encode("utf-16"), "not UTF-8"),
    ("NaN", b'{"text": "Hi.", "name": "n", "script": "s", "entries": [], "x": NaN}',
     "NaN, which is not JSON"),
    ("infinite", b'{"text": "Hi.", "name": "n", "script": "s", "entries": [], "x": 1e999}',
     "too large"),
    ("truncated", b'{"text": "Hi.", "name": ', "not valid JSON (expecting value at line 1"),
]


@pytest.fixture(scope="module")
def target(server: Server) -> int:
    """A rendered project's id, its segment 1 the target of a PATCH."""
    with server.client() as client:
        made = client.post("/v1/projects", json={"name": "Target", "script": "Hello there."})
        assert made.status_code == 201, made.text
        pid = int(made.json()["id"])
        wait_for_state(client, pid, ("done",))
    time.sleep(1.0)  # the engine settles
    return pid


@pytest.mark.parametrize(("content", "words"), [b[1:] for b in BODIES],
                         ids=[b[0] for b in BODIES])
def test_malformed_bodies_are_400_with_the_library_unchanged(
        server: Server, target: int, content: bytes, words: str) -> None:
    before = snapshot(server.root)
    with server.client() as client:
        for method, path in [("POST", "/v1/projects"), ("POST", "/v1/lexicon"),
                             ("PATCH", f"/v1/projects/{target}/segments/1")]:
            reply = client.request(method, path, content=content,
                                   headers={"Content-Type": "application/json"})
            assert_refused(reply, 400, words)
    assert snapshot(server.root) == before
    assert "Traceback" not in server.log.read_text()


PATHS = [
    ("GET", f"/v1/projects/{TWENTY}"), ("GET", f"/v1/projects/{TWENTY}/segments"),
    ("GET", f"/v1/projects/{TWENTY}/audio"), ("GET", f"/v1/projects/{TWENTY}/srt"),
    ("GET", f"/v1/projects/{TWENTY}/events"), ("POST", f"/v1/projects/{TWENTY}/render"),
    ("POST", f"/v1/projects/{TWENTY}/pause"), ("POST", f"/v1/projects/{TWENTY}/resume"),
    ("POST", f"/v1/projects/{TWENTY}/segments/1/regenerate"),
    ("POST", f"/v1/projects/1/segments/{TWENTY}/approve"),
    ("PATCH", f"/v1/projects/1/segments/{TWENTY}"),
    ("GET", f"/v1/lexicon?project={TWENTY}"),
    ("GET", f"/v1/projects/{HUGE}"), ("GET", "/v1/projects/-1"), ("GET", "/v1/projects/0"),
]


@pytest.mark.parametrize(("method", "path"), PATHS, ids=lambda p: str(p)[:40])
def test_ids_out_of_range_are_400(server: Server, method: str, path: str) -> None:
    with server.client() as client:
        reply = client.request(method, path, json={"text": "Hi."})
    message = assert_refused(reply, 400, "must be a whole number from 1 to "
                                         "9223372036854775807")
    param = reply.json()["error"]["param"]
    assert param in ("project_id", "number", "project")
    assert param in message


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded",
                                  "multipart/form-data; boundary=x", "application/xml"])
def test_a_json_route_refuses_other_content_types_with_415(server: Server, kind: str) -> None:
    with server.client() as client:
        for path in ("/v1/lexicon", "/v1/projects"):
            reply = client.post(path, content=b'{"entries": [], "name": "Typed", '
                                b'"script": "Hi."}', headers={"Content-Type": kind})
            assert_refused(reply, 415, "must be JSON", kind.split(";")[0],
                           "Content-Type: application/json")
            assert reply.json()["error"]["code"] == "unsupported_media_type"
        assert "Typed" not in [p["name"] for p in client.get("/v1/projects").json()["data"]]


@pytest.mark.parametrize("kind", [None, "application/json", "application/json; charset=utf-8",
                                  "Application/JSON", "application/merge-patch+json"])
def test_json_content_types_are_taken(server: Server, kind: str | None) -> None:
    headers = {"Content-Type": kind} if kind else {}
    with server.client() as client:
        reply = client.post("/v1/lexicon", content=b'\xef\xbb\xbf{"entries": []}',
                            headers=headers)
    assert reply.status_code == 200, reply.text
    assert reply.json()["queued"] == 0


# ---------------------------------------------------------------- keys
def test_an_unknown_key_id_takes_as_long_as_a_wrong_secret(server: Server) -> None:
    known_id = server.key.split("-")[1]
    unknown: list[float] = []
    wrong: list[float] = []
    with httpx.Client(base_url=server.url, timeout=60) as client:
        client.get("/health")  # the connection is open before timing
        for _ in range(10):
            for key_id, times in ((secrets.token_hex(6), unknown), (known_id, wrong)):
                key = f"vs-{key_id}-{secrets.token_urlsafe(32)}"
                started = time.perf_counter()
                reply = client.get("/v1/projects", headers={"Authorization": f"Bearer {key}"})
                times.append(time.perf_counter() - started)
                assert reply.status_code == 401
                assert reply.json()["error"]["code"] == "invalid_api_key"
    ratio = statistics.median(unknown) / statistics.median(wrong)
    assert 0.5 < ratio < 2.0, (unknown, wrong)


# ---------------------------------------------------------------- HTTP as it says
def test_head_answers_like_get_without_a_body(server: Server) -> None:
    head = httpx.head(f"{server.url}/health")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(httpx.get(f"{server.url}/health").content))
    with server.client() as client:
        assert client.head("/v1/projects").status_code == 200
        assert client.head("/v1/projects").content == b""
        assert httpx.head(f"{server.url}/v1/projects").status_code == 401
        made = client.post("/v1/projects", json={"name": "Paused",
                                                 "script": "One more sentence here. " * 40})
        pid = made.json()["id"]
        client.post(f"/v1/projects/{pid}/pause")
        started = time.monotonic()  # a stream that would not end: HEAD ends it
        stream = client.head(f"/v1/projects/{pid}/events", timeout=10)
        assert stream.status_code == 200 and stream.content == b""
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert time.monotonic() - started < 5
        not_allowed = client.head("/v1/audio/speech")  # a POST route
        assert not_allowed.status_code == 405 and not_allowed.headers["allow"] == "POST"
        assert client.head("/v1/nowhere").status_code == 404


def test_headers_too_large_get_431_not_a_reset(server: Server) -> None:
    assert httpx.get(f"{server.url}/health", headers={"X-Big": "a" * 8000}).status_code == 200
    for size in (1_000_000, 100_000):
        reply = httpx.get(f"{server.url}/health", headers={"X-Big": "a" * size}, timeout=30)
        assert reply.status_code == 431
        assert "headers are over the limit of 65536 bytes" in reply.json()["detail"]
    assert httpx.get(f"{server.url}/health").status_code == 200  # still serving


def test_a_request_that_is_not_http_gets_400_in_json(server: Server) -> None:
    host, port = server.url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    head, _, data = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert "not valid HTTP/1.1" in json.loads(data)["detail"]


# ---------------------------------------------------------------- the access log
FORGED = "[2099-01-01 00:00:00,000] [INFO] [studio.server.access] [1] 6.6.6.6 GET /forged 200"
HOSTILE = ["/v1/a%0A" + FORGED.replace(" ", "%20"), "/v1/b%0D%0Aforged%0D", "/v1/c%00nul",
           "/v1/d%E2%80%A8line%E2%80%A9para%C2%85next%0Bvt%1Ees", "/v1/projects/1%0A2"]


def send_hostile(server: Server) -> None:
    """Every hostile path, and a header with a NUL in it."""
    with server.client() as client:
        for path in HOSTILE:
            assert client.get(path).status_code in (400, 404)
    host, port = server.url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Forged: a\x00\r[9999]\r\n\r\n")
        while sock.recv(4096):
            pass


def logged(server: Server, count: int) -> list[str]:
    """The server's log lines, once ``count`` hostile requests are in it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = server.log.read_text(errors="replace")
        if sum(text.count(path.split("%")[0] + "%") for path in HOSTILE) >= count:
            break
        time.sleep(0.1)
    assert "\x00" not in text and "\r" not in text
    return text.splitlines()  # splits at NEL, LS, PS, VT... too


def test_no_path_or_header_forges_a_text_log_line(server: Server) -> None:
    send_hostile(server)
    lines = logged(server, len(HOSTILE))
    record = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] \[[A-Z]+\] \[[\w.]+\] "
                        r"\[\d+\] ")
    for line in lines:
        assert record.match(line) or line.startswith("  "), line  # a record, or its traceback
        assert not line.startswith(FORGED[:20]), line
    for path in HOSTILE:
        assert any(f" GET {path} 40" in line for line in lines), path


def test_no_path_or_header_breaks_a_json_log_line(tmp_path: Path) -> None:
    root = tmp_path / "library"
    srv = start_server(root, tmp_path, prepare_library(root, tmp_path), "--log-format", "json")
    try:
        send_hostile(srv)
        lines = logged(srv, len(HOSTILE))
    finally:
        assert srv.stop(signal.SIGTERM) == 0
    records = [json.loads(line) for line in lines]  # every line is one whole record
    paths = [r["path"] for r in records if r["logger"] == "studio.server.access"]
    for path in HOSTILE:
        assert path in paths
    assert all(line.isascii() for line in lines)


def test_an_emoji_is_refused_in_words_an_api_client_can_act_on(server: Server) -> None:
    """The command line's advice (a flag that drops them) means nothing to a
    program calling the API: it is told to remove the emoji, with the code
    ``emoji``, and nothing is queued."""
    before = snapshot(server.root)
    with server.client() as client:
        speech = client.post("/v1/audio/speech", json={
            "model": "tts-1", "voice": "joe", "input": "Launch day \U0001F680 is here."})
        original = client.post("/synthesize", json={
            "apikey": server.key, "voice": "joe", "target": "Launch day \U0001F680 is here."})
    error = speech.json()["error"]
    assert speech.status_code == 400 and error["code"] == "emoji", speech.text
    assert "remove it from the text" in error["message"] and "U+1F680" in error["message"]
    assert original.status_code == 400, original.text
    assert "remove it from the text" in original.json()["detail"]
    for message in (error["message"], original.json()["detail"]):
        assert "--strip-symbols" not in message and "`studio" not in message
    assert snapshot(server.root) == before

"""A small model repository served over real HTTP on loopback.

It answers the Hugging Face download layout (``/REPO/resolve/REV/PATH``),
honours ``Range`` requests like the real hubs, and can misbehave on purpose:
cut a transfer after N bytes, serve corrupt bytes, or ignore ranges.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote


@dataclass
class FakeRepo:
    repo: str
    revision: str
    files: dict[str, bytes]
    cut_after: dict[str, int] = field(default_factory=dict)  # path -> bytes, then close
    corrupt: set[str] = field(default_factory=set)
    ignore_ranges: bool = False
    slow: set[str] = field(default_factory=set)  # sent 64 KiB at a time, 20 ms apart
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range)
    sent: dict[str, int] = field(default_factory=dict)  # path -> body bytes sent

    def manifest(self, name: str, endpoint: str, *, pinned: bool = True,
                 extra_sources: str = "", optional: tuple[str, ...] = ()) -> str:
        """The manifest text for this repository as model ``name``."""
        lines = [
            "[[model]]", f'name = "{name}"', 'title = "Test model"', 'backend = "test"',
            'licence = "MIT"', 'languages = ["en"]', "vram_mb = 100", extra_sources,
            "[[model.sources]]", 'kind = "huggingface"', f'repo = "{self.repo}"',
            f'revision = "{self.revision}"', f'endpoint = "{endpoint}"',
        ]
        for path, data in list(self.files.items()) + [(p, b"") for p in optional]:
            lines += ["[[model.files]]", f'path = "{path}"']
            if path in optional:
                lines.append("optional = true")
            elif pinned:
                lines += [f"size = {len(data)}",
                          f'sha256 = "{hashlib.sha256(data).hexdigest()}"']
        return "\n".join(lines) + "\n"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        repo = self.server.repo
        prefix = f"/{repo.repo}/resolve/{repo.revision}/"
        path = unquote(self.path)
        rng = self.headers.get("Range")
        name = path[len(prefix):] if path.startswith(prefix) else ""
        repo.requests.append((name, rng))
        if name not in repo.files:
            self.send_error(404)
            return
        data = repo.files[name]
        if name in repo.corrupt:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        start = 0
        if rng and not repo.ignore_ranges:
            start = int(rng.removeprefix("bytes=").split("-")[0])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        cut = repo.cut_after.pop(name, None)
        if cut is not None:
            body = body[:cut]
        if name in repo.slow:
            for start in range(0, len(body), 1 << 16):
                try:
                    self.wfile.write(body[start:start + (1 << 16)])
                    self.wfile.flush()
                except OSError:  # the client went away
                    return
                time.sleep(0.02)
        else:
            self.wfile.write(body)
        repo.sent[name] = repo.sent.get(name, 0) + len(body)
        if cut is not None:
            self.wfile.flush()
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, repo: FakeRepo) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.repo = repo


class ModelServer:
    """Serves ``repo`` on 127.0.0.1 in a thread (a context manager)."""

    def __init__(self, repo: FakeRepo) -> None:
        self.repo = repo
        self._server = _Server(repo)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ModelServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def write_manifest(folder: Path, text: str) -> Path:
    path = folder / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    return path

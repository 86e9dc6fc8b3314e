"""What ``studio serve`` is told (:class:`ServerSettings`, the library's
``server.*`` settings, and the checks of the addresses it is given: a public
URL, a Host header), and whether it runs on a library, and where: a small file in
the library (``server.json``: pid, address, since when) written once the
server listens and removed when it stops. A file whose process is gone (a
kill -9) counts as not running. The Engine page reads it; nothing else
depends on it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from studio.errors import UserError
from studio.fsutil import write_bytes_atomic

STATE_FILE = "server.json"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*\.?|\[([0-9A-Fa-f:.]+)\])(?::([0-9]{{1,5}}))?")
_PREFIX = re.compile(r"(?:/[A-Za-z0-9._~-]+)*/?")


def plain_host(text: str) -> bool:
    """Whether ``text`` is a plain ``host[:port]``: a name, an IPv4 address or
    a bracketed IPv6 address, and a port from 1 to 65535 (what a Host header
    or a public URL may name; nothing else is taken from a client)."""
    match = _HOST.fullmatch(text) if len(text) <= 260 else None
    if match is None:
        return False
    if match.group(1) is not None:
        try:
            ipaddress.IPv6Address(match.group(1))
        except ValueError:
            return False
    return match.group(2) is None or 0 < int(match.group(2)) < 65536


def public_url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as the address clients reach the server at
    (an http(s) URL, a plain host[:port], at most a path prefix), or None."""
    if any(char.isspace() or not char.isprintable() for char in url):
        return "has spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("http", "https") or not url.lower().startswith(
            f"{parts.scheme}://"):
        return "is not an http:// or https:// URL"
    if "@" in parts.netloc:
        return "carries credentials"
    if not plain_host(parts.netloc):
        return "does not name a plain host[:port]"
    if "?" in url or "#" in url:
        return "has a query or a fragment"
    segments = parts.path.split("/")
    if _PREFIX.fullmatch(parts.path) is None or "." in segments or ".." in segments:
        return "has a path other than a plain prefix (letters, digits, . _ ~ -)"
    return None


@dataclass(frozen=True)
class ServerSettings:
    """How the server behaves (library settings ``server.<field>`` override
    the defaults; ``studio serve`` options override both)."""

    host: str = "127.0.0.1"
    port: int = 8000
    timeout_s: float = 600.0  # a one-shot request past this is answered 504
    result_ttl_s: float = 3600.0  # one-shot results (and their projects) live this long
    sweep_every_s: float = 60.0
    max_body_bytes: int = 2_000_000  # a request body past this is answered 413
    key_concurrency: int = 64  # requests in flight per key; more are answered 429
    # exports (a project's audio or subtitles) in flight per key, more are
    # answered 429; and at once for all keys together, more wait their turn
    # (0: one per CPU core)
    key_exports: int = 2
    max_exports: int = 0
    # on SIGTERM or SIGINT, requests in flight get this long to finish
    grace_s: float = 10.0
    max_input_chars: int = 4096  # /v1/audio/speech's input
    max_target_chars: int = 100_000  # /synthesize's target
    voice_url_max_bytes: int = 10_000_000
    voice_url_timeout_s: float = 15.0
    # voice_url may reach these loopback, private or link-local networks
    # (comma-separated CIDRs, or "all"); by default none of them
    voice_url_allow: str = ""
    # the address clients reach the server at behind a proxy (download URLs
    # start with it); empty: each request's own scheme and host
    public_url: str = ""
    log_format: str = "text"  # or "json"
    # a one-shot request's output: its pauses and its audio, in seconds
    max_pause_s: float = 60.0
    max_audio_s: float = 1800.0
    # the speech API's voice names (alloy, nova, ...) as library voices:
    # "alloy=joe,nova=amy"; a name not listed is the library's default voice
    voice_map: str = ""

    def __post_init__(self) -> None:
        for name, least in (("key_exports", 1), ("max_exports", 0), ("grace_s", 0)):
            if getattr(self, name) < least:
                raise UserError(f"server.{name} is {getattr(self, name)}, below {least}",
                                f"set it to {least} or more")
        problem = public_url_problem(self.public_url) if self.public_url else None
        if problem is not None:
            raise UserError(f"server.public_url {self.public_url[:200]!r} {problem}",
                            "set the address clients reach the server at, such as "
                            "https://tts.example.com or https://example.com/studio")

    @classmethod
    def from_mapping(cls, stored: dict[str, Any], **overrides: Any) -> ServerSettings:
        """Defaults, then ``stored`` (keys without ``server.``), then the
        overrides that are not None."""
        kinds: dict[str, Any] = {f.name: type(f.default) for f in dataclasses.fields(cls)}
        names = kinds
        values: dict[str, Any] = {}
        for key, value in stored.items():
            if key in kinds:
                values[key] = kinds[key](value)
        values.update({k: v for k, v in overrides.items() if v is not None and k in names})
        return cls(**values)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def announce(root: Path, host: str, port: int) -> None:
    """Say that this process serves the library at ``root`` on host:port."""
    state = {"pid": os.getpid(), "host": host, "port": port, "since": time.time()}
    write_bytes_atomic(Path(root) / STATE_FILE, json.dumps(state).encode())


def withdraw(root: Path) -> None:
    """Say that this process serves no more (only if the file is its own)."""
    path = Path(root) / STATE_FILE
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()


def running(root: Path) -> dict[str, Any] | None:
    """``{"pid", "host", "port", "since", "url"}`` of the server on this
    library, or None when none runs."""
    try:
        state = json.loads((Path(root) / STATE_FILE).read_text(encoding="utf-8"))
        pid, host, port = int(state["pid"]), str(state["host"]), int(state["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _alive(pid):
        return None
    shown = f"[{host}]" if ":" in host else host
    return {**state, "url": f"http://{shown}:{port}"}

"""Fetching a ``voice_url``: a prompt clip from the web, guarded.

* http and https only; no credentials in the URL;
* the host is resolved once and the connection is made to the address that
  was checked (a name that resolves elsewhere a second later changes
  nothing); the address actually connected to is checked again;
* loopback, private, link-local, multicast, reserved and unspecified
  addresses are refused unless the ``voice_url_allow`` setting names their
  network (CIDRs, or ``all``);
* redirects (at most 5) are followed by hand, each hop checked the same way;
* a size cap (the Content-Length, then the bytes read);
* one deadline for the whole download, name lookup, connection, headers
  and body included: each step waits only the time left, and at the
  deadline the connection is shut, which ends a read under way (a server
  that drips a few bytes a second is cut there, not served for ever);
* the body must be audio (WAV, FLAC, OGG or MP3 by its first bytes) that
  passes the voice-clip checks (:func:`studio.core.prompts.check_prompt`).

Every refusal is a :class:`FetchError` with a one-line message.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass

MAX_REDIRECTS = 5
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchError(Exception):
    """A voice_url that cannot be used; the message says why."""


@dataclass(frozen=True)
class Fetched:
    """A downloaded clip."""

    data: bytes
    suffix: str  # by its first bytes: .wav .flac .ogg .mp3
    url: str  # after redirects
    address: str  # the address it came from


def parse_allow(text: str) -> list[Network] | None:
    """The networks ``voice_url_allow`` names; None for ``all``."""
    text = text.strip()
    if text == "all":
        return None
    nets: list[Network] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        nets.append(ipaddress.ip_network(part, strict=False))
    return nets


def refusal(address: Address, allow: list[Network] | None) -> str | None:
    """Why ``address`` may not be fetched from, or None."""
    if isinstance(address, ipaddress.IPv6Address):  # IPv4 carried inside IPv6
        inner = address.ipv4_mapped or address.sixtofour or (
            address.teredo[1] if address.teredo else None)
        if inner is not None:
            address = inner
    if address.is_unspecified or address.is_multicast:
        return "an unspecified or multicast address"
    kind = ("a loopback" if address.is_loopback else "a link-local" if address.is_link_local
            else "a private" if address.is_private else "a reserved" if address.is_reserved
            else "a non-public" if not address.is_global  # shared (100.64/10) and the like
            else None)
    if kind is None:
        return None
    if allow is None or any(address in net for net in allow):
        return None
    return f"{kind} address ({address})"


def sniff(data: bytes) -> str | None:
    """The audio file type of ``data`` by its first bytes, or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return ".wav"
    if data[:4] == b"fLaC":
        return ".flac"
    if data[:4] == b"OggS":
        return ".ogg"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return ".mp3"
    return None


class _Pinned(http.client.HTTPConnection):
    """An HTTP connection to one checked address (the Host header keeps the name)."""

    def __init__(self, host: str, port: int, address: str, timeout: float,
                 allow: list[Network] | None) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._allow = allow
        self.peer = ""

    def _open(self) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        peer = ipaddress.ip_address(sock.getpeername()[0])
        why = refusal(peer, self._allow)
        if why is not None:
            sock.close()
            raise FetchError(f"voice_url connected to {why}, which is not allowed")
        self.peer = str(peer)
        return sock

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedTLS(_Pinned):
    def connect(self) -> None:
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self._open(), server_hostname=self.host)


class _Deadline:
    """The whole download's deadline (``timeout_s`` from now)."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.at = time.monotonic() + timeout_s

    def left(self) -> float:
        """Seconds left; :class:`FetchError` once there are none."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise FetchError(f"voice_url took longer than {self.timeout_s:g} s to download: "
                             "give a clip on a faster server (or raise "
                             "server.voice_url_timeout_s)")
        return left

    def resolve(self, host: str, port: int) -> list[Address]:
        """``host``'s addresses, looked up within the time left."""
        found: list[list[Address] | Exception] = []

        def look() -> None:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                found.append([ipaddress.ip_address(info[4][0]) for info in infos])
            except (OSError, UnicodeError) as err:
                found.append(err)

        thread = threading.Thread(target=look, name="voice-url-lookup", daemon=True)
        thread.start()
        thread.join(self.left())
        if not found:
            self.left()  # the deadline passed: say so
            raise FetchError(f"voice_url's host {host!r} cannot be resolved")
        if isinstance(found[0], Exception):
            raise FetchError(f"voice_url's host {host!r} cannot be resolved") from None
        return found[0]

    def watch(self, conn: _Pinned) -> threading.Timer:
        """A timer that shuts ``conn``'s socket at the deadline (started)."""

        def cut() -> None:
            sock = conn.sock
            if sock is not None:
                # the plain socket's shutdown, also under TLS: it wakes a
                # blocked read without touching the TLS state of its thread
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

        timer = threading.Timer(self.left(), cut)
        timer.daemon = True
        timer.start()
        return timer


def fetch(url: str, *, max_bytes: int, timeout_s: float, allow: list[Network] | None
          ) -> Fetched:
    """Download ``url`` under the rules above."""
    deadline = _Deadline(timeout_s)
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(f"voice_url must be an http or https URL, not {scheme or 'none'}:"
                             " give the clip's web address")
        if parts.username or parts.password:
            raise FetchError("voice_url must not carry a user name or password")
        host = parts.hostname
        if not host:
            raise FetchError("voice_url has no host name")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise FetchError("voice_url has an invalid port") from None
        addresses = deadline.resolve(host, port)
        refused = [why for why in (refusal(a, allow) for a in addresses) if why]
        if refused:
            raise FetchError(f"voice_url's host {host!r} is {refused[0]}, which is not allowed"
                             " (see voice_url_allow in docs/server.md)")
        cls = _PinnedTLS if scheme == "https" else _Pinned
        conn = cls(host, port, str(addresses[0]), deadline.left(), allow)
        timer = deadline.watch(conn)
        try:
            fetched = _get(conn, url, parts, max_bytes, deadline)
        finally:
            timer.cancel()
            conn.close()
        if isinstance(fetched, Fetched):
            return fetched
        url = fetched
    raise FetchError(f"voice_url redirected more than {MAX_REDIRECTS} times")


def _get(conn: _Pinned, url: str, parts: urllib.parse.SplitResult, max_bytes: int,
         deadline: _Deadline) -> Fetched | str:
    """One hop: the clip, or the URL a redirect names."""
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        conn.request("GET", path, headers={"User-Agent": "VoiceStudio", "Accept": "audio/*"})
        response = conn.getresponse()
    except FetchError:
        raise
    except (OSError, http.client.HTTPException) as err:
        deadline.left()  # cut at the deadline: say that, not the broken read
        raise FetchError(f"voice_url could not be fetched ({err})") from None
    with response:  # its socket is closed with it, not when it is collected
        if response.status in (301, 302, 303, 307, 308):
            location = response.getheader("Location")
            if not location:
                raise FetchError("voice_url redirected without a Location")
            return urllib.parse.urljoin(url, location)
        if response.status != 200:
            raise FetchError(f"voice_url answered HTTP {response.status}")
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise FetchError(f"voice_url's file is {int(length)} bytes, over the limit of "
                             f"{max_bytes}: give a shorter clip (3-30 s)")
        data = bytearray()
        while True:
            left = deadline.left()
            try:
                if conn.sock is not None:
                    conn.sock.settimeout(left)
                chunk = response.read1(65536)  # what has arrived: one wait at most
            except (OSError, http.client.HTTPException) as err:
                deadline.left()
                raise FetchError(f"voice_url could not be read ({err})") from None
            if not chunk:
                break
            data += chunk
            if len(data) > max_bytes:
                raise FetchError(f"voice_url's file is over the limit of {max_bytes} "
                                 "bytes: give a shorter clip (3-30 s)")
        deadline.left()  # a body cut short by the deadline is not a clip
        suffix = sniff(bytes(data[:16]))
        if suffix is None:
            raise FetchError("voice_url did not return audio: give a WAV, FLAC, OGG or "
                             "MP3 clip")
        return Fetched(bytes(data), suffix, url, conn.peer)

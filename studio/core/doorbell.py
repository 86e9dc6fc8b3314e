"""Wake-ups between the processes of one library, so none waits by polling.

The queue lives in SQLite, which tells no process that another committed.
A process that would otherwise poll (a worker waiting for jobs, the
supervisor, the server waiting for takes) listens on a *channel* with a
:class:`Doorbell`; a process that commits a change rings the channel
(:func:`ring`) after the commit. The ring is only a hint: a listener then
reads the queue as it would have on its next poll, and every listener keeps
polling at its old pace as well, so a lost ring (or a platform with no
doorbell) costs latency, never correctness.

How: on Linux, each listener binds a datagram socket in the abstract
namespace (no file on disk, gone with its process, whatever killed it) and
leaves a marker file named after it in ``<library>/doorbells/<channel>/``; a
ring sends one empty datagram to each marker's socket, without blocking,
and removes the markers nobody listens on any more (a listener killed by
kill -9). Datagrams carry nothing: whoever sends one can only cause a read
of the queue. Elsewhere :meth:`Doorbell.open` answers None and rings do
nothing: the listeners poll.

Hand-written over a messaging library on purpose: the whole need is "wake
up and look", between processes of one machine that already share a
folder; a broker would be one more process to keep alive.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import select
import socket
import sys
import time
from pathlib import Path

FOLDER = "doorbells"
JOBS = "jobs"  # a job may be claimable: workers and the supervisor listen
ENDED = "ended"  # a job ended (a take landed, or it failed or was cancelled)
SUPPORTED = sys.platform.startswith("linux")


def _prefix(root: Path, channel: str) -> bytes:
    """The start of the abstract socket addresses of ``channel``'s listeners."""
    digest = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:24]
    return f"\0voice-studio/{digest}/{channel}/".encode()


class Doorbell:
    """One process's ear on one channel of a library."""

    def __init__(self, root: Path, channel: str, sock: socket.socket, marker: Path) -> None:
        self.root, self.channel = Path(root), channel
        self._sock, self._marker = sock, marker

    @classmethod
    def open(cls, root: Path, channel: str) -> Doorbell | None:
        """Listen on ``channel`` of the library at ``root``; None where
        there are no doorbells (the caller polls)."""
        if not SUPPORTED:
            return None
        name = f"{os.getpid()}.{secrets.token_hex(4)}"
        folder = Path(root) / FOLDER / channel
        try:
            folder.mkdir(parents=True, exist_ok=True)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        except OSError:
            return None
        try:
            sock.bind(_prefix(root, channel) + name.encode())
            sock.setblocking(False)
            marker = folder / name
            marker.touch()
        except OSError:
            sock.close()
            return None
        return cls(root, channel, sock, marker)

    def fileno(self) -> int:
        """The socket's descriptor, readable once rung (for an event loop)."""
        return self._sock.fileno()

    def drain(self) -> bool:
        """Take every ring that came; whether there was one."""
        rang = False
        while True:
            try:
                self._sock.recv(16)
            except (BlockingIOError, InterruptedError):
                return rang
            except OSError:
                return rang
            rang = True

    def wait(self, timeout_s: float) -> bool:
        """Wait until rung or ``timeout_s`` has passed; whether it rang."""
        with contextlib.suppress(InterruptedError):
            select.select([self._sock], [], [], max(0.0, timeout_s))
        return self.drain()

    def close(self) -> None:
        """Stop listening (the marker goes; a ring then skips this process)."""
        self._marker.unlink(missing_ok=True)
        self._sock.close()

    def __enter__(self) -> Doorbell:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Waiting:
    """What a polling loop waits with: a ring on ``channel``, or the poll's
    pause, whichever comes first; where there are no doorbells, the pause."""

    def __init__(self, root: Path, channel: str) -> None:
        self.bell = Doorbell.open(root, channel)

    def wait(self, timeout_s: float) -> bool:
        """Wait until rung or ``timeout_s`` has passed; whether it rang."""
        if self.bell is None:
            time.sleep(timeout_s)
            return False
        return self.bell.wait(timeout_s)

    def close(self) -> None:
        if self.bell is not None:
            self.bell.close()

    def __enter__(self) -> Waiting:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ring(root: Path, channel: str) -> int:
    """Wake every listener on ``channel`` of the library at ``root``; how
    many were rung. Never blocks and never raises: a full or gone listener
    is skipped (a gone one's marker removed)."""
    if not SUPPORTED:
        return 0
    try:
        names = os.listdir(Path(root) / FOLDER / channel)
    except OSError:
        return 0
    prefix, rung = _prefix(root, channel), 0
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        for name in names:
            try:
                sock.sendto(b"", prefix + name.encode())
                rung += 1
            except BlockingIOError:  # rung already and not yet read: awake anyway
                rung += 1
            except (ConnectionRefusedError, FileNotFoundError):  # nobody listens there now
                with contextlib.suppress(OSError):
                    (Path(root) / FOLDER / channel / name).unlink()
            except OSError:
                pass
    return rung

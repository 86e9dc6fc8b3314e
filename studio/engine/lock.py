"""The engine's lock: one supervisor per library.

An exclusive lock on ``LIBRARY/engine.lock``, which holds the supervisor's
pid: an open file description lock on Linux, which a status probe can query
without taking it, plus a ``flock``. The kernel drops the lock when the
process dies, however it dies, so a crashed supervisor never blocks the
next one.
"""

from __future__ import annotations

import errno
import fcntl
import os
import struct
from pathlib import Path
from typing import IO

from studio.errors import UserError

LOCK_NAME = "engine.lock"


def _lock_path(root: Path) -> Path:
    return Path(root) / LOCK_NAME


# Open file description locks (Linux): owned by the open file, like flock, so
# no other file the process opens or closes can drop them (as it drops classic
# POSIX locks), and unlike flock they can be *queried* (F_OFD_GETLK) without
# being taken. A probe that takes the lock, even for a moment, makes a
# supervisor starting at that instant fail as "already running".
_OFD = hasattr(fcntl, "F_OFD_SETLK")
# struct flock on 64-bit Linux: l_type, l_whence, l_start, l_len, l_pid, padding
_FLOCK = "hhqqi4x"


def _whole_file(kind: int) -> bytes:
    return struct.pack(_FLOCK, kind, os.SEEK_SET, 0, 0, 0)


def _held(handle: IO[str]) -> bool:
    """Whether another open file holds a lock on ``handle``'s file; takes none."""
    if _OFD:
        answer = fcntl.fcntl(handle, fcntl.F_OFD_GETLK, _whole_file(fcntl.F_WRLCK))
        kind: int = struct.unpack(_FLOCK, answer)[0]
        return kind != fcntl.F_UNLCK
    try:  # no way to ask without taking: a probe racing a start can fail it
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _take(handle: IO[str]) -> bool:
    """Take the lock for ``handle``'s life (closing it releases it); False if held.

    With OFD locks the flock is taken as well: studio versions before them
    took only the flock, and either kind alone would let an engine of an older
    studio and one of this studio run side by side on one library."""
    try:
        if _OFD:
            fcntl.fcntl(handle, fcntl.F_OFD_SETLK, _whole_file(fcntl.F_WRLCK))
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        if err.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


def engine_pid(root: Path) -> int | None:
    """The pid of the supervisor running for this library, or None (-1 while
    one is starting and has not written its pid yet).

    Asks the kernel whether the lock is held without taking it (see
    ``_OFD``), so any number of status probes can run while a supervisor
    starts."""
    path = _lock_path(root)
    try:
        handle = open(path)  # noqa: SIM115 - closed below; reading is all a probe does
    except FileNotFoundError:
        return None
    with handle:
        if not _held(handle):
            return None
        text = handle.read().strip()
    return int(text) if text.isdigit() else -1


class EngineRunning(UserError):
    """Another supervisor holds this library's lock."""


def acquire_lock(root: Path) -> IO[str]:
    """Take the library's engine lock and write our pid into it."""
    handle = open(_lock_path(root), "a+")  # noqa: SIM115 - held for the process's life
    if not _take(handle):
        handle.seek(0)
        pid = handle.read().strip() or "?"
        handle.close()
        raise EngineRunning(
            f"the engine is already running for {root} (pid {pid})",
            "use `studio engine status`, or `studio engine stop` first",
        )
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle

"""Crash-safe file writing: temp name, flush, fsync, rename, fsync the folder.

A reader sees either the old file or the complete new one, never a torn one,
whatever process dies at whatever moment. Temp files carry the prefix
:data:`TEMP_PREFIX` so a sweep can find the leftovers of a crash.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".partial-"


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (not possible on every platform)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Open a binary file that appears at ``path`` only when fully written.

    On any exception the temp file is removed and ``path`` is untouched.
    """
    path = Path(path)
    tmp = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}-{path.name}")
    try:
        with open(tmp, "xb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_writer(path) as handle:
        handle.write(data)


def check_writable_file(path: Path) -> None:
    """Raise ``OSError`` unless a new file can be created beside ``path``.

    Creates and removes a temp file in the target folder, which is the only
    reliable test (permissions, read-only mounts and ACLs all show up).
    """
    folder = Path(path).parent
    if not folder.is_dir():
        raise FileNotFoundError(f"folder {folder} does not exist")
    if Path(path).is_dir():
        raise IsADirectoryError(f"{path} is a folder")
    probe = folder / f"{TEMP_PREFIX}probe-{secrets.token_hex(4)}"
    with open(probe, "xb"):
        pass
    probe.unlink()

"""The library from the event loop: every read and write runs on a small
pool of threads, each with its own :class:`Library` (SQLite connections are
never shared between threads), so the loop never waits on the database."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from studio.core.store import Library

T = TypeVar("T")


class Db:
    """A pool of threads with a library connection each."""

    def __init__(self, root: Path, threads: int = 8, name: str = "studio-db") -> None:
        self.root = root
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix=name)

    def _library(self) -> Library:
        library: Library | None = getattr(self._local, "library", None)
        if library is None:
            library = Library.open(self.root)
            self._local.library = library
        return library

    def _call(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        return fn(self._library(), *args)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(library, *args)`` on a pool thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(self._call, fn, args))

    def close(self) -> None:
        """Let running calls finish; the connections close with their threads."""
        self._pool.shutdown(wait=True, cancel_futures=True)

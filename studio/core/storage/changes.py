"""Whether another connection changed the library: SQLite's ``data_version``
on a connection of its own, which moves whenever any other connection (a
worker, the command line, the server) commits, and costs nothing to read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from studio.core.storage.schema import DB_NAME


class ChangeCounter:
    """A number that changes when another connection commits to the library."""

    def __init__(self, root: Path) -> None:
        self._conn = sqlite3.connect(Path(root) / DB_NAME, check_same_thread=True)

    def read(self) -> int:
        """The present count (compare it with the last one read)."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        """Close its connection."""
        self._conn.close()

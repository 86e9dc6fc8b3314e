"""The base of every store: SQL over one open connection to ``studio.db``."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator


class Storage:
    """SQL over one open connection, with its one transaction helper.

    A store that runs several statements as one write opens
    :meth:`transaction`; one documented as working *inside the caller's
    transaction* runs its statements in one its caller opened.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT`` (rollback on error)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Reads that see one state of the database: a read transaction
        (``BEGIN`` … ``COMMIT``), or the caller's transaction if one is open."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")

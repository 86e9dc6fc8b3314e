"""API keys of ``studio serve``: public ids and salted hashes, never secrets
(:mod:`studio.core.keys` makes and checks them)."""

from __future__ import annotations

import time
from typing import Any

from studio.core.storage.base import Storage
from studio.errors import UserError


class KeyStore(Storage):
    """The ``api_keys`` table."""

    def add_api_key(self, name: str, key_id: str, salt: bytes, digest: bytes) -> None:
        """Store a key's public id and salted hash (:mod:`studio.core.keys`);
        :class:`UserError` if a live key has this name."""
        name = name.strip()
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM api_keys WHERE name = ? AND revoked_at IS NULL",
                            (name,)).fetchone():
                raise UserError(f"there is already a key named {name!r}",
                                "choose another name, or revoke it first "
                                f"(`studio keys revoke {name}`)")
            conn.execute(
                "INSERT INTO api_keys(name, key_id, salt, hash, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (name, key_id, salt, digest, time.time()))

    def api_key(self, key_id: str) -> dict[str, Any] | None:
        """The key with this public id (revoked or not), or None."""
        row = self.conn.execute("SELECT * FROM api_keys WHERE key_id = ?", (key_id,)).fetchone()
        return dict(row) if row else None

    def api_keys(self) -> list[dict[str, Any]]:
        """Every key (name, key_id, created_at, revoked_at), newest last; no secrets."""
        rows = self.conn.execute(
            "SELECT name, key_id, created_at, revoked_at FROM api_keys ORDER BY id")
        return [dict(row) for row in rows]

    def live_api_key_count(self) -> int:
        """How many keys are not revoked."""
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL").fetchone()[0])

    def revoke_api_key(self, name: str) -> None:
        """Revoke the live key named ``name``; :class:`UserError` if there is none."""
        with self.transaction() as conn:
            done = conn.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (time.time(), name.strip())).rowcount
        if not done:
            raise UserError(f"no key named {name!r}", "see `studio keys list`")

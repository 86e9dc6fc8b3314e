"""The library's settings: JSON values by key (see :mod:`studio.core.settings`)."""

from __future__ import annotations

import json
from typing import Any

from studio.core.storage.base import Storage


class SettingsStore(Storage):
    """The ``settings`` table."""

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A setting's value (JSON-decoded), or ``default``."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def settings_with_prefix(self, prefix: str) -> dict[str, Any]:
        """Settings whose key starts with ``prefix``, by the rest of the key."""
        rows = self.conn.execute(
            "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
        return {row[0][len(prefix):]: json.loads(row[1]) for row in rows}

    def settings(self) -> dict[str, Any]:
        """Every setting, by key."""
        rows = self.conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
        return {row[0]: json.loads(row[1]) for row in rows}

    def delete_setting(self, key: str) -> bool:
        """Forget a setting (its default applies again); False if it was not set."""
        with self.transaction() as conn:
            return conn.execute("DELETE FROM settings WHERE key = ?", (key,)).rowcount > 0

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serializable setting."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def update_settings(self, values: dict[str, Any], remove: tuple[str, ...] = ()) -> None:
        """Store ``values`` and forget ``remove``, in one transaction."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [(key, json.dumps(value)) for key, value in values.items()],
            )
            conn.executemany("DELETE FROM settings WHERE key = ?", [(key,) for key in remove])

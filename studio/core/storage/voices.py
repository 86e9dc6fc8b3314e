"""Voices: a backend's presets and cloned prompt clips (their files are
written by :mod:`studio.core.prompts` before their rows)."""

from __future__ import annotations

import time

from studio.core.storage.base import Storage
from studio.core.storage.records import Voice, record
from studio.errors import UserError


class VoiceStore(Storage):
    """The ``voices`` table."""

    def ensure_preset(self, name: str, backend: str, language: str) -> Voice:
        """Register a backend's preset voice if it is not in the library yet."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO voices(name, kind, backend, language, created_at) "
                "VALUES (?, 'preset', ?, ?, ?) ON CONFLICT(name) DO NOTHING",
                (name, backend, language, time.time()),
            )
        voice = self.find_voice(name)
        assert voice is not None
        return voice

    def add_voice(
        self,
        name: str,
        *,
        language: str,
        transcript: str | None,
        original_path: str,
        prompt_path: str,
        duration_s: float,
    ) -> Voice:
        """Insert a cloned voice whose files already exist in ``voices/``."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO voices(name, kind, backend, language, transcript, original_path, "
                "prompt_path, duration_s, created_at) VALUES (?, 'clone', NULL, ?, ?, ?, ?, ?, ?)",
                (name, language, transcript, original_path, prompt_path, duration_s, time.time()),
            )
            voice_id = cursor.lastrowid
        return self.voice(int(voice_id or 0))

    def set_voice_duration(self, voice_id: int, duration_s: float) -> None:
        """Record the length of a voice's prompt clip (trimmed again)."""
        with self.transaction() as conn:
            conn.execute("UPDATE voices SET duration_s = ? WHERE id = ?", (duration_s, voice_id))

    def voice(self, voice_id: int) -> Voice:
        """The voice with this id."""
        row = self.conn.execute("SELECT * FROM voices WHERE id = ?", (voice_id,)).fetchone()
        return record(Voice, row)

    def find_voice(self, name: str) -> Voice | None:
        """The voice named ``name`` (case-insensitive), or None."""
        row = self.conn.execute("SELECT * FROM voices WHERE name = ?", (name,)).fetchone()
        return record(Voice, row) if row else None

    def voices(self) -> list[Voice]:
        """All voices, presets first, then by name."""
        rows = self.conn.execute("SELECT * FROM voices ORDER BY kind DESC, name")
        return [record(Voice, row) for row in rows]

    def remove_voice(self, name: str) -> Voice:
        """Delete a cloned voice's row (its files are removed by the caller).

        Raises :class:`UserError` for a preset or a voice in use.
        """
        voice = self.find_voice(name)
        if voice is None:
            raise UserError(f"no voice named {name!r}", "see `studio voices list`")
        if voice.kind == "preset":
            raise UserError(f"{voice.name!r} is a preset voice and cannot be removed")
        users = [
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT p.name FROM projects p "
                "LEFT JOIN segments s ON s.project_id = p.id "
                "WHERE p.voice_id = ?1 OR s.voice_id = ?1 OR s.script_voice_id = ?1 "
                "ORDER BY p.name",
                (voice.id,),
            )
        ]
        if users:
            raise UserError(
                f"voice {voice.name!r} is used by project(s) {', '.join(users)}",
                "give those projects another voice first",
            )
        with self.transaction() as conn:
            conn.execute("DELETE FROM takes WHERE voice_id = ?", (voice.id,))
            conn.execute("DELETE FROM voices WHERE id = ?", (voice.id,))
        return voice

"""The engine's ``workers`` table: each worker slot the supervisor planned,
its process and what it reports (:mod:`studio.engine`), read by the front
ends' status views."""

from __future__ import annotations

import time
from typing import Any

from studio.core.storage.base import Storage


class WorkerStore(Storage):
    """The ``workers`` table: one row per slot."""

    def clear(self) -> None:
        """Forget every slot (a supervisor starting)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM workers")

    def plan(self, slot: int, backend: str, device: str, state: str, reason: str) -> None:
        """A slot planned for ``backend`` on ``device`` (and why there)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO workers(slot, backend, device, state, reason) "
                "VALUES (?, ?, ?, ?, ?)",
                (slot, backend, device, state, reason),
            )

    def set_states(self, slots: list[int], state: str, error: str | None) -> None:
        """These slots' state and last error (a build that ended)."""
        with self.transaction() as conn:
            conn.executemany("UPDATE workers SET state = ?, last_error = ? WHERE slot = ?",
                             [(state, error, slot) for slot in slots])

    def state(self, slot: int) -> str | None:
        """A slot's state, or None if it has no row."""
        row = self.conn.execute("SELECT state FROM workers WHERE slot = ?", (slot,)).fetchone()
        return row[0] if row else None

    def started(self, slot: int, pid: int, now: float) -> None:
        """A slot's worker process was started."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE workers SET pid = ?, state = 'starting', current_job = NULL, "
                "started_at = ?, heartbeat_at = ? WHERE slot = ?",
                (pid, now, now, slot),
            )

    def exited(self, slot: int, state: str, error: str, restarts: int) -> None:
        """A slot's worker exited unexpectedly: ``state`` crashed or failed,
        ``restarts`` more restarts to count."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE workers SET state = ?, restarts = restarts + ?, last_error = ?, "
                "current_job = NULL WHERE slot = ?",
                (state, restarts, error, slot),
            )

    def stopped(self) -> None:
        """Every slot that has not failed is stopped (the engine stopped)."""
        with self.transaction() as conn:
            conn.execute("UPDATE workers SET state = 'stopped', current_job = NULL "
                         "WHERE state != 'failed'")

    def report(self, slot: int, pid: int, state: str, job: int | None, done: int) -> None:
        """What a slot's worker (this ``pid``) reports: its state, its job, and
        how many more jobs it has done."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE workers SET state = ?, current_job = ?, jobs_done = jobs_done + ?, "
                "heartbeat_at = ? WHERE slot = ? AND pid = ?",
                (state, job, done, time.time(), slot, pid),
            )

    def rows(self) -> list[dict[str, Any]]:
        """Every slot, in order: slot, pid, backend, device, state, current_job,
        jobs_done, restarts, started_at, last_error, reason."""
        rows = self.conn.execute(
            "SELECT slot, pid, backend, device, state, current_job, jobs_done, restarts, "
            "started_at, last_error, reason FROM workers ORDER BY slot"
        )
        return [dict(row) for row in rows]

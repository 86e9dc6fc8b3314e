"""One poller for every request waiting on the engine.

A one-shot request registers its project and awaits a future; a single task
reads the state of every waiting project in one query (on a pool thread)
every 50 ms and resolves the futures of those that are done or failed. It
also keeps the engine up while anything waits (starting it on demand, as
``studio render`` does) and fails every waiter when all its workers have
failed, so a request never waits for work that cannot happen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

from studio.core.progress import read_progress
from studio.core.storage.progress import ProgressStore
from studio.core.store import Library
from studio.server.db import Db
from studio.service import engine

log = logging.getLogger("studio.server")

POLL_S = 0.05
ENGINE_CHECK_S = 1.0


@dataclass(frozen=True)
class Outcome:
    """How a project's render ended."""

    done: bool
    errors: tuple[str, ...] = ()


class EngineDown(Exception):
    """The engine cannot render (every worker failed, or it cannot start)."""


def _states(library: Library, ids: list[int]) -> dict[int, Outcome | None]:
    """How each waiting project ended (None: not yet), by its
    :class:`~studio.core.progress.Progress`: done once rendered and settled."""
    found: dict[int, Outcome | None] = {}
    for project_id, progress in read_progress(library, ids).items():
        if not progress.total:  # gone meanwhile (deleted from the desktop, say): say so now
            found[project_id] = Outcome(False, ("the request's project was removed",))
        elif progress.done:
            found[project_id] = Outcome(True)
        elif progress.settled:
            errors = ProgressStore(library.conn).dead_errors(project_id)
            found[project_id] = Outcome(False, tuple(errors) or ("not rendered",))
        else:
            found[project_id] = None
    return found


def _engine_problem(library: Library) -> str | None:
    """Start the engine if it is not running; why it cannot render, if so."""
    try:
        engine.ensure_engine(library.root)
    except Exception as err:  # the engine's own one-line reason
        return str(err)
    rows = engine.worker_rows(library)
    if rows and all(row["state"] == "failed" for row in rows):
        return f"every engine worker failed ({rows[-1]['backend']}): {rows[-1]['last_error']}"
    return None


class Waiter:
    """Futures of waiting projects, resolved by one polling task."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self._waiting: dict[int, asyncio.Future[Outcome]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def wait(self, project_id: int, timeout_s: float) -> Outcome:
        """The project's outcome; :class:`TimeoutError` past ``timeout_s``,
        :class:`EngineDown` if the engine cannot render."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._waiting[project_id] = future
        self._wake.set()
        try:
            return await asyncio.wait_for(future, timeout_s)
        finally:
            self._waiting.pop(project_id, None)

    async def _loop(self) -> None:
        checked = 0.0
        while True:
            if not self._waiting:
                self._wake.clear()
                await self._wake.wait()
                checked = 0.0
            try:
                if time.monotonic() - checked > ENGINE_CHECK_S:
                    checked = time.monotonic()
                    problem = await self.db.run(_engine_problem)
                    if problem:
                        for future in list(self._waiting.values()):
                            if not future.done():
                                future.set_exception(EngineDown(problem))
                        self._waiting.clear()
                        continue
                ids = list(self._waiting)
                if ids:
                    states = await self.db.run(_states, ids)
                    for project_id, outcome in states.items():
                        waiting = self._waiting.get(project_id)
                        if outcome is not None and waiting is not None and not waiting.done():
                            waiting.set_result(outcome)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("waiting on the engine")
            await asyncio.sleep(POLL_S)

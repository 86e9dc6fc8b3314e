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

from studio.server.db import Db
from studio.service import engine
from studio.service.oneshot import Outcome, outcomes

log = logging.getLogger("studio.server")

POLL_S = 0.05
ENGINE_CHECK_S = 1.0


class EngineDown(Exception):
    """The engine cannot render (every worker failed, or it cannot start)."""


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
                    problem = await self.db.run(engine.engine_problem)
                    if problem:
                        for future in list(self._waiting.values()):
                            if not future.done():
                                future.set_exception(EngineDown(problem))
                        self._waiting.clear()
                        continue
                ids = list(self._waiting)
                if ids:
                    states = await self.db.run(outcomes, ids)
                    for project_id, outcome in states.items():
                        waiting = self._waiting.get(project_id)
                        if outcome is not None and waiting is not None and not waiting.done():
                            waiting.set_result(outcome)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("waiting on the engine")
            await asyncio.sleep(POLL_S)

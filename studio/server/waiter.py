"""One poller for every request waiting on the engine.

A one-shot request registers its project and awaits a future; a single task
reads the state of every waiting project in one query (on a pool thread)
each time a job ends (the library's doorbell, :mod:`studio.core.doorbell`,
rings when a worker commits a take, a failure or a cancel; without a
doorbell, and as a net for a lost ring, it reads on a timer) and resolves
the futures of those that are done or failed; a streaming request waits
the same way for its project's next take to land (:meth:`Waiter.landing`).
It also keeps the engine up while anything waits (starting it on demand, as
``studio render`` does) and fails every waiter
when all its workers have failed, so a request never waits for work that
cannot happen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from studio.core.doorbell import ENDED, Doorbell
from studio.server.db import Db
from studio.service import engine
from studio.service.oneshot import Outcome, outcomes
from studio.service.speech_stream import Mark, marks

log = logging.getLogger("studio.server")

POLL_S = 0.05  # with no doorbell: how often the waiting projects are read
NET_S = 0.5  # with one: how often they are read all the same (a ring lost)
ENGINE_CHECK_S = 1.0


class EngineDown(Exception):
    """The engine cannot render (every worker failed, or it cannot start)."""


class Waiter:
    """Futures of waiting projects, resolved by one polling task."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self._waiting: dict[int, asyncio.Future[Outcome]] = {}
        # streams: the rendered count each has seen, and its future
        self._watching: dict[int, tuple[int, asyncio.Future[Mark]]] = {}
        self._wake = asyncio.Event()  # set by a new waiter and by the doorbell
        self._task: asyncio.Task[None] | None = None
        self._bell: Doorbell | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())
        self._bell = Doorbell.open(self.db.root, ENDED)
        if self._bell is not None:
            asyncio.get_running_loop().add_reader(self._bell.fileno(), self._rung)

    def _rung(self) -> None:
        assert self._bell is not None
        if self._bell.drain():
            self._wake.set()

    async def stop(self) -> None:
        if self._bell is not None:
            asyncio.get_running_loop().remove_reader(self._bell.fileno())
            self._bell.close()
            self._bell = None
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

    async def landing(self, project_id: int, seen: int, timeout_s: float) -> Mark:
        """The project's :class:`Mark` once more than ``seen`` of its segments
        have a take, or it has ended; :class:`TimeoutError` past
        ``timeout_s``, :class:`EngineDown` if the engine cannot render."""
        future: asyncio.Future[Mark] = asyncio.get_running_loop().create_future()
        self._watching[project_id] = (seen, future)
        self._wake.set()
        try:
            return await asyncio.wait_for(future, timeout_s)
        finally:
            self._watching.pop(project_id, None)

    def _futures(self) -> list[asyncio.Future[Any]]:
        return [*self._waiting.values(), *(future for _, future in self._watching.values())]

    async def _loop(self) -> None:
        checked = 0.0
        while True:
            if not self._waiting and not self._watching:
                self._wake.clear()
                await self._wake.wait()
                checked = 0.0
            self._wake.clear()  # a ring from now on is read in the next round
            try:
                if time.monotonic() - checked > ENGINE_CHECK_S:
                    checked = time.monotonic()
                    problem = await self.db.run(engine.engine_problem)
                    if problem:
                        for future in self._futures():
                            if not future.done():
                                future.set_exception(EngineDown(problem))
                        self._waiting.clear()
                        self._watching.clear()
                        continue
                ids = list(self._waiting)
                if ids:
                    states = await self.db.run(outcomes, ids)
                    for project_id, outcome in states.items():
                        waiting = self._waiting.get(project_id)
                        if outcome is not None and waiting is not None and not waiting.done():
                            waiting.set_result(outcome)
                watched = list(self._watching)
                if watched:
                    for project_id, mark in (await self.db.run(marks, watched)).items():
                        watcher = self._watching.get(project_id)
                        if watcher is not None and not watcher[1].done() and (
                                mark.rendered > watcher[0] or mark.outcome is not None):
                            watcher[1].set_result(mark)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("waiting on the engine")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), NET_S if self._bell else POLL_S)

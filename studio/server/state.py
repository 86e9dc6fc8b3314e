"""What the routes share: the server's :class:`State`, made by the app's
lifespan and kept on ``app.state.studio``, and the background work it runs
(starting the engine on demand, sweeping expired one-shot results).

It also holds the server's stop (:class:`Stop`), in two steps: when SIGTERM
or SIGINT arrives the stop *begins* (event streams send a last event and end
at once; requests in flight go on), and when the grace is over it is *due*
(every request still waiting is answered 503 ``server_stopping`` and its
one-shot jobs are cancelled, so nothing renders for nobody).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from starlette.requests import Request

from studio.server.auth import Keys
from studio.server.db import Db
from studio.server.errors import ApiError
from studio.server.long_work import LongWork, sweep_exports
from studio.server.metrics import Metrics
from studio.server.settings import ServerSettings
from studio.server.waiter import Waiter
from studio.service import engine, oneshot

log = logging.getLogger("studio.server")
T = TypeVar("T")


class Stop:
    """The server's stop: ``begun`` once a signal asks for it, ``due`` once
    the grace for requests in flight is over. Set on the event loop."""

    def __init__(self) -> None:
        self.begun = asyncio.Event()
        self.due = asyncio.Event()
        self.reason = ""

    def begin(self, reason: str) -> None:
        """The stop was asked for (``reason``: what asked, for the last events)."""
        if not self.begun.is_set():
            self.reason = reason
            self.begun.set()

    def end_grace(self) -> None:
        """The grace is over: whatever still waits stops waiting."""
        self.begin(self.reason or "the server is stopping")
        self.due.set()

    def error(self) -> ApiError:
        """The answer to a request the stop cut short."""
        return ApiError(503, "the server is stopping and this request did not finish within "
                        "its grace; its work was cancelled: retry when the server is back",
                        code="server_stopping", headers={"Retry-After": "5"})


@dataclass
class EngineStarts:
    """This server's starts of the engine (for ``/ready``): how many are
    under way, and why the last one failed (None once one succeeds)."""

    starting: int = 0
    failed: str | None = None
    tried: float = 0.0  # time.monotonic() of the last start


@dataclass
class State:
    """What the routes share."""

    root: Path
    settings: ServerSettings
    db: Db
    keys: Keys
    waiter: Waiter
    metrics: Metrics
    results: Path
    long: LongWork
    stop: Stop = dataclasses.field(default_factory=Stop)
    engine: EngineStarts = dataclasses.field(default_factory=EngineStarts)
    tasks: set[asyncio.Task[None]] = dataclasses.field(default_factory=set)


def spawn(state: State, work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` in the background, keeping a reference until it ends."""
    task = asyncio.create_task(work)
    state.tasks.add(task)
    task.add_done_callback(state.tasks.discard)


async def settle(state: State, work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` to its end even if the caller is cancelled meanwhile
    (the app's lifespan waits for it before closing the database)."""
    task = asyncio.ensure_future(work)
    state.tasks.add(task)
    task.add_done_callback(state.tasks.discard)
    await asyncio.shield(task)


async def until_gone(request: Request) -> None:
    """Return once the client of ``request`` has disconnected (its body is
    read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def unless_stopped(state: State, work: Awaitable[T],
                         gone: asyncio.Future[None] | None = None) -> T:
    """``work``'s result, unless the server's grace runs out first (then
    :meth:`Stop.error`) or, with ``gone``, the client goes away first (then
    a 499, which no one reads but the access log); either way ``work`` is
    cancelled before this returns."""
    task = asyncio.ensure_future(work)
    due = asyncio.ensure_future(state.stop.due.wait())
    waits: set[asyncio.Future[Any]] = {task, due}
    if gone is not None:
        waits.add(gone)
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        due.cancel()
        task.cancel()  # a no-op once it is done
    if task.done() and not task.cancelled():
        return task.result()
    with contextlib.suppress(asyncio.CancelledError):
        await task  # let it clean up (a child process killed, say)
    if gone is not None and gone.done():
        raise ApiError(499, "the client closed the request before it was answered",
                       code="client_closed")
    raise state.stop.error()


async def start_engine(state: State) -> None:
    """Start the engine if it is not running; a failure is logged and kept
    for ``/ready``."""
    starts = state.engine
    starts.starting += 1
    starts.tried = time.monotonic()
    try:
        await state.db.run(lambda lib: engine.ensure_engine(lib.root))
        starts.failed = None
    except Exception as err:
        starts.failed = str(err)
        log.warning("the engine did not start: %s", err)
    finally:
        starts.starting -= 1


def starter(state: State) -> Callable[[Path], None]:
    """The ``start`` the service's flows take, for flows run on the database
    threads: it hands the start to the event loop, which runs it as a
    background task (the start itself waits on a database thread for the
    supervisor, so the request is answered first). Call it on the loop,
    before the flow."""
    loop = asyncio.get_running_loop()

    def start(root: Path) -> None:
        loop.call_soon_threadsafe(lambda: spawn(state, start_engine(state)))

    return start


async def sweep_forever(state: State) -> None:
    """Remove expired one-shot projects and results, and export folders left
    by a server that was killed, every ``sweep_every_s``."""
    while True:
        try:
            ttl = state.settings.result_ttl_s
            gone = await state.db.run(oneshot.sweep, state.results, ttl)
            if gone:
                log.info("swept %d expired one-shot project(s)", gone)
            await asyncio.to_thread(sweep_exports, state.results, ttl)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sweeping one-shot results")
        await asyncio.sleep(state.settings.sweep_every_s)

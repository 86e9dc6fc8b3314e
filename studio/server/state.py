"""What the routes share: the server's :class:`State`, made by the app's
lifespan and kept on ``app.state.studio``, and the background work it runs
(starting the engine on demand, sweeping expired one-shot results)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.server.auth import Keys
from studio.server.db import Db
from studio.server.metrics import Metrics
from studio.server.settings import ServerSettings
from studio.server.waiter import Waiter
from studio.service import engine, oneshot

log = logging.getLogger("studio.server")


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
    tasks: set[asyncio.Task[None]] = dataclasses.field(default_factory=set)


def spawn(state: State, work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` in the background, keeping a reference until it ends."""
    task = asyncio.create_task(work)
    state.tasks.add(task)
    task.add_done_callback(state.tasks.discard)


async def start_engine(state: State) -> None:
    """Start the engine if it is not running; a failure is logged."""
    try:
        await state.db.run(lambda lib: engine.ensure_engine(lib.root))
    except Exception as err:
        log.warning("the engine did not start: %s", err)


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
    """Remove expired one-shot projects and results, every ``sweep_every_s``."""
    while True:
        try:
            gone = await state.db.run(
                lambda lib: oneshot.sweep(lib, state.results, state.settings.result_ttl_s))
            if gone:
                log.info("swept %d expired one-shot project(s)", gone)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sweeping one-shot results")
        await asyncio.sleep(state.settings.sweep_every_s)

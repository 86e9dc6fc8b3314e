"""The render farm's flows: connect a library, leave, look, and run a
machine's workers (docs/farm.md)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis import RedisError

from studio.core.jobs import JobQueue
from studio.core.store import Library
from studio.errors import UserError
from studio.farm import link, pool, protocol
from studio.farm.link import FarmLink


@dataclass(frozen=True)
class RemoteWorker:
    """A farm worker as its last heartbeat describes it."""

    name: str
    host: str
    device: str
    backend: str
    state: str  # loading, idle, busy, stopped, failed, or gone (silent past GONE_S)
    job: int | None
    jobs_done: int
    last_seen: float  # by Redis's clock
    seen_s: float  # how long ago, by the same clock, when the status was read
    error: str | None

    def as_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class FarmStatus:
    """Where the farm is and what it does; ``problem`` when it cannot be asked."""

    url: str | None
    reachable: bool = False
    problem: str | None = None
    workers: list[RemoteWorker] = field(default_factory=list)
    held: int = 0  # jobs the library has handed to the farm
    waiting: int = 0  # results in Redis the desktop has not taken in yet

    def as_json(self) -> dict[str, Any]:
        return {"url": self.url, "connected": self.url is not None,
                "reachable": self.reachable, "problem": self.problem,
                "workers": [w.as_json() for w in self.workers], "jobs_held": self.held,
                "results_waiting": self.waiting}


def connect(library: Library, url: str, password_file: str | None = None) -> FarmLink:
    """Connect the library to the farm at ``url`` (checked before anything is kept)."""
    return link.attach(library, url, password_file, JobQueue(library).settings.lease_s)


def disconnect(library: Library) -> int:
    """Leave the farm; the jobs it held go back to the local workers (how many)."""
    if FarmLink.of(library) is None:
        raise UserError("the library is not connected to a farm", "see `studio farm status`")
    current = FarmLink.of(library)
    link.detach(library)
    returned = JobQueue(library).return_all_from_farm("the library left the farm")
    with contextlib.suppress(UserError, OSError, RedisError):  # the jobs are home either way
        assert current is not None
        client = current.connect(timeout_s=2.0)
        try:
            link.clear_jobs(client)
        finally:
            client.close()
    return len(returned)


def status(library: Library, timeout_s: float = 2.0) -> FarmStatus:
    """The farm as Redis tells it now (the workers by their heartbeats)."""
    current = FarmLink.of(library)
    if current is None:
        return FarmStatus(None)
    held = len(JobQueue(library).farm_jobs())
    try:
        client = current.connect(timeout_s)
    except UserError as err:
        return FarmStatus(current.url, problem=str(err), held=held)
    try:
        now = protocol.redis_now(client)
        workers = []
        records: Any = client.hgetall(protocol.WORKERS)
        for raw in records.values():
            try:
                beat = protocol.WorkerBeat.parse(raw)
            except protocol.BadMessage:
                continue
            state = beat.state if beat.alive(now) or beat.state in ("stopped", "failed") \
                else "gone"
            workers.append(RemoteWorker(beat.name, beat.host, beat.device, beat.backend, state,
                                        beat.job, beat.jobs_done, beat.last_seen,
                                        max(0.0, now - beat.last_seen), beat.error))
        length: Any = client.xlen(protocol.RESULTS)
        waiting = int(length)
    except Exception as err:  # Redis went away between the two calls
        return FarmStatus(current.url, problem=f"the farm stopped answering: {err}", held=held)
    finally:
        client.close()
    workers.sort(key=lambda w: (w.state in ("gone", "stopped"), w.host, w.name))
    return FarmStatus(current.url, True, None, workers, held, waiting)


def run_workers(url: str, password_file: str | None, backend: str, workers: int | None,
                cache: Path, name: str | None = None) -> int:
    """``studio farm worker``: this machine's workers, until stopped."""
    return pool.run(url, password_file, backend, workers, cache, name)

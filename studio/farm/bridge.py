"""The desktop's side of the farm: hands jobs out, takes results in.

The library's SQLite is the one source of truth. Handing a job to the farm
is a claim like a local worker's (the job runs, under ``FARM_PID`` and a
fresh token), then the job's message on its backend's stream and in the
``inflight`` hash. The bridge hands out only as many jobs as the farm's live
workers can start now, plus one each waiting: a local worker that comes
free claims the next job from SQLite as it always did, so a job goes to
whichever worker is free and runs once, wherever.

A result is taken in with one transaction (:mod:`studio.farm.intake`), then
acknowledged: a bridge killed in between takes it in again on its next
start, and finds the job done (a duplicate writes nothing). The farm's jobs
keep their lease while the bridge works; when it stops renewing them (Redis
unreachable, the bridge stalled or gone) the supervisor gives them back to
the local workers after one lease. Every few seconds the bridge
*reconciles* the two sides:

* a job SQLite says the farm holds, which Redis does not know (Redis lost
  its data, or the desktop died between the claim and the hand-over), goes
  back to the queue, the attempt not counted;
* an entry Redis holds for a job SQLite no longer gives the farm
  (cancelled, done, edited and handed out again) is deleted;
* a job of a paused project that no worker has started is taken back;
* a job running past the engine's job timeout fails, as a local one does;
* the jobs of a backend with no live worker left are taken back (counted
  as an attempt when a worker had started them).
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from studio.core.jobs import JobQueue
from studio.core.planning import backend_options
from studio.core.settings import EngineSettings
from studio.core.storage.records import Job
from studio.core.store import Library
from studio.errors import UserError
from studio.farm import protocol
from studio.farm.intake import take_in
from studio.farm.link import FarmLink, set_up
from studio.farm.protocol import BadMessage, JobMessage, VoiceSpec, WorkerBeat

if TYPE_CHECKING:
    import redis

log = logging.getLogger("studio.farm.bridge")

Record = TypeVar("Record", JobMessage, WorkerBeat)
RECONCILE_S = 2.0
FORGET_WORKER_S = 600.0  # a worker silent this long (stopped, failed or gone) leaves the list


class Bridge:
    """Moves jobs and takes between one library and its farm."""

    def __init__(self, root: Path) -> None:
        self.library = Library.open(root)
        self.queue = JobQueue(self.library)
        self.job_timeout_s = EngineSettings.from_library(self.library).job_timeout_s
        self.client: redis.Redis | None = None
        self.link: FarmLink | None = None
        self.unreachable_since: float | None = None
        self.problem: str | None = None  # the last reason the farm could not be used
        self.next_reconcile = 0.0
        self.next_lease = 0.0
        self.beats: dict[str, WorkerBeat] = {}
        self.live: frozenset[str] = frozenset()  # backends with a live farm worker
        self.orphaned_since: dict[str, float] = {}
        self.groups: set[str] = set()
        self.pending_read = True  # first read what a previous bridge left unacknowledged

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        self.library.close()

    # ------------------------------------------------------------ the loop
    def step(self, block_ms: int = 0, now: float | None = None) -> int:
        """One round: reconcile when due, hand jobs out, take results in
        (waiting up to ``block_ms`` for one), keep leases. Returns how many
        results and hand-overs it dealt with; the farm's troubles (Redis
        unreachable, refusing, emptied) are logged once and waited out."""
        import redis

        now = time.time() if now is None else now
        try:
            client = self._client()
            if now >= self.next_reconcile:
                self.reconcile(client, now)
                self.next_reconcile = now + RECONCILE_S
            done = self.publish(client)
            done += self.ingest(client, block_ms)
            now = time.time()
            if now >= self.next_lease:
                self.queue.extend_farm_leases(now)
                self.next_lease = now + self.queue.settings.lease_s / 3
            done += self.publish(client)
        except redis.ResponseError as err:
            if "NOGROUP" in str(err):
                log.warning("Redis lost the farm's streams: setting them up again")
                self.groups.clear()
                self.next_reconcile = 0.0
            else:
                self._trouble(f"Redis refused: {err}", now)
            return 0
        except (redis.RedisError, OSError) as err:
            self._trouble(f"the farm cannot be reached: {err}", now)
            return 0
        except UserError as err:
            self._trouble(f"the farm cannot be used: {err}", now)
            return 0
        if self.unreachable_since is not None:
            log.info("the farm answers again")
        self.unreachable_since = None
        self.problem = None
        return done

    def _client(self) -> redis.Redis:
        link = FarmLink.of(self.library)
        if link is None:
            raise UserError("the library is not connected to a farm")
        if self.client is None or link != self.link:
            self.link = link
            self.client = link.connect()
            self.groups.clear()
            self.pending_read = True
        return self.client

    def _trouble(self, problem: str, now: float) -> None:
        """Say what is wrong, once per new problem; the farm's jobs keep their
        lease no longer (the supervisor gives them back when it runs out)."""
        self.client = None
        if self.unreachable_since is None:
            self.unreachable_since = now
        if problem != self.problem:
            log.warning("%s", problem)
        self.problem = problem

    # ------------------------------------------------------------ reconcile
    def reconcile(self, client: redis.Redis, now: float) -> None:
        """Bring the farm's view in line with the library's (see the module)."""
        assert self.link is not None
        config = protocol.farm_config(client)
        if config.get("owner") not in (None, self.link.owner):
            raise UserError("its Redis now serves another library's farm",
                            "connect this library to another Redis database")
        if config.get("epoch") != self.link.epoch:
            self._farm_lost(client)
        held = self.queue.farm_jobs()
        inflight = self._inflight(client)
        lost = {job_id: row["token"] for job_id, row in held.items()
                if job_id not in inflight or inflight[job_id].token != row["token"]}
        back = self.queue.return_from_farm(lost, "the farm did not have it") if lost else []
        if back:
            log.warning("job(s) %s were handed to the farm, which does not have them: "
                        "back to the queue", back)
        for job_id, handed in inflight.items():
            row = held.get(job_id)
            if row is None or row["token"] != handed.token:
                self._withdraw(client, handed)
        self.beats = self._beats(client)
        clock = protocol.redis_now(client)
        self.live = frozenset(beat.backend for beat in self.beats.values() if beat.alive(clock))
        for job_id, row in held.items():
            message = inflight.get(job_id)
            if message is None or message.token != row["token"]:
                continue
            if row["paused"] and not self._started(client, message):
                self._take_back(client, message, "its project was paused")
            elif now - (row["started_at"] or now) > self.job_timeout_s:
                self._take_back(client, message,
                                f"timed out after {self.job_timeout_s:.0f} s on the farm")
            elif row["backend"] not in self.live:
                since = self.orphaned_since.setdefault(row["backend"], now)
                if now - since >= self.queue.settings.lease_s:
                    self._take_back(client, message, "no farm worker for its backend is left")
        for backend in list(self.orphaned_since):
            if backend in self.live:
                del self.orphaned_since[backend]

    def _farm_lost(self, client: redis.Redis) -> None:
        """Redis has no farm, or another epoch of it: set it up again and
        hand out again everything the library says the farm held."""
        assert self.link is not None
        epoch = set_up(client, self.link.owner, self.queue.settings.lease_s)
        self.library.update_settings({"farm.epoch": epoch})
        self.link = FarmLink.of(self.library)
        self.groups.clear()
        self.pending_read = True
        back = self.queue.return_all_from_farm("Redis lost the farm's jobs")
        log.warning("Redis holds no record of this library's farm (a new or emptied "
                    "server): set it up again; %d job(s) it held are handed out again", len(back))

    def _inflight(self, client: redis.Redis) -> dict[int, JobMessage]:
        return {message.job_id: message for message
                in _records(client, protocol.INFLIGHT, JobMessage, "an inflight record")}

    def _beats(self, client: redis.Redis) -> dict[str, WorkerBeat]:
        clock = protocol.redis_now(client)
        beats: dict[str, WorkerBeat] = {}
        for beat in _records(client, protocol.WORKERS, WorkerBeat, "a worker heartbeat"):
            if clock - beat.last_seen > FORGET_WORKER_S:
                client.hdel(protocol.WORKERS, beat.name)
            else:
                beats[beat.name] = beat
        return beats

    def _entries(self, client: redis.Redis, message: JobMessage) -> list[bytes]:
        """The ids of the stream entries of this hand-over (a stream holds
        only what the farm has not finished: a short scan)."""
        entries: Any = client.xrange(protocol.jobs_key(message.backend))
        ids: list[bytes] = []
        for entry_id, fields in entries:
            try:
                other = JobMessage.parse(fields.get(b"job"))
            except BadMessage:
                continue
            if other.job_id == message.job_id and other.token == message.token:
                ids.append(entry_id)
        return ids

    def _started(self, client: redis.Redis, message: JobMessage) -> bool:
        """Whether a worker has taken the hand-over (its entry is pending)."""
        key = protocol.jobs_key(message.backend)
        return any(client.xpending_range(key, protocol.WORKER_GROUP, entry_id, entry_id, 1)
                   for entry_id in self._entries(client, message))

    def _withdraw(self, client: redis.Redis, message: JobMessage) -> None:
        """Forget a hand-over the library no longer gives the farm."""
        key = protocol.jobs_key(message.backend)
        ids = self._entries(client, message)
        pipe = client.pipeline()
        if ids:
            pipe.xack(key, protocol.WORKER_GROUP, *ids)
            pipe.xdel(key, *ids)
        pipe.hdel(protocol.INFLIGHT, str(message.job_id))
        pipe.execute()

    def _take_back(self, client: redis.Redis, message: JobMessage, why: str) -> None:
        started = self._started(client, message)
        self._withdraw(client, message)
        error = f"taken back from the farm: {why}"
        if started:  # a worker had it: the attempt counts, as a local one would
            state = self.queue.fail_from_farm(message.job_id, message.token, error)
        else:
            returned = self.queue.return_from_farm({message.job_id: message.token}, error)
            state = "queued" if returned else None
        if state:
            log.info("job %d taken back from the farm (%s): %s", message.job_id, why, state)

    # ------------------------------------------------------------ hand out
    def publish(self, client: redis.Redis) -> int:
        """Hand out jobs while the farm's live workers have room (one
        running and one waiting each); how many."""
        if not self.beats:
            return 0
        clock = time.time()
        capacity: dict[str, int] = {}
        for beat in self.beats.values():
            if beat.backend in self.live and beat.state in ("idle", "busy"):
                capacity[beat.backend] = capacity.get(beat.backend, 0) + 2
        held: dict[str, int] = {}
        for row in self.queue.farm_jobs().values():
            held[row["backend"]] = held.get(row["backend"], 0) + 1
        sent = 0
        for backend, room in sorted(capacity.items()):
            for _ in range(room - held.get(backend, 0)):
                if not self._hand_out(client, backend, clock):
                    break
                sent += 1
        return sent

    def _hand_out(self, client: redis.Redis, backend: str, now: float) -> bool:
        token = secrets.token_hex(16)
        job = self.queue.claim_for_farm(backend, token, now)
        if job is None:
            return False
        try:
            message = self._message(client, job, token, now)
            key = protocol.jobs_key(backend)
            if backend not in self.groups:
                protocol.ensure_group(client, key, protocol.WORKER_GROUP)
                self.groups.add(backend)
            pipe = client.pipeline(transaction=True)
            pipe.xadd(key, {"job": message.dump()})
            pipe.hset(protocol.INFLIGHT, str(job.id), message.dump())
            pipe.set(protocol.options_key(backend), json.dumps(message.options))
            pipe.execute()
        except BaseException:
            self.queue.return_from_farm({job.id: token}, "could not be handed to the farm")
            raise
        return True

    def _message(self, client: redis.Redis, job: Job, token: str, now: float) -> JobMessage:
        voice = self.library.voice(job.voice_id)
        sha = None
        suffix = ".wav"
        if voice.prompt_path:
            path = self.library.path(voice.prompt_path)
            data = path.read_bytes()
            sha, suffix = protocol.sha256(data), path.suffix.lower() or ".wav"
            key = protocol.prompt_key(sha)
            if not client.expire(key, protocol.PROMPT_TTL_S):  # not there (yet, or any more)
                client.set(key, data, ex=protocol.PROMPT_TTL_S)
        spec = VoiceSpec(name=voice.name, kind=voice.kind, language=voice.language,
                         transcript=voice.transcript, prompt=sha, prompt_suffix=suffix)
        return JobMessage(
            v=protocol.PROTOCOL, job_id=job.id, token=token, backend=job.backend,
            speech=job.speech or job.text, seed=job.seed, speed=job.speed, voice=spec,
            max_deliveries=max(1, job.max_attempts - job.attempts + 1),
            options=backend_options(self.library, job.backend), text=job.text,
            voice_id=job.voice_id, published_at=now)

    # ------------------------------------------------------------ take in
    def ingest(self, client: redis.Redis, block_ms: int = 0) -> int:
        """Take in the results waiting (up to ``block_ms`` for the first); how many."""
        if "results" not in self.groups:
            protocol.ensure_group(client, protocol.RESULTS, protocol.DESKTOP_GROUP)
            self.groups.add("results")
        start = "0" if self.pending_read else ">"
        answer: Any = client.xreadgroup(protocol.DESKTOP_GROUP, "desktop",
                                        {protocol.RESULTS: start}, count=16,
                                        block=None if self.pending_read else block_ms or None)
        entries: list[tuple[bytes, dict[bytes, Any]]] = answer[0][1] if answer else []
        if self.pending_read and not entries:
            self.pending_read = False
        for entry_id, fields in entries:
            try:
                job_id = take_in(self.library, self.queue, fields, self._handed(client, fields))
            except sqlite3.OperationalError:
                self.pending_read = True  # the library is busy: read it again next round
                raise
            except Exception as err:  # a result that breaks a rule not checked above
                log.error("dropped a result that could not be taken in: %s: %s",
                          type(err).__name__, err)
                job_id = None
            pipe = client.pipeline()
            pipe.xack(protocol.RESULTS, protocol.DESKTOP_GROUP, entry_id)
            pipe.xdel(protocol.RESULTS, entry_id)
            if job_id is not None and not self.queue.farm_holds(job_id):
                pipe.hdel(protocol.INFLIGHT, str(job_id))
            pipe.execute()
        return len(entries)

    def _handed(self, client: redis.Redis, fields: dict[bytes, Any]) -> JobMessage | None:
        """The desktop's record of the hand-over a result answers, if any."""
        job_id = protocol.loads(fields.get(b"meta")).get("job_id")
        if not isinstance(job_id, int):
            return None
        raw: Any = client.hget(protocol.INFLIGHT, str(job_id))
        try:
            return JobMessage.parse(raw) if raw is not None else None
        except BadMessage:
            return None


def _records(client: redis.Redis, key: str, model: type[Record], what: str) -> list[Record]:
    """The hash's values as ``model``s; one that does not follow the protocol
    is deleted, with a line."""
    records: list[Record] = []
    raw: Any = client.hgetall(key)
    for field, value in raw.items():
        try:
            records.append(model.parse(value))
        except BadMessage as err:
            log.warning("dropped %s that does not follow the protocol: %s", what, err)
            client.hdel(key, field)
    return records


class BridgeThread:
    """A :class:`Bridge` at work in a thread of the engine's supervisor,
    until stopped or the library leaves the farm."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.live: frozenset[str] = frozenset()  # the bridge's, for the supervisor
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="farm-bridge", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    def _run(self) -> None:
        bridge = Bridge(self.root)
        log.info("the farm's bridge started")
        failure: str | None = None
        try:
            while not self._stop.is_set():
                try:
                    bridge.step(block_ms=100)
                    failure = None
                except Exception as err:
                    if f"{type(err).__name__}: {err}" != failure:
                        log.exception("the farm's bridge failed a round; trying again")
                    failure = f"{type(err).__name__}: {err}"
                    self._stop.wait(1.0)
                self.live = bridge.live if bridge.unreachable_since is None else frozenset()
                if FarmLink.of(bridge.library) is None:
                    back = bridge.queue.return_all_from_farm("the library left the farm")
                    log.info("the library left the farm: the bridge stops; %d job(s) it held "
                             "go back to the queue", len(back))
                    break
                if bridge.unreachable_since is not None:
                    self._stop.wait(1.0)
        finally:
            self.live = frozenset()
            bridge.close()

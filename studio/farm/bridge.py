"""The desktop's side of the farm: hands jobs out, takes results in.

The library's SQLite is the one source of truth. Handing a job to the farm
is a claim like a local worker's (the job runs, under ``FARM_PID`` and a
fresh token), then the job's message on its backend's stream and in the
``inflight`` hash. The bridge hands out only as many jobs as the farm's live
workers can start now, plus one each waiting: a local worker that comes
free claims the next job from SQLite as it always did, so a job goes to
whichever worker is free and runs once, wherever.

A result is taken in with one transaction (the take, the segment, the job,
its check), then acknowledged: a bridge killed in between takes it in again
on its next start, and finds the job done (a duplicate writes nothing).
Every few seconds the bridge *reconciles* the two sides:

* a job SQLite says the farm holds, which Redis does not know (Redis lost
  its data, or the desktop died between the claim and the hand-over), goes
  back to the queue, the attempt not counted;
* an entry Redis holds for a job SQLite no longer gives the farm
  (cancelled, done, edited and handed out again) is deleted;
* a job of a paused project that no worker has started is taken back;
* the jobs of a backend with no live worker left are taken back (counted
  as an attempt when a worker had started them).

While Redis cannot be reached the farm's jobs keep their lease for one lease
period; then they go back to the local workers.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from studio.backends import backend_class
from studio.core.jobs import JobQueue
from studio.core.planning import backend_options, save_take_audio
from studio.core.storage.records import Job
from studio.core.store import Library
from studio.errors import UserError
from studio.farm import protocol
from studio.farm.link import FarmLink, set_up
from studio.farm.protocol import BadMessage, JobMessage, ResultMeta, VoiceSpec, WorkerBeat

if TYPE_CHECKING:
    import redis

log = logging.getLogger("studio.farm.bridge")

RECONCILE_S = 2.0
FORGET_WORKER_S = 600.0  # a worker silent this long (stopped, failed or gone) leaves the list


class Bridge:
    """Moves jobs and takes between one library and its farm."""

    def __init__(self, root: Path) -> None:
        self.library = Library.open(root)
        self.queue = JobQueue(self.library)
        self.client: redis.Redis | None = None
        self.link: FarmLink | None = None
        self.unreachable_since: float | None = None
        self.problem: str | None = None  # the last reason the farm could not be used
        self.next_reconcile = 0.0
        self.next_lease = 0.0
        self.beats: dict[str, WorkerBeat] = {}
        self.orphaned_since: dict[str, float] = {}
        self.groups: set[str] = set()
        self.pending_read = True  # first read what a previous bridge left unacknowledged

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        self.library.close()

    # ------------------------------------------------------------ the loop
    def step(self, block_ms: int = 0, now: float | None = None) -> int:
        """One round: reconcile when due, take results in (waiting up to
        ``block_ms`` for one), keep leases, hand jobs out. Returns how many
        results and hand-overs it dealt with; never raises for the farm's
        sake (an unreachable Redis is logged and waited out)."""
        import redis

        now = time.time() if now is None else now
        try:
            client = self._client()
            if now >= self.next_reconcile:
                self.reconcile(client, now)
                self.next_reconcile = now + RECONCILE_S
            done = self.ingest(client, block_ms)
            now = time.time()
            if now >= self.next_lease:
                self.queue.extend_farm_leases(now)
                self.next_lease = now + self.queue.settings.lease_s / 3
            done += self.publish(client, now)
        except (redis.ConnectionError, redis.TimeoutError, OSError, UserError) as err:
            self._unreachable(err, now)
            return 0
        except redis.ResponseError as err:
            if "NOGROUP" not in str(err):
                raise
            log.warning("Redis lost the farm's streams: setting them up again")
            self.groups.clear()
            self.next_reconcile = 0.0
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

    def _unreachable(self, err: Exception, now: float) -> None:
        self.client = None
        problem = str(err)
        if self.unreachable_since is None:
            self.unreachable_since = now
            log.warning("the farm cannot be reached: %s", problem)
        elif problem != self.problem:
            log.warning("the farm cannot be reached: %s", problem)
        self.problem = problem
        if now - self.unreachable_since >= self.queue.settings.lease_s:
            back = self.queue.return_from_farm(
                {job_id: row["token"] for job_id, row in self.queue.farm_jobs().items()},
                f"the farm could not be reached: {problem}")
            if back:
                log.warning("the farm has been unreachable for %.0f s: %d job(s) go back to "
                            "the local workers", now - self.unreachable_since, len(back))

    # ------------------------------------------------------------ reconcile
    def reconcile(self, client: redis.Redis, now: float) -> None:
        """Bring the farm's view in line with the library's (see the module)."""
        assert self.link is not None
        config = protocol.farm_config(client)
        if config.get("owner") not in (None, self.link.owner):
            raise UserError("the farm's Redis now serves another library's farm",
                            "connect this library to another Redis database")
        if config.get("epoch") != self.link.epoch:
            self._farm_lost(client)
            config = protocol.farm_config(client)
        held = self.queue.farm_jobs()
        inflight = self._inflight(client)
        lost = {job_id: row["token"] for job_id, row in held.items()
                if job_id not in inflight or inflight[job_id].token != row["token"]}
        if lost:
            back = self.queue.return_from_farm(lost, "the farm did not have it")
            log.warning("job(s) %s were handed to the farm, which does not have them: "
                        "back to the queue", back)
        for job_id, message in inflight.items():
            row = held.get(job_id)
            if row is None or row["token"] != message.token:
                self._withdraw(client, message)
        self.beats = self._beats(client, now)
        alive = {beat.backend for beat in self.beats.values() if beat.alive(now)}
        for job_id, row in held.items():
            handed = inflight.get(job_id)
            if handed is None or handed.token != row["token"]:
                continue
            message = handed
            if row["paused"] and not self._started(client, message):
                self._take_back(client, message, "its project was paused")
            elif row["backend"] not in alive:
                since = self.orphaned_since.setdefault(row["backend"], now)
                if now - since >= self.queue.settings.lease_s:
                    self._take_back(client, message,
                                    "no farm worker for its backend is left")
        for backend in list(self.orphaned_since):
            if backend in alive:
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
        back = self.queue.return_from_farm(
            {job_id: row["token"] for job_id, row in self.queue.farm_jobs().items()},
            "Redis lost the farm's jobs")
        log.warning("Redis holds no record of this library's farm (a new or emptied "
                    "server): set it up again; %d job(s) it held are handed out again", len(back))

    def _inflight(self, client: redis.Redis) -> dict[int, JobMessage]:
        found: dict[int, JobMessage] = {}
        records: Any = client.hgetall(protocol.INFLIGHT)
        for key, value in records.items():
            try:
                message = JobMessage.parse(value)
            except BadMessage as err:
                log.warning("dropped an inflight record that does not follow the protocol: %s",
                            err)
                client.hdel(protocol.INFLIGHT, key)
                continue
            found[message.job_id] = message
        return found

    def _beats(self, client: redis.Redis, now: float) -> dict[str, WorkerBeat]:
        beats: dict[str, WorkerBeat] = {}
        records: Any = client.hgetall(protocol.WORKERS)
        for key, value in records.items():
            try:
                beat = WorkerBeat.parse(value)
            except BadMessage:
                client.hdel(protocol.WORKERS, key)
                continue
            if now - beat.last_seen > FORGET_WORKER_S:
                client.hdel(protocol.WORKERS, key)
                continue
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
        for entry_id in self._entries(client, message):
            if client.xpending_range(key, protocol.WORKER_GROUP, entry_id, entry_id, 1):
                return True
        return False

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
        if started:
            state = self.queue.fail_from_farm(message.job_id, message.token,
                                              f"taken back from the farm: {why}")
        else:
            state = "queued" if self.queue.return_from_farm(
                {message.job_id: message.token}, f"taken back from the farm: {why}") else None
        if state:
            log.info("job %d taken back from the farm (%s): %s", message.job_id, why, state)

    # ------------------------------------------------------------ hand out
    def publish(self, client: redis.Redis, now: float) -> int:
        """Hand out jobs while the farm's live workers have room (one
        running and one waiting each); how many."""
        if not self.beats:
            return 0
        capacity: dict[str, int] = {}
        for beat in self.beats.values():
            if beat.alive(now) and beat.state in ("idle", "busy"):
                capacity[beat.backend] = capacity.get(beat.backend, 0) + 2
        if not capacity:
            return 0
        held: dict[str, int] = {}
        for row in self.queue.farm_jobs().values():
            held[row["backend"]] = held.get(row["backend"], 0) + 1
        sent = 0
        for backend, room in sorted(capacity.items()):
            for _ in range(room - held.get(backend, 0)):
                if not self._hand_out(client, backend, now):
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
                _ensure_group(client, key, protocol.WORKER_GROUP)
                client.set(protocol.options_key(backend),
                           json.dumps(backend_options(self.library, backend)))
                self.groups.add(backend)
            pipe = client.pipeline(transaction=True)
            pipe.xadd(key, {"job": message.dump()})
            pipe.hset(protocol.INFLIGHT, str(job.id), message.dump())
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
            segment_id=job.segment_id, text=job.text, voice_id=job.voice_id,
            retake=job.retake, published_at=now)

    # ------------------------------------------------------------ take in
    def ingest(self, client: redis.Redis, block_ms: int = 0) -> int:
        """Take in the results waiting (up to ``block_ms`` for the first); how many."""
        if "results" not in self.groups:
            _ensure_group(client, protocol.RESULTS, protocol.DESKTOP_GROUP)
            self.groups.add("results")
        start = "0" if self.pending_read else ">"
        answer: Any = client.xreadgroup(protocol.DESKTOP_GROUP, "desktop",
                                        {protocol.RESULTS: start}, count=16,
                                        block=None if self.pending_read else block_ms)
        entries: list[tuple[bytes, dict[bytes, Any]]] = answer[0][1] if answer else []
        if self.pending_read and not entries:
            self.pending_read = False
        for entry_id, fields in entries:
            job_id = self.take_in(fields)
            pipe = client.pipeline()
            pipe.xack(protocol.RESULTS, protocol.DESKTOP_GROUP, entry_id)
            pipe.xdel(protocol.RESULTS, entry_id)
            if job_id is not None and not self._held(job_id):
                pipe.hdel(protocol.INFLIGHT, str(job_id))
            pipe.execute()
        return len(entries)

    def _held(self, job_id: int) -> bool:
        row = self.queue.store.farm_job(job_id)
        return bool(row and row["state"] == "running" and row["farm_token"])

    def take_in(self, fields: dict[bytes, Any]) -> int | None:
        """Record one result; the job id it was for, if it names one. Every
        result that is not taken is logged with why."""
        try:
            meta = ResultMeta.parse(fields.get(b"meta"))
        except BadMessage as err:
            job_id, token = _claimed_ids(fields.get(b"meta"))
            log.warning("dropped a result that does not follow the farm's protocol: %s", err)
            if job_id is not None and token is not None:
                self.queue.fail_from_farm(job_id, token, f"the farm's worker: {err}")
            return job_id
        if not self.queue.held_by_farm(meta.job_id, meta.token):
            state = self.queue.store.job_state(meta.job_id)
            why = {None: "no longer exists", "cancelled": "was cancelled",
                   "done": "is done already (a second delivery)"}.get(
                state, "was handed out again since")
            log.info("job %d %s: dropped the result %s sent", meta.job_id, why, meta.worker)
            return meta.job_id
        if meta.error is not None:
            state = self.queue.fail_from_farm(meta.job_id, meta.token,
                                              f"{meta.error} (on {meta.host})", dead=meta.dead)
            log.warning("job %d failed on %s (%s): %s", meta.job_id, meta.worker, state,
                        meta.error)
            return meta.job_id
        message = self._handed(meta.job_id)
        try:
            samples = _checked_audio(meta, fields.get(b"audio"), message)
        except BadMessage as err:
            state = self.queue.fail_from_farm(meta.job_id, meta.token,
                                              f"the take from {meta.host} was refused: {err}")
            log.warning("job %d: refused the take from %s (%s): %s", meta.job_id, meta.worker,
                        state, err)
            return meta.job_id
        assert message is not None
        row = self.queue.store.farm_job(meta.job_id)
        assert row is not None
        job = Job(id=meta.job_id, segment_id=message.segment_id, backend=message.backend,
                  seed=message.seed, attempts=row["attempts"], max_attempts=row["max_attempts"],
                  text=message.text, voice_id=message.voice_id, retake=message.retake,
                  speech=message.speech, speed=message.speed)
        path = save_take_audio(self.library, samples, meta.sample_rate)
        take = self.queue.complete(job, path=path, backend=meta.backend,
                                   sample_rate=meta.sample_rate, frames=meta.frames,
                                   host=meta.host, device=meta.device, token=meta.token)
        if take is None:
            log.info("job %d was cancelled meanwhile: dropped the take %s sent", meta.job_id,
                     meta.worker)
        elif self.queue.store.job_state(meta.job_id) == "queued":
            log.info("job %d: its segment changed while %s rendered it; rendering again",
                     meta.job_id, meta.worker)
        return meta.job_id

    def _handed(self, job_id: int) -> JobMessage | None:
        assert self.client is not None
        raw: Any = self.client.hget(protocol.INFLIGHT, str(job_id))
        try:
            return JobMessage.parse(raw) if raw is not None else None
        except BadMessage:
            return None


def _ensure_group(client: redis.Redis, key: str, group: str) -> None:
    import redis

    try:
        client.xgroup_create(key, group, id="0", mkstream=True)
    except redis.ResponseError as err:
        if "BUSYGROUP" not in str(err):
            raise


def _claimed_ids(raw: Any) -> tuple[int | None, str | None]:
    """The job id and token a malformed result claims to be for, if it says."""
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return None, None
    if not isinstance(value, dict):
        return None, None
    job_id, token = value.get("job_id"), value.get("token")
    return (job_id if isinstance(job_id, int) else None,
            token if isinstance(token, str) else None)


def _checked_audio(meta: ResultMeta, data: Any, message: JobMessage | None) -> np.ndarray:
    """The take's samples, if the audio is what the result says it is."""
    import io

    import soundfile as sf

    if message is None or message.token != meta.token:
        raise BadMessage("the farm has no record of handing out this job")
    if message.backend != meta.backend:
        raise BadMessage(f"made by {meta.backend}, not {message.backend}")
    if not isinstance(data, bytes) or not data:
        raise BadMessage("no audio")
    if len(data) > protocol.MAX_AUDIO_BYTES:
        raise BadMessage(f"{len(data)} bytes of audio (the limit is "
                         f"{protocol.MAX_AUDIO_BYTES // 2**20} MB)")
    if meta.sha256 != protocol.sha256(data):
        raise BadMessage("the audio does not match its checksum")
    try:
        expected = backend_class(meta.backend).sample_rate
    except UserError:
        expected = None
    if expected and meta.sample_rate != expected:
        raise BadMessage(f"{meta.sample_rate} Hz where {meta.backend} speaks at {expected} Hz")
    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=False)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as err:
        raise BadMessage(f"unreadable audio ({err})") from None
    if samples.ndim != 1:
        raise BadMessage("not mono")
    if rate != meta.sample_rate or len(samples) != meta.frames or not len(samples):
        raise BadMessage(f"{len(samples)} frames at {rate} Hz, where the result says "
                         f"{meta.frames} at {meta.sample_rate}")
    if len(samples) / rate > protocol.MAX_TAKE_S:
        raise BadMessage(f"{len(samples) / rate:.0f} s long (the limit is "
                         f"{protocol.MAX_TAKE_S:.0f} s)")
    if not np.isfinite(samples).all():
        raise BadMessage("the audio holds values that are not numbers")
    return np.asarray(samples, dtype=np.float32)


class BridgeThread:
    """A :class:`Bridge` at work in a thread of the engine's supervisor,
    until stopped or the library leaves the farm."""

    def __init__(self, root: Path) -> None:
        self.root = root
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
        try:
            while not self._stop.is_set():
                try:
                    bridge.step(block_ms=100)
                except Exception:
                    log.exception("the farm's bridge failed a round; trying again")
                    self._stop.wait(1.0)
                if FarmLink.of(bridge.library) is None:
                    log.info("the library left the farm: the bridge stops")
                    break
                if bridge.unreachable_since is not None:
                    self._stop.wait(1.0)
        finally:
            bridge.close()

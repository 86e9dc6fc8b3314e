"""A farm worker: one loaded backend on a machine with no library, taking
jobs from the farm's Redis (``studio farm worker`` starts one per slot).

It reads its backend's stream through the ``workers`` consumer group, one
job at a time. Before reading new jobs it reclaims (``XAUTOCLAIM``) any job
another worker took and left idle past the lease: that worker died. A job
delivered more times than it had attempts left is reported dead instead of
rendered again. While it renders, a side thread keeps the job's entry fresh
(``XCLAIM … JUSTID``: its idle time restarts, its delivery count does not)
and says the worker is alive. A take goes back as FLAC bytes with its
metadata on the results stream, acknowledged in the same transaction.

A cloned voice's prompt clip is fetched from Redis by its sha256 once and
kept in the worker's cache folder.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio import audio
from studio.backends import Backend, VoiceRef, backend_class
from studio.errors import UserError
from studio.farm import protocol
from studio.farm.protocol import BadMessage, JobMessage, ResultMeta, WorkerBeat
from studio.fsutil import write_bytes_atomic
from studio.gpu import device_label
from studio.process import die_with_parent
from studio.text.lexicon import for_backend

if TYPE_CHECKING:
    import redis

log = logging.getLogger("studio.farm.worker")
LOG_FORMAT = "[%(asctime)s] [%(levelname)s] [%(name)s] [%(process)d] %(message)s"


class FarmWorker:
    """Takes ``backend``'s jobs from the farm and sends back takes."""

    def __init__(self, client: redis.Redis, backend: str, cache: Path, device: str = "cpu",
                 threads: int | None = None, host: str | None = None) -> None:
        self.client = client
        self.backend_name = backend
        self.cache = Path(cache)
        self.device = device
        self.threads = threads
        self.host = host or socket.gethostname()  # the machine, as takes and lists name it
        self.name = f"{self.host}:{os.getpid()}"
        self.key = protocol.jobs_key(backend)
        self.backend: Backend | None = None
        self.options: dict[str, Any] = {}
        self.lease_ms = 30_000
        self.started_at = time.time()
        self.state = "loading"
        self.job: int | None = None
        self.entry: bytes | None = None  # the stream entry being rendered
        self.jobs_done = 0
        self.error: str | None = None
        self.stopping = False
        self._stop = threading.Event()
        self._beat_thread: threading.Thread | None = None

    # ------------------------------------------------------------ start
    def load(self) -> None:
        """Check the farm speaks our protocol, load the backend, say ``idle``."""
        config = protocol.farm_config(self.client)
        problem = protocol.protocol_problem(config)
        if problem:
            raise UserError(problem)
        self.lease_ms = int(config.get("lease_ms") or self.lease_ms)
        protocol.ensure_group(self.client, self.key, protocol.WORKER_GROUP)
        self.beat()
        self._beat_thread = threading.Thread(target=self._beat_loop, name="farm-heartbeat",
                                             daemon=True)
        self._beat_thread.start()
        self._load(protocol.loads(self.client.get(protocol.options_key(self.backend_name))))
        self.state = "idle"
        self.beat()
        log.info("farm worker %s loaded %s on %s", self.name, self.backend_name,
                 device_label(self.device))

    def _load(self, options: dict[str, Any]) -> None:
        """Load the backend with the library's ``options`` for it."""
        backend = backend_class(self.backend_name)()
        backend.configure(options)
        backend.load(self.device, self.threads)
        self.backend, self.options = backend, options

    # ------------------------------------------------------------ heartbeats
    def beat(self) -> None:
        """Say who we are and what we do."""
        beat = WorkerBeat(v=protocol.PROTOCOL, name=self.name, host=self.host,
                          pid=os.getpid(), device=device_label(self.device),
                          backend=self.backend_name, state=self.state, job=self.job,
                          jobs_done=self.jobs_done, started_at=self.started_at,
                          last_seen=protocol.redis_now(self.client), error=self.error)
        self.client.hset(protocol.WORKERS, self.name, beat.dump())

    def _beat_loop(self) -> None:
        every = min(protocol.HEARTBEAT_S, self.lease_ms / 3000)
        while not self._stop.wait(every):
            try:
                entry = self.entry
                if entry is not None:  # the job stays ours: its idle time restarts
                    self.client.xclaim(self.key, protocol.WORKER_GROUP, self.name, 0, [entry],
                                       justid=True)
                self.beat()
            except Exception as err:  # Redis away for a moment: try again next beat
                log.warning("the heartbeat failed (%s: %s); trying again", type(err).__name__,
                            err)

    # ------------------------------------------------------------ jobs
    def step(self, block_ms: int = 1000) -> bool:
        """Render one job (a reclaimed one first); False when none came."""
        found = self._reclaim() or self._read(block_ms)
        if found is None:
            return False
        entry_id, fields, deliveries = found
        self._render(entry_id, fields, deliveries)
        return True

    def _reclaim(self) -> tuple[bytes, dict[bytes, Any], int] | None:
        answer: Any = self.client.xautoclaim(self.key, protocol.WORKER_GROUP, self.name,
                                             min_idle_time=self.lease_ms, start_id="0-0",
                                             count=1)
        claimed = answer[1] if answer else []
        if not claimed:
            return None
        entry_id, fields = claimed[0]
        pending: Any = self.client.xpending_range(self.key, protocol.WORKER_GROUP, entry_id,
                                                  entry_id, 1)
        deliveries = int(pending[0]["times_delivered"]) if pending else 1
        log.warning("reclaimed a job another worker left past its lease (delivery %d)",
                    deliveries)
        return entry_id, fields or {}, deliveries

    def _read(self, block_ms: int) -> tuple[bytes, dict[bytes, Any], int] | None:
        answer: Any = self.client.xreadgroup(protocol.WORKER_GROUP, self.name, {self.key: ">"},
                                             count=1, block=block_ms)
        if not answer:
            return None
        entry_id, fields = answer[0][1][0]
        return entry_id, fields, 1

    def _render(self, entry_id: bytes, fields: dict[bytes, Any], deliveries: int) -> None:
        try:
            message: JobMessage = JobMessage.parse(fields.get(b"job"))
        except BadMessage as err:
            log.error("dropped a job that does not follow the farm's protocol: %s", err)
            self._finish(entry_id, None)
            return
        meta: dict[str, Any] = dict(
            v=protocol.PROTOCOL, job_id=message.job_id, token=message.token, worker=self.name,
            host=self.host, device=device_label(self.device), backend=self.backend_name)
        if deliveries > message.max_deliveries:
            error = (f"delivered {deliveries} times: each farm worker that took it died or "
                     "stopped answering")
            log.error("job %d: %s", message.job_id, error)
            self._finish(entry_id, (ResultMeta(**meta, error=error, dead=True), b""))
            return
        started = time.monotonic()
        try:
            self.entry, self.job, self.state = entry_id, message.job_id, "busy"
            self.beat()
            try:
                data, rate, frames = self._synthesize(message)
                result = ResultMeta(**meta, sample_rate=rate, frames=frames,
                                    sha256=protocol.sha256(data),
                                    seconds=time.monotonic() - started)
                self.jobs_done += 1
                self.error = None
            except Exception as err:
                if _redis_trouble(err):
                    raise  # the farm went away: the job is reclaimed, not failed
                error = f"{type(err).__name__}: {err}"
                log.warning("job %d failed: %s\n%s", message.job_id, error,
                            traceback.format_exc(limit=3))
                result, data = ResultMeta(**meta, error=error[:4000]), b""
                self.error = error[:4000]
        finally:  # whatever happens, the heartbeat stops renewing this job
            self.entry, self.job, self.state = None, None, "idle"
        self._finish(entry_id, (result, data))
        self.beat()

    def _synthesize(self, message: JobMessage) -> tuple[bytes, int, int]:
        if message.options != self.options:
            log.info("the library's %s options changed: loading it again", self.backend_name)
            self._load(message.options)
        assert self.backend is not None, "call load() first"
        voice = message.voice
        prompt = self._prompt(voice.prompt, voice.prompt_suffix) if voice.prompt else None
        ref = VoiceRef(name=voice.name, kind=voice.kind, language=voice.language,
                       transcript=voice.transcript, prompt_path=prompt)
        text = for_backend(message.speech, type(self.backend).phonemes)
        samples = self.backend.synthesize(text, ref, seed=message.seed, speed=message.speed)
        if samples.size == 0:
            raise RuntimeError(f"backend {self.backend_name} returned no audio")
        rate = type(self.backend).sample_rate
        return audio.encode(samples, rate, ".flac"), rate, int(samples.size)

    def _prompt(self, sha: str, suffix: str) -> Path:
        """The prompt clip, from the cache, or fetched once and checked."""
        path = self.cache / "prompts" / f"{sha}{suffix}"
        if path.is_file():
            return path
        data = self.client.get(protocol.prompt_key(sha))
        if not isinstance(data, bytes):
            raise RuntimeError("the voice's prompt clip is not in the farm's Redis (the "
                               "desktop puts it back when it hands the job out again)")
        if protocol.sha256(data) != sha:
            raise RuntimeError("the voice's prompt clip in Redis does not match its checksum")
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, data)
        return path

    def _finish(self, entry_id: bytes, result: tuple[ResultMeta, bytes] | None) -> None:
        """Send the result and let go of the job, in one transaction."""
        pipe = self.client.pipeline(transaction=True)
        if result is not None:
            meta, data = result
            pipe.xadd(protocol.RESULTS, {"meta": meta.dump(), "audio": data})
        pipe.xack(self.key, protocol.WORKER_GROUP, entry_id)
        pipe.xdel(self.key, entry_id)
        pipe.execute()

    # ------------------------------------------------------------ the loop
    def run(self, parent: int | None = None) -> None:
        """Work until SIGTERM (after the current job) or the parent's death."""
        signal.signal(signal.SIGTERM, self._on_term)
        signal.signal(signal.SIGINT, self._on_term)
        import redis

        while not self.stopping:
            if parent and os.getppid() != parent:
                log.error("the farm worker's parent died; worker %s exits", self.name)
                break
            try:
                self.step()
            except (redis.ConnectionError, redis.TimeoutError) as err:
                log.warning("the farm cannot be reached (%s); trying again", err)
                time.sleep(1.0)
            except redis.ResponseError as err:
                if "NOGROUP" not in str(err):
                    raise
                log.warning("the farm's Redis lost its data: joining the farm again")
                protocol.ensure_group(self.client, self.key, protocol.WORKER_GROUP)
        self.close()

    def close(self) -> None:
        """Stop the heartbeat and say ``stopped``."""
        self._stop.set()
        if self._beat_thread is not None:
            self._beat_thread.join()
        self.state, self.job = "stopped", None
        with contextlib.suppress(Exception):
            self.beat()

    def _on_term(self, signum: int, frame: object) -> None:
        self.stopping = True


def _redis_trouble(err: Exception) -> bool:
    import redis

    return isinstance(err, redis.RedisError)


def main(argv: list[str] | None = None) -> int:
    """One farm worker process (``studio farm worker`` starts them)."""
    parser = argparse.ArgumentParser(prog="studio-farm-worker")
    parser.add_argument("--redis", required=True)
    parser.add_argument("--password-file")
    parser.add_argument("--backend", default="piper")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--parent", type=int, default=0)
    parser.add_argument("--name", help="this machine's name in the farm (default: its hostname)")
    args = parser.parse_args(argv)
    die_with_parent()
    if args.parent and os.getppid() != args.parent:
        return 0
    with contextlib.suppress(OSError, AttributeError):
        os.nice(5)  # rendering is background work: a desktop that is also a farm machine
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    worker: FarmWorker | None = None
    try:
        client = protocol.connect(args.redis, protocol.read_password(args.password_file))
        worker = FarmWorker(client, args.backend, args.cache, args.device,
                            args.threads or None, args.name)
        worker.load()
    except Exception as err:  # one line, and the farm's lists say why this worker failed
        problem = str(err) if isinstance(err, UserError) else f"{type(err).__name__}: {err}"
        log.error("the farm worker cannot start: %s", problem)
        if worker is not None:
            worker.state, worker.error = "failed", problem[:4000]
            with contextlib.suppress(Exception):
                worker.beat()
        return UserError.exit_code if isinstance(err, UserError) else 1  # 1: worth a retry
    worker.run(parent=args.parent or None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

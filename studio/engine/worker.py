"""A worker process: one loaded backend, one job at a time.

Started by the supervisor as ``python -m studio.engine.worker_process …``
(:mod:`studio.engine.worker_process` chooses this worker or the check
worker) with its device already chosen in the environment
(``CUDA_VISIBLE_DEVICES``). It loads
the backend once, reports ``loaded`` in the ``workers`` table, then claims,
renders and completes jobs. While the backend synthesizes, a side thread
renews the job's lease. :meth:`Worker.step` does one job (or nothing) and
never sleeps, so tests drive it tick by tick; :meth:`Worker.run` is the loop.

A worker dies with its supervisor (``PR_SET_PDEATHSIG`` on Linux, and a
parent check each tick elsewhere): no orphan keeps writing after a crash.
SIGTERM asks it to finish the current job and exit.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import traceback
from pathlib import Path

from studio.backends import backend_class
from studio.core.doorbell import JOBS, Waiting
from studio.core.jobs import JobQueue
from studio.core.planning import SegmentRenderer, save_take_audio
from studio.core.storage.workers import WorkerStore
from studio.core.store import Library
from studio.gpu import device_label

log = logging.getLogger("studio.engine.worker")

LOG_FORMAT = "[%(asctime)s] [%(levelname)s] [%(name)s] [%(process)d] %(message)s"


class Worker:
    """Claims and renders jobs for one backend on one device."""

    def __init__(
        self,
        root: Path,
        slot: int,
        backend: str,
        device: str = "cpu",
        threads: int | None = None,
    ) -> None:
        self.root = Path(root)
        self.slot = slot
        self.backend_name = backend
        self.device = device
        self.threads = threads
        self.pid = os.getpid()
        self.library = Library.open(self.root)
        self.queue = JobQueue(self.library)
        self.workers = WorkerStore(self.library.conn)
        self.renderer: SegmentRenderer | None = None
        self.heartbeat: Heartbeat | None = None
        self.stopping = False
        self.shared_only = False  # the backend could not get ready to render alone

    def _set_state(self, state: str, job: int | None = None, done: int = 0) -> None:
        self.workers.report(self.slot, self.pid, state, job, done)

    def load(self) -> None:
        """Load the backend, then report ``loaded``."""
        self.renderer = SegmentRenderer(
            self.library, backend_class(self.backend_name), self.device, self.threads
        )
        self.heartbeat = Heartbeat(self.root, self.pid, self.queue.settings.lease_s / 3)
        self._set_state("loaded")
        log.info("worker %d loaded %s on %s", self.slot, self.backend_name, self.device)

    def step(self, now: float | None = None) -> bool:
        """Claim and render one job; False when there was none to claim."""
        assert self.renderer is not None and self.heartbeat, "call load() first"
        job = self.queue.claim(self.backend_name, self.pid, now)
        if job is None:
            return False
        self._set_state("busy", job.id)
        self.heartbeat.job = job.id
        self._set_alone(self.queue.alone(job))
        try:
            samples = self.renderer.synthesize(job.speech or job.text, job.voice_id, job.seed,
                                               job.speed)
            rate = self.renderer.backend_cls.sample_rate
            path = save_take_audio(self.library, samples, rate)
            self.heartbeat.job = None
            self.queue.complete(
                job, path=path, backend=self.backend_name, sample_rate=rate,
                frames=len(samples), host=socket.gethostname(), device=device_label(self.device),
            )
            self._set_state("loaded", None, done=1)
        except Exception as err:
            self.heartbeat.job = None
            message = f"{type(err).__name__}: {err}"
            state = self.queue.fail(job, message)
            log.warning("job %d failed (%s): %s\n%s", job.id, state, message,
                        traceback.format_exc(limit=3))
            self._set_state("loaded")
        return True

    def run(self, poll_s: float = 0.2, parent: int | None = None) -> None:
        """Work until SIGTERM (after the current job) or the parent's death.

        ``parent`` is the supervisor's pid as it was given to us: taking
        ``getppid()`` here instead would miss a supervisor that died while
        this worker was still loading.
        """
        parent = parent or os.getppid()
        signal.signal(signal.SIGTERM, self._on_term)
        signal.signal(signal.SIGINT, self._on_term)
        with Waiting(self.root, JOBS) as bell:  # woken by a new job; the poll stays as a net
            while not self.stopping:
                if os.getppid() != parent:
                    log.error("supervisor died; worker %d exits", self.slot)
                    break
                if not self.step():
                    self.idle()
                    bell.wait(poll_s)
        self.close()

    def idle(self) -> None:
        """Nothing to claim: the next job may well come alone (one request,
        one regenerate), so the backend gets ready for that now."""
        self._set_alone(True)

    def _set_alone(self, alone: bool) -> None:
        """Tell the backend whether it renders alone (a failure to get ready
        for that is logged: the job renders on the worker's share instead)."""
        if self.renderer is None or self.shared_only:
            return
        try:
            self.renderer.backend.set_alone(alone)
        except Exception as err:
            self.shared_only = True  # said once, not at every idle tick
            log.warning("worker %d stays on its share of the cores: %s: %s", self.slot,
                        type(err).__name__, err)

    def close(self) -> None:
        """Report ``stopped`` and end the heartbeat thread."""
        if self.heartbeat:
            self.heartbeat.stop()
        self._set_state("stopped")

    def _on_term(self, signum: int, frame: object) -> None:
        self.stopping = True


class Heartbeat:
    """Renews the current job's lease from a side thread while the backend
    works (synthesis blocks the worker's main thread). One thread and one
    database connection for the worker's life; ``job`` says what to renew.

    A renewal that fails (the database locked past its busy timeout by
    another program, a full disk) is logged and tried again on the next tick:
    a tick comes every third of a lease, so one missed renewal leaves the job
    two thirds of its lease, while a thread that ended would let the job
    expire under a worker still rendering it. Anything that still ends the
    thread is logged as an error."""

    def __init__(self, root: Path, pid: int, every_s: float) -> None:
        self.root, self.pid, self.every_s = root, pid, every_s
        self.jobs: tuple[int, ...] = ()  # what to renew: one render, or a batch of checks
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException:
            log.error("the lease heartbeat thread stopped: jobs will expire while they "
                      "render\n%s", traceback.format_exc())
            raise

    @property
    def job(self) -> int | None:
        return self.jobs[0] if self.jobs else None

    @job.setter
    def job(self, job: int | None) -> None:
        self.jobs = () if job is None else (job,)

    def _loop(self) -> None:
        library: Library | None = None  # connections are per thread: opened here
        queue: JobQueue | None = None
        try:
            while not self._stop.wait(self.every_s):
                for job in self.jobs:
                    try:
                        if library is None:
                            library = Library.open(self.root)
                        if queue is None:
                            queue = JobQueue(library)
                        if not queue.heartbeat(job, self.pid):
                            log.warning("lost the lease of job %d", job)
                    except Exception as err:
                        log.warning("could not renew the lease of job %d (%s: %s); trying "
                                    "again in %.1f s", job, type(err).__name__, err,
                                    self.every_s)
        finally:
            if library is not None:
                library.close()

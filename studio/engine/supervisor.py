"""The engine supervisor: one per library, owning the worker processes.

* **One per library**: the engine's lock (:mod:`studio.engine.lock`).
* **Recovery on start**: ``PRAGMA integrity_check`` (a damaged database is
  reported with the newest good backup, and nothing runs); a rotating backup
  of the database; jobs leased by processes that no longer exist go back to
  the queue; take files no row points to, and temp files of crashed writes,
  are swept.
* **Placement**: a plan per backend with work waiting — from NVML for GPU
  backends, one worker per core (at most 8) for CPU backends. Workers are
  started with ``subprocess`` (a fresh interpreter: spawn, never fork), each
  with its ``CUDA_VISIBLE_DEVICES`` set before it starts. GPU workers start
  one at a time, the next only after the previous reports ``loaded`` (free
  memory is a moving snapshot); CPU workers have no such budget and start
  together.
* **Builds**: a backend that must prepare shared files once (TensorRT plans)
  gets one build process, on the first placement's device, before any of
  its workers start; if it fails, those workers are marked failed with its
  error.
* **Watching**: a worker that exits unexpectedly has its job failed (the
  attempt counts) and is restarted after a backoff; one that crashes
  ``MAX_CRASHES`` times within ``CRASH_WINDOW_S`` is marked failed with its
  last error and the others go on. A job running past the job timeout gets
  its worker killed. Expired leases are requeued.
* **The farm**: while the library is connected to a render farm, a thread
  runs its bridge (:mod:`studio.farm.bridge`), which hands jobs to the
  farm's workers beside the local ones; the jobs the farm holds are the
  bridge's to recover, not the lost-worker rules'. A GPU backend's jobs on a
  desktop with no GPU wait for the farm's GPU workers.
* **Stopping**: stop claiming (SIGTERM: each worker finishes its job), wait
  the grace period, terminate, then kill.

:meth:`Supervisor.step` does one round of all this without sleeping, so the
tests drive it tick by tick; :meth:`Supervisor.run` is the loop.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import logging.handlers
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from studio.backends import backend_class
from studio.core import serving
from studio.core.doorbell import JOBS, Waiting
from studio.core.jobs import QA_POOL, JobQueue, qa_settings
from studio.core.planning import DEFAULT_VOICE, backend_options, voice_fit
from studio.core.settings import EngineSettings
from studio.core.storage.schema import integrity_check
from studio.core.storage.workers import WorkerStore
from studio.core.store import Library, damaged_error
from studio.engine.lock import acquire_lock
from studio.errors import UserError
from studio.farm.bridge import BridgeThread
from studio.farm.link import FarmLink
from studio.fsutil import TEMP_PREFIX
from studio.gpu import Gpu, Placement, Plan, plan, probe

log = logging.getLogger("studio.engine.supervisor")

LOG_FORMAT = "[%(asctime)s] [%(levelname)s] [%(name)s] [%(process)d] %(message)s"
MAX_CRASHES = 5
CRASH_WINDOW_S = 120.0
BACKUPS_KEPT = 5


# ---------------------------------------------------------------- recovery

def check_integrity(library: Library) -> None:
    """Raise :class:`UserError` naming the newest backup if the database is damaged."""
    result = integrity_check(library.conn)
    if result != ["ok"]:
        raise damaged_error(library.root, result[0])


def backup(library: Library, keep: int = BACKUPS_KEPT) -> Path:
    """Copy the (checked) database to ``backups/`` and keep the newest ``keep``."""
    folder = library.root / "backups"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"studio-{stamp}-{os.getpid()}.db"
    tmp = folder / f"{TEMP_PREFIX}{target.name}"
    copy = sqlite3.connect(tmp)
    try:
        library.conn.backup(copy)
    finally:
        copy.close()
    os.replace(tmp, target)
    for old in sorted(folder.glob("studio-*.db"))[:-keep]:
        old.unlink()
    return target


def sweep_orphans(library: Library, older_than_s: float = 60.0) -> int:
    """Delete take files no row points to and temp files of crashed writes."""
    now = time.time()
    known = library.take_paths()
    removed = 0
    for path in (library.root / "takes").rglob("*"):
        if not path.is_file() or now - path.stat().st_mtime < older_than_s:
            continue
        relative = path.relative_to(library.root).as_posix()
        if path.name.startswith(TEMP_PREFIX) or relative not in known:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# ---------------------------------------------------------------- placement

def backend_need_mb(library: Library, backend: str, settings: EngineSettings) -> int:
    """MB of GPU memory one worker of ``backend`` is planned with: the engine's
    ``per_model_mb`` if set, else the backend's need with the library's options."""
    if settings.per_model_mb is not None:
        return settings.per_model_mb
    return backend_class(backend).vram_need(backend_options(library, backend))


def plan_checks(library: Library, cores: int | None = None) -> Plan:
    """The QA pool: check workers on the CPU, beside whatever renders: two, or
    one per four cores up to four, unless ``qa.workers`` says. Two even on a
    small machine: once the renderers are done, the checks still waiting get
    every core (with one, a core idled while the last checks ran); one
    thread each on a small machine, where the renderers want the cores."""
    cores = max(1, cores or os.cpu_count() or 1)
    count = qa_settings(library).workers or min(4, max(2, cores // 4))
    threads = 1 if cores <= 4 else 2
    return Plan(tuple(
        Placement(slot, "cpu", None, None, 0, threads,
                  f"CPU (take QA): {threads} thread(s) of {cores} core(s)")
        for slot in range(count)), mode="cpu")


def plan_backend(library: Library, backend: str, gpus: list[Gpu],
                 settings: EngineSettings) -> Plan:
    """The plan for ``backend``'s workers on ``gpus``: what the supervisor
    starts, and what the Engine page shows before it does."""
    if backend == QA_POOL:
        return plan_checks(library)
    need = backend_need_mb(library, backend, settings)
    workers = settings.workers
    if workers is None and (need == 0 or not gpus):
        # a big model on the CPU: RAM, not cores, limits
        workers = backend_class(backend).max_cpu_workers
    return plan(gpus, need, workers, settings.reserve_mb, cpu_cores=os.cpu_count() or 1,
                cpu_threads=settings.cpu_threads)


# ---------------------------------------------------------------- workers

@dataclass
class Slot:
    """A place for a worker: its plan, its process and its crash history."""

    backend: str
    placement: Placement
    process: subprocess.Popen[bytes] | None = None
    crashes: deque[float] = field(default_factory=deque)
    next_start: float = 0.0
    failed: bool = False
    killed: bool = False  # the supervisor killed it (job timeout): not a crash
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=20))

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None


@dataclass
class Build:
    """A backend's one-off build process, run before its workers start."""

    process: subprocess.Popen[bytes]
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=20))


class Supervisor:
    """Keeps the planned workers running for one library."""

    def __init__(self, root: Path, settings: EngineSettings | None = None) -> None:
        self.root = Path(root).resolve()
        self.library = Library.open(self.root)
        self.queue = JobQueue(self.library)
        self.workers = WorkerStore(self.library.conn)
        self.settings = settings or EngineSettings.from_library(self.library)
        self.slots: list[Slot] = []
        self.builds: dict[str, Build] = {}
        self.stopping = False
        self.idle_since: float | None = None
        self._lock: IO[str] | None = None
        self._gpus, self.gpu_note = probe()
        self.farm: BridgeThread | None = None
        self.next_farm_check = 0.0
        self.served: set[str] = set()  # backends kept loaded for the server
        self.next_serve_check = 0.0

    # ------------------------------------------------------------ start
    def start(self) -> None:
        """Take the lock and recover the library; raises if either fails."""
        self._lock = acquire_lock(self.root)
        check_integrity(self.library)
        backup(self.library)
        requeued = self.queue.requeue_lost(alive_pids=set(), reason="the engine stopped")
        swept = sweep_orphans(self.library)
        if FarmLink.of(self.library) is None:  # left the farm while the engine was down
            self.queue.return_all_from_farm("the library left the farm")
        else:  # its bridge gets a lease to take in what the farm did meanwhile
            self.queue.extend_farm_leases()
        self.workers.clear()
        log.info("engine started (pid %d): %s; %d job(s) requeued, %d orphan file(s) swept",
                 os.getpid(), self.gpu_note, len(requeued), swept)

    def plan_for(self, backend: str) -> list[Placement]:
        """Placements for ``backend``'s workers on this machine."""
        result = plan_backend(self.library, backend, self._gpus, self.settings)
        for line in result.unplaced:
            log.warning("%s: %s", backend, line)
        return list(result.placements)

    # ------------------------------------------------------------ one tick
    def step(self, now: float | None = None) -> None:
        """One round: reap, time out, requeue, start; never sleeps."""
        now = time.time() if now is None else now
        self._reap_builds()
        self._reap(now)
        self._kill_overdue(now)
        alive = {slot.pid for slot in self.slots if slot.pid and slot.process
                 and slot.process.poll() is None}
        lost = self.queue.requeue_lost({pid for pid in alive if pid}, now)
        if lost:
            log.warning("requeued job(s) %s: lease expired or worker gone", lost)
        lost = self.queue.return_expired_from_farm(now)
        if lost:
            log.warning("job(s) %s go back to the local workers: the farm did not answer for "
                        "a whole lease", lost)
        if self.stopping:
            return
        self._keep_farm(now)
        self._add_slots()
        self._start_next(now)
        self._check_idle(now)

    def _keep_farm(self, now: float) -> None:
        """Run the farm's bridge while the library is connected to a farm."""
        if now < self.next_farm_check:
            return
        self.next_farm_check = now + 2.0
        if FarmLink.of(self.library) is not None and not (self.farm and self.farm.alive()):
            self.farm = BridgeThread(self.root)
            self.farm.start()

    def _left_to_farm(self, backend: str) -> bool:
        """A GPU backend on a desktop with no GPU, while the farm has live
        workers for it: its jobs wait for them, not for the CPU here."""
        if self._gpus or backend == QA_POOL or self.farm is None \
                or backend not in self.farm.live:
            return False
        return backend_class(backend).vram_need(backend_options(self.library, backend)) > 0

    def _serve(self, now: float) -> set[str]:
        """While ``studio serve`` serves this library: the default voice's
        backend, when it can run here. Its workers are kept loaded and the
        engine does not idle out, so a request is answered by a warm worker
        (read every 2 s)."""
        if now >= self.next_serve_check:
            self.next_serve_check = now + 2.0
            self.served = set()
            if serving.running(self.root) is not None:
                name = str(self.library.get_setting("default_voice", DEFAULT_VOICE))
                voice = self.library.find_voice(name)
                fit = voice_fit(self.library, voice) if voice is not None else None
                if fit is not None and fit.backend and fit.usable:
                    self.served = {fit.backend}
        return self.served

    def _add_slots(self) -> None:
        have = {slot.backend for slot in self.slots}
        queued = self.queue.pending_backends()
        pending = queued | self._serve(time.time())
        if queued and qa_settings(self.library).enabled:
            pending.add(QA_POOL)  # loads while the first takes render: their checks wait less
        for backend in sorted(pending - have):
            if self._left_to_farm(backend):
                continue
            placements = self.plan_for(backend)
            if placements and backend != QA_POOL and backend_class(backend).needs_build(
                    backend_options(self.library, backend)):
                self._start_build(backend, placements[0])
            state = "building" if backend in self.builds else "waiting"
            for placement in placements:
                self.slots.append(Slot(backend, placement))
                self.workers.plan(len(self.slots) - 1, backend,
                                  placement.env["CUDA_VISIBLE_DEVICES"] or "cpu", state,
                                  placement.reason)

    def _start_build(self, backend: str, placement: Placement) -> None:
        env = dict(os.environ, **placement.env, PYTHONUNBUFFERED="1")
        command = [sys.executable, "-m", "studio.engine.worker_process",
                   "--library", str(self.root), "--build", "--backend", backend,
                   "--device", placement.device, "--parent", str(os.getpid())]
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        build = Build(process)
        self.builds[backend] = build
        threading.Thread(target=self._drain_lines, args=(process, build.stderr_tail),
                         daemon=True, name=f"build-{backend}-stderr").start()
        log.info("building %s before its workers start (pid %d, %s)", backend, process.pid,
                 placement.reason)

    def _reap_builds(self) -> None:
        for backend, build in list(self.builds.items()):
            code = build.process.poll()
            if code is None:
                continue
            del self.builds[backend]
            indexes = [i for i, slot in enumerate(self.slots) if slot.backend == backend]
            if code == 0:
                log.info("%s built; starting its workers", backend)
                state, error = "waiting", None
            else:
                last = next((line for line in reversed(build.stderr_tail) if line.strip()), "")
                error = f"build failed (exit code {code})" + (f": {last}" if last else "")
                log.error("%s: %s", backend, error)
                state = "failed"
                for index in indexes:
                    self.slots[index].failed = True
            self.workers.set_states(indexes, state, error)

    def _start_next(self, now: float) -> None:
        # GPU workers start one at a time, each after the previous reports
        # 'loaded', so each sees the memory the others really took; CPU
        # workers have no such budget and start together.
        for index, slot in enumerate(self.slots):
            if slot.placement.device != "cpu" and slot.process and slot.process.poll() is None \
                    and self.workers.state(index) == "starting":
                return
        for index, slot in enumerate(self.slots):
            if slot.failed or slot.next_start > now or slot.backend in self.builds:
                continue
            if slot.process is None or slot.process.poll() is not None:
                self._spawn(index, slot, now)
                if slot.placement.device != "cpu":
                    return

    def _spawn(self, index: int, slot: Slot, now: float) -> None:
        env = dict(os.environ, **slot.placement.env, PYTHONUNBUFFERED="1")
        command = [
            sys.executable, "-m", "studio.engine.worker_process", "--library", str(self.root),
            "--slot", str(index), "--backend", slot.backend,
            "--device", slot.placement.device, "--threads", str(slot.placement.threads),
            "--parent", str(os.getpid()),
        ]
        if slot.backend == QA_POOL and slot.placement.slot == 0:
            command.append("--preload")  # the pool's first: ready when the first takes are
        slot.process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        threading.Thread(target=self._drain, args=(index, slot, slot.process), daemon=True,
                         name=f"worker-{index}-stderr").start()
        self.workers.started(index, slot.process.pid, now)
        log.info("started worker %d (pid %d) for %s: %s", index, slot.process.pid,
                 slot.backend, slot.placement.reason)

    def _drain(self, index: int, slot: Slot, process: subprocess.Popen[bytes]) -> None:
        self._drain_lines(process, slot.stderr_tail)

    @staticmethod
    def _drain_lines(process: subprocess.Popen[bytes], tail: deque[str]) -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            tail.append(line)
            # already "[time] [level] [module] [pid] message": pass it through
            log.info("%s", line, extra={"raw": line.startswith("[")})

    def _reap(self, now: float) -> None:
        for index, slot in enumerate(self.slots):
            if slot.process is None or slot.process.poll() is None:
                continue
            code = slot.process.returncode
            pid = slot.process.pid
            slot.process = None
            if self.stopping:
                continue
            if slot.killed:  # a timed-out job; the job is already failed
                slot.killed = False
                log.info("worker %d restarting after a job timeout", index)
                continue
            last = next((line for line in reversed(slot.stderr_tail) if line.strip()), "")
            error = f"worker crashed (exit code {code})" + (f": {last}" if last else "")
            self.queue.fail_running(pid, error, now)
            slot.crashes.append(now)
            while slot.crashes and slot.crashes[0] < now - CRASH_WINDOW_S:
                slot.crashes.popleft()
            if len(slot.crashes) >= MAX_CRASHES:
                slot.failed = True
                state = "failed"
                log.error("worker %d failed: %d crashes in %.0f s; last: %s", index,
                          len(slot.crashes), CRASH_WINDOW_S, error)
            else:
                state = "crashed"
                delay = self.settings.restart_backoff_s * 2 ** (len(slot.crashes) - 1)
                slot.next_start = now + delay
                log.warning("worker %d %s; restart in %.1f s", index, error, delay)
            self.workers.exited(index, state, error, restarts=int(state == "crashed"))

    def _kill_overdue(self, now: float) -> None:
        limit = now - self.settings.job_timeout_s
        for row in self.queue.store.overdue(limit):
            slot = next((s for s in self.slots if s.pid == row["worker_pid"]), None)
            if slot and slot.process:
                log.warning("job %d ran past %.0f s: killing worker pid %d", row["id"],
                            self.settings.job_timeout_s, slot.process.pid)
                self.queue.fail_running(
                    slot.process.pid, f"timed out after {self.settings.job_timeout_s:.0f} s", now
                )
                slot.killed = True
                slot.process.kill()

    def _check_idle(self, now: float) -> None:
        if self.settings.idle_exit_s is None:
            return
        if self.queue.pending_backends() or self._serve(now):
            self.idle_since = None
        elif self.idle_since is None:
            self.idle_since = now
        elif now - self.idle_since >= self.settings.idle_exit_s:
            log.info("idle for %.0f s: stopping", now - self.idle_since)
            self.stopping = True

    # ------------------------------------------------------------ stop
    def stop(self) -> None:
        """Graceful stop: finish current jobs, then terminate, then kill."""
        self.stopping = True
        if self.farm is not None:
            self.farm.stop()  # hands out no more; what the farm holds stays there
        running = [slot.process for slot in self.slots if slot.process
                   and slot.process.poll() is None]
        running += [build.process for build in self.builds.values()
                    if build.process.poll() is None]  # a killed build restarts next time
        for process in running:
            process.send_signal(signal.SIGTERM)  # finish the job, then exit
        deadline = time.monotonic() + self.settings.grace_s
        for process in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
        for process in running:
            if process.poll() is None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)
            if process.poll() is None:
                process.kill()
                process.wait()
        self.queue.requeue_lost(alive_pids=set(), reason="the engine stopped")
        self.workers.stopped()
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None
        log.info("engine stopped")

    def run(self, tick_s: float = 0.2) -> None:
        """Start, supervise until asked to stop (SIGTERM/SIGINT or idle), stop."""
        def request_stop(signum: int, frame: object) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.start()
        try:
            with Waiting(self.root, JOBS) as bell:  # a new backend's workers start at once
                while not self.stopping:
                    self.step()
                    bell.wait(tick_s)
        finally:
            self.stop()


class _Formatter(logging.Formatter):
    """The house format, except for workers' lines, which carry it already."""

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "raw", False):
            return record.getMessage()
        return super().format(record)


def configure_logging(root: Path) -> None:
    """Log to ``LIBRARY/logs/engine.log``, rotated at 5 MB, 3 kept; workers'
    lines arrive on their stderr and are written by this one handler."""
    folder = Path(root) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        folder / "engine.log", maxBytes=5 * 2**20, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(_Formatter(LOG_FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the supervisor process (``studio engine start`` runs it)."""
    parser = argparse.ArgumentParser(prog="studio-engine")
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--per-model-mb", type=int)
    parser.add_argument("--idle-exit", type=float)
    args = parser.parse_args(argv)
    configure_logging(args.library)
    try:
        library = Library.open(args.library)
        check_integrity(library)  # before anything reads the tables
        settings = EngineSettings.from_library(
            library, workers=args.workers, per_model_mb=args.per_model_mb,
            idle_exit_s=args.idle_exit,
        )
        library.close()
        Supervisor(args.library, settings).run()
    except UserError as err:
        log.error("%s", err)
        print(f"studio: {err}", file=sys.stderr)
        return err.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``studio farm worker``: the farm workers of one machine.

One process per slot, placed as the engine places local workers: by the
VRAM plan for a GPU backend (one per GPU that has room, each with its
``CUDA_VISIBLE_DEVICES``), one per core (at most 8) on the CPU, or
``--workers N``. A worker that exits is started again after a backoff; one
that fails ``MAX_CRASHES`` times in ``CRASH_WINDOW_S`` is left stopped, its
last line logged. SIGTERM asks each worker to finish its job and exit; the
workers die with this process however it dies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from studio.backends import backend_class
from studio.errors import UserError
from studio.farm import protocol
from studio.gpu import Placement, plan, probe

log = logging.getLogger("studio.farm.pool")

MAX_CRASHES = 5
CRASH_WINDOW_S = 120.0
RESTART_S = 1.0


def placements(backend: str, workers: int | None, reserve_mb: int = 512) -> list[Placement]:
    """Where this machine's farm workers for ``backend`` go, and why."""
    cls = backend_class(backend)
    gpus, note = probe()
    need = cls.vram_need({})
    if workers is None and (need == 0 or not gpus):
        workers = cls.max_cpu_workers
    result = plan(gpus, need, workers, reserve_mb, cpu_cores=os.cpu_count() or 1)
    for line in result.unplaced:
        log.warning("%s: %s", backend, line)
    if not result.placements:
        raise UserError(f"no room for a {backend} worker on this machine ({note})",
                        "free GPU memory, or give --workers to run on the CPU")
    return list(result.placements)


@dataclass
class _Slot:
    placement: Placement
    process: subprocess.Popen[bytes] | None = None
    crashes: deque[float] = field(default_factory=deque)
    next_start: float = 0.0
    failed: bool = False


def run(url: str, password_file: str | None, backend: str, workers: int | None,
        cache: Path, name: str | None = None, poll_s: float = 0.5) -> int:
    """Run this machine's workers until SIGTERM/SIGINT; the exit code."""
    client = protocol.connect(url, protocol.read_password(password_file))  # fail early, clearly
    host = name or socket.gethostname()
    slots = [_Slot(p) for p in placements(backend, workers)]
    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    for slot in slots:
        log.info("farm worker slot %d: %s", slot.placement.slot, slot.placement.reason)
    try:
        while not stopping:
            now = time.monotonic()
            for slot in slots:
                crashed = _reap(slot, now)
                if crashed is not None:  # its last heartbeat would say idle: it is gone
                    with contextlib.suppress(Exception):
                        client.hdel(protocol.WORKERS, f"{host}:{crashed}")
                if not slot.failed and slot.process is None and now >= slot.next_start:
                    slot.process = _spawn(slot.placement, url, password_file, backend, cache,
                                          name)
            if all(slot.failed for slot in slots):
                log.error("every farm worker failed; see the lines above")
                return 1
            time.sleep(poll_s)
    finally:
        client.close()
    running = [slot.process for slot in slots if slot.process and slot.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    for process in running:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return 0


def _spawn(placement: Placement, url: str, password_file: str | None, backend: str,
           cache: Path, name: str | None) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "studio.farm.worker", "--redis", url,
               "--backend", backend, "--device", placement.device,
               "--threads", str(placement.threads), "--cache", str(cache),
               "--parent", str(os.getpid())]
    if password_file:
        command += ["--password-file", password_file]
    if name:
        command += ["--name", name]
    env = dict(os.environ, **placement.env, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
    log.info("started farm worker pid %d on %s", process.pid, placement.device)
    return process


def _reap(slot: _Slot, now: float) -> int | None:
    """Note a worker that exited; the pid of one that did not stop as asked."""
    if slot.process is None or slot.process.poll() is None:
        return None
    code, pid = slot.process.returncode, slot.process.pid
    slot.process = None
    if code == 0:
        slot.failed = True  # it stopped as asked (or found it could not serve): no restart
        return None
    slot.crashes.append(now)
    while slot.crashes and slot.crashes[0] < now - CRASH_WINDOW_S:
        slot.crashes.popleft()
    if len(slot.crashes) >= MAX_CRASHES or code == UserError.exit_code:
        slot.failed = True
        log.error("farm worker on %s stopped for good (exit code %d)", slot.placement.device,
                  code)
        return pid if code != UserError.exit_code else None
    delay = RESTART_S * 2 ** (len(slot.crashes) - 1)
    slot.next_start = now + delay
    log.warning("farm worker exited (code %d); starting another in %.0f s", code, delay)
    return pid

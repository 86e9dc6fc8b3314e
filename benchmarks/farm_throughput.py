"""The render farm against the desktop alone, side by side in one run.

Everything on this machine: a real ``redis-server`` on a free loopback port
in a temp folder, the real engine (``studio engine start --workers N``) on a
library connected to it, and farm workers as separate processes
(``python -m studio.farm.worker``), each in a folder of its own, at the
engine's workers' priority (both lower theirs by 5) so that neither side is
favoured. Take QA is off: only rendering is measured.

(a) Scaling: a backend that spends 0.2 s per segment asleep, not on the CPU
    (a GPU at work, seen from the host: FixedDelayBackend in
    benchmarks/noop_backend.py). The same segments rendered by 1 local
    worker, then by 1 local + 3 farm workers. Target: the farm at least 3.5x
    the segments per second.
(b) The Redis path's cost: a no-op backend, the same number of jobs through
    1 local worker (claim, write the take, complete: in this process) and
    through 1 farm worker (this process steps the desktop's bridge, as the
    engine's bridge thread does). Prints ms per job of each and the
    difference (target: under 10 ms added per job), then one job alone at a
    time: claimed (handed out) to its take recorded, each way, and queued to
    handed out by the bridge.
(c) The real Piper voice on the CPU: 1 local + 1 farm worker against 2 local
    workers on the same script, alternating round by round. Both share the
    same 2 cores, so expect about 1.0x (target: at least 0.9x: nothing lost
    on the CPU path). Every worker gets one thread (the farm worker's
    ``--threads 1``, the engine's ``engine.cpu_threads`` 1): otherwise the
    engine's one local worker would take the machine's two cores for itself
    while the farm worker uses them too. The CPU time each side
    spends per segment (read from /proc, blind to other jobs' load) shows
    where a difference comes from: a farm worker's segment should cost what
    a local worker's does (target: at most 1.1x).

A throughput counts from the jobs' enqueue to the last take's record (both
read from the library), with every worker loaded first by a short warm-up.

    python benchmarks/farm_throughput.py [--segments 200] [--jobs 300] [--sentences 40]
                                         [--rounds 3] [--parts abc]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parent.parent
# this checkout's studio and tests, and the stand-in backends by their module's
# own name (a top-level ``benchmarks`` package of a dependency shadows this folder)
PATH = [str(REPO), str(REPO / "benchmarks")]
sys.path[:0] = PATH

if TYPE_CHECKING:
    from studio.core.store import Library
    from tests.redis_server import RedisServer

FIXED = "piper=noop_backend:FixedDelayBackend"
NOOP = "piper=noop_backend:NoopBackend"
SENTENCE = "{name} {n}: the travellers walked along the river toward the old mill."


@dataclass(frozen=True)
class Run:
    """One setup's render of one project."""

    label: str
    segments: int
    seconds: float  # the first job's enqueue to the last take's record
    farmed: int  # segments the farm's workers rendered
    engine_cpu: float  # CPU seconds of the engine and its workers (the bridge included)
    farm_cpu: float  # CPU seconds of the farm's workers and Redis

    @property
    def rate(self) -> float:
        return self.segments / self.seconds

    @property
    def cpu_s(self) -> float:
        """CPU seconds per segment, of every process the setup runs."""
        return (self.engine_cpu + self.farm_cpu) / self.segments

    def line(self) -> str:
        local = self.segments - self.farmed
        farm = f", farm {self.farm_cpu / self.farmed * 1000:.0f} ms" if self.farmed else ""
        return (f"  {self.label:<26} {self.seconds:6.2f} s {self.rate:6.2f} segments/s  "
                f"({self.farmed} of {self.segments} by the farm); CPU per segment: all "
                f"{self.cpu_s * 1000:.0f} ms, engine {self.engine_cpu / local * 1000:.0f} ms{farm}")


def environment(backends: str | None) -> dict[str, str]:
    """A started process's environment: this checkout's code, and ``backends``
    as $STUDIO_BACKENDS (None: the installed Piper voice)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(PATH), PYTHONUNBUFFERED="1")
    env.pop("STUDIO_BACKENDS", None)
    if backends:
        env["STUDIO_BACKENDS"] = backends
    return env


def studio(root: Path, env: dict[str, str], *args: str, check: bool = True) -> None:
    run = subprocess.run([sys.executable, "-m", "studio", "--library", str(root), *args],
                         env=env, capture_output=True, text=True)
    if check and run.returncode != 0:
        raise SystemExit(f"studio {' '.join(args)} failed ({run.returncode}):\n{run.stderr}")


def new_library(root: Path) -> Library:
    """A library with the presets, take QA off."""
    from studio.core.planning import ensure_presets
    from studio.core.store import Library

    library = Library.open(root)
    ensure_presets(library)
    library.update_settings({"qa.enabled": False})
    return library


def queue_project(library: Library, name: str, count: int) -> tuple[int, list[int]]:
    """A project of ``count`` sentences, every segment queued: its id and the jobs."""
    from studio.core.jobs import JobQueue
    from studio.text import prepare_script

    text = " ".join(SENTENCE.format(name=name, n=n) for n in range(1, count + 1))
    voice = library.find_voice("joe")
    assert voice is not None
    sync = library.sync_project(name, text, voice, prepare_script(text).segments)
    segments = [s.id for s in library.segments(sync.project.id)]
    assert len(segments) == count, (len(segments), count)
    return sync.project.id, JobQueue(library).enqueue(segments, "piper")


def done(library: Library, project_id: int) -> int:
    from studio.core.jobs import JobQueue

    return JobQueue(library).counts(project_id).get("done", 0)


def wait_done(library: Library, project_id: int, count: int, timeout_s: float) -> None:
    from studio.core.jobs import JobQueue

    deadline = time.monotonic() + timeout_s
    while done(library, project_id) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out: jobs {JobQueue(library).counts(project_id)}")
        time.sleep(0.1)


def last_take(library: Library, project_id: int) -> float:
    """When the project's last take was recorded (time.time())."""
    (last,) = library.conn.execute(
        "SELECT MAX(t.created_at) FROM takes t JOIN segments s ON s.id = t.segment_id "
        "WHERE s.project_id = ?", (project_id,)).fetchone()
    return float(last)


def span(library: Library, project_id: int) -> tuple[float, int]:
    """Seconds from the project's first enqueue to its last take, and how
    many of its jobs the farm ran (a farm job keeps its hand-over token)."""
    first, farmed = library.conn.execute(
        "SELECT MIN(j.created_at), SUM(j.farm_token IS NOT NULL) FROM jobs j "
        "JOIN segments s ON s.id = j.segment_id WHERE s.project_id = ?",
        (project_id,)).fetchone()
    return last_take(library, project_id) - first, int(farmed or 0)


def latencies(library: Library, jobs: list[int]) -> list[float]:
    """Each job's claim (a local worker's, or the bridge's hand-over) to its take's record."""
    rows = library.conn.execute(
        f"SELECT t.created_at - j.started_at FROM jobs j JOIN takes t "
        f"ON t.segment_id = j.segment_id AND t.seed = j.seed "
        f"WHERE j.id IN ({','.join('?' * len(jobs))})", jobs).fetchall()
    assert len(rows) == len(jobs), (len(rows), len(jobs))
    return [float(row[0]) for row in rows]


class Remotes:
    """Farm worker processes, each in a folder of its own, stopped by their pids."""

    def __init__(self, work: Path, url: str, backends: str | None) -> None:
        self.work, self.url, self.env = work, url, environment(backends)
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, count: int, threads: int = 0) -> None:
        for _ in range(count):
            folder = self.work / f"remote-{len(self.processes)}"
            folder.mkdir()
            with open(folder / "worker.log", "wb") as log:  # the child keeps its own copy
                # the worker lowers its own priority as the engine's workers do
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "studio.farm.worker",
                     "--redis", self.url, "--backend", "piper", "--threads", str(threads),
                     "--cache", str(folder / "cache")],
                    cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=log, env=dict(self.env, HOME=str(folder))))

    def wait_idle(self, library: Library, timeout_s: float = 120) -> None:
        """Until every worker says ``idle`` in its heartbeat (its backend loaded)."""
        from studio.service import farm

        names = {f"{socket.gethostname()}:{p.pid}" for p in self.processes}
        deadline = time.monotonic() + timeout_s
        while not names <= {w.name for w in farm.status(library).workers if w.state == "idle"}:
            for index, process in enumerate(self.processes):
                if process.poll() is not None:
                    log = (self.work / f"remote-{index}" / "worker.log").read_text()
                    raise SystemExit(f"a farm worker exited ({process.returncode}):\n{log}")
            if time.monotonic() > deadline:
                raise SystemExit("the farm's workers did not say idle in time")
            time.sleep(0.1)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()  # finish the job, then exit
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def farm_server(work: Path) -> Iterator[RedisServer]:
    """A real ``redis-server`` in ``work``, stopped by its pid."""
    from tests.redis_server import RedisServer

    server = RedisServer(work / "redis").start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Setup:
    """A library and the processes that render for it: the engine (its
    workers are its children), the farm's workers and Redis."""

    library: Library
    engine: list[int] = field(default_factory=list)
    farm: list[int] = field(default_factory=list)

    @staticmethod
    def cpu_seconds(pids: list[int]) -> float:
        """CPU time (user + system) these processes and their children have used."""
        pids, ticks = list(pids), 0
        while pids:
            pid = pids.pop()
            with contextlib.suppress(OSError):  # one that exited meanwhile
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(stat[11]) + int(stat[12])  # utime, stime: all its threads
                for task in Path(f"/proc/{pid}/task").iterdir():
                    pids += [int(child) for child in (task / "children").read_text().split()]
        return ticks / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def engine_setup(work: Path, backends: str | None, local: int, remote: int,
                 remote_threads: int = 0, local_threads: int | None = None) -> Iterator[Setup]:
    """A new library, connected to a new farm of ``remote`` workers (if
    any), and its engine running ``local`` workers."""
    from studio.service import engine, farm

    root = work / "library"
    env = environment(backends)
    setup = Setup(new_library(root))
    if local_threads:
        setup.library.set_setting("engine.cpu_threads", local_threads)
    with contextlib.ExitStack() as stack:
        stack.callback(setup.library.close)
        if remote:
            server = stack.enter_context(farm_server(work))
            assert server.process is not None
            farm.connect(setup.library, server.url)
            remotes = Remotes(work, server.url, backends)
            stack.callback(remotes.stop)
            remotes.start(remote, remote_threads)
            remotes.wait_idle(setup.library)
            setup.farm += [server.process.pid, *(p.pid for p in remotes.processes)]
        stack.callback(studio, root, env, "engine", "stop", check=False)
        studio(root, env, "engine", "start", "--workers", str(local))
        supervisor = engine.engine_running(root)
        assert supervisor and supervisor > 0, supervisor
        setup.engine.append(supervisor)
        yield setup


def warm_up(library: Library, segments: int, local: int) -> None:
    """Render a short project, and wait until every local worker has loaded."""
    project_id, _ = queue_project(library, "Warmup", segments)
    wait_done(library, project_id, segments, 300)
    deadline = time.monotonic() + 120
    while library.conn.execute("SELECT COUNT(*) FROM workers WHERE backend = 'piper' "
                               "AND state IN ('loaded', 'busy')").fetchone()[0] < local:
        if time.monotonic() > deadline:
            raise SystemExit("the engine's workers did not load in time")
        time.sleep(0.1)


def measure(setup: Setup, label: str, segments: int, timeout_s: float) -> Run:
    engine, farm = setup.cpu_seconds(setup.engine), setup.cpu_seconds(setup.farm)
    project_id, _ = queue_project(setup.library, "Measured", segments)
    wait_done(setup.library, project_id, segments, timeout_s)
    engine, farm = setup.cpu_seconds(setup.engine) - engine, setup.cpu_seconds(setup.farm) - farm
    seconds, farmed = span(setup.library, project_id)
    run = Run(label, segments, seconds, farmed, engine, farm)
    print(run.line(), flush=True)
    return run


# ---------------------------------------------------------------- (a)

def scaling(work: Path, segments: int) -> float:
    """1 local worker against 1 local + 3 farm workers; the ratio of their rates."""
    print(f"(a) scaling: {segments} segments, 0.2 s each off the CPU (FixedDelayBackend)")
    runs = []
    for label, remote in (("1 local", 0), ("1 local + 3 farm", 3)):
        with engine_setup(work / f"scaling-{remote}", FIXED, local=1, remote=remote) as setup:
            warm_up(setup.library, 8, local=1)
            runs.append(measure(setup, label, segments, timeout_s=segments * 1.0))
    ratio = runs[1].rate / runs[0].rate
    print(f"  farm over local: {ratio:.2f}x  (target >= 3.5x; about 4x with 4 workers)")
    return ratio


# ---------------------------------------------------------------- (b)

def redis_cost(work: Path, jobs: int, alone: int = 20) -> float:
    """The same no-op jobs through a local worker and through the farm, in
    this process; the milliseconds the farm adds per job."""
    os.environ["STUDIO_BACKENDS"] = NOOP  # this process's worker and bridge
    from noop_backend import NoopBackend

    from studio.backends import backend_class, installed_backends
    from studio.core.jobs import JobQueue
    from studio.engine.worker import Worker
    from studio.farm.bridge import Bridge
    from studio.service import farm

    installed_backends.cache_clear()
    assert backend_class("piper") is NoopBackend, "the no-op backend did not load"
    print(f"(b) the Redis path: {jobs} jobs of a no-op backend, then {alone} jobs one at a time")
    root = work / "library"
    library = new_library(root)
    queue = JobQueue(library)
    try:
        project_id, _ = queue_project(library, "Local", jobs)
        worker = Worker(root, slot=0, backend="piper")
        worker.load()
        started = time.perf_counter()
        while worker.step():
            pass
        local_ms = (time.perf_counter() - started) * 1000 / jobs
        assert done(library, project_id) == jobs
        one = []
        for segment in [s.id for s in library.segments(project_id)][:alone]:
            one += queue.enqueue([segment], "piper")
            worker.step()
        local_alone = statistics.median(latencies(library, one)) * 1000
        worker.close()

        with farm_server(work) as server:
            farm.connect(library, server.url)
            remotes = Remotes(work, server.url, NOOP)
            bridge = Bridge(root)
            try:
                remotes.start(1)
                remotes.wait_idle(library)
                project_id, _ = queue_project(library, "Remote", jobs)
                started = time.time()
                while bridge.step(block_ms=100) or done(library, project_id) < jobs:
                    pass
                remote_ms = (last_take(library, project_id) - started) * 1000 / jobs
                one, waits = [], []
                for segment in [s.id for s in library.segments(project_id)][:alone]:
                    (job,) = queue.enqueue([segment], "piper")
                    while queue.store.job_state(job) != "done":
                        bridge.step(block_ms=100)
                    one.append(job)
                    waits.append(library.conn.execute(
                        "SELECT started_at - created_at FROM jobs WHERE id = ?",
                        (job,)).fetchone()[0])
                remote_alone = statistics.median(latencies(library, one)) * 1000
            finally:
                bridge.close()
                remotes.stop()
    finally:
        library.close()
    added = remote_ms - local_ms
    print(f"  1 local worker          {local_ms:6.2f} ms per job")
    print(f"  1 farm worker           {remote_ms:6.2f} ms per job  (its side overlaps on the "
          f"other core)")
    print(f"  added by the Redis path {added:+6.2f} ms per job  (target < 10 ms)")
    print(f"  one job alone, claimed (handed out) to its take recorded: local "
          f"{local_alone:.1f} ms, farm {remote_alone:.1f} ms (median of {alone})")
    print(f"  one job alone, queued to handed out: {statistics.median(waits) * 1000:.0f} ms "
          f"(median; the bridge hands out before it waits for results)")
    return added


# ---------------------------------------------------------------- (c)

def cpu_path(work: Path, sentences: int, rounds: int) -> tuple[float, float]:
    """The real voice: 1 local + 1 farm worker against 2 local, alternating
    round by round; the ratio of their median rates, and of a farm and a
    local worker's CPU time per segment."""
    print(f"(c) the real Piper voice on the CPU: {sentences} sentences, {rounds} round(s)")
    setups = (("2 local", 2, 0), ("1 local + 1 farm", 1, 1))
    runs: dict[str, list[Run]] = {label: [] for label, _, _ in setups}
    for round_no in range(1, rounds + 1):
        for label, local, remote in setups:
            with engine_setup(work / f"cpu-{round_no}-{remote}", None, local=local,
                              remote=remote, remote_threads=1, local_threads=1) as setup:
                warm_up(setup.library, 4, local=local)
                runs[label].append(measure(setup, f"{label}, round {round_no}", sentences,
                                           timeout_s=sentences * 10.0))
    two, mixed = runs["2 local"], runs["1 local + 1 farm"]
    local_rate = statistics.median(run.rate for run in two)
    farm_rate = statistics.median(run.rate for run in mixed)
    ratio = farm_rate / local_rate
    print(f"  median: 2 local {local_rate:.2f}, 1 local + 1 farm {farm_rate:.2f} segments/s; "
          f"farm over local: {ratio:.2f}x  (target >= 0.9x; about 1.0 on 2 cores)")
    local_cpu = statistics.median(run.engine_cpu / run.segments for run in two)
    farm_cpu = statistics.median(run.farm_cpu / run.farmed for run in mixed)
    print(f"  CPU per segment (median, blind to other jobs' load): a local worker of two "
          f"{local_cpu * 1000:.0f} ms, the farm's worker and Redis {farm_cpu * 1000:.0f} ms "
          f"({farm_cpu / local_cpu:.2f}x, target <= 1.1x)")
    return ratio, farm_cpu / local_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=200, help="(a) segments")
    parser.add_argument("--jobs", type=int, default=300, help="(b) no-op jobs each way")
    parser.add_argument("--sentences", type=int, default=40, help="(c) sentences of Piper")
    parser.add_argument("--rounds", type=int, default=3, help="(c) rounds")
    parser.add_argument("--parts", default="abc", help="which of (a), (b), (c) to run")
    args = parser.parse_args()
    started = time.monotonic()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "a" in args.parts:
            ratio = scaling(work / "a", args.segments)
            rows.append(("(a) 1 local + 3 farm over 1 local", ">= 3.5x", f"{ratio:.2f}x",
                         ratio >= 3.5))
        if "b" in args.parts:
            added = redis_cost(work / "b", args.jobs)
            rows.append(("(b) added by the Redis path per job", "< 10 ms", f"{added:+.2f} ms",
                         added < 10))
        if "c" in args.parts:
            ratio, cpu = cpu_path(work / "c", args.sentences, args.rounds)
            rows.append(("(c) 1 local + 1 farm over 2 local", ">= 0.9x", f"{ratio:.2f}x",
                         ratio >= 0.9))
            rows.append(("(c) CPU per segment, farm over local", "<= 1.1x", f"{cpu:.2f}x",
                         cpu <= 1.1))
    print(f"\nsummary ({time.monotonic() - started:.0f} s)")
    print(f"  {'target':<38} {'wanted':>8} {'measured':>10}")
    for name, wanted, measured, ok in rows:
        print(f"  {name:<38} {wanted:>8} {measured:>10}  {'PASS' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()

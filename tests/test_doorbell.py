"""The library's doorbell: the queue's commits wake the processes that wait
on them (real sockets, a real SQLite file, a real process killed with -9),
and a worker told it renders alone speaks on every core."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from studio.core import doorbell
from studio.core.doorbell import ENDED, JOBS, Doorbell
from studio.core.jobs import JobQueue
from studio.core.planning import save_take_audio
from studio.core.store import Library
from studio.text import prepare_script

pytestmark = pytest.mark.skipif(not doorbell.SUPPORTED, reason="doorbells are Linux's")


@pytest.fixture
def segments(library: Library) -> list[int]:
    joe = library.find_voice("joe")
    text = "One sentence here. Another one there."
    sync = library.sync_project("bells", text, joe, prepare_script(text).segments)
    return [segment.id for segment in library.segments(sync.project.id)]


def test_a_ring_wakes_every_listener_of_its_channel_only(library_dir: Path) -> None:
    with Doorbell.open(library_dir, JOBS) as first, Doorbell.open(library_dir, JOBS) as second, \
            Doorbell.open(library_dir, ENDED) as other:
        assert first and second and other
        assert not first.wait(0)  # nothing rang
        assert doorbell.ring(library_dir, JOBS) == 2
        assert first.wait(5) and second.wait(5)
        assert not other.wait(0)
        doorbell.ring(library_dir, JOBS)
        doorbell.ring(library_dir, JOBS)
        assert first.drain() and not first.drain()  # rings pile up into one wake-up
    assert doorbell.ring(library_dir, JOBS) == 0  # closed: nobody is rung


def test_a_listener_killed_with_9_is_skipped_and_forgotten(library_dir: Path) -> None:
    listener = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from studio.core.doorbell import Doorbell
            bell = Doorbell.open({str(library_dir)!r}, "jobs")
            print("listening", flush=True)
            time.sleep(60)""")],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert listener.stdout and listener.stdout.readline().strip() == "listening"
    folder = library_dir / doorbell.FOLDER / JOBS
    assert len(list(folder.iterdir())) == 1
    assert doorbell.ring(library_dir, JOBS) == 1
    listener.send_signal(signal.SIGKILL)
    listener.wait()
    assert doorbell.ring(library_dir, JOBS) == 0  # its socket went with it
    assert list(folder.iterdir()) == []  # and so does its marker


def test_ring_never_raises_on_a_library_with_no_listeners(tmp_path: Path) -> None:
    assert doorbell.ring(tmp_path / "nowhere", JOBS) == 0
    (tmp_path / doorbell.FOLDER / JOBS).mkdir(parents=True)
    (tmp_path / doorbell.FOLDER / JOBS / "123.stale").touch()
    assert doorbell.ring(tmp_path, JOBS) == 0


def test_the_queue_rings_after_it_commits(library: Library, segments: list[int]) -> None:
    queue = JobQueue(library)
    with Doorbell.open(library.root, JOBS) as jobs, Doorbell.open(library.root, ENDED) as ended:
        assert jobs and ended
        queue.enqueue(segments, "piper")
        assert jobs.drain() and not ended.drain()  # workers wake for the new jobs
        job = queue.claim("piper", 11)
        assert job is not None
        path = save_take_audio(library, np.full(100, 0.1, np.float32), 22050)
        queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=100)
        assert ended.drain()  # the server wakes for the landed take
        second = queue.claim("piper", 11)
        assert second is not None
        queue.fail(second, "RuntimeError: boom")
        assert ended.drain()
        queue.cancel(project_id=library.segment(segments[0]).project_id)
        assert ended.drain()


def test_a_job_is_alone_while_no_other_render_of_its_backend_is_ready_or_runs(
        library: Library, segments: list[int]) -> None:
    queue = JobQueue(library)
    queue.enqueue(segments, "piper")
    first = queue.claim("piper", 11)
    assert first is not None and not queue.alone(first)  # the second one waits
    second = queue.claim("piper", 12)
    assert second is not None and not queue.alone(second)  # the first one runs
    queue.fail(first, "RuntimeError: boom")  # failed: due again after a backoff only
    assert queue.alone(second)
    assert not queue.alone(second, now=time.time() + 3600)  # by then it is due


def test_held_jobs_wait_for_their_release_and_keep_their_place(library: Library) -> None:
    joe = library.find_voice("joe")
    made = []
    for name in ("early", "late"):
        text = "First of three. Second of three. Third of three."
        made.append(library.sync_project(name, text, joe, prepare_script(text).segments).project)
    queue = JobQueue(library)
    early = [s.id for s in library.segments(made[0].id)]
    held = time.time() + 3600
    with Doorbell.open(library.root, JOBS) as jobs:
        assert jobs
        queue.enqueue(early, "piper", run_after=[0.0, held, held])
        queue.enqueue([s.id for s in library.segments(made[1].id)], "piper")  # came later
        first = queue.claim("piper", 11)
        assert first is not None and first.segment_id == early[0]
        jobs.drain()
        assert queue.release(made[0].id) == 2
        assert jobs.drain()  # the workers hear of it at once
    # the released jobs come before the later project's, as queued
    assert [queue.claim("piper", 11).segment_id for _ in range(2)] == early[1:]


def test_piper_alone_speaks_on_a_second_session_with_every_core(piper_on_one_core) -> None:
    backend = piper_on_one_core
    shared = backend._voice
    backend.set_alone(True)
    wide = backend._voice
    assert wide is not shared
    assert wide.session.get_session_options().intra_op_num_threads == 0  # the runtime's: all
    assert shared.session.get_session_options().intra_op_num_threads == 1
    backend.set_alone(False)
    assert backend._voice is shared
    backend.set_alone(True)
    assert backend._voice is wide  # made once
    from studio.backends import VoiceRef

    samples = backend.synthesize("Alone on every core.", VoiceRef("joe", "preset", "en"), seed=1)
    assert samples.size > backend.sample_rate // 2


@pytest.fixture
def piper_on_one_core(monkeypatch: pytest.MonkeyPatch):
    from studio.backends.piper import PiperBackend

    monkeypatch.setattr(os, "cpu_count", lambda: 4)  # a share of one core in four
    backend = PiperBackend()
    backend.configure({})
    backend.load("cpu", threads=1)
    return backend


def test_a_loop_waits_with_a_ring_or_its_pause(library_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with doorbell.Waiting(library_dir, JOBS) as waiting:
        doorbell.ring(library_dir, JOBS)
        assert waiting.wait(5)  # rung: at once
        assert not waiting.wait(0.01)  # not rung: the pause
    monkeypatch.setattr(doorbell, "SUPPORTED", False)  # a platform with no doorbells
    with doorbell.Waiting(library_dir, JOBS) as waiting:
        assert waiting.bell is None and not waiting.wait(0.01)  # the poll's pause, as before

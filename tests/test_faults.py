"""Fault injection through the real command: kill -9 of each process during a
100-segment render, and a poisoned segment. After the next `studio render`
the project is complete, every segment exactly once, nothing corrupt.

`make test` runs the worker kill (the engine restarts it within the same
render) and the poisoned segment. The other three kills (the supervisor, the
render command, everything at once: 25-35 s each, a new engine or a second
render finishing the hundred segments) run with `make test-slow`; the
recovery steps they rely on are also tested one by one in test_engine.py
and test_queue.py."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import srt

from tests.conftest import REPO, write_script

COUNT = 100
SCRIPT = " ".join(f"This is sentence number {n}." for n in range(1, COUNT + 1))


def _env(library_dir: Path, **extra: str) -> dict[str, str]:
    return dict(os.environ, STUDIO_HOME=str(library_dir), PYTHONPATH=str(REPO), **extra)


def _db(library_dir: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(library_dir / "studio.db", timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def _scalar(library_dir: Path, sql: str) -> object:
    if not (library_dir / "studio.db").exists():
        return None
    conn = _db(library_dir)
    try:
        row = conn.execute(sql).fetchone()
    except sqlite3.OperationalError:  # schema not there yet
        return None
    finally:
        conn.close()
    return row[0] if row else None


def _wait(condition, timeout: float = 120):
    """Poll until ``condition()`` is truthy; return that value (what was seen)."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)
    return value


def _start_render(script: Path, library_dir: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "studio", "render", str(script), "--out", str(out),
         "--srt", str(out.with_suffix(".srt")), "--no-progress"],
        env=_env(library_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _takes(library_dir: Path) -> int:
    return int(_scalar(library_dir, "SELECT COUNT(*) FROM takes") or 0)


def _assert_complete(library_dir: Path, out: Path) -> None:
    conn = _db(library_dir)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        segments = conn.execute(
            "SELECT s.id, s.source, s.current_take_id, t.path FROM segments s "
            "LEFT JOIN takes t ON t.id = s.current_take_id "
            "WHERE s.position IS NOT NULL ORDER BY s.position"
        ).fetchall()
        assert len(segments) == COUNT
        assert all(row["current_take_id"] for row in segments)  # one current take each
        for (path,) in conn.execute("SELECT path FROM takes"):  # no row without its file
            assert (library_dir / path).is_file(), path
        active = conn.execute(
            "SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running', 'failed', 'dead')"
        ).fetchone()[0]
        assert active == 0
    finally:
        conn.close()
    cues = list(srt.parse(out.with_suffix(".srt").read_text()))
    assert [cue.content for cue in cues] == [row["source"] for row in segments]


def _render_again_and_check(studio, script: Path, library_dir: Path, out: Path) -> None:
    again = studio("render", script, "--out", out, "--srt", out.with_suffix(".srt"),
                   "--no-progress")
    assert again.returncode == 0, again.stderr
    _assert_complete(library_dir, out)


@pytest.fixture
def setup(tmp_path: Path, library_dir: Path):
    script = write_script(tmp_path, "hundred.txt", SCRIPT)
    return script, tmp_path / "hundred.wav"


def _engine_pid(library_dir: Path) -> int:
    text = (library_dir / "engine.lock").read_text().strip()
    return int(text)


def _busy_worker(library_dir: Path) -> int | None:
    value = _scalar(library_dir, "SELECT pid FROM workers WHERE state = 'busy' LIMIT 1")
    return int(value) if value else None


@pytest.mark.slow  # under a minute, but make test keeps to its 6-minute budget
def test_kill_a_worker_mid_job(setup, library_dir) -> None:
    script, out = setup
    render = _start_render(script, library_dir, out)
    # the pid seen busy, not a second query: by then the worker may be between jobs
    worker = _wait(lambda: _takes(library_dir) >= 10 and _busy_worker(library_dir))
    os.kill(worker, signal.SIGKILL)
    assert render.wait(timeout=300) == 0, render.stderr.read().decode()
    _assert_complete(library_dir, out)
    restarts = _scalar(library_dir, "SELECT SUM(restarts) FROM workers")
    assert restarts and int(restarts) >= 1


@pytest.mark.slow
def test_kill_the_supervisor(setup, library_dir) -> None:
    script, out = setup
    render = _start_render(script, library_dir, out)
    _wait(lambda: _takes(library_dir) >= 10)
    first = _engine_pid(library_dir)
    os.kill(first, signal.SIGKILL)
    assert render.wait(timeout=300) == 0, render.stderr.read().decode()
    assert _engine_pid(library_dir) != first  # the render started a new engine
    _assert_complete(library_dir, out)


@pytest.mark.slow
def test_kill_the_render_command(setup, library_dir, studio) -> None:
    script, out = setup
    render = _start_render(script, library_dir, out)
    _wait(lambda: _takes(library_dir) >= 10)
    render.kill()
    render.wait()
    _render_again_and_check(studio, script, library_dir, out)


@pytest.mark.slow
def test_power_loss_kills_everything_at_once(setup, library_dir, studio) -> None:
    script, out = setup
    render = _start_render(script, library_dir, out)
    _wait(lambda: _takes(library_dir) >= 10 and _busy_worker(library_dir))
    engine = _engine_pid(library_dir)
    os.killpg(os.getpgid(engine), signal.SIGKILL)  # supervisor and its workers
    render.kill()
    render.wait()
    _render_again_and_check(studio, script, library_dir, out)


def test_poisoned_segment_goes_dead_then_retry_completes(tmp_path, library_dir, studio) -> None:
    poison = tmp_path / "poison.txt"
    poison.write_text("xylophone")
    env = {"STUDIO_BACKENDS": "piper=tests.fault_backends:PoisonedPiper",
           "STUDIO_POISON_FILE": str(poison)}
    from studio.core.store import Library

    with Library.open(library_dir) as library:
        library.set_setting("engine.backoff_base_s", 0.05)
        # the take counts below are the render queue's: take QA's retakes
        # (tested in test_qa_engine.py) would add to them
        library.set_setting("qa.enabled", False)
    script = write_script(
        tmp_path, "poisoned.txt",
        "One fine day. Two fine days. The xylophone plays. Four fine days. Five fine days.",
    )
    first = studio("render", script, "--no-progress", **env)
    assert first.returncode == 3, first.stderr
    assert "segment 3 ('The xylophone plays.') failed after 3 attempt(s): " \
           "RuntimeError: cannot read 'xylophone'" in first.stderr
    assert "1 of 5 segments are not rendered" in first.stderr
    listed = studio("jobs", "list", "--state", "dead")
    assert "cannot read 'xylophone'" in listed.stdout
    assert _scalar(library_dir, "SELECT COUNT(*) FROM takes") == 4  # the others finished

    poison.unlink()  # the cause is removed
    retried = studio("jobs", "retry", "--dead")
    assert retried.returncode == 0 and "1 job(s) queued again" in retried.stdout
    second = studio("render", script, "--no-progress", **env)
    assert second.returncode == 0, second.stderr
    # (the running engine may have rendered it before this render looked)
    assert _scalar(library_dir, "SELECT COUNT(*) FROM takes") == 5
    assert _scalar(library_dir, "SELECT current_take_id FROM segments "
                                "WHERE source = 'The xylophone plays.'")

"""Engine, GPU-plan and job commands, and their bad input: one clear line each."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import snapshot, write_script


def test_gpu_plan_on_a_machine_without_gpu(studio) -> None:
    run = studio("gpu", "plan", "--json")
    assert run.returncode == 0
    plan = json.loads(run.stdout)
    assert plan["mode"] == "cpu" and plan["placements"]
    threads = str(plan["placements"][0]["threads"])
    assert plan["placements"][0]["env"] == {
        "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": threads,
        "OPENBLAS_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    assert "plan (cpu)" in studio("gpu", "plan").stdout


def test_engine_start_status_stop_and_a_second_start(studio, library_dir) -> None:
    assert studio("engine", "status").stdout.startswith("engine: stopped")
    started = studio("engine", "start", "--workers", "1")
    assert started.returncode == 0 and "engine started" in started.stdout
    second = studio("engine", "start")
    assert second.returncode == 2 and len(second.error_lines) == 1
    assert "the engine is already running" in second.error_lines[0]
    status = json.loads(studio("engine", "status", "--json").stdout)
    assert status["running"] and status["pid"]
    stopped = studio("engine", "stop")
    assert stopped.returncode == 0 and "engine stopped" in stopped.stdout
    assert studio("engine", "stop").stdout.strip() == "the engine is not running"


def test_engine_status_shows_each_project_with_work_left(studio, library) -> None:
    """The status reads the one Progress: a project queued while the engine
    is stopped is listed with its segments and renders left; a project with
    nothing to do is not."""
    from studio.service import render

    waiting = render.plan_script(library, "One line. Two lines. Three lines.", "Waiting")
    render.queue_project(library, waiting)
    render.plan_script(library, "Nothing queued here.", "Quiet")
    status = json.loads(studio("engine", "status", "--json").stdout)
    assert status["projects"] == [{
        "name": "Waiting", "state": "rendering", "segments": 3, "rendered": 0,
        "renders_left": 3, "checks_left": 0, "failed": 0, "eta_s": None}]
    text = studio("engine", "status").stdout
    assert "project 'Waiting': rendering, 0 of 3 rendered" in text and "Quiet" not in text


@pytest.mark.slow  # `make test-slow`: the fast run keeps one of its kind
def test_jobs_list_retry_cancel_and_unknown_ids(studio, tmp_path, library_dir) -> None:
    script = write_script(tmp_path, "small.txt", "First line here. Second line here.")
    assert studio("render", script, "--no-progress").returncode == 0
    listed = json.loads(studio("jobs", "list", "--json").stdout)
    assert sorted(j["kind"] for j in listed) == ["check", "check", "render", "render"]
    jobs = [j for j in listed if j["kind"] == "render"]  # each take was checked, too
    assert [j["state"] for j in listed] == ["done"] * 4
    before = snapshot(library_dir)
    for args, message in [
        (("jobs", "retry", "999"), "no job with id 999"),
        (("jobs", "cancel", "999"), "no job with id 999"),
        (("jobs", "retry", str(jobs[0]["id"])), f"job {jobs[0]['id']} is done"),
        (("jobs", "cancel", "--project", "nope"), "no project named 'nope'"),
    ]:
        run = studio(*args)
        assert run.returncode == 2 and len(run.error_lines) == 1, run.stderr
        assert message in run.error_lines[0]
    assert snapshot(library_dir) == before
    assert "project 'small' paused" in studio("jobs", "pause", "--project", "small").stdout
    assert "resumed" in studio("jobs", "resume", "--project", "small").stdout


def test_locked_database_is_one_clear_line(studio, tmp_path, library_dir) -> None:
    assert studio("voices", "list").returncode == 0
    before = snapshot(library_dir)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(library_dir / 'studio.db')!r}, isolation_level=None)\n"
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"locked"
        run = studio("jobs", "retry", "--dead", STUDIO_DB_TIMEOUT_S="0.5")
        assert run.returncode == 2 and len(run.error_lines) == 1, run.stderr
        assert "is locked by another program" in run.error_lines[0]
    finally:
        holder.kill()
        holder.wait()
    assert snapshot(library_dir) == before


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_read_only_library_is_one_clear_line(tmp_path) -> None:
    """A real read-only file system: a tmpfs remounted read-only in a private
    mount namespace (nothing leaks to the machine)."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    library = mount / "lib"
    script = (
        f"set -e; mount -t tmpfs tmpfs {mount}; "
        f"{sys.executable} -m studio --library {library} voices list >/dev/null; "
        f"mount -o remount,ro {mount}; "
        f"{sys.executable} -m studio --library {library} voices list"
    )
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no user namespaces here")
    run = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True)
    lines = [line for line in run.stderr.splitlines() if line.startswith("studio:")]
    assert run.returncode == 2 and len(lines) == 1, run.stderr
    assert f"the library folder {library} is read-only" in lines[0]


def test_damaged_database_names_the_last_backup(studio, tmp_path, library_dir) -> None:
    assert studio("engine", "start", "--workers", "1").returncode == 0
    assert studio("engine", "stop").returncode == 0
    backups = sorted((library_dir / "backups").glob("studio-*.db"))
    assert backups
    db = library_dir / "studio.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db.read_bytes())
    page = 4096
    data[page * 2 : page * 2 + 200] = b"\xff" * 200  # scribble over a b-tree page
    db.write_bytes(bytes(data))
    run = studio("engine", "start")
    assert run.returncode == 2 and len(run.error_lines) == 1, run.stderr
    assert "is damaged" in run.error_lines[0] and str(backups[-1]) in run.error_lines[0]


def test_the_window_without_a_display_is_one_clear_line(library_dir) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    run = subprocess.run([sys.executable, "-m", "studio", "--library", str(library_dir)],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 2
    lines = [line for line in run.stderr.splitlines() if line.startswith("studio:")]
    assert len(lines) == 1 and "no display" in lines[0] and "studio render" in lines[0]

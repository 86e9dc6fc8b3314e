"""Take QA through the real engine: check workers beside the renderers, the
real recognizer on real Piper takes, retakes, and what QA never touches.

The damaged takes come from ``tests/qa_faults.py`` (the real Piper voice,
then one fault), which knows beforehand which (text, seed) gets which fault:
so every assertion about a take is against the truth, not against the
checker's own opinion.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest

from studio.backends import VoiceRef
from studio.core.jobs import JobQueue
from studio.core.planning import save_take_audio
from studio.core.review import approve, choose_take, set_locked
from studio.core.store import Library
from studio.core.take_qa import FILL_WAIT_S, claim_checks, complete_check, qa_summary
from studio.qa import CheckResult, QaSettings
from tests.conftest import write_script
from tests.qa_faults import fault_for

FAULTY = "piper=tests.qa_faults:FaultyPiper"

SENTENCES = [
    "The ferry leaves the harbour at seven every morning.",
    "A gull followed the boat all the way across the bay.",
    "My grandmother kept bees behind the old stone wall.",
    "The library opens late on Thursdays during the summer.",
    "He painted the fence green because the shop had no white paint.",
    "Rain fell on the tin roof for three days without stopping.",
    "The children built a raft from driftwood and rope.",
    "Every lamp in the street went out at midnight.",
    "She wrote the recipe on the back of an envelope.",
    "The train to the coast was crowded with walkers.",
    "A fox crossed the road just before the bridge.",
    "They found the key under a flowerpot by the door.",
    "The baker sells out of bread by ten o'clock.",
    "Snow covered the hills long before the first frost in town.",
]


def _db(library_dir: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(library_dir / "studio.db", timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def _current(library_dir: Path) -> list[sqlite3.Row]:
    """Each segment with its current take's seed and what QA found in it."""
    conn = _db(library_dir)
    try:
        return conn.execute(
            "SELECT s.position + 1 AS number, s.text, t.seed, c.verdict, c.reasons "
            "FROM segments s JOIN takes t ON t.id = s.current_take_id "
            "LEFT JOIN take_checks c ON c.take_id = t.id "
            "WHERE s.position IS NOT NULL ORDER BY s.position").fetchall()
    finally:
        conn.close()


@pytest.mark.slow  # under a minute, but make test keeps to its 6-minute budget
def test_render_checks_every_take_and_no_damaged_take_is_current_unflagged(
        tmp_path, library_dir, studio) -> None:
    """Half the first takes damaged: each damaged take is retaken or flagged,
    the render says so in one QA line, and `studio qa` agrees."""
    script = write_script(tmp_path, "faulty.txt", " ".join(SENTENCES))
    env = {"STUDIO_BACKENDS": FAULTY, "STUDIO_QA_FAULT_RATE": "0.5"}
    run = studio("render", script, "--out", tmp_path / "out.wav", "--no-progress", **env)
    assert run.returncode == 0, run.stderr
    assert "studio: QA: " in run.stderr and f"(of {len(SENTENCES)} segments)" in run.stderr

    rows = _current(library_dir)
    assert len(rows) == len(SENTENCES)
    assert all(row["verdict"] in ("pass", "review", "fail") for row in rows), rows
    damaged = [row for row in rows if fault_for(row["text"], row["seed"], 0.5)]
    for row in damaged:  # the truth: a damaged current take is always flagged
        assert row["verdict"] in ("fail", "review"), (row["number"], row["text"], row["reasons"])
    conn = _db(library_dir)
    try:
        takes = conn.execute("SELECT COUNT(*) FROM takes").fetchone()[0]
        unchecked = conn.execute("SELECT COUNT(*) FROM takes t LEFT JOIN take_checks c "
                                 "ON c.take_id = t.id WHERE c.take_id IS NULL").fetchone()[0]
        most = conn.execute("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM takes "
                            "GROUP BY segment_id)").fetchone()[0]
    finally:
        conn.close()
    assert takes > len(SENTENCES), "some first takes were damaged, so some were retaken"
    assert unchecked == 0  # every take was checked, retakes too
    assert most <= 1 + QaSettings().max_retakes

    report = studio("qa", "faulty", "--json")
    items = json.loads(report.stdout)
    flagged = [item["number"] for item in items if item["state"] == "flagged"]
    assert report.returncode == (4 if flagged else 0), report.stderr
    for number in flagged:
        assert f"segment {number} needs review: " in run.stderr
    text = studio("qa", "faulty")
    assert text.stdout.splitlines()[0].startswith("QA: ")
    assert len(text.stdout.splitlines()) == 1 + len(SENTENCES)


def _busy_checker(library_dir: Path) -> int | None:
    if not (library_dir / "studio.db").exists():
        return None
    conn = _db(library_dir)
    try:
        row = conn.execute("SELECT pid FROM workers WHERE backend = 'qa' AND state = 'busy'"
                           ).fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return int(row[0]) if row else None


@pytest.mark.slow  # 20-30 s: `make test-slow` (CI runs it); the recovery it relies on
# (leases, requeue, one check row per take) is the render queue's, tested fast
def test_kill_9_of_a_check_worker_loses_nothing_and_checks_nothing_twice(
        tmp_path, library_dir, studio) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO

    script = write_script(tmp_path, "long.txt", " ".join(SENTENCES * 3))
    env = dict(os.environ, STUDIO_HOME=str(library_dir), PYTHONPATH=str(REPO))
    render = subprocess.Popen([sys.executable, "-m", "studio", "render", str(script),
                               "--no-progress"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while (pid := _busy_checker(library_dir)) is None:
        assert time.monotonic() < deadline and render.poll() is None, "no check ran"
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    _, err = render.communicate(timeout=300)
    assert render.returncode == 0, err.decode()
    conn = _db(library_dir)
    try:
        states = dict(conn.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall())
        assert set(states) <= {"done"}, states  # nothing lost, nothing left dead
        current = conn.execute("SELECT COUNT(*) FROM segments s JOIN take_checks c "
                               "ON c.take_id = s.current_take_id "
                               "WHERE s.position IS NOT NULL").fetchone()[0]
        assert current == len(SENTENCES) * 3  # every current take has its one check
        restarts = conn.execute("SELECT SUM(restarts) FROM workers WHERE backend = 'qa'"
                                ).fetchone()[0]
        assert restarts >= 1
    finally:
        conn.close()


@pytest.mark.slow  # under a minute, but make test keeps to its 6-minute budget
def test_recheck_renders_nothing_and_finds_a_take_file_gone(tmp_path, library_dir, studio
                                                             ) -> None:
    """After a threshold change, `studio qa --recheck` checks the current
    takes again and renders nothing; a take whose file is gone is named."""
    script = write_script(tmp_path, "clean.txt", " ".join(SENTENCES[:4]))
    assert studio("render", script, "--no-progress").returncode == 0
    takes_before = _db(library_dir).execute("SELECT COUNT(*) FROM takes").fetchone()[0]
    path = _db(library_dir).execute(
        "SELECT t.path FROM segments s JOIN takes t ON t.id = s.current_take_id "
        "WHERE s.position = 1").fetchone()[0]
    (library_dir / path).unlink()
    # the voice ends each take with about 0.2 s of silence: a limit of 0.05 s flags them
    assert studio("config", "set", "qa.silence_edge_s", "0.05").returncode == 0
    again = studio("qa", "clean", "--recheck")
    assert again.returncode == 4, again.stderr
    assert "4 take(s) to check again" in again.stderr
    assert _db(library_dir).execute("SELECT COUNT(*) FROM takes").fetchone()[0] == takes_before
    lines = again.stdout.splitlines()
    assert all(line.split()[1:3] == ["needs", "review"] for line in lines[1:]), lines
    assert "audio file cannot be read" in lines[2] and "silence at the end" in lines[1]


def test_a_missing_recognizer_marks_takes_not_checked_never_passed(
        tmp_path, library_dir, studio) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    script = write_script(tmp_path, "unheard.txt", " ".join(SENTENCES[:3]))
    run = studio("render", script, "--no-progress", STUDIO_QA_MODELS=str(empty))
    assert run.returncode == 0, run.stderr  # the audio is fine: it is exported
    assert "3 not checked" in run.stderr
    line = next(line for line in run.stderr.splitlines() if "were not checked" in line)
    assert "tiny.en" in line and "--install" in line  # what is missing, and the fix
    report = studio("qa", "unheard", "--json", STUDIO_QA_MODELS=str(empty))
    assert report.returncode == 5
    assert {item["verdict"] for item in json.loads(report.stdout)} == {"unchecked"}


@pytest.mark.slow  # `make test-slow`: the fast run keeps one of its kind
def test_a_damaged_recognizer_is_named_as_damaged(tmp_path, library_dir, studio) -> None:
    from studio.qa.recognizers import model_path

    models = tmp_path / "models"
    shutil.copytree(model_path("tiny.en"), models / "tiny.en")
    weights = models / "tiny.en" / "model.bin"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    weights.write_bytes(bytes(data))
    script = write_script(tmp_path, "damaged.txt", SENTENCES[0])
    run = studio("render", script, "--no-progress", STUDIO_QA_MODELS=str(models))
    assert run.returncode == 0, run.stderr
    line = next(line for line in run.stderr.splitlines() if "were not checked" in line)
    assert "damaged" in line


# ---------------------------------------------------------------- the queue's decisions

def _rendered_segment(library: Library, text: str) -> tuple[int, int]:
    """A project of one segment with one real take; (segment id, take id)."""
    from studio.core.planning import plan_project

    with library.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO settings VALUES ('qa.enabled', 'true')")
    planned = plan_project(library, text, "decisions")
    segment = planned.todo[0]
    queue = JobQueue(library)
    queue.enqueue([segment.id], "piper", seeds=[1])
    job = queue.claim("piper", 4242)
    assert job is not None
    path = save_take_audio(library, np.full(22050, 0.1, dtype=np.float32), 22050)
    take = queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=22050)
    assert take is not None
    return segment.id, take.id


def _check(library: Library, verdict: str, score: float) -> str:
    """Claim the waiting check and complete it with this verdict (the checker's
    findings are the input here: what the queue does with them is under test)."""
    jobs = claim_checks(library, 4243, max_audio_s=28)
    assert len(jobs) == 1
    return complete_check(library, jobs[0], CheckResult(verdict=verdict, score=score,
                                                        reasons=("test",)))


def _retake(library: Library, segment_id: int, seed_audio: float) -> int:
    queue = JobQueue(library)
    job = queue.claim("piper", 4242)
    assert job is not None and job.retake >= 1
    path = save_take_audio(library, np.full(22050, seed_audio, dtype=np.float32), 22050)
    take = queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=22050)
    assert take is not None
    return take.id


def test_a_failing_chain_ends_on_its_best_take_and_is_flagged(library) -> None:
    segment_id, first = _rendered_segment(library, "One short sentence.")
    assert _check(library, "fail", 0.4) == "retake"
    second = _retake(library, segment_id, 0.2)
    assert library.segment(segment_id).current_take_id == second
    assert _check(library, "fail", 0.3) == "retake"
    third = _retake(library, segment_id, 0.3)
    assert _check(library, "fail", 0.2) == "settled"  # max_retakes (2) reached
    segment = library.segment(segment_id)
    assert segment.current_take_id == first  # the best of the three
    assert segment.state == "flagged" and segment.qa == "fail"
    assert {t.id for t in library.takes(segment_id)} == {first, second, third}  # all kept
    assert qa_summary(library, segment.project_id)["flagged"] == 1


def test_a_chain_goes_on_past_a_retake_that_asks_for_review_and_ranks_verdicts_first(
        library) -> None:
    """A chain started by a failing take ends at a pass or when the retakes
    are spent; a retake that only asks for review is retaken too. At its end
    a take that asks for review beats failing takes that score higher (a
    clean take heard wrong can score below a damaged one)."""
    segment_id, first = _rendered_segment(library, "A third short sentence.")
    assert _check(library, "fail", 0.7) == "retake"
    second = _retake(library, segment_id, 0.2)
    assert _check(library, "review", 0.6) == "retake"  # not yet a pass: one more try
    _retake(library, segment_id, 0.3)
    assert _check(library, "fail", 0.65) == "settled"
    segment = library.segment(segment_id)
    assert segment.current_take_id == second != first
    assert segment.state == "flagged" and segment.qa == "review"


def test_a_one_shot_take_gets_no_check(library) -> None:
    """A one-shot request's audio is answered as rendered: its takes get no
    check queued, so its project settles (done) as soon as it is rendered."""
    from studio.core.progress import project_progress
    from studio.service import oneshot, render

    project = oneshot.create(library, "One short request.", "joe", ttl_s=600)
    render.queue_project(library, project)
    queue = JobQueue(library)
    job = queue.claim("piper", 4242)
    assert job is not None
    path = save_take_audio(library, np.full(22050, 0.1, dtype=np.float32), 22050)
    assert queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=22050)
    assert queue.counts(project.id) == {"done": 1}  # a render, and no check after it
    assert project_progress(library, project.id).done


def test_a_first_take_that_asks_for_review_is_not_retaken(library) -> None:
    segment_id, first = _rendered_segment(library, "A fourth short sentence.")
    assert _check(library, "review", 0.8) == "settled"
    assert JobQueue(library).active_job(segment_id) is None
    assert library.segment(segment_id).current_take_id == first


@pytest.mark.parametrize("protect", ["lock", "choose", "approve"])
def test_a_locked_chosen_or_approved_take_is_never_replaced(library, protect) -> None:
    segment_id, take_id = _rendered_segment(library, "Another short sentence.")
    if protect == "lock":
        set_locked(library, segment_id, True)
    elif protect == "choose":
        choose_take(library, segment_id, take_id)
    else:
        approve(library, segment_id)
    assert _check(library, "fail", 0.1) == "stored"  # no retake
    assert JobQueue(library).active_job(segment_id) is None
    assert library.segment(segment_id).current_take_id == take_id


# ---------------------------------------------------------------- the second hearing

def test_takes_heard_again_wait_to_share_a_window(library, piper) -> None:
    """A take the small recognizer finds wanting is held, its lease renewed,
    until enough such takes fill a window of the larger recognizer or no
    more checks are coming; then it is heard again and completed. Worker in
    this process, real recognizers, real Piper takes."""
    from studio.core.planning import plan_project
    from studio.engine.check_worker import CheckWorker

    with library.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO settings VALUES ('qa.enabled', 'true')")
    script = [SENTENCES[0], SENTENCES[1], SENTENCES[3]]
    planned = plan_project(library, " ".join(script), "held")
    queue = JobQueue(library)
    queue.enqueue([s.id for s in planned.todo], "piper", seeds=[1, 1, 1])
    # the third take lost a word ("late"): wanting in its words alone
    said = [*script[:2], script[2].replace(" late", "")]
    for text in said:
        job = queue.claim("piper", 4242)
        assert job is not None
        audio = piper.synthesize(text, VoiceRef("joe", "preset", "en"), seed=1)
        path = save_take_audio(library, audio, piper.sample_rate)
        queue.complete(job, path=path, backend="piper", sample_rate=piper.sample_rate,
                       frames=len(audio))
    # a render still on its way: more checks are coming
    queue.enqueue([planned.todo[0].id], "piper", seeds=[9])

    worker = CheckWorker(library.root, slot=0, threads=2)
    worker.load()
    later = time.time() + FILL_WAIT_S + 1  # past the wait for a fuller first window
    try:
        assert worker.step(now=later)
        conn = _db(library.root)

        def checks() -> list[sqlite3.Row]:
            return conn.execute("SELECT j.id, j.state, c.verdict, c.metrics FROM jobs j "
                                "LEFT JOIN take_checks c ON c.take_id = j.take_id "
                                "WHERE j.kind = 'check' ORDER BY j.id").fetchall()

        first = checks()
        held = tuple(r["id"] for r in first if r["verdict"] is None)
        assert first[2]["id"] in held  # heard again before it is judged
        assert all(r["state"] == "running" for r in first if r["id"] in held)
        assert worker.heartbeat is not None and worker.heartbeat.jobs == held
        assert not worker.step(now=later + 1)  # a render is still coming: still held
        assert worker.heartbeat.jobs == held

        render = conn.execute("SELECT id FROM jobs WHERE kind = 'render' AND state = 'queued'"
                              ).fetchone()["id"]
        queue.cancel(render)  # nothing more is coming
        assert worker.step(now=later + 2)
        after = checks()
        assert all(r["state"] == "done" and r["verdict"] for r in after)
        assert after[2]["verdict"] == "review"  # both recognizers miss "late"
        for row in after:
            if row["id"] in held:  # heard by the larger recognizer too
                metrics = json.loads(row["metrics"])
                assert "second_hearing" in metrics or "first_hearing" in metrics
        assert worker.heartbeat.jobs == ()
        assert not worker.step(now=later + 3)  # nothing left
        conn.close()
    finally:
        worker.close()

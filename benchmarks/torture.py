"""Torture: random kill -9 at random moments, then count what was lost.

Each round edits a few sentences of a project (so there is work), starts
``studio render`` in the background, waits a random moment, and kills one of:
a busy worker, the supervisor, the render command, or all of them at once
("power loss"). Then it runs ``studio render`` to completion and checks the
library:

* lost: a segment without a current take, or a render that did not finish;
* duplicated: a segment whose current take belongs to another segment, a
  subtitle cue missing or repeated, or a position used twice;
* corrupt: integrity check not ok, a take row without its file, a take file
  that does not decode, an export whose cues do not match the segments.

    python benchmarks/torture.py [--rounds 30] [--segments 40] [--seed 1]

Prints a line per round and the totals; all must be zero.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf
import srt

WORDS = ["river", "mountain", "lantern", "harbor", "meadow", "candle", "window", "garden"]


def script_text(rng: random.Random, count: int, version: int) -> str:
    lines = []
    for n in range(1, count + 1):
        word = WORDS[(n * 7 + (version if rng.random() < 0.5 else 0)) % len(WORDS)]
        lines.append(f"Line {n} speaks of the {word}.")
    return " ".join(lines)


def scalar(db: Path, sql: str) -> object:
    try:
        conn = sqlite3.connect(db, timeout=30)
        try:
            row = conn.execute(sql).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def kill_target(library: Path, render: subprocess.Popen[bytes], target: str) -> str:
    db = library / "studio.db"
    lock = library / "engine.lock"
    engine = int(lock.read_text().strip() or 0) if lock.exists() else 0
    if target == "worker":
        pid = scalar(db, "SELECT pid FROM workers WHERE state = 'busy' LIMIT 1")
        if pid:
            os.kill(int(pid), signal.SIGKILL)
            return f"worker {pid}"
        target = "render"
    if target == "supervisor" and engine:
        os.kill(engine, signal.SIGKILL)
        return f"supervisor {engine}"
    if target == "all" and engine:
        os.killpg(os.getpgid(engine), signal.SIGKILL)
        render.kill()
        return "everything"
    render.kill()
    return "render command"


def check(library: Path, out: Path) -> tuple[int, int, int]:
    db = library / "studio.db"
    conn = sqlite3.connect(db, timeout=30)
    lost = duplicated = corrupt = 0
    try:
        corrupt += conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
        rows = conn.execute(
            "SELECT s.id, s.position, s.source, s.current_take_id, t.segment_id, t.path "
            "FROM segments s LEFT JOIN takes t ON t.id = s.current_take_id "
            "WHERE s.position IS NOT NULL ORDER BY s.position"
        ).fetchall()
        lost += sum(1 for row in rows if row[3] is None)
        duplicated += sum(1 for row in rows if row[4] is not None and row[4] != row[0])
        duplicated += len(rows) - len({row[1] for row in rows})
        for (path,) in conn.execute("SELECT path FROM takes"):
            file = library / path
            if not file.is_file():
                corrupt += 1
                continue
            try:
                sf.info(str(file))
            except Exception:
                corrupt += 1
    finally:
        conn.close()
    cues = list(srt.parse(out.with_suffix(".srt").read_text()))
    if [cue.content for cue in cues] != [row[2] for row in rows]:
        duplicated += abs(len(cues) - len(rows)) or 1
    return lost, duplicated, corrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--segments", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    totals = [0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        library, script, out = work / "library", work / "torture.txt", work / "torture.wav"
        env = dict(os.environ, STUDIO_HOME=str(library))
        command = [sys.executable, "-m", "studio", "render", str(script), "--out", str(out),
                   "--srt", str(out.with_suffix(".srt")), "--no-progress"]
        for round_no in range(1, args.rounds + 1):
            script.write_text(script_text(rng, args.segments, round_no))
            render = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 2.5))
            target = rng.choice(["worker", "supervisor", "render", "all"])
            victim = kill_target(library, render, target) if render.poll() is None \
                else "nothing (finished first)"
            render.wait()
            final = subprocess.run(command, env=env, capture_output=True, text=True)
            if final.returncode != 0:
                print(f"round {round_no}: render failed: {final.stderr.strip()[-300:]}")
                totals[0] += 1
                continue
            counts = check(library, out)
            totals = [a + b for a, b in zip(totals, counts)]
            print(f"round {round_no:>2}: killed {victim:<26} lost {counts[0]} "
                  f"duplicated {counts[1]} corrupt {counts[2]}", flush=True)
        subprocess.run([sys.executable, "-m", "studio", "engine", "stop"], env=env,
                       capture_output=True)
    print(f"total over {args.rounds} rounds: lost {totals[0]}, duplicated {totals[1]}, "
          f"corrupt {totals[2]}")
    return 0 if totals == [0, 0, 0] else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""What take QA costs: `studio render` of one script with QA on and off.

Both run as fresh `studio render` processes into new libraries, alternating
round by round in one run so that machine noise hits both alike. QA on means
every take is heard by the recognizer and checked (and a failing one is
retaken, which is part of the cost). Prints each round, the median ratio,
and from the QA library: the per-take check cost and the recognizer's
real-time factor (both measured by the check workers and stored with each
check).

Target (issue 11): QA on at most 2.0x the wall time of QA off with the
embedded voice on this 2-core machine.

    python benchmarks/qa_cost.py [--chars 15000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEXT = REPO / "tests" / "data" / "qa_long_text.txt"


def make_script(chars: int) -> str:
    """The first ``chars`` characters of the long test text (whole paragraphs),
    repeated if it is shorter."""
    paragraphs = [p for p in TEXT.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    text, index = "", 0
    while len(text) < chars:
        text += paragraphs[index % len(paragraphs)].strip() + "\n\n"
        index += 1
    return text


def render(script: Path, library: Path, qa: bool) -> float:
    env = dict(os.environ, STUDIO_HOME=str(library), PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, "-m", "studio", "config", "set", "qa.enabled",
                    "true" if qa else "false"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "studio", "render", str(script), "--out",
                          str(library / "out.wav"), "--no-progress"], env=env,
                         capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"render failed ({run.returncode}):\n{run.stderr}")
    if qa:
        print("   " + "\n   ".join(line for line in run.stderr.splitlines() if "QA" in line))
    return elapsed


def qa_figures(library: Path) -> dict[str, float]:
    conn = sqlite3.connect(library / "studio.db")
    try:
        rows = conn.execute("SELECT metrics FROM take_checks").fetchall()
        takes = conn.execute("SELECT COUNT(*), SUM(frames * 1.0 / sample_rate) FROM takes"
                             ).fetchone()
        segments = conn.execute(
            "SELECT COUNT(*) FROM segments WHERE position IS NOT NULL").fetchone()[0]
    finally:
        conn.close()
    metrics = [json.loads(row[0]) for row in rows]
    check = [m["check_s"] for m in metrics if "check_s" in m]
    rtf = [m["asr_s"] / m["duration_s"] for m in metrics
           if "asr_s" in m and m.get("duration_s")]
    again = sum("first_hearing" in m or "second_hearing" in m for m in metrics)
    return {"checks": len(metrics), "takes": takes[0], "segments": segments,
            "heard_again": again,
            "audio_s": takes[1] or 0.0,
            "check_s_per_take": statistics.mean(check) if check else float("nan"),
            "asr_rtf": statistics.median(rtf) if rtf else float("nan")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=15000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    ratios: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "long.txt"
        script.write_text(make_script(args.chars), encoding="utf-8")
        print(f"script: {len(script.read_text())} characters, {os.cpu_count()} cores")
        for round_ in range(1, args.rounds + 1):
            times: dict[bool, float] = {}
            for qa in ((False, True) if round_ % 2 else (True, False)):
                library = Path(tmp) / f"lib-{round_}-{'on' if qa else 'off'}"
                times[qa] = render(script, library, qa)
            ratio = times[True] / times[False]
            ratios.append(ratio)
            figures = qa_figures(Path(tmp) / f"lib-{round_}-on")
            print(f"round {round_}: QA off {times[False]:.1f} s, QA on {times[True]:.1f} s, "
                  f"ratio {ratio:.2f}; {figures['segments']} segments, {figures['takes']} "
                  f"takes ({figures['takes'] - figures['segments']} retakes), "
                  f"{figures['audio_s'] / 60:.1f} min of takes; check "
                  f"{figures['check_s_per_take'] * 1000:.0f} ms per take, recognizer "
                  f"real-time factor {figures['asr_rtf']:.3f}; "
                  f"{figures['heard_again']} takes heard a second time")
    print(f"median ratio QA on / off: {statistics.median(ratios):.2f} (target <= 2.0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Take QA's acceptance, measured on a long English text (over 10,000
characters) rendered by the real engine with a quarter of takes damaged
(``tests/qa_faults.py``: the real Piper voice, then one known fault):

* no damaged take is current without being flagged;
* at most 3 % of segments end with a damaged take. QA's part of that is
  asserted: no segment ends with a damaged take while a clean take of it
  passed (the settle rule), and clean takes are seldom failed (below). The
  rest is chance, each retake being damaged a quarter of the time: with two
  retakes, 0.25^3 = 1.6 % of segments get three damaged takes, so over 93
  segments "at most 3 %" (2 segments) is exceeded by chance about one run
  in five. The rate is printed and quoted in the notes, with the segments
  that ended on a damaged take beside a clean one the checker failed or
  sent to review;
* at most 5 % of clean takes are retaken (a later take of the segment
  exists).

It prints detection per fault class and the false alarms on clean takes
(`pytest -m slow -s` shows them; the closing notes quote them).
"""

from __future__ import annotations

import collections
import sqlite3

import pytest

from tests.conftest import REPO
from tests.qa_faults import FAULTS, fault_for

TEXT = REPO / "tests" / "data" / "qa_long_text.txt"


@pytest.mark.slow
def test_faults_are_found_and_clean_takes_are_left_alone(tmp_path, library_dir, studio
                                                         ) -> None:
    assert len(TEXT.read_text(encoding="utf-8")) >= 10_000
    run = studio("render", TEXT, "--project", "long", "--out", tmp_path / "long.wav",
                 "--no-progress", STUDIO_BACKENDS="piper=tests.qa_faults:FaultyPiper",
                 STUDIO_QA_FAULT_RATE="0.25", timeout=1800)
    assert run.returncode == 0, run.stderr
    conn = sqlite3.connect(library_dir / "studio.db")
    conn.row_factory = sqlite3.Row
    takes = conn.execute(
        "SELECT t.id, t.segment_id, t.text, t.seed, c.verdict, c.reasons, "
        "s.current_take_id = t.id AS current FROM takes t "
        "JOIN segments s ON s.id = t.segment_id LEFT JOIN take_checks c ON c.take_id = t.id "
        "WHERE s.position IS NOT NULL").fetchall()
    segments = conn.execute("SELECT COUNT(*) FROM segments WHERE position IS NOT NULL"
                            ).fetchone()[0]
    conn.close()

    found: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    clean = clean_failed = clean_review = clean_retaken = 0
    current_damaged = unflagged = avoidable = misjudged = 0
    clean_verdicts = collections.defaultdict(set)
    for take in takes:
        if fault_for(take["text"], take["seed"], 0.25) is None:
            clean_verdicts[take["segment_id"]].add(take["verdict"])
    newest = {take["segment_id"]: take["id"] for take in sorted(takes, key=lambda t: t["id"])}
    for take in takes:
        fault = fault_for(take["text"], take["seed"], 0.25)
        flagged = take["verdict"] in ("fail", "review")
        if fault is None:
            clean += 1
            clean_failed += take["verdict"] == "fail"
            clean_review += take["verdict"] == "review"
            clean_retaken += take["id"] != newest[take["segment_id"]]
        else:
            found[fault][0] += flagged
            found[fault][1] += 1
        if take["current"] and fault is not None:
            current_damaged += 1
            unflagged += not flagged
            avoidable += "pass" in clean_verdicts[take["segment_id"]]
            misjudged += bool(clean_verdicts[take["segment_id"]] - {"pass"})
    print(f"\n{segments} segments, {len(takes)} takes ({len(takes) - segments} retakes)")
    for fault in FAULTS:
        hit, total = found[fault]
        print(f"  {fault:<10} flagged {hit} of {total}")
    print(f"  clean takes: {clean}; failed {clean_failed} ({clean_failed / clean:.1%}), "
          f"review {clean_review} ({clean_review / clean:.1%}), "
          f"retaken {clean_retaken} ({clean_retaken / clean:.1%})")
    print(f"  segments ending with a damaged take: {current_damaged} "
          f"({current_damaged / segments:.1%}), of which unflagged: {unflagged}, "
          f"beside a clean take that passed: {avoidable}, "
          f"beside a clean take failed or sent to review: {misjudged}")
    assert unflagged == 0
    assert avoidable == 0
    assert clean_retaken <= 0.05 * clean

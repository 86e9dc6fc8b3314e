"""`studio render` end to end with the real Piper voice: the finished file,
its subtitles, re-rendering only what changed, and long scripts."""

from __future__ import annotations

import re
import sqlite3
from itertools import pairwise

import numpy as np
import pytest
import soundfile as sf
import srt

from studio import audio
from tests.conftest import write_script

SCRIPT = """Welcome to the studio. This is the first paragraph, with a comma.

On March 3, 2025, Dr. Rivera ran 5 km in 23 minutes. Was it fast? Yes, it was!

The last paragraph ends here."""


def _cues(path):
    return list(srt.parse(path.read_text(encoding="utf-8")))


def _takes(library_dir):
    conn = sqlite3.connect(library_dir / "studio.db")
    rows = conn.execute("SELECT id, segment_id FROM takes ORDER BY id").fetchall()
    conn.close()
    return rows


def test_render_produces_an_acceptable_voiceover(studio, tmp_path, library_dir) -> None:
    script = write_script(tmp_path, "demo.txt", SCRIPT)
    out, subs = tmp_path / "demo.wav", tmp_path / "demo.srt"
    run = studio("render", script, "--out", out, "--srt", subs)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [str(out), str(subs)]

    samples, rate = sf.read(out, dtype="float32")
    assert rate == 22050 and samples.ndim == 1
    assert abs(audio.loudness_lufs(samples, rate) - (-16.0)) < 1.0
    assert np.max(np.abs(samples)) < 10 ** (-1.0 / 20)  # no clipping

    cues = _cues(subs)
    conn = sqlite3.connect(library_dir / "studio.db")
    (segments,) = conn.execute("SELECT COUNT(*) FROM segments").fetchone()
    assert len(cues) == segments == 6
    assert cues[0].content == "Welcome to the studio."
    level = audio.frame_levels_db(samples, rate)  # frames of int(rate / 100) samples

    def frame(seconds: float) -> int:
        return int(seconds * rate) // int(rate * 0.01)

    for cue in cues:
        start, end = cue.start.total_seconds(), cue.end.total_seconds()
        inside = level[frame(start) : frame(end)]
        assert np.percentile(inside, 75) > -40, cue.content  # speech inside the cue
        # joins are click-free: the faded edge of every segment is near zero
        for edge in (int(start * rate), int(end * rate) - 1):
            assert abs(samples[edge]) < 2e-3
    for before, after in pairwise(cues):  # the pauses between cues are silence
        gap = level[frame(before.end.total_seconds()) + 1 : frame(after.start.total_seconds())]
        assert gap.size and gap.max() < -60
    assert cues[-1].end.total_seconds() < len(samples) / rate


@pytest.mark.slow  # `make test-slow`: the fast run keeps one of its kind
def test_rerender_after_an_edit_renders_only_the_changed_segment(
    studio, tmp_path, library_dir
) -> None:
    script = write_script(tmp_path, "story.txt", SCRIPT)
    # the take counts are the render queue's: take QA's retakes (of a take the
    # recognizer misheard, say) would add to them; QA has its own tests
    assert studio("config", "set", "qa.enabled", "false").returncode == 0
    assert studio("render", script, "--no-progress").returncode == 0
    first = _takes(library_dir)
    assert len(first) == 6

    again = studio("render", script, "--no-progress")
    assert again.returncode == 0 and "0 to render" in again.stderr
    assert _takes(library_dir) == first

    script.write_text(SCRIPT.replace("The last paragraph ends here.", "The end, rewritten."))
    edited = studio("render", script, "--no-progress")
    assert edited.returncode == 0 and "1 to render" in edited.stderr, edited.stderr
    after = _takes(library_dir)
    assert after[:6] == first and len(after) == 7
    exported = library_dir / "exports" / "story.wav"
    assert edited.stdout.strip() == str(exported) and exported.exists()
    listing = studio("projects", "list")
    assert re.search(r"story\s+6/6\s+segments", listing.stdout), listing.stdout


@pytest.mark.slow  # `make test-slow`: keeps `make test` under six minutes
def test_script_from_stdin_and_flac_output(studio, tmp_path) -> None:
    out = tmp_path / "from-stdin.flac"
    run = studio("render", "-", "--out", out, "--project", "piped", "--lufs", "-20",
                 stdin=b"Read from standard input. Then saved as FLAC.")
    assert run.returncode == 0, run.stderr
    samples, rate = sf.read(out, dtype="float32")
    assert sf.info(out).format == "FLAC"
    assert abs(audio.loudness_lufs(samples, rate) - (-20.0)) < 1.0


@pytest.mark.slow
def test_fifteen_thousand_characters_in_one_command(studio, tmp_path) -> None:
    paragraph = (
        "Chapter {n}. The river ran past the old mill for {n} miles, and on the {n}th day "
        "of the journey the travellers, tired but cheerful, counted $1,{n:03d} in their "
        "purse. Dr. Hale said it would last until spring; nobody believed him. "
        "\"We'll see,\" he answered, and walked on toward the hills at 6:30 p.m.\n\n"
    )
    text = ""
    n = 1
    while len(text) < 15_000:
        text += paragraph.format(n=n)
        n += 1
    script = write_script(tmp_path, "long.txt", text)
    out, subs = tmp_path / "long.wav", tmp_path / "long.srt"
    run = studio("render", script, "--out", out, "--srt", subs, "--no-progress")
    assert run.returncode == 0, run.stderr
    samples, rate = sf.read(out, dtype="float32")
    cues = _cues(subs)
    match = re.search(r"(\d+) segments", run.stderr)
    assert match and len(cues) >= int(match.group(1))  # a long segment has several cues
    assert all(a.end <= b.start for a, b in pairwise(cues))
    for cue in cues:  # subtitling conventions (tests/test_subtitles.py has them all)
        lines = cue.content.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines), cue
        assert (cue.end - cue.start).total_seconds() <= 7.0, cue
    duration = len(samples) / rate
    assert 0 < duration - cues[-1].end.total_seconds() < 1.0  # the tail, then the end
    assert abs(audio.loudness_lufs(samples, rate) - (-16.0)) < 1.0

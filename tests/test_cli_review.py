"""The review verbs of the desktop app, headless: the real ``studio`` command in
subprocesses, the real engine and the bundled voice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import srt

from tests.conftest import snapshot, write_script

SCRIPT = "The first line is here. The second line follows. The last one ends it."


def _json(run) -> object:
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.slow  # `make test-slow`: keeps `make test` under six minutes
def test_edit_then_export_refuses_until_the_project_is_rendered(studio, tmp_path: Path,
                                                                library_dir: Path) -> None:
    script = write_script(tmp_path, "story.txt", SCRIPT)
    assert studio("render", script, "--no-progress").returncode == 0
    before = _json(studio("takes", "story", "2", "--json"))
    edited = studio("edit", "story", "2", "--text", "Something new.")
    assert edited.returncode == 0 and "needs rendering" in edited.stdout

    out, subs = tmp_path / "story.wav", tmp_path / "story.srt"
    unchanged = snapshot(library_dir)
    refused = studio("export", "story", "--out", out, "--srt", subs)
    assert refused.returncode == 2 and refused.stdout == ""
    assert len(refused.error_lines) == 1
    assert "without a current take: 2 (its take is for other text" in refused.stderr
    assert "studio render --project story" in refused.stderr
    assert not out.exists() and not subs.exists()
    assert snapshot(library_dir) == unchanged

    rendered = studio("render", "--project", "story", "--no-progress")
    assert rendered.returncode == 0, rendered.stderr
    assert "1 to render" in rendered.stderr
    exported = studio("export", "story", "--out", out, "--srt", subs)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.split() == [str(out), str(subs)]
    cues = list(srt.parse(subs.read_text()))
    assert [c.content for c in cues] == ["The first line is here.", "Something new.",
                                         "The last one ends it."]
    after = _json(studio("takes", "story", "2", "--json"))
    (current,) = [t for t in after if t["current"]]
    assert current["id"] not in [t["id"] for t in before]  # the new take is the one exported
    segment = _json(studio("segments", "story", "--json"))[1]
    assert current["text"] == segment["text"] and segment["state"] == "rendered"
    # its span in the export is the new take's length (less trimmed silence)
    span = (cues[1].end - cues[1].start).total_seconds()
    assert 0.5 * current["duration_s"] < span <= current["duration_s"] + 0.05


@pytest.mark.slow  # `make test-slow`: keeps `make test` under six minutes
def test_segments_lock_approve_takes_and_choose(studio, tmp_path: Path) -> None:
    script = write_script(tmp_path, "s.txt", "Call me at 5 pm. The second line follows.")
    assert studio("render", script, "--no-progress").returncode == 0
    rows = _json(studio("segments", "s", "--json"))
    assert [r["index"] for r in rows] == [1, 2]
    assert set(rows[0]) >= {"index", "source", "text", "voice", "state", "locked", "takes",
                            "current_take", "duration_s", "language"}
    assert rows[0]["source"] == "Call me at 5 pm." and "five" in rows[0]["text"]
    assert rows[0]["state"] == "rendered" and rows[0]["voice"] == "joe"

    assert studio("approve", "s", "1-2").returncode == 0
    assert [r["state"] for r in _json(studio("segments", "s", "--json"))] == ["approved"] * 2
    assert studio("lock", "s", "1").returncode == 0
    locked = studio("edit", "s", "1", "--text", "Something else.")
    assert locked.returncode == 2 and "segment 1 is locked" in locked.stderr
    assert "studio unlock PROJECT 1" in locked.stderr

    regenerated = studio("regenerate", "s", "2", "--wait")
    assert regenerated.returncode == 0, regenerated.stderr
    assert "segment 2: a new take is queued" in regenerated.stdout
    takes = _json(studio("takes", "s", "2", "--json"))
    assert len(takes) == 2 and takes[1]["current"] and not takes[1]["approved"]
    assert studio("take", "s", "2", str(takes[0]["id"])).returncode == 0
    takes = _json(studio("takes", "s", "2", "--json"))
    assert takes[0]["current"] and takes[0]["approved"]  # approval was of that take
    wrong = studio("take", "s", "2", "999999")
    assert wrong.returncode == 2 and "not a take of segment 2" in wrong.stderr
    bad = studio("approve", "s", "7")
    assert bad.returncode == 2
    assert "has no segment 7: its segments are numbered 1 to 2" in bad.stderr
    nonsense = studio("lock", "s", "two")
    assert nonsense.returncode == 2 and "'two' is not a segment number" in nonsense.stderr

    flac = tmp_path / "s.flac"
    assert studio("export", "s", "--format", "flac", "--out", flac).returncode == 0
    mismatch = studio("export", "s", "--format", "flac", "--out", tmp_path / "s.wav")
    assert mismatch.returncode == 2 and "does not end in .flac" in mismatch.stderr

    assert studio("projects", "remove", "s").returncode == 0
    assert _json(studio("projects", "list", "--json")) == []
    gone = studio("segments", "s")
    assert gone.returncode == 2 and "no project named 's'" in gone.stderr


def test_global_options_before_or_after_any_command(studio, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    for args in (("--library", elsewhere, "projects", "list", "--json"),
                 ("projects", "list", "--json", "--library", elsewhere),
                 ("projects", "--library", elsewhere, "-v", "list", "--json"),
                 ("config", "list", "--library", elsewhere, "-v")):
        run = studio(*args)
        assert run.returncode == 0, (args, run.stderr)
    assert (elsewhere / "studio.db").exists()
    assert studio("models", "list", "--json", "-v").returncode == 0
    assert studio("gpu", "plan", "--json", "-v").returncode == 0
    nothing = studio("render")
    assert nothing.returncode == 2 and "name a script file, or a project with --project" in \
        nothing.stderr

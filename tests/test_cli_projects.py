"""``studio projects`` verbs with the real command (no engine: nothing renders)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import write_script

SCRIPT = "The first line is here. The second line follows. The last one ends it."


def _json(run) -> object:
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.slow  # `make test-slow`: keeps `make test` under six minutes
def test_new_rename_duplicate_remove_restore(studio, tmp_path: Path) -> None:
    script = write_script(tmp_path, "s.txt", SCRIPT)
    created = studio("projects", "new", "story", "--script", script)
    assert created.returncode == 0, created.stderr
    assert "3 segments to render" in created.stdout
    empty = studio("projects", "new", "empty")
    assert empty.returncode == 0 and "no script yet" in empty.stdout
    taken = studio("projects", "new", "Story")
    assert taken.returncode == 2 and "already a project named 'story'" in taken.stderr

    assert studio("projects", "rename", "empty", "draft").returncode == 0
    assert studio("projects", "duplicate", "story", "story 2").returncode == 0
    listed = _json(studio("projects", "list", "--json"))
    assert [(p["name"], p["segments"]) for p in listed] == [
        ("draft", 0), ("story", 3), ("story 2", 3)]
    assert set(listed[0]) >= {"name", "voice", "segments", "rendered", "duration_s",
                              "backend", "problem"}  # the documented keys

    removed = studio("projects", "remove", "story")
    assert removed.returncode == 0 and "trash" in removed.stdout
    assert [p["name"] for p in _json(studio("projects", "list", "--json"))] == [
        "draft", "story 2"]
    trash = _json(studio("projects", "trash", "--json"))
    assert [(p["name"], p["segments"]) for p in trash] == [("story", 3)]
    assert "story" in studio("projects", "trash").stdout
    reused = studio("projects", "new", "story")
    assert reused.returncode == 2 and "in the trash" in reused.stderr
    gone = studio("segments", "story", "--json")
    assert gone.returncode == 2  # a trashed project is not there for other verbs

    assert studio("projects", "restore", "story").returncode == 0
    assert [s["text"] for s in _json(studio("segments", "story", "--json"))] == [
        "The first line is here.", "The second line follows.", "The last one ends it."]

    assert studio("projects", "remove", "draft").returncode == 0
    purged = studio("projects", "remove", "--purge", "draft")  # from the trash, for good
    assert purged.returncode == 0 and "for good" in purged.stdout
    assert _json(studio("projects", "trash", "--json")) == []
    missing = studio("projects", "restore", "draft")
    assert missing.returncode == 2 and "no project named 'draft' in the trash" in missing.stderr

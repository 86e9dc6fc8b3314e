"""One front door: the same flows through the command line, the HTTP API and
the window (offscreen) on three copies of one library end in the same
library, and refuse the same things in the same way.

Each front end renders a script, edits a segment, is refused an export of
the edited project (not rendered), pauses the project and is refused a
regenerate (paused), resumes it, changes the project's lexicon, renders what
is not done, approves a segment and exports. Then the three libraries are
compared: segments (text, speech, state, lock), takes per segment and the
current take's text, jobs (kind, state, priority) and the lexicon. The real
``studio`` command, a real ``studio serve`` on loopback and real widgets,
each over its own library, with the real voice and engine (take QA off:
its retakes are random, and the comparison is of the flows).
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from studio.core.store import Library
from studio.engine.client import stop_engine
from tests.conftest import run_studio
from tests.test_server import prepare_library, project_events, start_server

pytestmark = pytest.mark.slow

SCRIPT = "The first line is here. The second line follows. The last one ends it."
EDITED = "The second line was changed."


def state_of(root: Path) -> dict[str, Any]:
    """What the comparison reads: the library as data, ids left out."""
    conn = sqlite3.connect(root / "studio.db")
    conn.row_factory = sqlite3.Row
    with Library.open(root) as library:
        project = library.find_project("Doc")
        assert project is not None
        segments = [(s.position, s.source, s.text, s.speech, s.state, bool(s.locked))
                    for s in library.segments(project.id)]
        takes = [(s.position, len(library.takes(s.id)),
                  library.take(s.current_take_id).text if s.current_take_id else None)
                 for s in library.segments(project.id)]
        lexicon = sorted((e.term, e.alias) for e in library.lexicon_entries(project.id))
        paused = bool(project.paused)
    jobs = sorted(tuple(row) for row in conn.execute(
        "SELECT s.position, j.kind, j.state, j.priority FROM jobs j "
        "JOIN segments s ON s.id = j.segment_id"))
    conn.close()
    return {"segments": segments, "takes": takes, "jobs": jobs, "lexicon": lexicon,
            "paused": paused}


def settled(root: Path) -> bool:
    """No job of the library is left to run."""
    conn = sqlite3.connect(root / "studio.db")
    try:
        return conn.execute("SELECT COUNT(*) FROM jobs WHERE state IN "
                            "('queued', 'running', 'failed')").fetchone()[0] == 0
    finally:
        conn.close()


def by_cli(root: Path, tmp: Path) -> list[str]:
    """The flows through ``studio``; the refusals it printed."""
    def ok(*args: str | Path) -> None:
        done = run_studio(root, tmp, *args)
        assert done.returncode == 0, (args, done.stderr)

    def refused(*args: str | Path) -> str:
        done = run_studio(root, tmp, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        return done.error_lines[-1].removeprefix("studio: ")

    script = tmp / "doc.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    ok("render", script, "--project", "Doc", "--out", tmp / "first.wav", "--no-progress")
    ok("edit", "Doc", "2", "--text", EDITED)
    said = [refused("export", "Doc", "--out", tmp / "stale.wav")]
    ok("jobs", "pause", "--project", "Doc")
    said.append(refused("regenerate", "Doc", "1"))
    ok("jobs", "resume", "--project", "Doc")
    ok("lexicon", "add", "line", "--alias", "lyne", "--project", "Doc")
    ok("render", "--project", "Doc", "--out", tmp / "second.wav", "--no-progress")
    ok("approve", "Doc", "1")
    ok("export", "Doc", "--out", tmp / "final.wav")
    return said


def by_api(root: Path, tmp: Path, key: str) -> list[tuple[str, str]]:
    """The flows through ``studio serve``; the refusals it answered (code, message)."""
    server = start_server(root, tmp, key)
    said: list[tuple[str, str]] = []
    try:
        with server.client() as client:
            def wait_done(pid: int) -> None:
                assert project_events(client, pid)[-1][0] == "done"

            def refused(reply: httpx.Response) -> None:
                assert reply.status_code == 409, reply.text
                error = reply.json()["error"]
                said.append((error["code"], error["message"]))

            made = client.post("/v1/projects", json={"name": "Doc", "script": SCRIPT,
                                                     "voice": "joe"})
            assert made.status_code == 201, made.text
            pid = made.json()["id"]
            wait_done(pid)
            edited = client.patch(f"/v1/projects/{pid}/segments/2", json={"text": EDITED})
            assert edited.status_code == 200, edited.text
            refused(client.get(f"/v1/projects/{pid}/audio"))
            assert client.post(f"/v1/projects/{pid}/pause").status_code == 200
            refused(client.post(f"/v1/projects/{pid}/segments/1/regenerate"))
            assert client.post(f"/v1/projects/{pid}/resume").status_code == 200
            changed = client.post("/v1/lexicon", json={
                "entries": [{"term": "line", "alias": "lyne"}], "project": pid})
            assert changed.status_code == 200, changed.text
            assert client.post(f"/v1/projects/{pid}/render").status_code == 202
            wait_done(pid)
            approved = client.post(f"/v1/projects/{pid}/segments/1/approve")
            assert approved.status_code == 200, approved.text
            audio = client.get(f"/v1/projects/{pid}/audio")
            assert audio.status_code == 200 and len(audio.content) > 10000
    finally:
        assert server.stop(signal.SIGTERM) == 0
    return said


def by_window(root: Path, tmp: Path, qtbot: Any) -> list[tuple[str, str]]:
    """The flows through the window's own widgets and actions; the refusals
    it showed (code, and the words where it shows the flow's own: it words
    a paused project its own way, translated)."""
    from studio.text.lexicon import Entry
    from studio.ui.main_window import MainWindow
    from studio.ui.views.pronunciation import save_entries
    from studio.ui.views.segment_panel import EditTextCommand

    library = Library.open(root)
    window = MainWindow(library)
    qtbot.addWidget(window)
    window.show()
    view, panel = window.projects, window.projects.panel
    shown: list[Exception] = []
    panel.on_error = lambda err, *rest: shown.append(err)  # what the user is told
    said: list[tuple[str, str]] = []

    def wait(condition: Callable[[], bool]) -> None:
        qtbot.waitUntil(lambda: settled(root) and condition(), timeout=180000)
        view.refresh()

    try:
        script = tmp / "Doc.txt"
        script.write_text(SCRIPT, encoding="utf-8")
        view.open_script(script)
        qtbot.waitUntil(lambda: len(view.segments.rows) == 3, timeout=30000)
        view.render_button.click()
        wait(lambda: all(r["takes"] == 1 for r in library.segment_rows(
            library.find_project("Doc").id)))

        second = library.segments(library.find_project("Doc").id)[1]
        window.undo.push(EditTextCommand(library, second.id, second.source, EDITED,
                                         view.refresh))
        window.export()  # Ctrl+E
        dialog = window.export_dialog
        assert not dialog.export_button.isEnabled()
        said.append(("not_rendered", dialog.not_rendered.text().removeprefix("⚠ ")))
        dialog.reject()

        window.show_view("queue")
        queue = window.views["queue"]
        queue.refresh()
        doc = next(i for i, r in enumerate(queue.projects.rows) if r["name"] == "Doc")
        queue.project_table.selectRow(doc)
        queue._project(pause=True)
        window.show_view("projects")
        view.refresh()
        view.table.selectRow(0)
        panel.regenerate()  # R
        assert len(shown) == 1, shown
        said.append((getattr(shown[0], "code", ""), ""))
        window.show_view("queue")
        queue.refresh()
        queue.project_table.selectRow(doc)
        queue._project(pause=False)
        window.show_view("projects")

        project_id = library.find_project("Doc").id
        save_entries(view, [Entry("line", alias="lyne")], project_id)
        qtbot.waitUntil(lambda: bool(library.lexicon_entries(project_id)), timeout=30000)
        wait(lambda: True)
        view.refresh()
        view.render_button.click()
        wait(lambda: all(s.done for s in library.segments(project_id)))

        view.table.selectRow(0)
        panel.toggle_approve()  # A
        assert library.segments(project_id)[0].state == "approved"

        window.export()
        dialog = window.export_dialog
        dialog.path.setText(str(tmp / "final.wav"))
        assert dialog.export_button.isEnabled()
        dialog.export()
        qtbot.waitUntil(lambda: (tmp / "final.wav").exists(), timeout=60000)
        dialog.reject()
    finally:
        window.close()
        stop_engine(root)
        library.close()
    return said


def test_the_three_front_ends_run_the_same_flows(qtbot: Any, tmp_path: Path) -> None:
    base = tmp_path / "base"
    key = prepare_library(base, tmp_path)
    roots = {name: tmp_path / name for name in ("cli", "api", "window")}
    for root in roots.values():
        shutil.copytree(base, root)
    work = {name: tmp_path / f"work-{name}" for name in roots}
    for folder in work.values():
        folder.mkdir()
    try:
        said = {"cli": by_cli(roots["cli"], work["cli"]),
                "api": by_api(roots["api"], work["api"], key),
                "window": by_window(roots["window"], work["window"], qtbot)}
    finally:
        for root in roots.values():
            stop_engine(root)
    states = {name: state_of(root) for name, root in roots.items()}
    print(json.dumps(states["cli"], indent=1, default=str))
    assert states["api"] == states["cli"]
    assert states["window"] == states["cli"]
    # every refusal is the same refusal: not rendered, then paused; the same
    # words where a front end shows the flow's own
    assert [code for code, _ in said["api"]] == ["not_rendered", "paused"]
    assert [code for code, _ in said["window"]] == ["not_rendered", "paused"]
    assert [text for _, text in said["api"]] == said["cli"]
    assert said["window"][0][1] == said["cli"][0]
    assert "without a current take" in said["cli"][0] and "is paused" in said["cli"][1]

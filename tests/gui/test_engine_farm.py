"""The Engine page's render farm: a real ``redis-server``, a real farm worker
process in a folder of its own, and the page reading the farm off the GUI
thread: the worker as its heartbeat says, then a Redis that hangs and one
that is killed, said in a line while the window keeps turning."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.store import Library
from studio.service import farm
from tests.redis_server import RedisServer
from tests.test_farm import Workers


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    running = RedisServer(tmp_path / "redis").start()
    yield running
    if running.process is not None and running.process.poll() is None:
        os.kill(running.process.pid, signal.SIGCONT)  # a stopped server hears no TERM
    running.stop()


@pytest.fixture
def workers(tmp_path: Path, server: RedisServer) -> Iterator[Workers]:
    started = Workers(tmp_path, server.url)
    yield started
    started.stop()


def _shown(page, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    """What the farm table shows in ``row``, column by column."""
    model = page.farm.workers
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


@pytest.mark.slow  # `make test-slow`; the fast run keeps one of its kind
def test_the_page_lists_the_farm_s_workers_and_says_when_redis_fails(
        qtbot, library: Library, server: RedisServer, workers: Workers) -> None:
    from studio.ui.views.engine import EngineView

    farm.connect(library, server.url)
    page = EngineView(library)
    qtbot.addWidget(page)
    page.show()
    group = page.farm
    qtbot.waitUntil(lambda: group.status is not None, timeout=10000)
    assert group.problem_label.text() == (
        "No workers yet — start them on each machine with `studio farm worker --redis URL`")
    assert group.table.isHidden()

    worker = workers.start()
    qtbot.waitUntil(lambda: bool(group.workers.rows)
                    and group.workers.rows[0]["state"] == "idle", timeout=60000)
    assert group.where_label.text() == (
        f"Farm at {server.url}: answers · jobs handed to the farm: 0 · results waiting: 0")
    assert group.problem_label.isHidden() and not group.table.isHidden()
    name, state, device, backend, job, done, seen, problem = _shown(page, 0)
    assert name == f"remote-0:{worker.pid}"  # the machine as --name calls it
    assert (state, device, backend, job, done, problem) == ("idle", "cpu", "piper", "", "0", "")
    assert seen.endswith(" s ago") and int(seen.split()[0]) < 15, seen

    # Redis hangs: the read waits on the pool while the GUI thread turns
    # (a read made on the GUI thread would be over before anyone could look)
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGSTOP)
    qtbot.waitUntil(lambda: group.reading, timeout=10000)
    assert "answers" in group.where_label.text()
    # the page is hidden before the answer comes: the answer is dropped
    page.hide()
    qtbot.waitUntil(lambda: not group.reading, timeout=10000)
    assert "answers" in group.where_label.text() and not group.timer.isActive()
    page.show()
    qtbot.waitUntil(lambda: not group.problem_label.isHidden(), timeout=10000)
    assert group.where_label.text().startswith(f"Farm at {server.url}: does not answer")
    assert group.problem_label.text().startswith(
        f"cannot reach Redis at 127.0.0.1:{server.port}: Timeout"), group.problem_label.text()
    assert group.table.isHidden()

    server.kill()  # kill -9
    qtbot.waitUntil(lambda: "Timeout" not in group.problem_label.text(), timeout=10000)
    assert group.problem_label.text().startswith(
        f"cannot reach Redis at 127.0.0.1:{server.port}: "), group.problem_label.text()
    assert "refused" in group.problem_label.text(), group.problem_label.text()
    assert group.table.isHidden()


def test_a_library_on_no_farm_says_how_to_connect_one(qtbot, library: Library) -> None:
    from studio.ui.views.engine import EngineView

    page = EngineView(library)
    qtbot.addWidget(page)
    page.show()
    group = page.farm
    qtbot.waitUntil(lambda: group.status is not None, timeout=10000)
    assert group.status is not None and group.status.url is None
    assert "Not connected to a render farm" in group.where_label.text()
    assert "studio farm connect redis://HOST:PORT/DB" in group.where_label.text()
    assert group.problem_label.isHidden() and group.table.isHidden()

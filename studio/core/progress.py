"""Where a project's render stands: one definition for every front end.

The command line's bar, the window's progress bar and counts, ``studio
engine status``, the API's project status and its server-sent events all
read a :class:`Progress`. A project is *done* when every segment has a
current take **and** nothing is left to do for it: no render waiting or
running, and no take check (a check can still fail a take and queue a
retake, so audio downloaded before the checks settle could change).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from studio.core.jobs import QA_POOL, qa_settings
from studio.core.storage.progress import ProgressStore, Work
from studio.core.storage.schema import DONE_STATES
from studio.core.store import Library

#: What a project is doing, as the API and ``studio engine status`` name it.
PROJECT_STATES = ("done", "rendering", "checking", "failed", "idle")
RECENT_RENDERS = 30  # finished renders of a backend its pace is measured over
RECENT_RETAKES = 100  # finished renders of a backend its share of retakes is measured over
RECENT_CHECKS = 40  # finished checks take QA's pace is measured over
CHECK_WAITS = 1.3  # the most take QA's pool is taken to spend waiting, per second checking


@dataclass(frozen=True)
class Progress:
    """A project's segments by state, its active jobs and the time left.

    ``counts`` holds the segments (in the script) by their state, as the
    ``segment_states`` view defines it; ``renders`` and ``checks`` the jobs
    still to finish (queued, running, or waiting to retry) of each kind;
    ``dead`` the render jobs that gave up. ``eta_s`` is the measured time
    left (:func:`time_left`: the renders, and with take QA on their checks):
    0.0 when no render is left, None while there is nothing to measure it
    by (no render of its backend finished yet, or every worker of it failed).
    """

    counts: Mapping[str, int] = field(default_factory=dict)
    renders: int = 0
    checks: int = 0
    dead: int = 0
    eta_s: float | None = None

    @property
    def total(self) -> int:
        """Segments in the script."""
        return sum(self.counts.values())

    @property
    def rendered(self) -> int:
        """Segments with a current take (approved, flagged or rendered)."""
        return sum(self.counts.get(state, 0) for state in DONE_STATES)

    @property
    def active(self) -> int:
        """Jobs still to finish, renders and checks together."""
        return self.renders + self.checks

    @property
    def settled(self) -> bool:
        """No job of the project is left: every take it will get is made and checked."""
        return self.active == 0

    @property
    def done(self) -> bool:
        """Every segment rendered, and every check of it finished."""
        return self.total > 0 and self.rendered == self.total and self.settled

    @property
    def state(self) -> str:
        """One of :data:`PROJECT_STATES`: done; rendering (takes being made);
        checking (only checks left, which may still queue retakes); failed
        (nothing left to do, and segments whose jobs gave up); idle."""
        if self.done:
            return "done"
        if self.renders:
            return "rendering"
        if self.checks:
            return "checking"
        if self.counts.get("failed", 0):
            return "failed"
        return "idle"

    def count(self, state: str) -> int:
        """Segments in ``state``."""
        return self.counts.get(state, 0)

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, Any]]) -> Progress:
        """The progress of segment rows as :meth:`Library.segment_rows` reads
        them (``status``, ``job``: the state of the segment's render job,
        ``checking``: a check of one of its takes is still to run), for a front end
        that has the rows already (the window: no second query). No time left:
        the window measures that itself as it watches."""
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return cls(counts, renders=sum(1 for row in rows if row["job"]),
                   checks=sum(1 for row in rows if row["checking"]),
                   eta_s=None)


def read_progress(library: Library, project_ids: Sequence[int],
                  now: float | None = None) -> dict[int, Progress]:
    """The progress of each project, read in one snapshot of the library,
    with its time left (:func:`time_left`)."""
    store = ProgressStore(library.conn)
    with store.snapshot():
        rows = store.rows(project_ids)
        busy = [project_id for project_id, r in rows.items() if r.renders]
        left = time_left(library, busy, now) if busy else {}
    return {project_id: Progress(dict(r.states), r.renders, r.checks, r.dead,
                                 left.get(project_id) if r.renders else 0.0)
            for project_id, r in rows.items()}


def busy_projects(library: Library) -> list[tuple[str, Progress]]:
    """Each project with work left, by name, and its progress."""
    busy = ProgressStore(library.conn).busy_projects()
    found = read_progress(library, [project_id for project_id, _ in busy])
    return [(name, found[project_id]) for project_id, name in busy]


def project_progress(library: Library, project_id: int) -> Progress:
    """The progress of one project."""
    return read_progress(library, [project_id])[project_id]


def time_left(library: Library, project_ids: Sequence[int],
              now: float | None = None) -> dict[int, float | None]:
    """Seconds until each project's renders are finished, and with take QA
    on, the checks of their takes too; None while nothing measures it.

    A render costs its backend's measured seconds per character (of the
    last :data:`RECENT_RENDERS` it finished: a long paragraph counts more
    than a short sentence) times the characters it speaks. What a project's
    renders wait for is its own work plus the work the queue hands out
    before its last job (higher priority, or as high and older), shared by
    the backend's workers: the engine's planned slots that have not failed,
    loaded or not (at creation none is loaded yet, but the plan says how
    many will be). A running render counts what is left of its measured
    time. None while a backend has no finished render to measure, or every
    worker of it failed.

    With take QA on, a share of the takes fail their check and are
    rendered and checked again (the share of retakes among the backend's
    last :data:`RECENT_RETAKES` renders), and the checks run beside the
    renders on a pool of their own: the checks end after the later of the
    renders and then one check (the last take's), and every check still to
    come (the project's, those queued before them, and those of the renders
    ahead) at the pool's measured pace (:func:`_check_pace`).
    """
    now = time.time() if now is None else now
    pace = _Paces(library, ProgressStore(library.conn))
    return {project_id: pace.left(project_id, backends, now)
            for project_id, backends in pace.store.render_work(project_ids).items()}


class _Paces:
    """What a library's recent work measures, read once for every project
    asked about: each backend's pace and share of retakes, take QA's pace,
    and the engine's workers."""

    def __init__(self, library: Library, store: ProgressStore) -> None:
        self.store = store
        self.slots = store.worker_slots()
        self.renders: dict[str, tuple[float, float] | None] = {}
        settings = qa_settings(library)
        self.checks = _check_pace(store.check_samples(RECENT_CHECKS), self.workers(QA_POOL)) \
            if settings.enabled else None

    def workers(self, backend: str) -> int:
        """The workers that will render ``backend``: its planned slots that
        have not failed (loaded, starting or waiting to start); one when the
        engine has planned none yet (it plans as it starts)."""
        return self.slots[backend][1] if backend in self.slots else 1

    def render(self, backend: str) -> tuple[float, float] | None:
        """``backend``'s seconds per character, and retakes per first render."""
        if backend not in self.renders:
            self.renders[backend] = _render_pace(
                self.store.render_samples(backend, RECENT_RETAKES))
        return self.renders[backend]

    def left(self, project_id: int, backends: Mapping[str, Work], now: float) -> float | None:
        """Seconds left of a project with render ``backends`` (see :func:`time_left`)."""
        renders = to_check = 0.0
        for backend, own in backends.items():
            measured, workers = self.render(backend), self.workers(backend)
            if measured is None or not workers:
                return None
            per_char, retakes = measured if self.checks else (measured[0], 0.0)
            ahead = self.store.render_ahead(backend, project_id, own.last)
            seconds = _seconds(own, per_char, now) + _seconds(ahead, per_char, now)
            renders = max(renders, seconds * (1 + retakes) / workers)
            to_check += (own.checked + ahead.checked) * (1 + retakes)
        own_checks, other_checks = self.store.check_work(project_id)
        if self.checks is not None and (own_checks or any(w.checked for w in backends.values())):
            per_char, one_check = self.checks
            pool = (to_check + own_checks + other_checks) * per_char \
                / self.workers(QA_POOL)
            renders = max(renders + one_check, pool)
        return max(0.1, round(renders, 1))


def _render_pace(samples: Sequence[tuple[float, float, bool]]) -> tuple[float, float] | None:
    """Seconds per character of the :data:`RECENT_RENDERS` newest of these
    finished renders (seconds, characters, a retake), and retakes per
    first render among them all; None before any."""
    recent = samples[:RECENT_RENDERS]
    chars = sum(count for _, count, _ in recent)
    if not chars:
        return None
    retakes = sum(1 for _, _, retake in samples if retake)
    return (sum(max(0.0, seconds) for seconds, _, _ in recent) / chars,
            retakes / max(1, len(samples) - retakes))


def _seconds(work: Work, pace: float, now: float) -> float:
    """Worker seconds ``work`` still needs at ``pace`` seconds per character:
    what waits, and what is left of each running render."""
    return work.waiting * pace + sum(max(0.0, chars * pace - (now - started))
                                     for chars, started in work.running)


def _check_pace(samples: Sequence[tuple[float, float, float, float]],
                workers: int) -> tuple[float, float] | None:
    """Take QA's pace from finished checks (claimed, finished, characters, a
    worker's seconds): seconds per character of one of the pool's workers,
    and how long a check takes from its claim (the median); None before any.

    The pace is the pool's: the time any of its checks was under way (the
    checks' spans from claim to end, joined) per character checked, times
    the workers. Over a long project that is its time from the first check
    to the last, waits to fill a window and for a second hearing included
    (measured: 1.2 to 1.3 times what the workers spent checking). It is at
    most :data:`CHECK_WAITS` times what the workers measured: checks that
    came one at a time (each waiting for company that never came) would
    make the pool look slower than it is.
    """
    chars = sum(count for _, _, count, _ in samples)
    if not chars:
        return None
    busy, reach = 0.0, float("-inf")
    for start, end, _, _ in sorted(samples):
        if end > reach:
            busy += end - max(start, reach)
            reach = end
    worked = sum(work for _, _, _, work in samples)
    return (min(busy * workers, CHECK_WAITS * worked) / chars,
            statistics.median(end - start for start, end, _, _ in samples))

"""The time left of a project's render (:func:`studio.core.progress.time_left`):
the arithmetic, on a real library whose jobs went through the real queue,
claimed and completed at the moments the test gives (no clock is read, no
timing is asserted)."""

from __future__ import annotations

import numpy as np
import pytest

from studio.core.jobs import PRIORITY_INTERACTIVE, QA_POOL, JobQueue
from studio.core.planning import save_take_audio
from studio.core.progress import project_progress, read_progress
from studio.core.storage.workers import WorkerStore
from studio.core.store import Library, Project
from studio.core.take_qa import claim_checks, complete_check
from studio.qa import CheckResult
from studio.text import prepare_script

PACE = 0.05  # seconds per character the history's renders took
TENTH = 0.06  # the time left is rounded to a tenth of a second
LONG = ("The travellers walked along the river toward the old stone mill, where the children "
        "played beside a cart of apples while the rain began to fall over the distant hills.")
SHORT = "Yes."


def project(library: Library, name: str, *sentences: str) -> Project:
    """A project of these sentences, a paragraph and a segment each."""
    text = "\n\n".join(sentences)
    made = library.sync_project(name, text, library.find_voice("joe"),
                                prepare_script(text).segments).project
    assert len(library.segments(made.id)) == len(sentences)
    return made


def chars(library: Library, made: Project) -> int:
    """Characters the project's segments speak."""
    return sum(len(s.speech) for s in library.segments(made.id))


def render(queue: JobQueue, made: Project, now: float, pace: float = PACE) -> float:
    """Queue the project and render it on one worker at ``pace`` seconds a
    character, from ``now``; when it ended."""
    speech = {s.id: s.speech for s in queue.library.segments(made.id)}
    queue.enqueue(list(speech), "piper", now=now)
    while (job := queue.claim("piper", worker_pid=1, now=now)) is not None:
        now += pace * len(speech[job.segment_id])
        complete(queue, job, now)
    return now


def complete(queue: JobQueue, job, now: float) -> None:  # type: ignore[no-untyped-def]
    path = save_take_audio(queue.library, np.full(2205, 0.1, np.float32), 22050)
    queue.complete(job, path=path, backend="piper", sample_rate=22050, frames=2205, now=now)


def eta(library: Library, made: Project, now: float) -> float | None:
    return read_progress(library, [made.id], now)[made.id].eta_s


@pytest.fixture
def queue(library: Library) -> JobQueue:
    """The library's queue, take QA off (its checks are their own test),
    with a first project rendered at :data:`PACE`."""
    library.set_setting("qa.enabled", False)
    made = JobQueue(library)
    render(made, project(library, "history", LONG, SHORT, LONG), now=0.0)
    return made


def test_nothing_measured_says_nothing(library: Library) -> None:
    library.set_setting("qa.enabled", False)
    made = project(library, "first", LONG)
    JobQueue(library).enqueue([s.id for s in library.segments(made.id)], "piper", now=0)
    assert project_progress(library, made.id).eta_s is None  # no render finished yet


def test_a_long_segment_counts_more_than_a_short_one(library: Library,
                                                     queue: JobQueue) -> None:
    made = project(library, "book", SHORT, LONG)
    speech = {s.id: len(s.speech) for s in library.segments(made.id)}
    queue.enqueue(list(speech), "piper", now=100)
    assert eta(library, made, 100) == pytest.approx(sum(speech.values()) * PACE, abs=TENTH)
    short = queue.claim("piper", 1, now=100)
    assert speech[short.segment_id] == len(SHORT)
    complete(queue, short, now=100 + PACE * len(SHORT))
    left = eta(library, made, 101)
    assert left == pytest.approx(len(LONG) * PACE, abs=TENTH)  # one render left: a long one
    # the two renders cost what they speak, not one mean render each
    assert left > 5 * len(SHORT) * PACE


def test_a_running_render_counts_what_is_left_of_it(library: Library, queue: JobQueue) -> None:
    made = project(library, "one", LONG)
    queue.enqueue([s.id for s in library.segments(made.id)], "piper", now=100)
    queue.claim("piper", 1, now=100)
    full = len(LONG) * PACE
    assert eta(library, made, 101) == pytest.approx(full - 1, abs=TENTH)
    assert eta(library, made, 100 + full + 5) == pytest.approx(0.1)  # overdue: not "done"


def test_work_queued_ahead_counts(library: Library, queue: JobQueue) -> None:
    first = project(library, "first", LONG, LONG, LONG)
    second = project(library, "second", SHORT, LONG)
    a, b = chars(library, first), chars(library, second)
    queue.enqueue([s.id for s in library.segments(first.id)], "piper", now=100)
    queue.enqueue([s.id for s in library.segments(second.id)], "piper", now=101)
    # the same priority: the older project's jobs go first
    assert eta(library, first, 102) == pytest.approx(a * PACE, abs=TENTH)
    assert eta(library, second, 102) == pytest.approx((a + b) * PACE, abs=TENTH)
    # the newer project made urgent goes ahead of the older one
    queue.set_priority(second.id, PRIORITY_INTERACTIVE)
    assert eta(library, first, 102) == pytest.approx((a + b) * PACE, abs=TENTH)
    assert eta(library, second, 102) == pytest.approx(b * PACE, abs=TENTH)
    # a paused project's waiting jobs are handed to no one: they hold nothing up
    queue.set_paused(second.id, True)
    assert eta(library, first, 102) == pytest.approx(a * PACE, abs=TENTH)
    # another backend's work is other workers' work
    queue.set_paused(second.id, False)
    queue.set_priority(second.id, 0)
    other = project(library, "other", LONG)
    queue.enqueue([s.id for s in library.segments(other.id)], "cosyvoice2", now=99)
    assert eta(library, second, 102) == pytest.approx((a + b) * PACE, abs=TENTH)


def test_planned_workers_count_before_they_load(library: Library, queue: JobQueue) -> None:
    made = project(library, "book", LONG, LONG, SHORT, LONG)
    queue.enqueue([s.id for s in library.segments(made.id)], "piper", now=100)
    alone = chars(library, made) * PACE
    assert eta(library, made, 100) == pytest.approx(alone, abs=TENTH)  # no plan: one worker
    workers = WorkerStore(library.conn)
    for slot in range(3):  # the engine's plan, written as it starts: none loaded yet
        workers.plan(slot, "piper", "cpu", "waiting", "CPU: one worker per core")
    workers.plan(3, QA_POOL, "cpu", "waiting", "CPU (take QA)")
    assert eta(library, made, 100) == pytest.approx(alone / 3, abs=TENTH)
    workers.started(0, pid=4242, now=100)
    workers.report(0, 4242, "loaded", None, 0)
    assert eta(library, made, 100) == pytest.approx(alone / 3, abs=TENTH)  # the same three
    workers.exited(1, "failed", "the model would not load", restarts=0)
    assert eta(library, made, 100) == pytest.approx(alone / 2, abs=TENTH)
    workers.set_states([0, 2], "failed", "the model would not load")
    assert eta(library, made, 100) is None  # nothing will render it


@pytest.mark.parametrize(("batch_s", "check_s"), [(60.0, 20.0), (2.0, 0.5)])
def test_take_qa_adds_its_checks(library: Library, batch_s: float, check_s: float) -> None:
    queue = JobQueue(library)  # take QA on, as a library has it by default
    history = project(library, "history", LONG, SHORT, LONG)
    checked = chars(library, history)
    end = render(queue, history, now=0.0)
    jobs = claim_checks(library, 7, max_audio_s=1000, fill_wait_s=0, now=end)
    assert len(jobs) == 3  # one batch, its checks queued as the renders completed
    for job in jobs:
        complete_check(library, job, CheckResult("pass", 1.0, metrics={"check_s": check_s}),
                       now=end + batch_s)
    # the pool's pace: the time it was busy per character, at most 1.3 times
    # what its workers measured they spent
    per_char = min(batch_s, 1.3 * 3 * check_s) / checked
    made = project(library, "book", LONG, LONG, LONG, LONG)
    todo = chars(library, made)
    queue.enqueue([s.id for s in library.segments(made.id)], "piper", now=100)
    renders = todo * PACE
    # the later of: the renders then the last take's check (its claim to its
    # end), and every check at the pool's pace
    expected = max(renders + batch_s, todo * per_char)
    assert expected > renders + 1
    assert eta(library, made, 100) == pytest.approx(expected, abs=TENTH)
    library.set_setting("qa.enabled", False)
    assert eta(library, made, 100) == pytest.approx(renders, abs=TENTH)

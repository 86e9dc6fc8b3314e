"""The time-left estimate: steady under bursty completions, silent when it
has nothing honest to say, and reset when work is added. Synthetic clocks."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from studio.ui.eta import Eta


def bursty_render(total: int, workers: int, seed: int, *, mean_s: float = 6.0,
                  spread: float = 0.6) -> list[float]:
    """Completion times of ``total`` takes rendered by ``workers`` workers that
    each take ``mean_s`` ± ``spread`` per segment and commit together now and
    then (takes land in bursts), after a 20 s model load."""
    rng = random.Random(seed)
    free = [20.0] * workers
    times = []
    for _ in range(total):
        worker = min(range(workers), key=free.__getitem__)
        free[worker] += mean_s * rng.uniform(1 - spread, 1 + spread)
        times.append(free[worker])
    # the store is seen every few seconds: completions land in bursts
    return sorted(round(t / 4.0 + 0.5) * 4.0 for t in times)


def shown(eta: Eta, times: list[float], total: int, step: float = 0.5,
          start: float = 0.0) -> list[tuple[float, float | None, float]]:
    """(clock, shown, true seconds left) at every ``step`` until the end."""
    out = []
    now = start
    end = times[-1]
    while now < end:
        done = sum(1 for t in times if t <= now)
        left = eta.update(now, done, total, active=True)
        out.append((now, left, end - now))
        now += step
    return out


@pytest.mark.parametrize("seed", range(5))
def test_bursty_completions_give_a_steady_estimate(seed: int) -> None:
    total = 240
    times = bursty_render(total, workers=3, seed=seed)
    trace = shown(Eta(), times, total)
    values = [(t, left, true) for t, left, true in trace if left is not None]
    assert values, "never said anything"
    first = values[0][0]
    assert first < times[0] + 30  # speaks up soon after the first takes land
    settled = [(t, left, true) for t, left, true in values if t > first + 60]
    for (_, before, _), (_, after, _) in pairwise(settled):
        if before >= 60:  # the last minute only counts down
            assert abs(after - before) <= 0.3 * before, (before, after)
    # and it is about right: within a third of the truth while over a minute is left
    for _t, left, true in settled:
        if true > 120:
            assert abs(left - true) < 0.35 * true, (left, true)


def test_the_shown_text_changes_rarely() -> None:
    total = 240
    times = bursty_render(total, workers=3, seed=1)
    texts = [Eta.text(left) for _, left, _ in shown(Eta(), times, total) if left is not None]
    changes = sum(1 for a, b in pairwise(texts) if a != b)
    # a real countdown from ~8 minutes passes through about 9 distinct minute
    # texts; the old rate-over-a-minute estimate changed far more often
    assert changes <= 20, texts


def test_idle_says_nothing() -> None:
    eta = Eta()
    assert eta.update(0.0, 0, 10, active=False) is None
    assert eta.update(100.0, 0, 10, active=False) is None
    assert eta.update(200.0, 10, 10, active=True) is None  # all done


def test_too_few_samples_say_nothing() -> None:
    eta = Eta()
    assert eta.update(0.0, 0, 100, active=True) is None
    assert eta.update(5.0, 1, 100, active=True) is None  # the first marks the start
    assert eta.update(6.0, 2, 100, active=True) is None  # one timed, over a second
    assert eta.update(12.0, 4, 100, active=True) is None  # three, over seven seconds
    assert eta.update(17.0, 6, 100, active=True) is not None


def steady(eta: Eta, start: float, done: int, total: int, count: int,
           every: float = 2.0, active: bool = True) -> tuple[float, int, float | None]:
    """``count`` completions every ``every`` seconds from ``start``."""
    now, left = start, None
    for _ in range(count):
        now += every
        done += 1
        left = eta.update(now, done, total, active=active)
    return now, done, left


def test_paused_says_nothing_and_resumes_from_the_known_rate() -> None:
    eta = Eta()
    eta.update(0.0, 0, 100, active=True)
    now, done, left = steady(eta, 0.0, 0, 100, 10)
    assert left == pytest.approx(90 * 2.0, rel=0.05)
    assert eta.update(now + 1, done, 100, active=False) is None  # paused
    assert eta.update(now + 600, done, 100, active=False) is None
    # resumed: nothing until a take lands (the engine may be starting); that
    # take is not timed (it includes the restart), but the rate known from
    # before still holds: the ten paused minutes do not count against it
    assert eta.update(now + 700, done, 100, active=True) is None
    left = eta.update(now + 730, done + 1, 100, active=True)
    assert left == pytest.approx(89 * 2.0, rel=0.05)


def test_work_added_resets() -> None:
    eta = Eta()
    eta.update(0.0, 0, 100, active=True)
    now, done, left = steady(eta, 0.0, 0, 100, 10)
    assert left is not None
    assert eta.update(now + 1, done, 150, active=True) is None  # total up: start over
    now, done, left = steady(eta, now + 1, done, 150, 2)
    assert left is None  # not enough timed since
    now, done, left = steady(eta, now, done, 150, 4)
    assert left == pytest.approx((150 - done) * 2.0, rel=0.1)
    assert eta.update(now + 1, done - 3, 150, active=True) is None  # an edit: done down


def test_a_stall_makes_the_estimate_grow() -> None:
    eta = Eta()
    eta.update(0.0, 0, 100, active=True)
    now, done, left = steady(eta, 0.0, 0, 100, 20)
    assert left is not None
    later = [eta.update(now + s, done, 100, active=True) for s in range(1, 120)]
    assert all(v is not None for v in later)
    assert later[-1] > left  # no take for two minutes: no "0:20 left" while stuck
    assert min(later) > 0


@pytest.mark.parametrize(("seconds", "text"), [
    (5, "under a minute left"),
    (59, "under a minute left"),
    (61, "about 1 min left"),
    (150, "about 3 min left"),
    (9 * 60 + 10, "about 9 min left"),
    (11 * 60, "about 10 min left"),
    (23 * 60, "about 25 min left"),
    (58 * 60, "about 1 h left"),
    (80 * 60, "about 1 h 20 min left"),
    (84 * 60, "about 1 h 20 min left"),
    (4 * 3600 + 20 * 60, "about 4 h 30 min left"),
    (13.4 * 3600, "about 13 h left"),
])
def test_text_is_rounded_coarser_as_it_grows(seconds: float, text: str) -> None:
    assert Eta.text(seconds) == text

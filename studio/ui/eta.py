"""Time left for a render, steady enough to read.

Takes land in bursts (several workers finishing close together, then a
quiet spell), so a rate measured over a fixed window swings with where the
window starts. :class:`Eta` measures the rate between completions instead,
as exponentially weighted sums of completions and of the time between them
(a burst adds its count, a quiet spell its time), and turns that into
seconds left:

* between completions the estimate counts down with the clock; once the next
  completion is overdue, the overdue time counts against the rate, so a stall
  makes the estimate grow instead of promising "0:20 left" forever;
* what is shown moves only when the estimate moves meaningfully away from
  the shown value counting down (hysteresis), and then by at most a quarter
  at a time, so it never jumps from 3 to 10 minutes and back;
* nothing is said (None) while nothing renders (idle, paused), before a few
  completions have been timed, and after work was added (done went down or
  the total up), until the new work has been timed again.

:meth:`Eta.text` words the seconds, coarser as they grow.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication

TAU_S = 90.0  # the weights halve every TAU_S·ln 2 (about a minute) of rendering
MIN_COMPLETIONS = 3  # timed completions before anything is said
MIN_TIMED_S = 10.0  # seconds of timed rendering before anything is said
RESHOW = 0.10  # the shown value follows the estimate once they differ by this much
RESHOW_MIN_S = 3.0  # ... or by this many seconds, whichever is more
MAX_STEP = 0.25  # and moves at most by this fraction of itself per update


class Eta:
    """Seconds left for one render, from ``update`` calls as progress changes.

    Call :meth:`update` whenever progress may have changed (every refresh is
    fine: calls without a new completion only count down), with a monotonic
    clock.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget everything measured (new work, another project)."""
        self._done: int | None = None
        self._total: int | None = None
        self._last_event: float | None = None  # when the last completion was seen
        self._weighted_done = 0.0  # completions, exponentially weighted by age
        self._weighted_time = 0.0  # seconds between completions, weighted alike
        self._weighted_events = 0.0  # completion events (one per burst), weighted alike
        self._timed_done = 0  # completions timed since the last reset
        self._timed_s = 0.0  # seconds timed since the last reset
        self._shown: float | None = None
        self._shown_at = 0.0

    def update(self, now: float, done: int, total: int, active: bool) -> float | None:
        """Seconds left to show, or None when there is nothing honest to say.

        ``done`` of ``total`` are rendered; ``active`` is False while nothing
        can render (no job waiting, or the project paused).
        """
        if self._done is not None and self._total is not None and (
                done < self._done or total > self._total):
            self.reset()  # work was added: the old rate says nothing about it
        if not active or done >= total:
            # A pause (or the end) breaks the timing: the next completion
            # after it includes the restart, so it only marks a new start.
            self._done, self._total, self._last_event = done, total, None
            self._shown = None
            return None
        if self._done is None:
            self._done = done
        self._total = total
        completed = done - self._done
        if completed > 0:
            self._done = done
            if self._last_event is not None:
                self._record(completed, now - self._last_event)
            self._last_event = now
        raw = self._estimate(now, total - done)
        if raw is None:
            return None
        return self._show(now, raw)

    def _record(self, completed: int, interval: float) -> None:
        """One completion event: ``completed`` takes, ``interval`` seconds
        after the previous event."""
        decay = math.exp(-max(interval, 0.0) / TAU_S)
        self._weighted_done = self._weighted_done * decay + completed
        self._weighted_time = self._weighted_time * decay + interval
        self._weighted_events = self._weighted_events * decay + 1
        self._timed_done += completed
        self._timed_s += interval

    def _estimate(self, now: float, remaining: int) -> float | None:
        """Seconds left by the measured rate, counting down since the last
        completion; None before enough has been timed."""
        if (self._timed_done < MIN_COMPLETIONS or self._timed_s < MIN_TIMED_S
                or self._last_event is None or self._weighted_time <= 0):
            return None
        rate = self._weighted_done / self._weighted_time  # completions a second
        burst = self._weighted_done / self._weighted_events  # completions per event
        gap = self._weighted_time / self._weighted_events  # seconds between events
        since = max(0.0, now - self._last_event)
        after_next = max(0.0, remaining - burst)
        if since <= gap:  # on time: count down towards the next completion
            return after_next / rate + (gap - since)
        # overdue: the time past the expected completion counts against the rate
        slower = self._weighted_done / (self._weighted_time + since - gap)
        return after_next / slower

    def _show(self, now: float, raw: float) -> float:
        """The value to show: the last one counting down, moved towards the
        estimate only when it is meaningfully off, and then by a bounded step."""
        if self._shown is None:
            self._shown, self._shown_at = raw, now
            return raw
        counting = max(0.0, self._shown - (now - self._shown_at))
        if abs(raw - counting) > max(RESHOW * counting, RESHOW_MIN_S):
            step = MAX_STEP * max(counting, RESHOW_MIN_S)
            counting = min(max(raw, counting - step), counting + step)
        self._shown, self._shown_at = counting, now
        return counting

    @staticmethod
    def text(seconds: float) -> str:
        """Seconds left in words, rounded coarser as they grow: "under a
        minute left", "about 4 min left", "about 25 min left", "about 1 h 20
        min left", "about 6 h left"."""
        translate = QCoreApplication.translate  # (context, text): the strings are extracted
        if seconds < 60:
            return translate("Eta", "under a minute left")
        minutes = seconds / 60
        if minutes < 10:
            step = 1
        elif minutes < 60:
            step = 5
        elif minutes < 180:
            step = 10
        elif minutes < 600:
            step = 30
        else:
            step = 60
        rounded = max(1, int(minutes / step + 0.5) * step)
        hours, rest = divmod(rounded, 60)
        if not hours:
            return translate("Eta", "about %d min left") % rest
        if not rest:
            return translate("Eta", "about %d h left") % hours
        return translate("Eta", "about %d h %d min left") % (hours, rest)

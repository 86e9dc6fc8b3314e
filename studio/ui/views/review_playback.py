"""The segment panel's playback: a take, or the project from a segment, with a
clock that moves the playheads and the transport while it plays.

:class:`PlaybackPanel` is the panel's base: these are the panel's own
methods (Space, B and the transport call them; the window reads ``playing``),
kept apart from its review actions. The panel provides the widgets they
drive, and plays the project: it assembles it with :func:`assemble_part` a
chunk of segments at a time. The strings are the panel's (translation
context ``SegmentPanel``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget

from studio.audio.playback import Player
from studio.core.store import Library, Segment
from studio.ui.tasks import run_task
from studio.ui.widgets.transport import TransportBar
from studio.ui.widgets.waveform import Waveform

translate = QCoreApplication.translate  # (context, text): the strings are extracted


@dataclass
class Playing:
    """What is playing: a clip, the segments' spans in it, and its clock."""

    audio: Any
    rate: int
    spans: list[tuple[int, float, float]]  # segment id, start and end in the clip (s)
    take_id: int | None  # a single take, or None for the project from a segment
    what: str
    started: float  # time.monotonic() at the clip's start
    paused_at: float | None = None
    then: tuple[int, int, int | None] | None = None  # project, position to play on, end
    again: tuple[int, int, int | None] | None = None  # the range a loop plays again

    @property
    def duration(self) -> float:
        return len(self.audio) / self.rate

    def elapsed(self) -> float:
        if self.paused_at is not None:
            return self.paused_at
        return min(self.duration, time.monotonic() - self.started)

    def segment_at(self, elapsed: float) -> tuple[int, float] | None:
        """The segment playing at ``elapsed`` and how far into it (in a pause:
        the segment before it)."""
        found = None
        for segment_id, start, _end in self.spans:
            if start > elapsed and found is not None:
                break
            found = (segment_id, max(0.0, elapsed - start))
        return found


def assemble_part(root: Path, project_id: int, start: int, count: int,
                  end: int | None) -> tuple[Any, int, list[tuple[int, float, float]], bool]:
    """Positions ``start`` to ``start + count`` of a project as the export
    plays them (its pauses and fades; a segment with no take left out): the
    samples, their rate, each segment's span in them, and whether more is to
    play (a segment after these, before ``end``; None: the project's end).
    Off the GUI thread: it opens the library at ``root`` itself."""
    from studio.core.export import ExportSettings, assemble

    last = start + count
    with Library.open(root) as library:
        found = library.project_by_id(project_id)
        assert found is not None
        samples, rate, cues = assemble(library, found, ExportSettings(), start=start,
                                       count=count, skip_missing=True)
        # more to play: a segment after these, within what was asked
        more = ((end is None or end > last)
                and bool(library.current_takes(found.id, last, 1)))
    return samples, rate, [(c.segment.id, c.start_s, c.end_s) for c in cues], more


class PlaybackPanel(QWidget):
    """Plays a take (Space, B) or the project from a segment, with a clock
    ticking while it plays that moves the playheads and the transport's
    position, and says which segment is playing (``following``) so the
    table can follow along."""

    following = Signal(int)  # the segment now playing (project playback)
    playhead = Signal(int, float)  # segment id and seconds into it; -1 when stopped

    # what the panel provides: its library and shown segment, the widgets
    # playback drives, and the project's playback
    library: Library
    segment: Segment | None
    on_error: Callable[..., None]
    player: Player
    clock: QTimer
    playing: Playing | None
    transport: TransportBar
    takes: QComboBox
    now_playing: QLabel
    buttons: dict[str, QPushButton]
    waveform: Waveform
    _followed: int | None
    _last_played: int | None
    selected: list[int]
    _play_project: Callable[..., None]  # positions start to end of a project, from offset s

    def toggle_play(self) -> None:
        """Space: play the current take, or stop whatever plays."""
        if self.playing is not None and self.playing.paused_at is None:
            self.stop()
            return
        if self.player.problem or self.segment is None:
            return
        take_id = self.segment.current_take_id or self.takes.currentData()
        if take_id is not None:
            self._play_take(take_id)

    def play_other_take(self) -> None:
        """B: alternate between the current take and the one before it."""
        if self.player.problem or self.segment is None or self.takes.count() < 2:
            return
        ids = [self.takes.itemData(i) for i in range(self.takes.count())]
        chosen = self.segment.current_take_id
        current: int = chosen if chosen is not None and chosen in ids else ids[-1]
        other = ids[ids.index(current) - 1] if ids.index(current) > 0 else ids[-1]
        self._play_take(other if self._last_played == current else current)

    def play_from_here(self, offset: float = 0.0) -> None:
        """Shift+Space: the project from this segment on, with the export's
        pauses and fades, assembled off the GUI thread 50 segments at a time
        (the next 50 are assembled when these end); ``offset`` seconds into
        the segment. With several segments selected: the selection, from its
        first segment to its last (Loop repeats it)."""
        if self.player.problem or self.segment is None:
            return
        start, end = self.segment.position or 0, None
        if len(self.selected) > 1:
            positions = [self.library.segment(i).position or 0 for i in self.selected]
            start, end = min(positions), max(positions) + 1
        self._play_project(self.segment.project_id, start, end, offset)

    def play_pause(self) -> None:
        """The transport's Play/Pause: pause, resume, or play the project from
        the shown segment."""
        playing = self.playing
        if self.player.problem:
            return
        if playing is None:
            self.play_from_here()
        elif playing.paused_at is None:
            playing.paused_at = playing.elapsed()
            self.player.stop()
            self.clock.stop()
            self.transport.set_playing(False)
            self.buttons["play"].setText(translate("SegmentPanel", "Play"))
            self._show_playing_take()
        else:
            self._start(playing.audio, playing.rate, playing.spans, playing.take_id,
                        playing.what, at=playing.paused_at)

    def stop(self) -> None:
        """Stop playback (and forget a pause)."""
        self.player.stop()
        self.clock.stop()
        was = self.playing
        self.playing = None
        self.buttons["play"].setText(translate("SegmentPanel", "Play"))
        self.transport.set_playing(False)
        self.transport.set_position(0.0, was.duration if was else 0.0)
        self.waveform.set_playhead(None)
        self.playhead.emit(-1, 0.0)
        if was is not None and was.take_id is not None and self.segment is not None:
            index = self.takes.findData(self.segment.current_take_id)
            if index >= 0:
                self.takes.setCurrentIndex(index)  # the picker names the current take again
        self._show_playing_take()

    def hideEvent(self, event: QHideEvent) -> None:
        """Nothing plays, and no clock ticks, for a panel no one sees."""
        if self.playing is not None:
            self.stop()
        super().hideEvent(event)

    def _play_take(self, take_id: int) -> None:
        self._last_played = take_id
        path = self.library.path(self.library.take(take_id).path)
        segment = self.segment
        assert segment is not None
        ids = [self.takes.itemData(i) for i in range(self.takes.count())]
        number = ids.index(take_id) + 1 if take_id in ids else 0
        what = translate("SegmentPanel", "segment %d, take %d") % (
            (segment.position or 0) + 1, number)

        def load() -> Any:
            from studio.audio import read_audio

            return read_audio(path)

        def play(result: Any) -> None:
            audio, rate = result
            self._start(audio, rate, [(segment.id, 0.0, len(audio) / rate)], take_id, what)
            self._show_playing_take()

        run_task(load, play, self.on_error)

    def _start(self, audio: Any, rate: int, spans: list[tuple[int, float, float]],
               take_id: int | None, what: str, at: float = 0.0) -> None:
        """Play ``audio`` from ``at`` seconds and start the clock."""
        if not self.isVisible():  # the window closed while the clip was read
            return
        at = min(max(0.0, at), len(audio) / rate)
        self.player.play(audio[int(at * rate):], rate)
        self.playing = Playing(audio, rate, spans, take_id, what, time.monotonic() - at)
        self._followed = None
        self.clock.start()
        self._tick()

    def _tick(self) -> None:
        """Move the playheads and the position; follow the playing segment."""
        playing = self.playing
        if playing is None:
            return
        elapsed = playing.elapsed()
        if elapsed >= playing.duration and playing.paused_at is None:
            self.stop()
            if playing.then is not None:  # continuous playback: the next segments
                self._play_project(*playing.then, again=playing.again)
            elif self.transport.loop.isChecked() and playing.again is not None:
                self._play_project(*playing.again, again=playing.again)  # the range again
            elif self.transport.loop.isChecked():  # a take: again from its start
                self._start(playing.audio, playing.rate, playing.spans, playing.take_id,
                            playing.what)
            return
        self.transport.set_position(elapsed, playing.duration)
        self.transport.set_playing(playing.paused_at is None, playing.what)
        self.buttons["play"].setText(translate("SegmentPanel", "Stop"))
        at = playing.segment_at(elapsed)
        if at is None:
            return
        segment_id, into = at
        if playing.take_id is None and segment_id != self._followed:
            self._followed = segment_id
            self.following.emit(segment_id)
        self.playhead.emit(segment_id, into)
        if self.segment is not None and self.segment.id == segment_id:
            span = next(s for s in playing.spans if s[0] == segment_id)
            self.waveform.set_playhead(into / max(1e-6, span[2] - span[1]))
        else:
            self.waveform.set_playhead(None)
        if playing.take_id is not None and self.now_playing.text() == "":
            self._show_playing_take()

    def _show_playing_take(self) -> None:
        """While a take of the shown segment plays, the picker names it."""
        playing = self.playing
        index = self.takes.findData(playing.take_id) if playing and playing.take_id else -1
        if index >= 0 and playing is not None and playing.paused_at is None:
            self.takes.setCurrentIndex(index)
            current = playing.take_id == (self.segment.current_take_id if self.segment else None)
            self.now_playing.setText(
                translate("SegmentPanel", "▶ take %d (current)") % (index + 1) if current
                else translate("SegmentPanel", "▶ take %d (not current)") % (index + 1))
        else:
            self.now_playing.setText("")

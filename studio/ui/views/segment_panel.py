"""Review of the selected segment: play, regenerate, edit, lock, approve, takes."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.audio.playback import Player
from studio.core.store import Library, Segment
from studio.errors import UserError
from studio.service import review
from studio.ui import words
from studio.ui.qa import QA_COLORS, QA_GLYPHS, format_metrics, qa_label
from studio.ui.tasks import engine_starter, run_task
from studio.ui.widgets.aligned import AlignedText
from studio.ui.widgets.transport import TransportBar
from studio.ui.widgets.waveform import Waveform

PROJECT_CHUNK = 50  # segments assembled at a time for playback of the project


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


class EditTextCommand(QUndoCommand):
    """Undoable edit of one segment's text."""

    def __init__(self, library: Library, segment_id: int, old: str, new: str,
                 done: Callable[[], None]) -> None:
        super().__init__(f"edit segment text: {new[:30]}")
        self.library, self.segment_id, self.old, self.new, self.done = (
            library, segment_id, old, new, done)

    def redo(self) -> None:
        review.edit(self.library, self.segment_id, self.new)
        self.done()

    def undo(self) -> None:
        review.edit(self.library, self.segment_id, self.old)
        self.done()


class BatchCommand(QUndoCommand):
    """Undoable lock, approve or voice change of several segments at once.

    Each segment's earlier lock, approval or voice is kept, and undo puts
    exactly that back. A segment the change refuses (locked, not rendered)
    is left as it is and named in ``refused``.
    """

    def __init__(self, library: Library, what: str, segment_ids: list[int], value: Any,
                 done: Callable[[], None]) -> None:
        super().__init__(f"{what} {len(segment_ids)} segments")
        self.library, self.what, self.value, self.done = library, what, value, done
        self.ids = segment_ids
        self.before: dict[int, Any] = {}
        self.refused: list[UserError] = []

    def _read(self, segment: Segment) -> Any:
        if self.what == "lock":
            return segment.locked
        if self.what == "approve":
            return segment.state == "approved"
        return self.library.voice(segment.voice_id).name if segment.voice_id else None

    def _write(self, segment_id: int, value: Any) -> None:
        if self.what == "lock":
            review.set_locked(self.library, segment_id, value)
        elif self.what == "approve":
            review.approve(self.library, segment_id, value)
        else:
            review.set_voice(self.library, segment_id, value)

    def redo(self) -> None:
        self.before, self.refused = {}, []
        for segment_id in self.ids:
            segment = self.library.segment(segment_id)
            before = self._read(segment)
            if before == self.value:
                continue
            try:
                self._write(segment_id, self.value)
            except UserError as err:
                self.refused.append(err)
                continue
            self.before[segment_id] = before
        self.setObsolete(not self.before)  # nothing changed: the stack drops it
        self.done()

    def undo(self) -> None:
        for segment_id, before in self.before.items():
            with contextlib.suppress(UserError):  # changed since (locked): leave it
                self._write(segment_id, before)
        self.done()


class SegmentPanel(QWidget):
    """Actions on one segment, with the keyboard shortcuts of the issue.

    It owns playback: a take (Space, B) or the project from a segment
    (Shift+Space), with a clock ticking while it plays that moves the
    playheads and the transport's position, and says which segment is
    playing (``following``) so the table can follow along."""

    following = Signal(int)  # the segment now playing (project playback)
    playhead = Signal(int, float)  # segment id and seconds into it; -1 when stopped

    def __init__(self, library: Library, undo: QUndoStack, changed: Callable[[], None],
                 on_error: Callable[..., None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.undo, self.changed, self.on_error = library, undo, changed, on_error
        self.segment: Segment | None = None
        self.player = Player()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.waveform = Waveform()
        # take QA on the current take: the verdict, its reasons and measures,
        # and what was heard aligned under the script
        self.qa = QLabel()
        self.qa.setWordWrap(True)
        self.qa.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.aligned = AlignedText()
        self.check: dict[str, Any] | None = None  # the shown take's check, as read
        self._checked: tuple[int, str | None] | None = None  # (take, verdict) read or asked
        self.takes = QComboBox()
        self.takes.activated.connect(self._choose_take)
        self.voice = QComboBox()
        self.voice.activated.connect(self._choose_voice)
        self._last_played: int | None = None
        self._drawn_take: int | None = None  # the take whose waveform is shown
        self.dialog: QWidget | None = None  # the open edit dialog, if any
        self.playing: Playing | None = None
        self._followed: int | None = None
        self.clock = QTimer(self)
        self.clock.setInterval(40)
        self.clock.timeout.connect(self._tick)
        self.transport = TransportBar()
        self.transport.play_pause.connect(self.play_pause)
        self.transport.stop.connect(self.stop)
        self.now_playing = QLabel()  # which take A/B is playing
        self.buttons: dict[str, QPushButton] = {}
        self.selected: list[int] = []  # the segments batch actions apply to, in order
        row = QHBoxLayout()
        for name, label, key, slot, tip in (
            ("play", self.tr("Play"), "Space", self.toggle_play,
             self.tr("Play the segment's take, or stop (Space)")),
            ("from_here", self.tr("Play from here"), "Shift+Space", self.play_from_here,
             self.tr("Play the project from this segment on; with several segments "
                     "selected, play the selection (Shift+Space)")),
            ("ab", self.tr("A/B"), "B", self.play_other_take,
             self.tr("Compare: the current take, then the one before it (B)")),
            ("regenerate", self.tr("Regenerate"), "R", self.regenerate,
             self.tr("A new take of the selected segments, ahead of other work (R)")),
            ("edit", self.tr("Edit…"), "F2", self.edit,
             self.tr("Edit the segment's text; only it renders again (F2)")),
            ("lock", self.tr("Lock"), "L", self.toggle_lock,
             self.tr("Lock: the selected segments keep their take and text (L)")),
            ("approve", self.tr("Approve"), "A", self.toggle_approve,
             self.tr("Approve the selected segments' current takes (A)")),
        ):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            action = QAction(label, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.buttons[name] = button
            row.addWidget(button)
        row.addStretch()
        # the pickers on their own row, wide enough for what they name
        pickers = QHBoxLayout()
        pickers.addWidget(QLabel(self.tr("Take:")))
        self.takes.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.takes.setMinimumContentsLength(34)
        self.takes.setToolTip(self.tr("The segment's takes; choose which one is current"))
        pickers.addWidget(self.takes)
        pickers.addWidget(self.now_playing)
        pickers.addStretch()
        pickers.addWidget(QLabel(self.tr("Voice:")))
        self.voice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.voice.setMinimumContentsLength(16)
        self.voice.setToolTip(self.tr("The voice of the selected segments"))
        pickers.addWidget(self.voice)
        if self.player.problem:
            for name in ("play", "from_here", "ab"):
                self.buttons[name].setEnabled(False)
                self.buttons[name].setToolTip(self.player.problem)
            self.transport.set_available(False, self.player.problem)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.qa)
        layout.addWidget(self.aligned)
        layout.addWidget(self.waveform)
        layout.addLayout(row)
        layout.addLayout(pickers)
        self.show_segment(None)

    def show_segment(self, segment_id: int | None,
                     selection: list[int] | None = None) -> None:
        """Show the segment with this id (or nothing). ``selection``: every
        selected segment, which the batch actions (regenerate, lock, approve,
        voice) apply to; playing, editing and takes stay with the shown one."""
        self.segment = self.library.segment(segment_id) if segment_id else None
        self.selected = ([] if self.segment is None else
                         list(selection) if selection and segment_id in selection
                         else [self.segment.id])
        enabled = self.segment is not None
        playing = ("play", "from_here", "ab")
        for name, button in self.buttons.items():
            button.setEnabled(enabled and not (name in playing and self.player.problem))
        self.takes.clear()
        self.voice.clear()
        if self.segment is None:
            self.text.setText(self.tr("Select a segment to review it."))
            self._drawn_take = None
            self.waveform.set_audio(None)
            self._show_check(None)
            return
        segment = self.segment
        many = len(self.selected) > 1
        spoken = "" if segment.text == segment.source else f"<br><i>{escape(segment.text)}</i>"
        text = f"<b>{(segment.position or 0) + 1}.</b> {escape(segment.source)}{spoken}"
        if many:
            text = (self.tr("<b>%d segments selected</b> — Regenerate, Lock, Approve and "
                            "Voice apply to all of them.") % len(self.selected) + "<br>" + text)
        if segment.state == "stale":
            text += "<br>" + self.tr("Its takes are of other text or another voice: "
                                     "render it again (R).")
        self.text.setText(text)
        locked, approved = self._all_locked_approved()
        count = f" ({len(self.selected)})" if many else ""
        self.buttons["lock"].setText((self.tr("Unlock") if locked else self.tr("Lock")) + count)
        self.buttons["approve"].setText(
            (self.tr("Unapprove") if approved else self.tr("Approve")) + count)
        self.buttons["regenerate"].setText(self.tr("Regenerate") + count)
        self.buttons["edit"].setEnabled(not many)
        self.voice.addItem(self.tr("Project's voice"), None)
        for voice in self.library.voices():
            self.voice.addItem(voice.name, voice.name)
            if voice.id == segment.voice_id:
                self.voice.setCurrentIndex(self.voice.count() - 1)
        for number, take in enumerate(self.library.takes(segment.id), start=1):
            when = time.strftime("%H:%M:%S", time.localtime(take.created_at))
            label = f"{number}: {take.duration_s:.1f} s, seed {take.seed}, {when}"
            if take.id == segment.current_take_id and segment.done:
                label += " " + self.tr("(current)")
            elif not self.library.take_is_current(take.id, segment.id):
                label += " " + (self.tr("(other text)") if take.text != segment.text
                                else self.tr("(other voice)"))
            self.takes.addItem(label, take.id)
            if take.id == segment.current_take_id:
                self.takes.setCurrentIndex(self.takes.count() - 1)
        self._show_playing_take()
        self._load_waveform()
        self._load_check()

    def _load_check(self) -> None:
        """Read what take QA found in the current take off the GUI thread
        (again when its verdict changes: a check landing) and show it."""
        segment = self.segment
        take_id = segment.current_take_id if segment is not None and segment.done else None
        if take_id is None or segment is None or segment.qa in (None, "checking"):
            self._checked = None
            self._show_check(None, checking=segment is not None and segment.qa == "checking")
            return
        key = (take_id, segment.qa)
        if key == self._checked:  # a refresh: this check is shown already
            return
        self._checked = key
        # until it is read: no check, no spots on another take's audio (the
        # words stay, so the panel keeps its height while moving along)
        self.check = None
        self.waveform.set_spots([])
        root, shown = self.library.root, segment.id

        def read() -> dict[str, Any] | None:
            from studio.core.take_qa import take_check

            with Library.open(root) as library:
                return take_check(library, take_id)

        def show(check: dict[str, Any] | None) -> None:
            if (self.segment is not None and self.segment.id == shown
                    and self._checked == key):
                self._show_check(check)

        run_task(read, show, self.on_error)

    def _show_check(self, check: dict[str, Any] | None, checking: bool = False) -> None:
        """Show a take's check (None: nothing, or 'being checked')."""
        self.check = check
        if check is None:
            self.qa.setText(qa_label("checking") if checking else "")
            self.qa.setVisible(checking)
            self.aligned.set_diff([])
            self.aligned.hide()
            self.waveform.set_spots([])
            return
        verdict = str(check.get("verdict") or "")
        head = (f"<span style='color:{QA_COLORS.get(verdict, '#757575')}'>"
                f"{QA_GLYPHS.get(verdict, '?')}</span> <b>{escape(qa_label(verdict))}</b>")
        measured = format_metrics(check.get("metrics") or {})
        if measured:
            head += " · " + escape(measured)
        reasons = [escape(str(reason)) for reason in check.get("reasons") or []]
        self.qa.setText("<br>".join([head, *reasons]))
        self.qa.show()
        diff = check.get("diff") or []
        self.aligned.set_diff(diff)
        # only a take that differs from its script shows the two lines
        self.aligned.setVisible(any(unit.op != "equal" for unit in self.aligned.units))
        self.waveform.set_spots([tuple(spot) for spot in check.get("spots") or []])

    def _show_playing_take(self) -> None:
        """While a take of the shown segment plays, the picker names it."""
        playing = self.playing
        index = self.takes.findData(playing.take_id) if playing and playing.take_id else -1
        if index >= 0 and playing is not None and playing.paused_at is None:
            self.takes.setCurrentIndex(index)
            current = playing.take_id == (self.segment.current_take_id if self.segment else None)
            self.now_playing.setText(
                self.tr("▶ take %d (current)") % (index + 1) if current
                else self.tr("▶ take %d (not current)") % (index + 1))
        else:
            self.now_playing.setText("")

    def _load_waveform(self) -> None:
        """Read the chosen take off the GUI thread and draw it."""
        take_id = self.takes.currentData()
        if take_id is None or self.segment is None or not self.segment.done:
            self._drawn_take = None
            self.waveform.set_audio(None)  # no take speaks what the segment says now
            return
        if take_id == self._drawn_take:  # a refresh: the same audio is drawn already
            return
        self._drawn_take = take_id
        path = self.library.path(self.library.take(take_id).path)
        shown = self.segment.id if self.segment else None

        def load() -> Any:
            from studio.audio import read_audio

            return read_audio(path)

        def draw(result: Any) -> None:
            if self.segment is not None and self.segment.id == shown:
                self.waveform.set_audio(*result)

        run_task(load, draw, self.on_error)

    def _act(self, fn: Callable[[Segment], object]) -> None:
        """Apply ``fn`` to the shown segment; a refusal is shown, not raised."""
        if self.segment is None:
            return
        try:
            fn(self.segment)
        except UserError as err:
            self.on_error(err)
        self.changed()

    def regenerate(self) -> None:
        """R: a new take of each selected segment, ahead of bulk work (a
        waiting job moves to the front); locked ones are named, not changed."""
        if self.segment is None:
            return
        try:
            batch = review.regenerate(self.library, self.selected,
                                      start=engine_starter(self.on_error))
        except UserError as err:  # the project is paused: nothing changed
            self.on_error(words.refusal(err))
            return
        self.changed()
        self._report(words.regenerated(batch.regenerated), [err for _s, err in batch.refused])

    def _report(self, did: str, refused: list[UserError]) -> None:
        """Say what a batch action did; what it refused is named (a dialog
        when it did nothing at all)."""
        if refused and len(refused) == len(self.selected):
            err = refused[0]
            if len(refused) > 1:
                err = UserError(self.tr("none of the %d selected segments changed: %s")
                                % (len(refused), err.problem), err.fix)
            self.on_error(err)
            return
        if refused:
            did += " · " + self.tr("%d left as they are (%s)") % (
                len(refused), "; ".join(e.problem for e in refused[:3])
                + (" …" if len(refused) > 3 else ""))
        self.say(did)

    def batch(self, what: str, value: Any) -> None:
        """Lock, approve or change the voice of the selection, as one undo step."""
        if self.segment is None:
            return
        command = BatchCommand(self.library, what, list(self.selected), value, self.changed)
        self.undo.push(command)  # runs it; a change of nothing leaves no undo step
        changed = len(command.before)
        self._report(self.tr("%d segments changed") % changed if changed != 1
                     else self.tr("1 segment changed"), command.refused)

    def say(self, text: str) -> None:
        """A passing message in the window's status bar."""
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 8000)

    def edit(self) -> None:
        """F2: the segment's text in a dialog that wraps, with its count
        against the voice's limit; OK is one undoable edit."""
        from studio.core.planning import backend_for_voice, segment_voice
        from studio.ui.views.edit_dialog import EditDialog

        segment = self.segment
        if segment is None:
            return
        try:
            limit: int | None = backend_for_voice(
                segment_voice(self.library, segment), self.library).max_chars
        except UserError:  # a voice that cannot render here: the edit is still checked
            limit = None
        dialog = EditDialog(segment.number, segment.source, state=segment.state,
                            spoken=segment.text, max_chars=limit, parent=self)

        def done() -> None:
            new = dialog.text()
            if new and new != segment.source:
                try:
                    self.undo.push(EditTextCommand(self.library, segment.id, segment.source,
                                                   new, self.changed))
                except UserError as err:
                    self.on_error(err)

        dialog.accepted.connect(done)
        self.dialog = dialog
        dialog.open()

    def _all_locked_approved(self) -> tuple[bool, bool]:
        return self.library.all_locked_approved(self.selected)

    def toggle_lock(self) -> None:
        """L: lock the selection (unlock it when all of it is locked)."""
        if self.selected:
            self.batch("lock", not self._all_locked_approved()[0])

    def toggle_approve(self) -> None:
        """A: approve the selection's current takes (withdraw the approval
        when all of it is approved)."""
        if self.selected:
            self.batch("approve", not self._all_locked_approved()[1])

    def _choose_take(self, index: int) -> None:
        take_id = self.takes.itemData(index)
        self._act(lambda s: review.choose_take(self.library, s.id, take_id))

    def _choose_voice(self, index: int) -> None:
        self.batch("voice", self.voice.itemData(index))

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
        self.buttons["play"].setText(self.tr("Stop"))
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

    def hideEvent(self, event: QHideEvent) -> None:
        """Nothing plays, and no clock ticks, for a panel no one sees."""
        if self.playing is not None:
            self.stop()
        super().hideEvent(event)

    def stop(self) -> None:
        """Stop playback (and forget a pause)."""
        self.player.stop()
        self.clock.stop()
        was = self.playing
        self.playing = None
        self.buttons["play"].setText(self.tr("Play"))
        self.transport.set_playing(False)
        self.transport.set_position(0.0, was.duration if was else 0.0)
        self.waveform.set_playhead(None)
        self.playhead.emit(-1, 0.0)
        if was is not None and was.take_id is not None and self.segment is not None:
            index = self.takes.findData(self.segment.current_take_id)
            if index >= 0:
                self.takes.setCurrentIndex(index)  # the picker names the current take again
        self._show_playing_take()

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
            self.buttons["play"].setText(self.tr("Play"))
            self._show_playing_take()
        else:
            self._start(playing.audio, playing.rate, playing.spans, playing.take_id,
                        playing.what, at=playing.paused_at)

    def _play_take(self, take_id: int) -> None:
        self._last_played = take_id
        path = self.library.path(self.library.take(take_id).path)
        segment = self.segment
        assert segment is not None
        ids = [self.takes.itemData(i) for i in range(self.takes.count())]
        number = ids.index(take_id) + 1 if take_id in ids else 0
        what = self.tr("segment %d, take %d") % ((segment.position or 0) + 1, number)

        def load() -> Any:
            from studio.audio import read_audio

            return read_audio(path)

        def play(result: Any) -> None:
            audio, rate = result
            self._start(audio, rate, [(segment.id, 0.0, len(audio) / rate)], take_id, what)
            self._show_playing_take()

        run_task(load, play, self.on_error)

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

    def _play_project(self, project_id: int, start: int, end: int | None = None,
                      offset: float = 0.0,
                      again: tuple[int, int, int | None] | None = None) -> None:
        """Play positions ``start`` to ``end`` (None: to the project's end)."""
        root = self.library.root
        count = PROJECT_CHUNK if end is None else max(1, min(PROJECT_CHUNK, end - start))
        last = start + count
        what = (self.tr("project from segment %d") % (start + 1) if end is None
                else self.tr("segments %d to %d") % (start + 1, end))
        again = again or (project_id, start, end)

        def assemble() -> Any:
            from studio.core.export import ExportSettings, assemble

            with Library.open(root) as library:
                found = library.project_by_id(project_id)
                assert found is not None
                samples, rate, cues = assemble(library, found, ExportSettings(), start=start,
                                               count=count, skip_missing=True)
                # more to play: a segment after these, within what was asked
                more = ((end is None or end > last)
                        and bool(library.current_takes(found.id, last, 1)))
            return samples, rate, [(c.segment.id, c.start_s, c.end_s) for c in cues], more

        def play(result: Any) -> None:
            samples, rate, spans, more = result
            then = (project_id, last, end) if more else None
            if spans:
                self._start(samples, rate, spans, None, what, at=spans[0][1] + offset)
                if self.playing is not None:
                    self.playing.then = then
                    self.playing.again = again
            elif then is not None:  # 50 segments with no take: on to the next ones
                self._play_project(*then, again=again)

        run_task(assemble, play, self.on_error)

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

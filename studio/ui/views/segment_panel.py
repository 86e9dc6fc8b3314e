"""Review of the selected segment: play, regenerate, edit, lock, approve, takes.

Its undoable changes are in ``review_commands``, its playback in
``review_playback``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
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
from studio.core.store import Library, Segment, Take
from studio.errors import UserError
from studio.service import review
from studio.ui import words
from studio.ui.qa import QA_COLORS, QA_GLYPHS, format_metrics, qa_label
from studio.ui.tasks import engine_starter, run_task
from studio.ui.views.review_commands import BatchCommand, EditTextCommand
from studio.ui.views.review_playback import PlaybackPanel, Playing, assemble_part
from studio.ui.widgets.aligned import AlignedText
from studio.ui.widgets.transport import TransportBar
from studio.ui.widgets.waveform import Waveform

PROJECT_CHUNK = 50  # segments assembled at a time for playback of the project


class SegmentPanel(PlaybackPanel):
    """Actions on one segment, with the keyboard shortcuts of the issue.

    It owns playback (its base, :class:`PlaybackPanel`): a take (Space, B)
    or the project from a segment (Shift+Space), which it assembles a chunk
    of segments at a time."""

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
        if self.segment is None:  # disabled buttons count nothing ("Regenerate", not "(7)")
            self.buttons["lock"].setText(self.tr("Lock"))
            self.buttons["approve"].setText(self.tr("Approve"))
            self.buttons["regenerate"].setText(self.tr("Regenerate"))
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
            if take.host:  # which machine made it, and on what: the farm's takes differ
                label += f", {take.host} {take.device}"
            if take.id == segment.current_take_id and segment.done:
                label += " " + self.tr("(current)")
            elif not self.library.take_is_current(take.id, segment.id):
                label += " " + self._why_not_current(take, segment)
            self.takes.addItem(label, take.id)
            if take.id == segment.current_take_id:
                self.takes.setCurrentIndex(self.takes.count() - 1)
        self._show_playing_take()
        self._load_waveform()
        self._load_check()

    def _why_not_current(self, take: Take, segment: Segment) -> str:
        """What a take no longer matches: the words, their pronunciation (a
        lexicon change), the speed, or the voice."""
        if take.text != segment.text:
            return self.tr("(other text)")
        if take.speech != segment.speech:
            return self.tr("(other pronunciation)")
        if take.speed != segment.speed:
            return self.tr("(other speed)")
        return self.tr("(other voice)")

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
            from studio.service import qa

            with Library.open(root) as library:
                return qa.take(library, take_id)

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
            batch = review.regenerate(self.library, self.selected, partial=True,
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

        run_task(lambda: assemble_part(root, project_id, start, count, end), play,
                 self.on_error)


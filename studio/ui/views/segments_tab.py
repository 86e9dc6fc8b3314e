"""The Segments tab of the Projects page: the transport and the timeline of
the whole project over the filter bar, the find bar, the segments table
beside the document, and the segment panel under them.

It keeps them on one selection: the table's selection is shown by the
panel, the timeline and the document; a selection in the document, a
timeline click, playback moving on, a match found select in the table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from studio.core.store import DONE_STATES, Library
from studio.errors import UserError
from studio.ui.tasks import run_task
from studio.ui.views.filter_bar import FilterBar
from studio.ui.views.find_bar import FindBar
from studio.ui.views.segment_panel import SegmentPanel
from studio.ui.views.segments_table import SegmentsTable
from studio.ui.widgets.document import DocumentView
from studio.ui.widgets.timeline import Timeline, build_envelopes

translate = QCoreApplication.translate  # (context, text): the strings are extracted


class SegmentsTab(QWidget):
    """The selected project's segments, to review one by one or several at once."""

    to_front = Signal()  # this tab should be the one shown (N / Shift+N from another)

    def __init__(self, library: Library, undo: QUndoStack, changed: Callable[[], None],
                 on_error: Callable[..., None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.undo, self.changed, self.on_error = library, undo, changed, on_error
        self.panel = SegmentPanel(library, undo, changed, on_error)
        self.panel_row: dict[str, Any] | None = None  # the panel's segment as last shown
        self.table = SegmentsTable(library)
        self.table.edit_requested.connect(lambda: self.panel.edit())
        self.table.selectionModel().currentRowChanged.connect(self.segment_selected)
        self.table.selectionModel().selectionChanged.connect(self.segment_selected)
        self._shown_selection: tuple[int | None, tuple[int, ...]] = (None, ())
        self.filter_bar = FilterBar()
        self.filter_bar.chosen.connect(self._filter_chosen)
        self.filter_bar.flagged_wanted.connect(self.show_flagged)
        self.filter_bar.step_wanted.connect(self.next_flagged)
        self.timeline = Timeline()  # the whole project as exported, with a playhead
        self.timeline.seek.connect(self._seek)
        self._timeline_key: tuple[object, ...] | None = None
        self._timeline_name: str | None = None
        self._timeline_read: dict[int, float] = {}  # segment id: take length read
        self._timeline_busy = False
        self.panel.following.connect(self.table.select_segment)
        self.panel.playhead.connect(self.timeline.set_playhead)
        self.panel.transport.previous.connect(lambda: self._step(-1))
        self.panel.transport.next.connect(lambda: self._step(1))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel.transport)
        layout.addWidget(self.timeline)
        layout.addWidget(self.filter_bar)
        # find and replace (Ctrl+F, Ctrl+H) over the rows in memory
        self.find_bar = FindBar(library, undo, rows=lambda: self.table.segments.rows,
                                changed=changed, on_error=on_error,
                                shown=self.table.shown_rows)  # what the filter shows
        self.find_bar.close_on_escape_in(self)
        self.find_bar.found.connect(lambda i, _s, _e: self.table.select_segment(i) if i >= 0
                                    else None)
        self.find_bar.closed.connect(self.table.setFocus)
        self.find_bar.said.connect(self.panel.say)
        layout.addWidget(self.find_bar)
        # the document beside the table: the script as paragraphs of segments,
        # one selection shared with the table
        self.document = DocumentView()
        self.document.selection_changed.connect(self._document_selected)
        self.document.play_from.connect(self._document_play)
        self.document.edit_requested.connect(self._document_edit)
        self.document.action_requested.connect(self._document_action)
        self.document.refused.connect(self.panel.say)
        self.panel.following.connect(self.document.set_playing)
        self.panel.playhead.connect(
            lambda segment_id, _into: self.document.set_playing(None) if segment_id < 0
            else None)
        self.beside = QSplitter()
        self.beside.addWidget(self.table)
        self.beside.addWidget(self.document)
        self.beside.setSizes([640, 400])
        layout.addWidget(self.beside, 1)
        layout.addWidget(self.panel)

    # ------------------------------------------------------------ one selection
    def segment_selected(self, *_: object, force: bool = False) -> None:
        """The table's selection or cursor moved: the panel shows the cursor's
        segment, and batch actions apply to every selected one."""
        current = self.table.current_id()
        selected = self.table.selected_ids()
        if current is None and selected:
            current = selected[0]
        key = (current, tuple(selected))
        if key == self._shown_selection and not force:
            return
        self._shown_selection = key
        self.panel.show_segment(current, selected)
        self.panel_row = next((dict(row) for row in self.table.segments.rows
                               if row["id"] == current), None)
        self.timeline.select(current)
        if self.document.selected_ids() != selected:
            self.document.select(selected)

    def forget_selection(self) -> None:
        """Another project, or the segment is gone: nothing may act on it."""
        self.table.clearSelection()
        self.panel.show_segment(None)
        self.timeline.select(None)  # nor show it selected
        self._shown_selection = (None, ())

    def _filter_chosen(self) -> None:
        """Show the segments in the chosen state; the selection keeps what stays shown."""
        self.table.shown.set_filter(self.filter_bar.keep())
        self.segment_selected()
        self.find_bar.refresh()  # it counts the rows shown

    def _document_selected(self, ids: list[int]) -> None:
        """The user selected segments in the document: the table follows."""
        current = self.document.current_id()
        self.table.select_ids(ids, current if current in ids else (ids[-1] if ids else None))
        if ids:
            self.table.reveal(current if current in ids else ids[-1])

    def _document_play(self, segment_id: int) -> None:
        """A double-click in the document: play the project from there."""
        self.table.select_segment(segment_id)
        self.panel.play_from_here()

    def _document_edit(self, segment_id: int, text: str) -> None:
        """An edit in place in the document: the same undoable edit as F2."""
        from studio.ui.views.review_commands import EditTextCommand

        try:
            self.undo.push(EditTextCommand(self.library, segment_id,
                                           self.library.segment(segment_id).source, text,
                                           self.changed))
        except UserError as err:
            self.on_error(err)

    def _document_action(self, name: str, ids: list[int]) -> None:
        """The document's context menu: the panel's batch actions on those segments."""
        if not ids:
            return
        self.table.select_ids(ids, ids[0])
        self.segment_selected()
        if name == "play":
            self.panel.play_from_here()
        elif name == "regenerate":
            self.panel.regenerate()
        elif name in ("lock", "unlock"):
            self.panel.batch("lock", name == "lock")
        elif name in ("approve", "unapprove"):
            self.panel.batch("approve", name == "approve")

    # ------------------------------------------------------------ moving about
    def _seek(self, segment_id: int, into: float) -> None:
        """A click on the timeline: select the segment; if the project plays,
        play on from there."""
        self.table.select_segment(segment_id)
        playing = self.panel.playing
        if playing is not None and playing.take_id is None and playing.paused_at is None:
            self.panel.play_from_here(into)

    def _step(self, by: int) -> None:
        """Previous/next segment (of those shown); playback of the project moves with it."""
        shown = self.table.shown.rowCount()
        if not shown:
            return
        row = min(max(0, self.table.currentIndex().row() + by), shown - 1)
        self.table.select_segment(
            self.table.segments.rows[self.table.shown.source_row(row)]["id"])
        playing = self.panel.playing
        if playing is not None and playing.take_id is None and playing.paused_at is None:
            self.panel.play_from_here()

    def show_segment(self, segment_id: int) -> None:
        """Select a segment (all segments shown if the filter hid it), the
        table focused."""
        if self.table.hides(segment_id):
            self.filter_bar.choose("all")
        self.table.select_segment(segment_id)
        self.table.setFocus()

    def show_flagged(self) -> None:
        """Show only the segments that need review, the first one selected."""
        self.filter_bar.choose("flagged")
        if self.table.shown.rowCount() and self.table.current_id() is None:
            self.next_flagged(1)

    def next_flagged(self, step: int = 1) -> None:
        """N / Shift+N: select the next (previous) segment that needs review,
        after (before) the current one, round the end; a filter that hides
        it makes way for all segments."""
        rows = self.table.segments.rows
        flagged = [n for n, row in enumerate(rows) if row["status"] == "flagged"]
        if not flagged:
            self.panel.say(translate("ProjectsView", "No segment needs review"))
            return
        current = self.table.current_id()
        at = next((n for n, row in enumerate(rows) if row["id"] == current), -1)
        if step > 0:
            target = next((n for n in flagged if n > at), flagged[0])
        else:
            target = next((n for n in reversed(flagged) if n < at or at < 0), flagged[-1])
        if self.table.shown.shown_row(target) < 0:
            self.filter_bar.choose("all")
        self.to_front.emit()
        # that one alone (not a range: Shift is held for Shift+N)
        self.table.select_ids([rows[target]["id"]], rows[target]["id"])
        self.table.reveal(rows[target]["id"])
        self.table.setFocus()
        place = flagged.index(target) + 1
        self.panel.say(translate("ProjectsView", "Needs review: segment %d (%d of %d)")
                       % (rows[target]["number"], place, len(flagged)))

    # ------------------------------------------------------------ shown on a later turn
    def show_document(self) -> None:
        """The document shows the rows the table has."""
        self.document.set_rows(self.table.segments.rows)

    def show_counts(self) -> None:
        """The filter bar counts the rows the table has."""
        self.filter_bar.show_counts(self.table.segments.rows)

    def show_timeline(self, name: str) -> None:
        """Lay the timeline out from the rows; envelopes of newly rendered
        segments are read on the thread pool (never audio on the GUI thread).
        No store query here: the rows were just read."""
        rows = self.table.segments.rows
        if name != self._timeline_name:  # another project: forget the last one's audio
            self._timeline_name, self._timeline_key = name, None
            self.timeline.envelopes, self._timeline_read = {}, {}
        self.timeline.set_segments(rows)
        key = tuple((r["id"], r["status"], r["duration_s"]) for r in rows)
        if key == self._timeline_key or self._timeline_busy:
            return
        self._timeline_key = key
        read = self._timeline_read  # a new take (another length) is read again
        asked = {r["id"]: r["duration_s"] for r in rows if r["status"] in DONE_STATES
                 and r["duration_s"] and read.get(r["id"]) != r["duration_s"]}
        wanted = set(asked)
        if not wanted:
            return
        root = self.library.root
        self._timeline_busy = True

        def done(found: dict) -> None:  # type: ignore[type-arg]
            self._timeline_busy = False
            if self._timeline_name == name:
                self._timeline_read.update({i: asked[i] for i in found})
                self.timeline.set_envelopes({**self.timeline.envelopes, **found})
                self._timeline_key = None  # read what changed meanwhile
                self.show_timeline(name)

        def failed(err: Exception, details: str) -> None:
            self._timeline_busy = False
            self.on_error(err, details)

        run_task(lambda: build_envelopes(root, name, wanted), done, failed)

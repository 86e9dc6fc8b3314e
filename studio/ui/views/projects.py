"""Projects: the list, the segments of the selected one, render and progress."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.core.store import DONE_STATES, Library, Project
from studio.errors import UserError
from studio.text import Script
from studio.ui.eta import Eta
from studio.ui.qa import QA_COLORS, QA_GLYPHS, qa_tooltip
from studio.ui.qt_models import Column, RowFilter, RowsModel, seconds
from studio.ui.states import state_label
from studio.ui.tasks import run_in_process, run_task
from studio.ui.views.base import View, cached_fit
from studio.ui.views.find_bar import FindBar
from studio.ui.views.segment_panel import SegmentPanel
from studio.ui.widgets.document import DocumentView
from studio.ui.widgets.script_check import ScriptChecker
from studio.ui.widgets.steady_label import SteadyLabel
from studio.ui.widgets.timeline import Timeline, build_envelopes


class ProjectsView(View):
    """Projects and their segments (a model over the store, not a widget per row)."""

    title = QT_TRANSLATE_NOOP("View", "Projects")

    def __init__(self, library: Library, undo: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(library, parent)
        self.panel = SegmentPanel(library, undo, self.refresh, self.show_error)
        self._etas: dict[int, Eta] = {}  # time left, per project
        self._staged: set[Callable[[], None]] = set()  # refresh steps due next turn
        self._panel_row: dict[str, Any] | None = None  # the panel's segment as last shown
        self._reading = False  # segment rows being read on the thread pool
        self._read_again = False
        self._shown_script: str | None = None
        self.projects = RowsModel([Column(self.tr("Project"), "name")], self)
        self.project_list = QListView()
        self.project_list.setModel(self.projects)
        self.project_list.selectionModel().currentChanged.connect(lambda *_: self.refresh())

        self.segments = RowsModel([
            Column("#", "number", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Text"), "text"),
            Column(self.tr("Voice"), "voice"),
            Column(self.tr("Status"), "shown_state", self._state_label),
            Column(self.tr("QA"), "qa", lambda v: QA_GLYPHS.get(v, "?"),
                   Qt.AlignmentFlag.AlignCenter, tip=qa_tooltip, color=QA_COLORS.get),
            Column(self.tr("Length"), "duration_s", seconds, Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Takes"), "takes", align=Qt.AlignmentFlag.AlignRight),
        ], self)
        self.shown = RowFilter(self.segments, self)  # the rows the state filter keeps
        self.table = QTableView()
        self.table.setModel(self.shown)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # several rows at once (Shift/Ctrl+click, Ctrl+A): batch review
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()  # fixed widths: no per-row measuring
        for column, width in enumerate((44, 0, 84, 130, 36, 64, 48)):
            if width:
                self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _: self.panel.edit())
        # a right-click: edit, and "Pronounce as…" one of the segment's words
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.table.selectionModel().currentRowChanged.connect(self._segment_selected)
        self.table.selectionModel().selectionChanged.connect(self._segment_selected)
        self._shown_selection: tuple[int | None, tuple[int, ...]] = (None, ())
        # which segments the table shows, and how many there are of each kind
        self.filter_picker = QComboBox()
        self.filter_picker.setToolTip(self.tr("Show only the segments in one state"))
        self.filter_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # its entries carry counts: never squeezed below them by the labels beside it
        self.filter_picker.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.filters: dict[str, tuple[str, Callable[[dict[str, Any]], bool] | None]] = {
            "all": (self.tr("All segments"), None),
            # take QA found something a person should hear
            "flagged": (self.tr("Needs review"), lambda r: r["status"] == "flagged"),
            # rendered, not yet approved (whatever QA said)
            "review": (self.tr("Not approved"),
                       lambda r: r["status"] in ("rendered", "flagged")),
            "todo": (self.tr("Not rendered"), lambda r: r["status"] not in DONE_STATES),
            "failed": (self.tr("Failed"), lambda r: r["status"] == "failed"),
            "approved": (self.tr("Approved"), lambda r: r["status"] == "approved"),
            "locked": (self.tr("Locked"), lambda r: bool(r["locked"])),
        }
        for key, (label, _keep) in self.filters.items():
            self.filter_picker.addItem(f"{label} (00000)", key)
        # its entries carry counts that change with every take: a size of its
        # own keeps each change from re-laying out (and repainting) the tab
        self.filter_picker.setFixedSize(self.filter_picker.sizeHint())
        for index, (label, _keep) in enumerate(self.filters.values()):
            self.filter_picker.setItemText(index, label)
        self.filter_picker.currentIndexChanged.connect(lambda _: self._filter_chosen())
        # approved x / y, not approved, not rendered, failed, locked: changes with
        # every take, so a label that does not re-lay the tab out
        self.counts = SteadyLabel()
        # how many segments take QA flagged, a link that shows them, and a
        # jump to the next (N) or previous (Shift+N) of them
        self.flagged_note = QLabel()
        self.flagged_note.setTextFormat(Qt.TextFormat.RichText)
        self.flagged_note.linkActivated.connect(lambda _: self.show_flagged())
        self.flagged_note.setToolTip(self.tr(
            "Segments whose best take QA found wanting: listen, then approve, "
            "edit or regenerate them"))
        self.flagged_buttons: dict[int, QPushButton] = {}
        for step, label, key, tip in (
            (-1, "◀", "Shift+N",
             self.tr("Select the previous segment that needs review (Shift+N)")),
            (1, "▶", "N",
             self.tr("Select the next segment that needs review (N)")),
        ):
            button = QPushButton(label)
            button.setFixedWidth(32)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, step=step: self.next_flagged(step))
            action = QAction(tip, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, step=step: self.next_flagged(step))
            self.addAction(action)
            self.flagged_buttons[step] = button

        self.render_button = QPushButton(self.tr("Render all"))
        self.render_button.clicked.connect(self.render_all)
        self.render_button.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m")
        self.summary = QLabel()
        self.voice_label = QLabel()  # the project's voice and the backend that speaks it
        self.voice_picker = QComboBox()  # the project's voice, chosen here
        self.voice_picker.setToolTip(self.tr("The project's voice (locked segments keep theirs)"))
        self.voice_picker.activated.connect(self._voice_chosen)
        bar = QHBoxLayout()
        bar.addWidget(self.render_button)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.summary)
        bar.addSpacing(16)
        bar.addWidget(self.voice_picker)
        bar.addWidget(self.voice_label)

        self.timeline = Timeline()  # the whole project as exported, with a playhead
        self.timeline.seek.connect(self._seek)
        self._timeline_key: tuple[object, ...] | None = None
        self._timeline_name: str | None = None
        self._timeline_read: dict[int, float] = {}  # segment id: take length read
        self._timeline_busy = False
        self.panel.following.connect(self._select_segment)
        self.panel.playhead.connect(self.timeline.set_playhead)
        self.panel.transport.previous.connect(lambda: self._step(-1))
        self.panel.transport.next.connect(lambda: self._step(1))
        segments_page = QWidget()
        segments_layout = QVBoxLayout(segments_page)
        segments_layout.setContentsMargins(0, 0, 0, 0)
        segments_layout.addWidget(self.panel.transport)
        segments_layout.addWidget(self.timeline)
        filter_bar = QHBoxLayout()
        filter_bar.addWidget(QLabel(self.tr("Show:")))
        filter_bar.addWidget(self.filter_picker)
        filter_bar.addWidget(self.counts, 1)
        filter_bar.addWidget(self.flagged_note)
        filter_bar.addWidget(self.flagged_buttons[-1])
        filter_bar.addWidget(self.flagged_buttons[1])
        segments_layout.addLayout(filter_bar)
        # find and replace (Ctrl+F, Ctrl+H) over the rows in memory
        self.find_bar = FindBar(library, undo, rows=lambda: self.segments.rows,
                                changed=self.refresh, on_error=self.show_error)
        self.find_bar.found.connect(lambda i, _s, _e: self._select_segment(i) if i >= 0
                                    else None)
        self.find_bar.closed.connect(self.table.setFocus)
        self.find_bar.said.connect(self.panel.say)
        segments_layout.addWidget(self.find_bar)
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
        segments_layout.addWidget(self.beside, 1)
        segments_layout.addWidget(self.panel)
        self.script = QPlainTextEdit()
        self.script.setPlaceholderText(self.tr("Paste or type the script here."))
        self.apply_button = QPushButton(self.tr("Apply changes"))
        self.apply_button.setToolTip(self.tr(
            "Split the edited script into segments (Ctrl+Return). Segments you did not "
            "change keep their takes; in a project being rendered, the changed ones "
            "render again."))
        self.apply_button.clicked.connect(self.apply_script)
        self.apply_button.setShortcut(QKeySequence("Ctrl+Return"))
        script_page = QWidget()
        script_layout = QVBoxLayout(script_page)
        script_layout.setContentsMargins(0, 0, 0, 0)
        script_layout.addWidget(self.script, 1)
        # markup highlighted as one types; a markup error underlined and said here
        self.script_problem = QLabel()
        self.script_check = ScriptChecker(self.script, self.script_problem)
        script_layout.addWidget(self.script_problem)
        script_layout.addWidget(self.apply_button)
        self.tabs = QTabWidget()
        self.tabs.addTab(segments_page, self.tr("Segments"))
        self.tabs.addTab(script_page, self.tr("Script"))
        self.script_page = script_page
        self.undo = undo
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.tabs, 1)
        self.new_button = QPushButton(self.tr("New project…"))
        self.new_button.clicked.connect(lambda: self.new_project())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.project_list, 1)
        left_layout.addWidget(self.new_button)
        self.dialog: QWidget | None = None  # the open name dialog, if any
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([180, 940])
        self.layout_.addWidget(splitter, 1)
        self.refresh_projects()

    def current_project(self) -> Project | None:
        """The selected project, if any."""
        index = self.project_list.currentIndex()
        if not index.isValid():
            return None
        return self.library.find_project(self.projects.row(index.row())["name"])

    def refresh_projects(self) -> None:
        """Re-read the project list, keeping the selection."""
        current = self.current_project()
        self.projects.set_rows(self.library.projects())
        names = [row["name"] for row in self.projects.rows]
        if names:
            row = names.index(current.name) if current and current.name in names else 0
            self.project_list.setCurrentIndex(self.projects.index(row, 0))

    def select_project(self, name: str) -> bool:
        """Select the project named ``name``; False if there is none."""
        names = [row["name"].casefold() for row in self.projects.rows]
        if name.casefold() not in names:
            return False
        self.project_list.setCurrentIndex(self.projects.index(names.index(name.casefold()), 0))
        return True

    def refresh_from_store(self) -> None:
        """The store changed under the window (a take landed, another process
        wrote): the segment rows are read on the thread pool, then shown, so
        the query never holds the GUI thread during a render. One read at a
        time; a change meanwhile reads again."""
        project = self.current_project()
        if self._reading:
            self._read_again = True
            return
        names = [row["name"] for row in self.projects.rows]
        if project is None or names != self.library.project_names():
            self.refresh()
            return
        self._reading = True
        root, project_id = self.root, project.id

        def read() -> list[dict[str, Any]]:
            with Library.open(root) as library:
                return library.segment_rows(project_id)

        def done(rows: list[dict[str, Any]]) -> None:
            self._reading = False
            current = self.current_project()
            if current is not None and current.id == project_id:
                self.refresh(rows, staged=True)
            if self._read_again:
                self._read_again = False
                self.refresh_from_store()

        def failed(err: Exception, details: str) -> None:
            self._reading = False
            self.show_error(err, details)

        run_task(read, done, failed)

    def refresh(self, rows: list[dict[str, Any]] | None = None, staged: bool = False) -> None:
        """Re-read and show the selected project (``rows``: its segment rows,
        just read elsewhere).

        ``staged`` (a take landed while the project renders): the table and
        the selection are brought up to date now, and the document, the
        timeline, the counts and the progress each on a later turn of the
        event loop, so that no single turn holds the GUI thread for all of
        them (measured: 16 ms of work per refresh on 1,000 segments, which
        on a busy machine stretched to over 50 ms between two events)."""
        names = [row["name"] for row in self.projects.rows]
        if names != self.library.project_names():  # a project new, renamed or trashed
            self.refresh_projects()
        project = self.current_project()
        if project is None:
            self.segments.set_rows([])
            self.document.set_rows([])
            self.panel.show_segment(None)
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.progress.setFormat(self.tr("No project"))  # not "0 / 1"
            self.render_button.setEnabled(False)
            self.voice_picker.setEnabled(False)
            self.voice_label.clear()
            self.summary.setText(self.tr("No project yet: New project, paste a script, "
                                         "or drop a text file here"))
            return
        self.voice_picker.setEnabled(True)
        # compare with what was last shown, not toPlainText() (100k characters per refresh)
        if not self.script.document().isModified() and self._shown_script != project.script:
            self.script.setPlainText(project.script)
            self.script.document().setModified(False)
            self._shown_script = project.script
        current = self.panel.segment.id if self.panel.segment else None
        selected = self.selected_ids()
        rows = self.library.segment_rows(project.id) if rows is None else rows
        for row in rows:  # the state and the lock, shown together in one column
            row["shown_state"] = (row["status"], bool(row["locked"]))
        self.segments.set_rows(rows)
        self.find_bar.refresh()
        progress = self._show_progress_staged if staged else self._show_progress
        for step in (self._show_document, self._show_timeline, self._show_counts, progress):
            if staged:
                self._stage(step)
            else:
                step()
        by_id = {row["id"]: row for row in self.segments.rows}
        if current in by_id:
            if self.selected_ids() != selected:  # the rows were replaced: select again
                self.select_ids([i for i in selected if i in by_id], current)
            # the panel reads the segment, its takes and the voices, and refills
            # its pickers (a relayout and a repaint of the panel): only when
            # the shown segment changed, not for every take that lands elsewhere
            if not staged or by_id[current] != self._panel_row:
                self._segment_selected(force=True)
        else:  # another project, or the segment is gone: nothing may act on it
            self.table.clearSelection()
            self.panel.show_segment(None)
            self.timeline.select(None)  # nor show it selected
            self._shown_selection = (None, ())

    def _stage(self, step: Callable[[], None]) -> None:
        """Run ``step`` on the next turn of the event loop, once however often
        it is asked for meanwhile; it shows the rows the table has then."""
        if step in self._staged:
            return
        self._staged.add(step)

        def run() -> None:
            self._staged.discard(step)
            step()

        QTimer.singleShot(0, self, run)

    def _show_document(self) -> None:
        self.document.set_rows(self.segments.rows)

    def _show_timeline(self) -> None:
        project = self.current_project()
        if project is not None:
            self._refresh_timeline(project.name)

    def _show_progress_staged(self) -> None:
        self._show_progress(staged=True)

    def _show_progress(self, staged: bool = False) -> None:
        """The progress bar, the time left and the summary, from the rows the
        table shows (no more queries), and whether the voice can render
        (``staged``: checked again on the thread pool when that is due)."""
        project = self.current_project()
        if project is None:
            return
        rows = self.segments.rows
        rendered = sum(1 for row in rows if row["status"] in DONE_STATES)
        failed = sum(1 for row in rows if row["status"] == "failed")
        self.progress.setRange(0, max(1, len(rows)))
        # on the next turn of the loop: QProgressBar.setValue repaints at once,
        # which would paint the whole window's pending updates inside this step
        QTimer.singleShot(0, self, lambda: self.progress.setValue(rendered))
        active = any(row["job"] for row in rows)
        eta = self._etas.setdefault(project.id, Eta())
        left = eta.update(time.monotonic(), rendered, len(rows), active and not project.paused)
        if not rows:  # not "0 / 1"
            self.progress.setFormat(self.tr("No segments yet: paste the script in the "
                                            "Script tab and Apply (Ctrl+Return)"))
        elif project.paused and active:  # nothing renders: no time left to promise
            self.progress.setFormat("%v / %m" + self.tr(" — paused (resume it in the Queue)"))
        else:
            self.progress.setFormat("%v / %m" + ("" if left is None else " — " + Eta.text(left)))
        total_s = sum(row["duration_s"] or 0 for row in rows)
        self.summary.setText(self.tr("%s rendered, %d failed") % (seconds(total_s), failed))
        self._show_fit(project, staged)

    def _state_label(self, shown: tuple[str, bool]) -> str:
        """A segment's state in words, and its lock."""
        state, locked = shown
        label = state_label(state)
        return f"{label} · {self.tr('locked')}" if locked else label

    def _show_fit(self, project: Project, staged: bool = False) -> None:
        """Which backend speaks the project's voice; Render all only when it can."""
        voice = self.library.voice(project.voice_id)
        voices = [(v.name, v.id) for v in self.library.voices()]
        if [(self.voice_picker.itemText(i), self.voice_picker.itemData(i))
                for i in range(self.voice_picker.count())] != voices:
            self.voice_picker.clear()
            for name, voice_id in voices:
                self.voice_picker.addItem(name, voice_id)
        self.voice_picker.setCurrentIndex(self.voice_picker.findData(voice.id))
        fit = cached_fit(self.library, voice,
                         (lambda: self._stage(self._show_progress_staged)) if staged else None)
        text = self.tr("Voice: %s · %s") % (voice.name, fit.backend or "-")
        if fit.problem:
            text = "⚠ " + text + " " + self.tr("(cannot render here)")
        self.voice_label.setText(text)
        self.voice_label.setToolTip(fit.problem or "")
        self.render_button.setEnabled(fit.usable)
        self.render_button.setToolTip(fit.problem or self.tr(
            "Render every segment that has no take of its present text and voice "
            "(Ctrl+Shift+R; locked segments are left as they are)"))

    def selected_ids(self) -> list[int]:
        """The selected segments, in script order."""
        rows = sorted(self.shown.source_row(i.row())
                      for i in self.table.selectionModel().selectedRows())
        return [self.segments.rows[r]["id"] for r in rows]

    def current_id(self) -> int | None:
        """The segment the table's cursor is on (the one the panel shows)."""
        row = self.table.currentIndex().row()
        if row < 0 or not self.table.selectionModel().isRowSelected(row):
            return None
        return int(self.segments.rows[self.shown.source_row(row)]["id"])

    def select_ids(self, ids: list[int], current: int | None = None) -> None:
        """Select these segments (those the filter shows), the cursor on ``current``."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        positions = {row["id"]: n for n, row in enumerate(self.segments.rows)}
        selection = QItemSelection()
        for segment_id in ids:
            row = self.shown.shown_row(positions.get(segment_id, -1)) \
                if segment_id in positions else -1
            if row >= 0:
                selection.select(self.shown.index(row, 0),
                                 self.shown.index(row, self.shown.columnCount() - 1))
        model = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        if current in positions:
            row = self.shown.shown_row(positions[current])
            if row >= 0:
                model.setCurrentIndex(self.shown.index(row, 0), flags.NoUpdate)
        model.select(selection, flags.ClearAndSelect)

    def _segment_selected(self, *_: object, force: bool = False) -> None:
        """The table's selection or cursor moved: the panel shows the cursor's
        segment, and batch actions apply to every selected one."""
        current = self.current_id()
        selected = self.selected_ids()
        if current is None and selected:
            current = selected[0]
        key = (current, tuple(selected))
        if key == self._shown_selection and not force:
            return
        self._shown_selection = key
        self.panel.show_segment(current, selected)
        self._panel_row = next((dict(row) for row in self.segments.rows
                                if row["id"] == current), None)
        self.timeline.select(current)
        if self.document.selected_ids() != selected:
            self.document.select(selected)

    def _document_selected(self, ids: list[int]) -> None:
        """The user selected segments in the document: the table follows."""
        current = self.document.current_id()
        self.select_ids(ids, current if current in ids else (ids[-1] if ids else None))
        if ids:
            self._reveal(current if current in ids else ids[-1])

    def _reveal(self, segment_id: int) -> None:
        ids = [row["id"] for row in self.segments.rows]
        if segment_id in ids:
            row = self.shown.shown_row(ids.index(segment_id))
            if row >= 0:
                self.table.scrollTo(self.shown.index(row, 0))

    def _document_play(self, segment_id: int) -> None:
        """A double-click in the document: play the project from there."""
        self._select_segment(segment_id)
        self.panel.play_from_here()

    def _document_edit(self, segment_id: int, text: str) -> None:
        """An edit in place in the document: the same undoable edit as F2."""
        from studio.ui.views.segment_panel import EditTextCommand

        try:
            self.undo.push(EditTextCommand(self.library, segment_id,
                                           self.library.segment(segment_id).source, text,
                                           self.refresh))
        except UserError as err:
            self.show_error(err)

    def _document_action(self, name: str, ids: list[int]) -> None:
        """The document's context menu: the panel's batch actions on those segments."""
        if not ids:
            return
        self.select_ids(ids, ids[0])
        self._segment_selected()
        if name == "play":
            self.panel.play_from_here()
        elif name == "regenerate":
            self.panel.regenerate()
        elif name in ("lock", "unlock"):
            self.panel.batch("lock", name == "lock")
        elif name in ("approve", "unapprove"):
            self.panel.batch("approve", name == "approve")

    # ------------------------------------------------------------ pronunciation
    def _table_menu(self, pos: QPoint) -> None:
        """Right-click on a segment's row: edit it, or say one of its words
        another way."""
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        row = self.segments.rows[self.shown.source_row(index.row())]
        if row["id"] not in self.selected_ids():
            self.select_ids([row["id"]], row["id"])
        menu = self.segment_menu(int(row["id"]))
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def segment_menu(self, segment_id: int) -> QMenu:
        """The segments table's context menu for one segment."""
        menu = QMenu(self)
        edit = menu.addAction(self.tr("Edit text…"))
        edit.setShortcut(QKeySequence(Qt.Key.Key_F2))
        edit.triggered.connect(lambda: self.panel.edit())
        words = segment_words(self.library.segment(segment_id).text)
        pronounce = menu.addMenu(self.tr("Pronounce as…"))
        pronounce.setToolTip(self.tr("Say a word of this segment another way, in every "
                                     "segment that has it"))
        pronounce.setToolTipsVisible(True)
        for word in words:
            action = pronounce.addAction(word)
            action.triggered.connect(lambda _=False, word=word: self.pronounce(segment_id, word))
        if words:
            pronounce.addSeparator()
        other = pronounce.addAction(self.tr("Another word or phrase…"))
        other.triggered.connect(lambda: self.pronounce(segment_id, ""))
        return menu

    def pronounce(self, segment_id: int, word: str) -> None:
        """"Pronounce as…": the entry dialog for ``word``, with a preview in the
        segment's voice; Save adds it to the project's lexicon (or the library's)."""
        from studio.backends import backend_class
        from studio.core.render import segment_voice
        from studio.ui.views.lexicon_dialog import EntryDialog
        from studio.ui.views.pronunciation import save_entries

        project = self.current_project()
        if project is None:
            return
        segment = self.library.segment(segment_id)
        voice = segment_voice(self.library, segment)
        fit = cached_fit(self.library, voice)
        problem = fit.problem or ("" if fit.backend else self.tr(
            "no backend can speak this voice"))
        phonemes_ok = bool(fit.backend and not problem and backend_class(fit.backend).phonemes)
        known = {e.key: e for e in self.library.lexicon_for(project.id).entries}
        dialog = EntryDialog(
            self.tr("Pronounce as"), term=word, context=segment.text,
            entry=known.get(word.casefold()) or known.get(word),
            scopes=[(self.tr("Project %s") % project.name, project.id),
                    (self.tr("The library (every project)"), None)],
            root=self.root, voice=voice.name, voice_problem=problem,
            phonemes_ok=phonemes_ok or bool(problem), parent=self)

        def save() -> None:
            if dialog.entry is not None:
                save_entries(self, [dialog.entry], dialog.scope(), done=self.refresh)

        dialog.accepted.connect(save)
        self.dialog = dialog
        dialog.open()

    def show_segment_of(self, project: str, segment_id: int) -> None:
        """Select project ``project`` and its segment (all segments shown if
        the filter hid it), in the Segments tab."""
        if not self.select_project(project):
            return
        self.refresh()
        self.tabs.setCurrentIndex(0)
        ids = [row["id"] for row in self.segments.rows]
        if segment_id in ids and self.shown.shown_row(ids.index(segment_id)) < 0:
            self.filter_picker.setCurrentIndex(self.filter_picker.findData("all"))
        self._select_segment(segment_id)
        self.table.setFocus()

    def _filter_chosen(self) -> None:
        """Show the segments in the chosen state; the selection keeps what stays shown."""
        key = self.filter_picker.currentData()
        self.shown.set_filter(self.filters.get(key, ("", None))[1])
        self._segment_selected()

    def _show_counts(self) -> None:
        """Approved x / y and how many need what, from the rows just read;
        the filter's entries carry their counts."""
        rows = self.segments.rows
        count = {key: (sum(1 for row in rows if keep(row)) if keep else len(rows))
                 for key, (_label, keep) in self.filters.items()}
        self.counts.setText(self.tr(
            "Approved %d / %d · not approved %d · not rendered %d · failed %d · locked %d")
            % (count["approved"], count["all"], count["review"], count["todo"],
               count["failed"], count["locked"]))
        flagged = count["flagged"]
        self.flagged_note.setText(
            "" if not flagged else
            f"<span style='color:{QA_COLORS['review']}'>⚠</span> "
            + (self.tr("1 segment needs review") if flagged == 1
               else self.tr("%d segments need review") % flagged)
            + f" · <a href='show'>{self.tr('Show them')}</a>")
        self.flagged_note.setVisible(bool(flagged))
        for button in self.flagged_buttons.values():
            button.setVisible(bool(flagged))
        for index, (label, _keep) in enumerate(self.filters.values()):
            key = self.filter_picker.itemData(index)
            self.filter_picker.setItemText(index, f"{label} ({count[key]})")

    def show_flagged(self) -> None:
        """Show only the segments that need review, the first one selected."""
        self.filter_picker.setCurrentIndex(self.filter_picker.findData("flagged"))
        if self.shown.rowCount() and self.current_id() is None:
            self.next_flagged(1)

    def next_flagged(self, step: int = 1) -> None:
        """N / Shift+N: select the next (previous) segment that needs review,
        after (before) the current one, round the end; a filter that hides
        it makes way for all segments."""
        rows = self.segments.rows
        flagged = [n for n, row in enumerate(rows) if row["status"] == "flagged"]
        if not flagged:
            self.panel.say(self.tr("No segment needs review"))
            return
        current = self.current_id()
        at = next((n for n, row in enumerate(rows) if row["id"] == current), -1)
        if step > 0:
            target = next((n for n in flagged if n > at), flagged[0])
        else:
            target = next((n for n in reversed(flagged) if n < at or at < 0), flagged[-1])
        if self.shown.shown_row(target) < 0:
            self.filter_picker.setCurrentIndex(self.filter_picker.findData("all"))
        self.tabs.setCurrentIndex(0)
        # that one alone (not a range: Shift is held for Shift+N)
        self.select_ids([rows[target]["id"]], rows[target]["id"])
        self._reveal(rows[target]["id"])
        self.table.setFocus()
        place = flagged.index(target) + 1
        self.panel.say(self.tr("Needs review: segment %d (%d of %d)")
                        % (rows[target]["number"], place, len(flagged)))

    def _refresh_timeline(self, name: str) -> None:
        """Lay the timeline out from the rows; envelopes of newly rendered
        segments are read on the thread pool (never audio on the GUI thread).
        No store query here: the rows were just read."""
        rows = self.segments.rows
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
        root = self.root
        self._timeline_busy = True

        def done(found: dict) -> None:  # type: ignore[type-arg]
            self._timeline_busy = False
            if self._timeline_name == name:
                self._timeline_read.update({i: asked[i] for i in found})
                self.timeline.set_envelopes({**self.timeline.envelopes, **found})
                self._timeline_key = None  # read what changed meanwhile
                self._refresh_timeline(name)

        def failed(err: Exception, details: str) -> None:
            self._timeline_busy = False
            self.show_error(err, details)

        run_task(lambda: build_envelopes(root, name, wanted), done, failed)

    def _select_segment(self, segment_id: int) -> None:
        """Select a segment's row (playback follows along, a timeline click);
        a segment the filter hides is not selected."""
        ids = [row["id"] for row in self.segments.rows]
        if segment_id not in ids:
            return
        row = self.shown.shown_row(ids.index(segment_id))
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.shown.index(row, 0))

    def _seek(self, segment_id: int, into: float) -> None:
        """A click on the timeline: select the segment; if the project plays,
        play on from there."""
        self._select_segment(segment_id)
        playing = self.panel.playing
        if playing is not None and playing.take_id is None and playing.paused_at is None:
            self.panel.play_from_here(into)

    def _step(self, by: int) -> None:
        """Previous/next segment (of those shown); playback of the project moves with it."""
        shown = self.shown.rowCount()
        if not shown:
            return
        row = min(max(0, self.table.currentIndex().row() + by), shown - 1)
        self._select_segment(self.segments.rows[self.shown.source_row(row)]["id"])
        playing = self.panel.playing
        if playing is not None and playing.take_id is None and playing.paused_at is None:
            self.panel.play_from_here()

    def open_script(self, path: Path) -> None:
        """New project (or update) from a text file."""
        from studio.text import decode_script

        try:
            raw = decode_script(path.read_bytes(), path.name)
        except (UserError, OSError) as err:
            self.show_error(err)
            return
        self.set_script(path.stem, raw, path.name)

    def _opened(self, name: str) -> None:
        self.refresh_projects()
        names = [row["name"] for row in self.projects.rows]
        if name in names:
            self.project_list.setCurrentIndex(self.projects.index(names.index(name), 0))
        self.refresh()

    def apply_script(self) -> None:
        """Re-split the edited script off the GUI thread (undoable); with no
        project yet, ask its name first, then split into it."""
        text = self.script.toPlainText()
        if self.script_check.inline(text):
            self._apply_checked(text, self.script_check.check_now())
            return
        # a long, heavily marked-up script is checked in the helper process
        from studio.core.pronunciation import markup_problem

        self.apply_button.setEnabled(False)

        def checked(problem: tuple[str, int] | None) -> None:
            self.apply_button.setEnabled(True)
            if self.script.toPlainText() == text:  # else Apply again sees the new text
                self.script_check.show(problem)
                self._apply_checked(text, problem)

        def failed(err: Exception, details: str) -> None:
            self.apply_button.setEnabled(True)
            self.show_error(err, details)

        run_in_process(markup_problem, (text,), checked, failed)

    def _apply_checked(self, text: str, problem: tuple[str, int] | None) -> None:
        """Apply ``text``, checked: a markup error is shown (in place and in a
        box) and nothing is written — no undo step that would do nothing."""
        if problem is not None:
            self.show_error(UserError(problem[0]))
            return
        project = self.current_project()
        if project is None:
            self.new_project(text)
            return
        self.undo.push(ScriptCommand(self, project.name, project.script, text))

    def set_script(self, name: str, text: str, label: str = "the script",
                   render_changes: bool = False) -> None:
        """Re-split project ``name`` to ``text``: the split runs in the helper
        process (it is CPU-bound), the store update on the thread pool. With
        ``render_changes`` (Apply), a project that was being rendered queues
        the segments the edit changed, and only those."""
        from studio.core.render import plan_project, resolve_voice
        from studio.text import prepare_script

        root = self.root
        try:
            _voice, backend = resolve_voice(self.library, name)
        except UserError as err:
            self.show_error(err)
            return
        self.apply_button.setEnabled(False)

        def failed(err: Exception, details: str) -> None:
            self.apply_button.setEnabled(True)
            self.show_error(err, details)

        def store(script: Script) -> None:
            def work() -> tuple[str, str]:
                from studio import service

                with Library.open(root) as library:
                    found = library.find_project(name)
                    before = {r["id"]: r["status"] for r in
                              (library.segment_rows(found.id) if found else [])}
                    saved = plan_project(library, text, name, prepared=script).sync.project
                    after = library.segment_rows(saved.id)
                    changed = [r["id"] for r in after if r["status"] not in DONE_STATES
                               and (r["id"] not in before or before[r["id"]] in DONE_STATES)]
                    rendering = any(state in DONE_STATES for state in before.values())
                    if not (render_changes and rendering and changed):
                        return saved.name, ""
                    try:
                        queued = service.queue_project(library, saved, only=changed)
                    except UserError as err:  # paused: the edit is saved, say why not
                        return saved.name, err.problem
                    if queued.new_jobs:
                        service.ensure_engine(root)
                    return saved.name, queued.describe()

            run_task(work, done, failed)

        def done(result: tuple[str, str]) -> None:
            saved, said = result
            self.apply_button.setEnabled(True)
            self.script.document().setModified(False)
            if self.script.toPlainText() == text:  # after Apply the editor holds it already
                self._shown_script = text
            self._opened(saved)
            if said:
                self.panel.say(said)

        split = functools.partial(prepare_script, name=label)  # picklable: a module function
        run_in_process(split, (text, backend.max_chars), store, failed)

    def render_all(self) -> None:
        """Queue every segment that needs a take, and make sure the engine runs."""
        from studio import service

        project = self.current_project()
        if project is None:
            return
        fit = cached_fit(self.library, self.library.voice(project.voice_id))
        if fit.problem or fit.backend is None:  # a clone never falls back to another backend
            self.show_error(UserError(fit.problem or self.tr("no backend can speak this voice")))
            return
        try:
            queued = service.queue_project(self.library, project)
        except UserError as err:
            self.show_error(err)
            return
        self.panel.say(queued.describe())
        if queued.todo:
            root = self.root
            run_task(lambda: service.ensure_engine(root), lambda pid: self.refresh(),
                     self.show_error)


    # ------------------------------------------------------------ lifecycle
    def new_project(self, text: str | None = None) -> None:
        """Ask a name and a voice; create the empty project, select it and
        open its Script tab (with ``text``, the pasted script, split into it)."""
        from studio.ui.views.project_dialog import ProjectDialog

        dialog = ProjectDialog(self.library, self.tr("New project"), ask_voice=True,
                               parent=self)

        def create() -> None:
            voice = dialog.voice()
            assert voice is not None
            try:
                project = self.library.create_project(dialog.name(), voice)
            except UserError as err:
                self.show_error(err)
                return
            self._opened(project.name)
            self.tabs.setCurrentWidget(self.script_page)
            self.script.setFocus()
            if text and text.strip():
                self.undo.push(ScriptCommand(self, project.name, "", text))

        dialog.accepted.connect(create)
        self.dialog = dialog
        dialog.open()

    def rename_project(self) -> None:
        """Ask a new name for the selected project (undoable)."""
        from studio.ui.views.project_dialog import ProjectDialog

        project = self.current_project()
        if project is None:
            return
        dialog = ProjectDialog(self.library, self.tr("Rename project"), name=project.name,
                               keep=project.name, parent=self)
        dialog.accepted.connect(lambda: self.undo.push(
            LifecycleCommand(self, "rename", project.name, dialog.name())))
        self.dialog = dialog
        dialog.open()

    def duplicate_project(self) -> None:
        """Ask the copy's name; copy the project with its current takes (undoable)."""
        from studio.ui.views.project_dialog import ProjectDialog

        project = self.current_project()
        if project is None:
            return
        dialog = ProjectDialog(self.library, self.tr("Duplicate project"),
                               name=self.tr("%s copy") % project.name, parent=self)
        dialog.accepted.connect(lambda: self.undo.push(
            LifecycleCommand(self, "duplicate", project.name, dialog.name())))
        self.dialog = dialog
        dialog.open()

    def delete_project(self) -> None:
        """Move the selected project to the trash, once the user says so
        (Undo, or ``studio projects restore``, brings it back)."""
        project = self.current_project()
        if project is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete project"),
            self.tr("Move the project %r to the trash? Its queued renders stop; Undo "
                    "(Ctrl+Z) or `studio projects restore` brings it back.") % project.name)
        if answer == QMessageBox.StandardButton.Yes:
            self.undo.push(LifecycleCommand(self, "trash", project.name, project.name))

    def _voice_chosen(self, index: int) -> None:
        """The user picked the project's voice: change it, then say what now
        needs rendering and offer to render it."""
        project = self.current_project()
        voice_id = self.voice_picker.itemData(index)
        if project is None or voice_id is None or voice_id == project.voice_id:
            return
        try:
            todo = self.library.set_project_voice(project.name, self.library.voice(voice_id))
        except UserError as err:
            self.show_error(err)
            return
        self.refresh()
        if not todo:
            self.panel.say(self.tr("Every segment is rendered with this voice."))
            return
        answer = QMessageBox.question(
            self, self.tr("Voice changed"),
            self.tr("%d segments now need rendering (locked segments keep their voice). "
                    "Render them now?") % len(todo))
        if answer == QMessageBox.StandardButton.Yes:
            self.render_all()


def segment_words(text: str) -> list[str]:
    """The words of a segment's text a lexicon entry could name: each once
    (the first spelling), in order, numbers left out."""
    seen: dict[str, str] = {}
    for word in re.findall(r"\w+(?:['’.-]\w+)*", text):
        if not word.isdigit():
            seen.setdefault(word.casefold(), word)
    return list(seen.values())


class LifecycleCommand(QUndoCommand):
    """Undoable rename, duplicate or trash of a project, through the store.

    Undoing a duplicate moves the copy to the trash (anything done to it
    since is kept there); redoing it restores the copy.
    """

    def __init__(self, view: ProjectsView, action: str, name: str, new: str) -> None:
        super().__init__(f"{action} project {name}")
        self.view, self.action, self.name, self.new = view, action, name, new
        self.done_once = False

    def _run(self, step: str, select: str) -> None:
        library = self.view.library
        try:
            if step == "rename":
                library.rename_project(self.name, self.new)
            elif step == "unrename":
                library.rename_project(self.new, self.name)
            elif step == "duplicate":
                library.duplicate_project(self.name, self.new)
            elif step == "trash":
                library.trash_project(select)
            elif step == "restore":
                library.restore_project(select)
        except UserError as err:
            self.view.show_error(err)
            return
        self.view.refresh_projects()
        self.view.select_project(select)  # a trashed one is gone: the list picks another
        self.view.refresh()

    def redo(self) -> None:
        if self.action == "rename":
            self._run("rename", self.new)
        elif self.action == "duplicate":
            self._run("restore" if self.done_once else "duplicate", self.new)
        else:
            self._run("trash", self.name)
        self.done_once = True

    def undo(self) -> None:
        if self.action == "rename":
            self._run("unrename", self.name)
        elif self.action == "duplicate":
            self._run("trash", self.new)
        else:
            self._run("restore", self.name)


class ScriptCommand(QUndoCommand):
    """Undoable re-split of a project's script (takes of unchanged segments
    survive both ways: segments are matched by content)."""

    def __init__(self, view: ProjectsView, name: str, old: str, new: str) -> None:
        super().__init__(f"edit script of {name}")
        self.view, self.name, self.old, self.new = view, name, old, new

    def redo(self) -> None:
        self.view.script.setPlainText(self.new)
        self.view.set_script(self.name, self.new, render_changes=True)

    def undo(self) -> None:
        self.view.script.setPlainText(self.old)
        if self.old.strip():
            self.view.set_script(self.name, self.old, render_changes=True)
            return
        # the first script of a new project: back to empty (its segments are
        # detached with their takes, as any edit does, and come back on redo)
        library = self.view.library
        project = library.find_project(self.name)
        if project is None:
            return
        try:
            library.sync_project(self.name, "", library.voice(project.voice_id), [])
        except UserError as err:
            self.view.show_error(err)
        self.view.script.document().setModified(False)
        self.view._shown_script = ""
        self.view.refresh()

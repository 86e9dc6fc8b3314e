"""Projects: the list, the segments of the selected one, render and progress.

The page composes its parts and wires them together: the project list
(:mod:`~studio.ui.views.project_list`), the render bar
(:mod:`~studio.ui.views.render_bar`), and the Segments and Script tabs
(:mod:`~studio.ui.views.segments_tab`, :mod:`~studio.ui.views.script_tab`).
A refresh reads the selected project once and hands each part what it shows.
The parts' strings keep this page's translation context, ``ProjectsView``,
so the translations made for the page apply to them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QMenu, QSplitter, QTabWidget, QVBoxLayout, QWidget

from studio.core.store import Library, Project
from studio.ui.tasks import run_task
from studio.ui.views.base import View, cached_fit
from studio.ui.views.project_list import ProjectList
from studio.ui.views.render_bar import RenderBar
from studio.ui.views.script_tab import ScriptTab
from studio.ui.views.segments_tab import SegmentsTab


class ProjectsView(View):
    """Projects and their segments (a model over the store, not a widget per row)."""

    title = QT_TRANSLATE_NOOP("View", "Projects")

    def __init__(self, library: Library, undo: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(library, parent)
        self.undo = undo
        self._staged: set[Callable[[], None]] = set()  # refresh steps due next turn
        self.closed = False  # the window closed: nothing more is read or shown
        self._reading = False  # segment rows being read on the thread pool
        self._read_again = False
        self.dialog: QWidget | None = None  # the open dialog (name, pronunciation), if any
        self.sidebar = self._build_sidebar()
        self.segments_tab = self._build_segments_tab()
        self.script_page = self._build_script_tab()
        self.render_bar = self._build_render_bar()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.segments_tab, self.tr("Segments"))
        self.tabs.addTab(self.script_page, self.tr("Script"))
        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self._beside_list())
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([180, 940])
        self.layout_.addWidget(splitter, 1)
        self.refresh_projects()

    def _build_sidebar(self) -> ProjectList:
        """The project list; its model and list view are the page's too."""
        sidebar = ProjectList(self.library, self.undo, self.refresh, self.show_error)
        sidebar.created.connect(self._created)
        sidebar.asking.connect(self._asking)
        self.projects, self.project_list = sidebar.projects, sidebar.list_view
        return sidebar

    def _build_segments_tab(self) -> SegmentsTab:
        """The Segments tab; its parts the tests and the window reach are the page's too."""
        tab = SegmentsTab(self.library, self.undo, self.refresh, self.show_error)
        tab.to_front.connect(lambda: self.tabs.setCurrentIndex(0))
        self.addActions(tab.filter_bar.shortcuts)  # N / Shift+N, whichever tab is shown
        self.panel, self.table, self.timeline = tab.panel, tab.table, tab.timeline
        self.segments, self.shown = tab.table.segments, tab.table.shown
        self.document, self.find_bar = tab.document, tab.find_bar
        self.filter_picker, self.counts = tab.filter_bar.picker, tab.filter_bar.counts
        self.flagged_note = tab.filter_bar.flagged_note
        self.flagged_buttons = tab.filter_bar.flagged_buttons
        tab.table.pronounce_requested.connect(self.pronounce)
        return tab

    def _build_script_tab(self) -> ScriptTab:
        """The Script tab; its editor, checker and Apply are the page's too."""
        tab = ScriptTab(self.library, self.undo, self.current_project, self.refresh,
                        self.show_error)
        tab.opened.connect(self._opened)
        tab.said.connect(self.panel.say)
        tab.new_project_wanted.connect(self.new_project)
        self.script, self.script_problem = tab.editor, tab.problem
        self.script_check, self.apply_button = tab.checker, tab.apply_button
        return tab

    def _build_render_bar(self) -> RenderBar:
        """Render all, the progress and the voice; those widgets are the page's too."""
        bar = RenderBar(self.library, self.current_project, self.refresh, self.show_error)
        bar.said.connect(self.panel.say)
        self.render_button, self.progress = bar.render_button, bar.progress
        self.voice_picker, self.voice_label = bar.voice_picker, bar.voice_label
        return bar

    def _beside_list(self) -> QWidget:
        """What the page shows beside the project list: the render bar over the tabs."""
        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.render_bar)
        layout.addWidget(self.tabs, 1)
        return right

    # ------------------------------------------------------------ the project
    def current_project(self) -> Project | None:
        """The selected project, if any."""
        return self.sidebar.current_project()

    def refresh_projects(self) -> None:
        """Re-read the project list, keeping the selection."""
        self.sidebar.refresh_projects()

    def select_project(self, name: str) -> bool:
        """Select the project named ``name``; False if there is none."""
        return self.sidebar.select_project(name)

    def new_project(self, text: str | None = None) -> None:
        """Ask a name and a voice; create the empty project, select it and
        open its Script tab (with ``text``, the pasted script, split into it)."""
        self.sidebar.new_project(text)

    def rename_project(self) -> None:
        """Ask a new name for the selected project (undoable)."""
        self.sidebar.rename_project()

    def duplicate_project(self) -> None:
        """Ask the copy's name; copy the project with its current takes (undoable)."""
        self.sidebar.duplicate_project()

    def delete_project(self) -> None:
        """Move the selected project to the trash, once the user says so."""
        self.sidebar.delete_project()

    def _asking(self, dialog: QDialog) -> None:
        self.dialog = dialog

    def _created(self, name: str, text: str) -> None:
        """A new project: selected, its Script tab open, ``text`` split into it."""
        self._opened(name)
        self.tabs.setCurrentWidget(self.script_page)
        self.script.setFocus()
        if text.strip():
            self.script_page.push_script(name, "", text)

    def _opened(self, name: str) -> None:
        self.sidebar.open(name)
        self.refresh()

    def open_script(self, path: Path) -> None:
        """New project (or update) from a text file."""
        self.script_page.open_script(path)

    def set_script(self, name: str, text: str, label: str = "the script",
                   render_changes: bool = False) -> None:
        """Re-split project ``name`` to ``text`` (see :meth:`ScriptTab.set_script`)."""
        self.script_page.set_script(name, text, label, render_changes)

    # ------------------------------------------------------------ refresh
    def close_view(self) -> None:
        """The window closed: refreshes still on their way (rows read on the
        pool, steps staged for the next turn) are dropped, so nothing reads
        the library after the window let it go."""
        self.closed = True

    def refresh_from_store(self) -> None:
        """The store changed under the window (a take landed, another process
        wrote): the segment rows are read on the thread pool, then shown, so
        the query never holds the GUI thread during a render. One read at a
        time; a change meanwhile reads again."""
        project = self.current_project()
        if self._reading:
            self._read_again = True
            return
        if project is None or self.sidebar.names() != self.library.project_names():
            self.refresh()
            return
        self._reading = True
        root, project_id = self.root, project.id

        def read() -> list[dict[str, Any]]:
            with Library.open(root) as library:
                return library.segment_rows(project_id)

        def done(rows: list[dict[str, Any]]) -> None:
            self._reading = False
            if self.closed:
                return
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
        if self.sidebar.names() != self.library.project_names():  # new, renamed or trashed
            self.refresh_projects()
        project = self.current_project()
        if project is None:
            self.segments.set_rows([])
            self.document.set_rows([])
            self.panel.show_segment(None)
            self.render_bar.show_project(None)
            return
        self.render_bar.show_project(project)
        self.script_page.show_script(project.script)
        current = self.panel.segment.id if self.panel.segment else None
        selected = self.selected_ids()
        self.table.set_rows(self.library.segment_rows(project.id) if rows is None else rows)
        self.find_bar.refresh()
        tab = self.segments_tab
        progress = self._show_progress_staged if staged else self._show_progress
        for step in (tab.show_document, self._show_timeline, tab.show_counts, progress):
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
            if not staged or by_id[current] != tab.panel_row:
                tab.segment_selected(force=True)
        else:  # another project, or the segment is gone: nothing may act on it
            tab.forget_selection()

    def _stage(self, step: Callable[[], None]) -> None:
        """Run ``step`` on the next turn of the event loop, once however often
        it is asked for meanwhile; it shows the rows the table has then."""
        if step in self._staged:
            return
        self._staged.add(step)

        def run() -> None:
            self._staged.discard(step)
            if not self.closed:
                step()

        QTimer.singleShot(0, self, run)

    def _show_timeline(self) -> None:
        project = self.current_project()
        if project is not None:
            self.segments_tab.show_timeline(project.name)

    def _show_progress_staged(self) -> None:
        self._show_progress(staged=True)

    def _show_progress(self, staged: bool = False) -> None:
        """The render bar, from the rows the table shows (no more queries);
        whether the voice can render is checked again on the thread pool
        when that is due (``staged``), and shown once known."""
        project = self.current_project()
        if project is None:
            return
        self.render_bar.show_progress(
            project, self.segments.rows, time.monotonic(),
            (lambda: self._stage(self._show_progress_staged)) if staged else None)

    # ------------------------------------------------------------ the segments
    def selected_ids(self) -> list[int]:
        """The selected segments, in script order."""
        return self.table.selected_ids()

    def current_id(self) -> int | None:
        """The segment the table's cursor is on (the one the panel shows)."""
        return self.table.current_id()

    def select_ids(self, ids: list[int], current: int | None = None) -> None:
        """Select these segments (those the filter shows), the cursor on ``current``."""
        self.table.select_ids(ids, current)

    def _select_segment(self, segment_id: int) -> None:
        """Select a segment's row; a segment the filter hides is not selected."""
        self.table.select_segment(segment_id)

    def show_segment_of(self, project: str, segment_id: int) -> None:
        """Select project ``project`` and its segment (all segments shown if
        the filter hid it), in the Segments tab."""
        if not self.select_project(project):
            return
        self.refresh()
        self.tabs.setCurrentIndex(0)
        self.segments_tab.show_segment(segment_id)

    def show_flagged(self) -> None:
        """Show only the segments that need review, the first one selected."""
        self.segments_tab.show_flagged()

    def next_flagged(self, step: int = 1) -> None:
        """N / Shift+N: select the next (previous) segment that needs review."""
        self.segments_tab.next_flagged(step)

    def segment_menu(self, segment_id: int) -> QMenu:
        """The segments table's context menu for one segment."""
        return self.table.segment_menu(segment_id)

    def pronounce(self, segment_id: int, word: str) -> None:
        """"Pronounce as…": the entry dialog for ``word``, with a preview in the
        segment's voice; Save adds it to the project's lexicon (or the library's)."""
        from studio.backends import backend_class
        from studio.core.planning import segment_voice
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

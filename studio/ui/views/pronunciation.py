"""Pronunciation: the library's lexicon and each project's own, the segments
each entry reaches, add / edit / remove, and PLS or CSV import and export.

Writes go through the same core calls as ``studio lexicon``
(:meth:`Library.set_lexicon`, then :func:`requeue_changed`) on the thread
pool: one transaction re-speaks every segment an entry reaches, which for
a large library is more than a GUI thread should wait for. Counting the
segments each entry reaches runs there too, once per change of the entries
or of the segments' words (a render landing takes changes neither).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.core.pronunciation import SegmentText, affected, segment_texts
from studio.core.store import LexiconChange, Library
from studio.text.lexicon import Entry
from studio.ui.table_models import Column, RowsModel
from studio.ui.tasks import run_task
from studio.ui.views.base import View
from studio.ui.views.lexicon_dialog import EntryDialog, said_as

Counted = tuple[tuple[Any, ...], dict[str, list[SegmentText]]]


def say(widget: QWidget, text: str) -> None:
    """A passing message in the window's status bar."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 10000)


def describe(change: LexiconChange, queued: int) -> str:
    """What a lexicon change did, in one line for the status bar."""
    translate = QCoreApplication.translate  # (context, text): the strings are extracted
    changed = change.count
    locked = sum(len(ids) for ids in change.locked.values())
    parts = [translate("Pronunciation", "1 segment now said differently") if changed == 1
             else translate("Pronunciation", "%d segments now said differently") % changed
             if changed else translate("Pronunciation", "no segment says anything differently")]
    if locked:
        parts.append(
            translate("Pronunciation", "1 locked segment keeps what it said") if locked == 1
            else translate("Pronunciation", "%d locked segments keep what they said") % locked)
    if queued:
        parts.append(translate("Pronunciation", "%d queued to render again") % queued)
    return " · ".join(parts)


def save_entries(widget: View, entries: Sequence[Entry], project_id: int | None, *,
                 remove: Sequence[str] = (), before: str = "",
                 done: Any = None) -> None:
    """Write entries (and remove terms) in the library's or a project's
    lexicon on the thread pool, queue the rendered segments that now say
    something else, start the engine for them, and say what happened in
    the status bar (``before`` first). ``done`` is called after."""
    root = widget.root

    def work() -> tuple[LexiconChange, int]:
        from studio.service.lexicon import change_lexicon

        with Library.open(root) as library:  # on the pool: the engine may start here
            changed = change_lexicon(library, entries, project_id, remove=remove)
        return changed.change, len(changed.queued)

    def finished(result: tuple[LexiconChange, int]) -> None:
        said = describe(*result)
        say(widget, f"{before} · {said}" if before else said)
        if done is not None:
            done()

    run_task(work, finished, widget.show_error)


class PronunciationView(View):
    """The lexicon of the library or of one project, with what each entry reaches."""

    title = QT_TRANSLATE_NOOP("View", "Pronunciation")
    go_to_segment = Signal(str, int)  # project name, segment id: show it in Projects

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(library, parent)
        self.entries: list[Entry] = []
        self._counting = False  # a count on the thread pool
        self._count_again = False
        self._counted: Counted | None = None  # (what was counted, the result)
        self.scope_box = QComboBox()
        self.scope_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scope_box.setToolTip(self.tr(
            "The library's entries apply to every project; a project's own entries "
            "win over them"))
        self.scope_box.currentIndexChanged.connect(lambda _: self.refresh())
        self.model = RowsModel([
            Column(self.tr("Word or phrase"), "term"),
            Column(self.tr("Said as"), "said"),
            Column(self.tr("Exact case"), "exact", align=Qt.AlignmentFlag.AlignCenter),
            Column(self.tr("Segments"), "count", align=Qt.AlignmentFlag.AlignRight),
        ], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 220), (2, 90), (3, 90)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_reached())
        self.reached = RowsModel([
            Column(self.tr("Project"), "project"),
            Column("#", "number", align=Qt.AlignmentFlag.AlignRight),
            Column(self.tr("Text"), "text"),
        ], self)
        self.reached_table = QTableView()
        self.reached_table.setModel(self.reached)
        self.reached_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.reached_table.verticalHeader().hide()
        self.reached_table.verticalHeader().setDefaultSectionSize(24)
        self.reached_table.setWordWrap(False)
        self.reached_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.reached_table.setColumnWidth(0, 160)
        self.reached_table.setColumnWidth(1, 50)
        self.reached_table.setToolTip(self.tr("Double-click: show the segment in Projects"))
        self.reached_table.doubleClicked.connect(self._go_to)
        self.reached_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("Lexicon of:")))
        buttons.addWidget(self.scope_box)
        buttons.addSpacing(16)
        self.buttons: dict[str, QPushButton] = {}
        for key, label, tip, slot in (
            ("add", self.tr("Add…"), self.tr("A word or phrase and how to say it"),
             self.add),
            ("edit", self.tr("Edit…"), self.tr("Change the selected entry"), self.edit_selected),
            ("remove", self.tr("Remove"), self.tr("Remove the selected entries"),
             self.remove_selected),
            ("import", self.tr("Import…"),
             self.tr("Add the entries of a W3C PLS (.pls) or CSV file"), self.choose_import),
            ("export", self.tr("Export…"),
             self.tr("Write these entries to a W3C PLS (.pls) or CSV file"),
             self.choose_export),
        ):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch()
        self.note = QLabel()  # which lexicon this is, and what wins
        self.note.setWordWrap(True)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.reached_label)
        lower_layout.addWidget(self.reached_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setSizes([380, 260])
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(self.note)
        self.layout_.addWidget(split, 1)
        self.refresh()

    # ------------------------------------------------------------ reading
    def scope(self) -> int | None:
        """The project whose lexicon is shown, or None for the library's."""
        value = self.scope_box.currentData()
        return None if value is None else int(value)

    def scope_name(self) -> str | None:
        """The shown project's name (None: the library)."""
        return None if self.scope() is None else self.scope_box.currentText()

    def _scopes(self) -> None:
        """The scope picker: the library, then each live project (kept chosen)."""
        projects = [(p.name, p.id) for p in (self.library.find_project(n)
                                             for n in self.library.project_names()) if p]
        wanted = [(self.tr("The library (every project)"), None), *projects]
        have = [(self.scope_box.itemText(i), self.scope_box.itemData(i))
                for i in range(self.scope_box.count())]
        if have == wanted:
            return
        current = self.scope()
        self.scope_box.blockSignals(True)  # one refresh, after
        self.scope_box.clear()
        for label, project_id in wanted:
            self.scope_box.addItem(label, project_id)
        self.scope_box.setCurrentIndex(max(0, self.scope_box.findData(current)))
        self.scope_box.blockSignals(False)

    def refresh(self) -> None:
        self._scopes()
        scope, name = self.scope(), self.scope_name()
        # alphabetical as a reader expects it (the store sorts "SQL" before "avocado")
        self.entries = sorted(self.library.lexicon_entries(scope),
                              key=lambda e: (e.term.casefold(), e.term))
        self.note.setText(
            self.tr("These entries apply to every project; a project's own entries win "
                    "over them.") if scope is None else
            self.tr("Project %s's own entries: they win over the library's.") % name)
        counted = self._counted[1] if self._counted and self._counted[0][0] == scope else {}
        self.model.set_rows([{
            "id": entry.key, "term": entry.term, "said": said_as(entry),
            "exact": "✓" if entry.case_sensitive else "",
            "count": len(counted[entry.key]) if entry.key in counted else "…",
            "entry": entry,
        } for entry in self.entries])
        has = bool(self.entries)
        self.buttons["export"].setEnabled(has)
        if has and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)  # the lower list shows something from the start
        self._selection_buttons()
        self._show_reached()
        self.count()

    def count(self) -> None:
        """How many segments each entry reaches, counted on the thread pool
        (one count at a time; a change meanwhile counts again)."""
        if self._counting:
            self._count_again = True
            return
        self._counting = True
        root, scope, entries, last = self.root, self.scope(), list(self.entries), self._counted

        def work() -> Counted:
            with Library.open(root) as library:
                segments = segment_texts(library, scope)
            key = (scope, tuple(entries), tuple(segments))
            if last is not None and last[0] == key:
                return last  # nothing that counts has changed
            return key, affected(entries, segments)

        def done(result: Counted) -> None:
            self._counting = False
            self._counted = result
            if result[0][0] == self.scope() and list(result[0][1]) == self.entries:
                counts = result[1]
                self.model.set_rows([{**row, "count": len(counts.get(row["id"], []))}
                                     for row in self.model.rows])
                self._show_reached()
            if self._count_again:
                self._count_again = False
                self.count()

        def failed(err: Exception, details: str) -> None:
            self._counting = False
            self.show_error(err, details)

        run_task(work, done, failed)

    def selected(self) -> list[Entry]:
        """The selected entries, in table order."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.row(r)["entry"] for r in rows]

    def _selection_buttons(self) -> None:
        chosen = self.selected()
        self.buttons["edit"].setEnabled(len(chosen) == 1)
        self.buttons["remove"].setEnabled(bool(chosen))

    def _show_reached(self) -> None:
        """The segments the selected entry reaches (number and words)."""
        self._selection_buttons()
        chosen = self.selected()
        scope = self.scope()
        counted = self._counted[1] if self._counted and self._counted[0][0] == scope else None
        if len(chosen) != 1:
            self.reached.set_rows([])
            self.reached_label.setText(self.tr("Select an entry to see the segments it "
                                               "changes."))
            return
        entry = chosen[0]
        if counted is None or entry.key not in counted:
            self.reached.set_rows([])
            self.reached_label.setText(self.tr("Counting…"))
            return
        found = counted[entry.key]
        self.reached.set_rows([{"id": s.segment_id, "project": s.project, "number": s.number,
                                "text": s.text} for s in found])
        self.reached_table.setColumnHidden(0, scope is not None)
        self.reached_label.setText(
            self.tr("“%s” is in no segment.") % entry.term if not found else
            self.tr("“%s” is in 1 segment:") % entry.term if len(found) == 1 else
            self.tr("“%s” is in %d segments:") % (entry.term, len(found)))

    def _go_to(self, index: Any) -> None:
        row = self.reached.row(index.row())
        self.go_to_segment.emit(row["project"], row["id"])

    # ------------------------------------------------------------ writing
    def _voice(self) -> tuple[str | None, str, bool]:
        """The voice that previews (the project's, else the default one), why
        there is none, and whether its backend reads phonemes."""
        from studio.backends import backend_class
        from studio.core.planning import resolve_voice
        from studio.errors import UserError
        from studio.ui.views.base import cached_fit

        try:
            voice, _backend = resolve_voice(self.library, self.scope_name() or "")
        except UserError as err:
            return None, str(err), True
        fit = cached_fit(self.library, voice)
        if fit.problem or fit.backend is None:
            return voice.name, fit.problem or self.tr("no backend can speak this voice"), True
        return voice.name, "", bool(backend_class(fit.backend).phonemes)

    def _dialog(self, title: str, entry: Entry | None = None) -> EntryDialog:
        voice, problem, phonemes_ok = self._voice()
        scopes: list[tuple[str, int | None]] = [(self.scope_box.currentText(), self.scope())]
        dialog = EntryDialog(title, entry=entry, scopes=scopes, root=self.root, voice=voice,
                             voice_problem=problem, phonemes_ok=phonemes_ok, parent=self)
        self.dialog = dialog
        return dialog

    def add(self) -> None:
        """A new entry in the shown lexicon."""
        dialog = self._dialog(self.tr("Add a pronunciation"))
        dialog.accepted.connect(lambda: self._save([dialog.entry] if dialog.entry else []))
        dialog.open()

    def edit_selected(self) -> None:
        """Change the selected entry (a new term replaces the old one)."""
        chosen = self.selected()
        if len(chosen) != 1:
            return
        old = chosen[0]
        dialog = self._dialog(self.tr("Edit the pronunciation"), old)

        def save() -> None:
            new = dialog.entry
            if new is None or new == old:
                return
            self._save([new], remove=[old.term] if new.key != old.key else [])

        dialog.accepted.connect(save)
        dialog.open()

    def remove_selected(self) -> None:
        """Remove the selected entries (their segments say the words as written again)."""
        chosen = self.selected()
        if chosen:
            self._save([], remove=[entry.term for entry in chosen],
                       before=self.tr("%d removed") % len(chosen))

    def _save(self, entries: list[Entry], *, remove: Sequence[str] = (),
              before: str = "") -> None:
        if not entries and not remove:
            return
        save_entries(self, entries, self.scope(), remove=remove, before=before,
                     done=self.refresh)

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a lexicon"), "",
            self.tr("Pronunciation lexicons (*.pls *.csv);;W3C PLS (*.pls);;CSV (*.csv)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Add the entries of a PLS or CSV file to the shown lexicon: read and
        checked whole first, so a malformed file changes nothing."""
        from studio.text import lexicon as lex

        scope = self.scope()

        def read() -> list[Entry]:
            from studio.errors import UserError

            try:
                with open(path, "rb") as handle:
                    data = handle.read(lex.MAX_LEXICON_BYTES + 1)
            except OSError as err:
                raise UserError(f"cannot read {path} ({err.strerror})") from None
            is_pls = path.suffix.lower() == ".pls" or data.lstrip().startswith(b"<")
            return lex.read_pls(data, path.name) if is_pls else lex.read_csv(data, path.name)

        def write(entries: list[Entry]) -> None:
            before = (self.tr("1 entry imported") if len(entries) == 1
                      else self.tr("%d entries imported") % len(entries))
            if not entries:
                say(self, self.tr("%s holds no entries") % path.name)
                return
            save_entries(self, entries, scope, before=before, done=self.refresh)

        run_task(read, write, self.show_error)

    def choose_export(self) -> None:
        name = (self.scope_name() or self.tr("library")) + ".pls"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the lexicon"), name,
            self.tr("W3C PLS (*.pls);;CSV (*.csv)"))
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> None:
        """Write the shown entries to ``path`` (.pls or .csv, by its suffix)."""
        from studio.errors import UserError
        from studio.text import lexicon as lex

        suffix = path.suffix.lower()
        if suffix not in (".pls", ".csv"):
            self.show_error(UserError(self.tr("%s is neither .pls nor .csv") % path.name,
                                      self.tr("name the file .pls (W3C PLS) or .csv")))
            return
        entries = list(self.entries)

        def write() -> int:
            from studio.fsutil import check_writable_file, write_bytes_atomic

            try:
                check_writable_file(path)
            except OSError as err:
                raise UserError(f"cannot write {path} ({err})",
                                "choose a folder you can write to") from None
            write_bytes_atomic(path, lex.write_pls(entries) if suffix == ".pls"
                               else lex.write_csv(entries))
            return len(entries)

        run_task(write, lambda n: say(self, self.tr("%d entries written to %s") % (n, path)),
                 self.show_error)

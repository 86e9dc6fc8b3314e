"""The Script tab of the Projects page: the project's script as text, its
markup highlighted and checked as one types, and Apply changes, which
splits it into segments again (undoable: :class:`ScriptCommand`).

Its strings keep the page's translation context, ``ProjectsView``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from studio.core.store import Library, Project
from studio.errors import UserError
from studio.text import Script
from studio.ui import words
from studio.ui.tasks import run_in_process, run_task
from studio.ui.widgets.script_check import ScriptChecker

translate = QCoreApplication.translate  # (context, text): the strings are extracted


class ScriptTab(QWidget):
    """The script editor, the markup problem under it, and Apply changes."""

    opened = Signal(str)  # the project a split saved, by name: show it
    said = Signal(str)  # what Apply queued, or why it queued nothing
    new_project_wanted = Signal(str)  # Apply with no project: name one for this script

    def __init__(self, library: Library, undo: QUndoStack,
                 project: Callable[[], Project | None], changed: Callable[[], None],
                 on_error: Callable[..., None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.undo, self.project, self.changed, self.on_error = (
            library, undo, project, changed, on_error)
        self.shown_script: str | None = None  # the project's script as last loaded
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(translate("ProjectsView",
                                                 "Paste or type the script here."))
        self.apply_button = QPushButton(translate("ProjectsView", "Apply changes"))
        self.apply_button.setToolTip(translate(
            "ProjectsView",
            "Split the edited script into segments (Ctrl+Return). Segments you did not "
            "change keep their takes; in a project being rendered, the changed ones "
            "render again."))
        self.apply_button.clicked.connect(self.apply_script)
        self.apply_button.setShortcut(QKeySequence("Ctrl+Return"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor, 1)
        # markup highlighted as one types; a markup error underlined and said here
        self.problem = QLabel()
        self.checker = ScriptChecker(self.editor, self.problem)
        layout.addWidget(self.problem)
        layout.addWidget(self.apply_button)

    def show_script(self, script: str) -> None:
        """Load the project's script, unless the user is editing it."""
        # compare with what was last shown, not toPlainText() (100k characters per refresh)
        if not self.editor.document().isModified() and self.shown_script != script:
            self.editor.setPlainText(script)
            self.editor.document().setModified(False)
            self.shown_script = script

    def push_script(self, name: str, old: str, new: str) -> None:
        """Split project ``name``'s script ``old`` into ``new``, as one undo step."""
        self.undo.push(ScriptCommand(self, name, old, new))

    def open_script(self, path: Path) -> None:
        """New project (or update) from a text file."""
        from studio.text import decode_script

        try:
            raw = decode_script(path.read_bytes(), path.name)
        except (UserError, OSError) as err:
            self.on_error(err)
            return
        self.set_script(path.stem, raw, path.name)

    def apply_script(self) -> None:
        """Re-split the edited script off the GUI thread (undoable); with no
        project yet, ask its name first, then split into it."""
        text = self.editor.toPlainText()
        if self.checker.inline(text):
            self._apply_checked(text, self.checker.check_now())
            return
        # a long, heavily marked-up script is checked in the helper process
        from studio.core.pronunciation import markup_problem

        self.apply_button.setEnabled(False)

        def checked(problem: tuple[str, int] | None) -> None:
            self.apply_button.setEnabled(True)
            if self.editor.toPlainText() == text:  # else Apply again sees the new text
                self.checker.show(problem)
                self._apply_checked(text, problem)

        def failed(err: Exception, details: str) -> None:
            self.apply_button.setEnabled(True)
            self.on_error(err, details)

        run_in_process(markup_problem, (text,), checked, failed)

    def _apply_checked(self, text: str, problem: tuple[str, int] | None) -> None:
        """Apply ``text``, checked: a markup error is shown (in place and in a
        box) and nothing is written — no undo step that would do nothing."""
        if problem is not None:
            self.on_error(UserError(problem[0]))
            return
        project = self.project()
        if project is None:
            self.new_project_wanted.emit(text)
            return
        self.push_script(project.name, project.script, text)

    def set_script(self, name: str, text: str, label: str = "the script",
                   render_changes: bool = False) -> None:
        """Re-split project ``name`` to ``text``: the split runs in the helper
        process (it is CPU-bound), the store update on the thread pool. With
        ``render_changes`` (Apply), a project that was being rendered queues
        the segments the edit changed, and only those."""
        from studio.core.planning import resolve_voice
        from studio.service import render
        from studio.text import prepare_script

        root = self.library.root
        try:
            _voice, backend = resolve_voice(self.library, name)
        except UserError as err:
            self.on_error(err)
            return
        self.apply_button.setEnabled(False)

        def failed(err: Exception, details: str) -> None:
            self.apply_button.setEnabled(True)
            self.on_error(err, details)

        def store(script: Script) -> None:
            def work() -> tuple[str, str]:
                with Library.open(root) as library:  # on the pool: the engine may start here
                    applied = render.apply_script(library, text, name, prepared=script,
                                                  render_changes=render_changes)
                if applied.refused is not None:  # paused: the edit is saved, say why not
                    return applied.project.name, words.refusal(applied.refused).problem
                return (applied.project.name,
                        words.queued(applied.queued) if applied.queued else "")

            run_task(work, done, failed)

        def done(result: tuple[str, str]) -> None:
            saved, said = result
            self.apply_button.setEnabled(True)
            self.editor.document().setModified(False)
            if self.editor.toPlainText() == text:  # after Apply the editor holds it already
                self.shown_script = text
            self.opened.emit(saved)
            if said:
                self.said.emit(said)

        split = functools.partial(prepare_script, name=label)  # picklable: a module function
        run_in_process(split, (text, backend.max_chars), store, failed)


class ScriptCommand(QUndoCommand):
    """Undoable re-split of a project's script (takes of unchanged segments
    survive both ways: segments are matched by content)."""

    def __init__(self, tab: ScriptTab, name: str, old: str, new: str) -> None:
        super().__init__(f"edit script of {name}")
        self.tab, self.name, self.old, self.new = tab, name, old, new

    def redo(self) -> None:
        self.tab.editor.setPlainText(self.new)
        self.tab.set_script(self.name, self.new, render_changes=True)

    def undo(self) -> None:
        self.tab.editor.setPlainText(self.old)
        if self.old.strip():
            self.tab.set_script(self.name, self.old, render_changes=True)
            return
        # the first script of a new project: back to empty (its segments are
        # detached with their takes, as any edit does, and come back on redo)
        library = self.tab.library
        project = library.find_project(self.name)
        if project is None:
            return
        try:
            library.sync_project(self.name, "", library.voice(project.voice_id), [])
        except UserError as err:
            self.tab.on_error(err)
        self.tab.editor.document().setModified(False)
        self.tab.shown_script = ""
        self.tab.changed()

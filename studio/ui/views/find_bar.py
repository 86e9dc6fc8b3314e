"""Find and replace in the shown project's segments (Ctrl+F, Ctrl+H).

The bar searches the rows the view already holds (their text as written), so
typing costs no store query. A replace is planned by the core
(:func:`studio.core.review.plan_replace`: checked, nothing written), then
pushed as one :class:`ReplaceCommand` whose undo applies the reverse plan.
Replace all is planned in the helper process: checking many new texts
normalizes each of them, which holds the interpreter for a while.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core import review
from studio.core.store import Library
from studio.errors import UserError
from studio.ui.tasks import run_in_process

Rows = Sequence[Mapping[str, Any]]  # Library.segment_rows: id, number, text (as written), …


class ReplaceCommand(QUndoCommand):
    """A planned replace, undoable: redo applies the plan, undo its reverse
    (each segment's old text and the old script back, in one transaction).

    If the library no longer fits the plan (changed meanwhile by another
    program), the error is shown and the command leaves the stack: nothing
    was written.
    """

    def __init__(self, library: Library, plan: review.ReplacePlan, text: str,
                 done: Callable[[], None], on_error: Callable[..., None]) -> None:
        super().__init__(text)
        self.library, self.plan, self.done, self.on_error = library, plan, done, on_error

    def _apply(self, plan: review.ReplacePlan) -> None:
        try:
            review.apply_replace(self.library, plan)
        except UserError as err:
            self.setObsolete(True)  # the stack drops it
            self.on_error(err)
        self.done()

    def redo(self) -> None:
        self._apply(self.plan)

    def undo(self) -> None:
        self._apply(self.plan.reverse())


class FindBar(QWidget):
    """Find (and replace) in the current project's segments.

    ``rows`` gives the project's rows the view holds (``Library.segment_rows``),
    ``shown`` those of them the view shows (its filter's; default: all of
    them), which are the ones searched and counted; ``changed`` is called
    after a replace, its undo or redo (the view reads its rows again), and
    the bar then searches them again. ``found`` says
    which match is current (segment id, start, end in its text as written),
    or ``(-1, 0, 0)`` when there is none; ``said`` carries a replace's
    result for the status bar.
    """

    found = Signal(int, int, int)
    said = Signal(str)
    closed = Signal()

    def __init__(self, library: Library, undo: QUndoStack, rows: Callable[[], Rows],
                 changed: Callable[[], None], on_error: Callable[..., None],
                 parent: QWidget | None = None,
                 shown: Callable[[], Rows] | None = None) -> None:
        super().__init__(parent)
        self.library, self.undo, self.rows, self.changed, self.on_error = (
            library, undo, rows, changed, on_error)
        self.shown = shown or rows
        self._escape: QShortcut | None = None  # Escape in the page (close_on_escape_in)
        self.matches: list[review.Match] = []
        self.index = -1  # the current match in ``matches``
        self._anchor: tuple[int, int] | None = None  # (number, offset) to search on from
        self._shown: tuple[int, int, int] | None = None  # the last match ``found`` sent
        self._busy = False  # a Replace all is being planned
        self.problem = ""  # why the pattern is not a search (a bad expression)
        self._ids: set[int] = set()  # the project's segments at the last search

        style = self.style()
        pixmap = QStyle.StandardPixmap
        self.find_field = QLineEdit()
        self.find_field.setPlaceholderText(self.tr("Find"))
        self.find_field.setClearButtonEnabled(True)
        self.find_field.setToolTip(self.tr(
            "Text to find in the segments (Ctrl+F). Enter: next match, Shift+Enter: previous, "
            "Escape: close"))
        self.find_field.textChanged.connect(self._pattern_changed)
        self.case = QCheckBox(self.tr("Match &case"))
        self.case.setToolTip(self.tr("Match upper and lower case exactly (Alt+C)"))
        self.words = QCheckBox(self.tr("&Whole words"))
        self.words.setToolTip(self.tr("Only whole words, not part of a longer word (Alt+W)"))
        self.regex = QCheckBox(self.tr("Rege&x"))
        self.regex.setToolTip(self.tr(
            "A regular expression: . any character, \\d a digit, (…) a group (Alt+X)"))
        for box in (self.case, self.words, self.regex):
            box.toggled.connect(self._pattern_changed)
        self.count = QLabel()
        self.count.setMinimumWidth(90)
        self.previous_button = QToolButton()
        self.previous_button.setIcon(style.standardIcon(pixmap.SP_ArrowUp))
        self.previous_button.setToolTip(self.tr("Previous match (Shift+Enter, Shift+F3)"))
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button = QToolButton()
        self.next_button.setIcon(style.standardIcon(pixmap.SP_ArrowDown))
        self.next_button.setToolTip(self.tr("Next match (Enter, F3)"))
        self.next_button.clicked.connect(self.find_next)
        self.close_button = QToolButton()
        self.close_button.setIcon(style.standardIcon(pixmap.SP_TitleBarCloseButton))
        self.close_button.setToolTip(self.tr("Close (Escape)"))
        self.close_button.clicked.connect(self.close_bar)

        self.replace_field = QLineEdit()
        self.replace_field.setPlaceholderText(self.tr("Replace with"))
        self.replace_field.setToolTip(self.tr(
            "The replacement (Ctrl+H). With Regex, \\1 or \\g<name> puts back what a group "
            "found"))
        self.replace_button = QPushButton(self.tr("&Replace"))
        self.replace_button.setToolTip(self.tr(
            "Replace the current match and go to the next (Alt+R); Ctrl+Z undoes it"))
        self.replace_button.clicked.connect(self.replace)
        self.replace_all_button = QPushButton(self.tr("Replace &all"))
        self.replace_all_button.setToolTip(self.tr(
            "Replace every match in one step (Alt+A); locked segments are left as they are; "
            "Ctrl+Z undoes it"))
        self.replace_all_button.clicked.connect(self.replace_all)
        self.message = QLabel()  # what the last replace did
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        find_row = QHBoxLayout()
        find_row.setContentsMargins(0, 0, 0, 0)
        find_row.addWidget(self.find_field, 1)
        for widget in (self.case, self.words, self.regex, self.count, self.previous_button,
                       self.next_button, self.close_button):
            find_row.addWidget(widget)
        self.replace_row = QWidget()
        replace_row = QHBoxLayout(self.replace_row)
        replace_row.setContentsMargins(0, 0, 0, 0)
        replace_row.addWidget(self.replace_field, 1)
        replace_row.addWidget(self.replace_button)
        replace_row.addWidget(self.replace_all_button)
        replace_row.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(2)
        layout.addLayout(find_row)
        layout.addWidget(self.replace_row)
        for field in (self.find_field, self.replace_field):
            field.installEventFilter(self)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.replace_row.hide()
        self.hide()
        self._update()

    # ------------------------------------------------------------ opening
    def open_find(self, text: str | None = None) -> None:
        """Ctrl+F: show the bar (find only) and focus the field, its text
        selected; ``text`` (a selection) becomes what to find."""
        self.replace_row.hide()
        self._open(text)

    def open_replace(self, text: str | None = None) -> None:
        """Ctrl+H: show the bar with the replace field."""
        self.replace_row.show()
        self._open(text)

    def close_on_escape_in(self, scope: QWidget) -> None:
        """Escape anywhere in ``scope`` (the page the bar searches: its table,
        say, after a click on a found row) closes the bar while it is open;
        a widget there that takes Escape itself (an edit in place) keeps it."""
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), scope)
        self._escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._escape.activated.connect(self.close_bar)
        self._escape.setEnabled(self.isVisibleTo(scope))

    def _open(self, text: str | None) -> None:
        self.show()
        if self._escape is not None:
            self._escape.setEnabled(True)
        if text:
            self.find_field.setText(text)
        self.find_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_field.selectAll()
        self.refresh()

    def close_bar(self) -> None:
        """Escape: hide the bar; the view gets the focus back (``closed``)."""
        self.hide()
        self.message.clear()
        if self._escape is not None:
            self._escape.setEnabled(False)
        self._emit(None)
        self.closed.emit()

    # ------------------------------------------------------------ searching
    def refresh(self) -> None:
        """Search the rows again (they changed), keeping the current match
        where it still is; nothing while the bar is hidden.

        Rows that share no segment with the last ones are another
        project's: the last replace's message and the place to search on
        from were about the other one, and are forgotten."""
        if self.isHidden():
            return
        ids = {int(row["id"]) for row in self.rows()}
        if ids.isdisjoint(self._ids):
            self.message.clear()
            self._anchor = None
        self._ids = ids
        compiled = self._compiled()
        if compiled is None:
            self.matches = []
        else:
            rows = self.shown()
            self.matches = review.search_texts(
                ((row["id"], row["number"], row["text"]) for row in rows), compiled)
        self.index = -1
        if self.matches:
            anchor = self._anchor
            self.index = 0 if anchor is None else next(
                (i for i, m in enumerate(self.matches) if (m.number, m.start) >= anchor), 0)
        self._update()

    def _pattern_changed(self) -> None:
        current = self.current()
        self._anchor = (current.number, current.start) if current else self._anchor
        self.refresh()

    def _options(self) -> dict[str, bool]:
        return {"case": self.case.isChecked(), "whole_words": self.words.isChecked(),
                "regex": self.regex.isChecked()}

    def _compiled(self) -> re.Pattern[str] | None:
        """The search, or None (nothing typed, or a bad expression: said in
        the count, with the problem as its tooltip)."""
        self.problem = ""
        pattern = self.find_field.text()
        if not pattern:
            return None
        try:
            return review.compile_pattern(pattern, **self._options())
        except UserError as err:
            self.problem = str(err)
            return None

    def current(self) -> review.Match | None:
        """The current match, if any."""
        return self.matches[self.index] if 0 <= self.index < len(self.matches) else None

    def find_next(self) -> None:
        """Enter, F3: the next match (after the last, the first)."""
        self._step(1)

    def find_previous(self) -> None:
        """Shift+Enter, Shift+F3: the previous match (before the first, the last)."""
        self._step(-1)

    def _step(self, by: int) -> None:
        if not self.matches:
            return
        self.index = (self.index + by) % len(self.matches)
        match = self.matches[self.index]
        self._anchor = (match.number, match.start)
        self._update()

    def _update(self) -> None:
        """The count, the buttons, and ``found`` if the current match moved."""
        total = len(self.matches)
        self.count.setToolTip(self.problem)
        if self.problem:
            self.count.setText(self.tr("Invalid pattern"))
        elif not self.find_field.text():
            self.count.setText("")
        elif total == 0:
            self.count.setText(self.tr("No results"))
        else:
            self.count.setText(self.tr("%d of %d") % (self.index + 1, total))
        for button in (self.previous_button, self.next_button):
            button.setEnabled(total > 0)
        self.replace_button.setEnabled(total > 0 and not self._busy)
        self.replace_all_button.setEnabled(total > 0 and not self._busy)
        self._emit(self.current())

    def _emit(self, match: review.Match | None) -> None:
        shown = (match.segment_id, match.start, match.end) if match else None
        if shown != self._shown:
            self._shown = shown
            self.found.emit(*(shown or (-1, 0, 0)))

    # ------------------------------------------------------------ replacing
    def _project_id(self) -> int | None:
        rows = self.rows()
        return self.library.segment(int(rows[0]["id"])).project_id if rows else None

    def replace(self) -> None:
        """Replace the current match only, then go on to the next."""
        match, project_id = self.current(), self._project_id()
        if match is None or project_id is None:
            return
        try:
            plan = review.plan_replace(
                self.library, project_id, self.find_field.text(), self.replace_field.text(),
                case=self.case.isChecked(), whole_words=self.words.isChecked(),
                regex=self.regex.isChecked(), only=match)
        except UserError as err:
            self.on_error(err)
            return
        if plan.skipped:
            self._say(self._locked_message(plan.skipped))
            self.find_next()
            return
        if not plan.edits:  # the replacement is what is there
            self.find_next()
            return
        edit = plan.edits[0]
        self._anchor = (match.number, match.end + len(edit.new_source) - len(edit.old_source))
        self._push(plan, self.tr("replace %r with %r") % (self.find_field.text(),
                                                          self.replace_field.text()))
        self.message.clear()

    def replace_all(self) -> None:
        """Replace every match in one undo step; planned in the helper process."""
        project_id = self._project_id()
        if not self.matches or project_id is None or self._busy:
            return
        pattern, replacement = self.find_field.text(), self.replace_field.text()
        plan = functools.partial(review.plan_replace_in, self.library.root, project_id,
                                 pattern, replacement, **self._options())
        self._busy = True
        self.message.setText(self.tr("Replacing…"))
        self._update()

        def planned(plan: review.ReplacePlan) -> None:
            self._busy = False
            self.message.clear()
            self._update()
            if plan.edits:
                self._push(plan, self.tr("replace all %r with %r") % (pattern, replacement))
            lines = [self._replaced_message(plan)] if plan.edits else []
            if plan.skipped:
                lines.append(self._locked_message(plan.skipped))
            self._say(" ".join(lines) or self.tr("Nothing to replace."))

        def failed(err: Exception, details: str) -> None:
            self._busy = False
            self.message.clear()
            self._update()
            if isinstance(err, UserError):
                self.on_error(err)
            else:
                self.on_error(err, details)

        run_in_process(plan, (), planned, failed)

    def _push(self, plan: review.ReplacePlan, text: str) -> None:
        self.undo.push(ReplaceCommand(self.library, plan, text, self._after_change,
                                      self.on_error))

    def _after_change(self) -> None:
        self.changed()  # the page's refresh, which refreshes this bar too

    def _replaced_message(self, plan: review.ReplacePlan) -> str:
        count, segments = plan.replacements, len(plan.edits)
        if count == 1:
            return self.tr("Replaced 1 match.")
        if segments == 1:
            return self.tr("Replaced %d matches in 1 segment.") % count
        return self.tr("Replaced %d matches in %d segments.") % (count, segments)

    def _locked_message(self, skipped: Sequence[review.Skipped]) -> str:
        numbers = ", ".join(str(s.number) for s in skipped)
        if len(skipped) == 1:
            return self.tr("1 locked segment was left as it is: %s") % numbers
        return self.tr("%d locked segments were left as they are: %s") % (len(skipped),
                                                                          numbers)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.said.emit(text)

    # ------------------------------------------------------------ keys
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter and Shift+Enter in the fields: next and previous match."""
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._step(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """F3 and Shift+F3 anywhere in the bar; Escape closes it."""
        if event.key() == Qt.Key.Key_F3:
            self._step(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
        elif event.key() == Qt.Key.Key_Escape:
            self.close_bar()
        else:
            super().keyPressEvent(event)

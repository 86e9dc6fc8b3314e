"""The document view's text, built and laid out a part per turn of the event loop.

A large script (a paste of a long one) is built :data:`BUILD_CHUNK` segments
a turn in a document of its own, shown once complete, so the window never
stalls and the old document stays until then. The document shown is laid
out :data:`LAYOUT_CHARS` characters a turn, so its scroll range grows to the
whole script while the window stays responsive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from studio.ui.widgets.document_runs import (
    WORD_JOINER,
    bar_format,
    paragraph_format,
    shown,
    text_format,
)

BUILD_CHUNK = 400  # segments built per turn of the event loop (about 5 ms)
# characters of a new document laid out per turn once it is shown (about 2 ms):
# laying out a 5,000-segment script at once held the GUI thread 35 ms
LAYOUT_CHARS = 10_000


def lay_out_to(document: QTextDocument, position: int) -> None:
    """Lay ``document`` out as far as the paragraph holding ``position``."""
    document.documentLayout().blockBoundingRect(document.findBlock(position))


@dataclass
class Build:
    """A document being built, a chunk at a time."""

    structure: list[tuple[int, Any, str]]  # segment id, paragraph, text, in script order
    document: QTextDocument
    cursor: QTextCursor
    styles: dict[int, tuple[str, bool]]  # the latest states (a refresh may update them)
    done: int = 0
    starts: list[int] = field(default_factory=list)  # each segment's run, [start, end)
    ends: list[int] = field(default_factory=list)
    paragraphs: list[Any] = field(default_factory=list)
    used: dict[int, tuple[str, bool]] = field(default_factory=dict)  # as laid out
    bars: set[str] = field(default_factory=set)

    @classmethod
    def begin(cls, view: QTextEdit, structure: list[tuple[int, Any, str]],
              styles: dict[int, tuple[str, bool]]) -> Build:
        """An empty document in the font and margin of the one ``view`` shows."""
        document = QTextDocument(view)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(view.document().defaultFont())
        document.setDocumentMargin(view.document().documentMargin())
        cursor = QTextCursor(document)
        cursor.setBlockFormat(paragraph_format())
        return cls(structure, document, cursor, styles)

    def run(self, view: QTextEdit, current: Callable[[], Build | None],
            show: Callable[[Build], None]) -> None:
        """Build the document, then ``show`` it: a small one at once, a large
        one a chunk per turn, its text layout made on the turn before it is
        shown. It stops once ``current`` is another build (a newer one)."""
        if self is not current():
            return
        self._add_chunk(view)
        if self.done < len(self.structure):
            QTimer.singleShot(0, view, lambda: self.run(view, current, show))
        elif self.done > BUILD_CHUNK:  # built in chunks: its text layout is made
            self.document.documentLayout()  # on this turn (6 ms), shown on the next
            QTimer.singleShot(0, view, lambda: show(self))
        else:
            show(self)

    def _add_chunk(self, view: QTextEdit) -> None:
        plain = QTextCharFormat()
        cursor, structure = self.cursor, self.structure
        cursor.beginEditBlock()
        for n in range(self.done, min(len(structure), self.done + BUILD_CHUNK)):
            segment_id, paragraph, text = structure[n]
            if n and paragraph != self.paragraphs[-1]:
                cursor.insertBlock(paragraph_format(), plain)
            elif n:
                cursor.insertText(" ", plain)
            state, locked = self.styles[segment_id]
            self.starts.append(cursor.position())
            cursor.insertImage(bar_format(view, self.document, self.bars, segment_id, state,
                                          locked))
            cursor.insertText(WORD_JOINER + shown(text), text_format(segment_id, state))
            self.ends.append(cursor.position())
            self.paragraphs.append(paragraph)
            self.used[segment_id] = (state, locked)
        cursor.endEditBlock()
        self.done = min(len(structure), self.done + BUILD_CHUNK)


class StepwiseLayout:
    """Lays out the document a view shows (new, or laid out again at a new
    width) :data:`LAYOUT_CHARS` characters a turn of the event loop. Left to
    itself, the text layout works in doubling steps, its last ones as long
    as laying out all at once."""

    def __init__(self, view: QTextEdit, done: Callable[[], None]) -> None:
        self.view, self.done = view, done  # ``done``: called once the layout is whole
        self.active = False  # the document shown, the rest of it being laid out
        self._run = 0  # the layout under way (a newer one replaces it)

    def start(self) -> None:
        """Lay the document shown out from its start (a layout under way stops)."""
        self._run += 1
        run, document = self._run, self.view.document()
        laid_out = 0  # characters laid out so far
        self.active = True

        def step() -> None:
            nonlocal laid_out
            if run != self._run or document is not self.view.document():
                return  # a newer layout, or another document
            end = document.characterCount() - 1
            laid_out = min(end, laid_out + LAYOUT_CHARS)
            lay_out_to(document, laid_out)
            if laid_out < end:
                QTimer.singleShot(0, self.view, step)
            else:
                self.active = False
                self.done()

        step()

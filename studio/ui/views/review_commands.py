"""The review's undoable changes: a segment's text, and a batch of locks,
approvals or voices. Each goes through the service's review flows; undo puts
back exactly what was there before."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from studio.core.store import Library, Segment
from studio.errors import UserError
from studio.service import review
from studio.ui import words


class EditTextCommand(QUndoCommand):
    """Undoable edit of one segment's text."""

    def __init__(self, library: Library, segment_id: int, old: str, new: str,
                 done: Callable[[], None]) -> None:
        super().__init__(words.text_edit(new))
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
        super().__init__(words.batch_change(what, value, len(segment_ids)))
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

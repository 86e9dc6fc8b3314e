"""A lexicon change as a user makes it: write the entries, queue the
rendered segments that now say something else, start the engine for them.

The command line's ``studio lexicon add|remove|import`` and the window's
Pronunciation page (and its Pronounce as…) call :func:`change_lexicon`.
Segments of a paused project are queued too, and wait for Resume like the
project's other jobs; locked segments keep what they said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studio.core.planning import requeue_changed
from studio.core.store import LexiconChange, Library
from studio.service.engine import Starter, start_engine_for
from studio.text.lexicon import Entry

__all__ = ["LexiconChanged", "change_lexicon"]


@dataclass(frozen=True)
class LexiconChanged:
    """The segments the change reached (by project), and the jobs it queued."""

    change: LexiconChange
    queued: list[int]  # new job ids: rendered segments that render again


def change_lexicon(library: Library, entries: Sequence[Entry], project_id: int | None = None,
                   *, remove: Sequence[str] = (),
                   start: Starter | None = None) -> LexiconChanged:
    """Add or replace ``entries`` (and remove ``remove``) in the library's
    lexicon, or a project's; what was rendered and now says something else
    is queued to render again, and the engine started for it."""
    change = library.set_lexicon(entries, project_id, remove=remove)
    queued = requeue_changed(library, change)
    if queued:
        start_engine_for(library.root, start)
    return LexiconChanged(change, queued)

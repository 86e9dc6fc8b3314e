"""Segment review as a user does it: regenerate, edit, lock, approve, choose
a take, each written once for every front end.

A batch acts on what it may and names what it refused (a locked segment
keeps its take); a refusal of the whole batch (the paused rule, a segment
that is not rendered for approval) changes nothing. What was queued starts
the engine through ``start``: the command line and the server start it
where they are, the window passes a starter that runs off its thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from studio.core import review
from studio.core.review import Regenerated
from studio.core.store import Library, Segment
from studio.errors import UserError
from studio.service.engine import Starter, ensure_engine
from studio.service.render import refuse_paused

__all__ = ["Batch", "Regenerated", "approve", "choose_take", "edit", "mark", "regenerate",
           "set_locked", "set_voice"]

MARKS = ("lock", "unlock", "approve", "unapprove")


@dataclass(frozen=True)
class Batch:
    """What a batch action did: the segments it changed (with what it did
    to each, for regenerate) and the ones it refused, each with its reason."""

    done: list[Segment] = field(default_factory=list)
    regenerated: list[Regenerated] = field(default_factory=list)
    refused: list[tuple[Segment, UserError]] = field(default_factory=list)


def _project_of(library: Library, segments: Sequence[Segment]) -> None:
    """The paused rule, for the project the segments belong to."""
    if segments:
        project = library.project_by_id(segments[0].project_id)
        if project is not None:
            refuse_paused(project)


def regenerate(library: Library, segment_ids: Sequence[int], *,
               start: Starter = ensure_engine) -> Batch:
    """A new take of each segment, ahead of bulk work (a waiting job moves
    to the front instead; one being rendered is left to finish). Locked
    segments are refused one by one; a paused project refuses the batch."""
    segments = [library.segment(i) for i in segment_ids]
    _project_of(library, segments)
    result = Batch()
    for segment in segments:
        try:
            result.regenerated.append(review.regenerate(library, segment.id))
        except UserError as err:
            result.refused.append((segment, err))
    result.done.extend(r.segment for r in result.regenerated)
    if result.regenerated:
        start(library.root)
    return result


def edit(library: Library, segment_id: int, text: str) -> Segment:
    """Replace what a segment says; only it needs rendering again (nothing
    is queued: the user renders when the edits are done)."""
    return review.edit_text(library, segment_id, text)


def mark(library: Library, segment_ids: Sequence[int], action: str) -> Batch:
    """Lock, unlock, approve or unapprove segments (``action`` one of
    :data:`MARKS`). Approval needs a current take: a batch with a segment
    that has none is refused whole, before anything changes; a lock or
    approval refused for one segment leaves the others done."""
    if action not in MARKS:
        raise ValueError(action)
    segments = [library.segment(i) for i in segment_ids]
    if action == "approve":
        problems = [s for s in segments if not s.done]
        if problems:  # check them all before changing any
            review.approve(library, problems[0].id)
    result = Batch()
    for segment in segments:
        try:
            if action in ("lock", "unlock"):
                review.set_locked(library, segment.id, action == "lock")
            else:
                review.approve(library, segment.id, action == "approve")
        except UserError as err:
            result.refused.append((segment, err))
        else:
            result.done.append(library.segment(segment.id))
    return result


def approve(library: Library, segment_id: int, approved: bool = True) -> None:
    """Approve (or unapprove) one segment's current take."""
    review.approve(library, segment_id, approved)


def set_locked(library: Library, segment_id: int, locked: bool) -> None:
    """Lock a segment (its take, text and voice are kept as they are) or unlock it."""
    review.set_locked(library, segment_id, locked)


def set_voice(library: Library, segment_id: int, voice: str | None) -> Segment:
    """Give a segment its own voice (None: the project's again); it needs
    rendering if that changes what it sounds like."""
    return review.set_voice(library, segment_id, voice)


def choose_take(library: Library, segment_id: int, take_id: int) -> None:
    """Make one of the segment's takes of its present text current."""
    review.choose_take(library, segment_id, take_id)

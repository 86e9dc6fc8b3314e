"""Segment review as a user does it: regenerate, edit, lock, approve, choose
a take, each written once for every front end.

Which segment an action refuses, and why, is one rule
(:func:`studio.core.review.refusal`: a locked segment keeps its take, a
segment without a current take cannot be approved). What a batch does with
refusals is the front end's choice, made explicit by ``partial``: the
command line and the API refuse the whole batch before anything changes
(their promise: a refusal leaves the library as it was); the window acts on
the rest and names what it left alone (its undo takes the batch back). The
paused rule refuses the whole batch everywhere. What was queued starts the
engine through ``start``: the command line and the server start it where
they are, the window passes a starter that runs off its thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from studio.core import review
from studio.core.review import Regenerated
from studio.core.store import Library, Segment
from studio.errors import UserError
from studio.service.engine import Starter, start_engine_for
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


def _refused(segments: Sequence[Segment], action: str) -> list[tuple[Segment, UserError]]:
    return [(s, err) for s in segments if (err := review.refusal(s, action)) is not None]


def regenerate(library: Library, segment_ids: Sequence[int], *, partial: bool = False,
               start: Starter | None = None) -> Batch:
    """A new take of each segment, ahead of bulk work (a waiting job moves
    to the front instead; one being rendered is left to finish). Locked
    segments are refused (with ``partial``, the others are queued); a paused
    project refuses the batch."""
    segments = [library.segment(i) for i in segment_ids]
    _project_of(library, segments)
    if not partial and (refused := _refused(segments, "regenerate")):
        return Batch(refused=refused)
    result = Batch()
    for segment in segments:
        try:
            result.regenerated.append(review.regenerate(library, segment.id))
        except UserError as err:
            result.refused.append((segment, err))
    result.done.extend(r.segment for r in result.regenerated)
    if result.regenerated:
        start_engine_for(library.root, start)
    return result


def edit(library: Library, segment_id: int, text: str) -> Segment:
    """Replace what a segment says; only it needs rendering again (nothing
    is queued: the user renders when the edits are done)."""
    return review.edit_text(library, segment_id, text)


def mark(library: Library, segment_ids: Sequence[int], action: str, *,
         partial: bool = False) -> Batch:
    """Lock, unlock, approve or unapprove segments (``action`` one of
    :data:`MARKS`). Approval needs a current take: a segment without one is
    refused (with ``partial``, the others are approved)."""
    if action not in MARKS:
        raise ValueError(action)
    segments = [library.segment(i) for i in segment_ids]
    if not partial and (refused := _refused(segments, action)):
        return Batch(refused=refused)  # checked them all before changing any
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

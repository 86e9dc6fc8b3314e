"""The window's words for what the service's flows return, translated.

Flows return data (:class:`~studio.service.render.Queued`,
:class:`~studio.core.review.Regenerated`, refusal codes on
:class:`~studio.errors.UserError`); the command line and the server word
them in English in their own modules, the window here, through Qt's
translation (context ``Words``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from studio.core.review import Regenerated
from studio.errors import UserError
from studio.service.render import Queued

translate = QCoreApplication.translate  # (context, text): lupdate finds these calls


def queued(result: Queued) -> str:
    """What Render all (or Apply) queued, in a line."""
    name = result.project.name
    if result.todo == 0 and not result.locked:
        return translate("Words", "Project %s: every segment is rendered") % name
    text = translate("Words", "Project %s: %d segment(s) to render") % (name, result.todo)
    if result.locked:
        numbers = ", ".join(str(s.number) for s in result.locked[:5])
        text += translate("Words", "; locked without a current take (unlock to render): %s") % (
            numbers + (" …" if len(result.locked) > 5 else ""))
    return text


def regenerated(done: Sequence[Regenerated]) -> str:
    """What a regenerate did: one segment in detail, several counted."""
    if len(done) != 1:
        return translate("Words", "%d segments: new takes are queued") % len(done)
    number = done[0].segment.number
    if done[0].action == "queued":
        return translate("Words", "Segment %d: a new take is queued") % number
    if done[0].action == "raised":
        return translate("Words", "Segment %d was already queued: moved to the front of "
                         "the queue") % number
    return translate("Words", "Segment %d is being rendered now") % number


def batch_change(what: str, value: object, count: int) -> str:
    """The undo stack's name for a change of several segments ("Approve 3
    segments": the Edit menu shows it as "Undo Approve 3 segments")."""
    if what == "lock":
        verb = translate("Words", "Lock") if value else translate("Words", "Unlock")
    elif what == "approve":
        verb = translate("Words", "Approve") if value else translate("Words", "Unapprove")
    else:
        verb = translate("Words", "Set the voice of")
    counted = (translate("Words", "1 segment") if count == 1
               else translate("Words", "%d segments") % count)
    return f"{verb} {counted}"


def text_edit(text: str) -> str:
    """The undo stack's name for an edit of a segment's text."""
    shown = text if len(text) <= 30 else text[:29] + "…"
    return translate("Words", "Edit “%s”") % shown


def refusal(err: UserError) -> UserError:
    """A refusal with the window's words where its code has them (the
    problem and what to do), else as the flow said it."""
    if err.code == "paused":
        return UserError(translate("Words", "This project is paused"),
                         translate("Words", "resume it in the Queue page first"),
                         code=err.code)
    if err.code == "locked":
        return UserError(translate("Words", "This segment is locked"),
                         translate("Words", "unlock it first (L)"), code=err.code)
    return err

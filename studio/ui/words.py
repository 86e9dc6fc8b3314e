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


def _tr(text: str) -> str:
    return QCoreApplication.translate("Words", text)


def queued(result: Queued) -> str:
    """What Render all (or Apply) queued, in a line."""
    name = result.project.name
    if result.todo == 0 and not result.locked:
        return _tr("Project %s: every segment is rendered") % name
    text = _tr("Project %s: %d segment(s) to render") % (name, result.todo)
    if result.locked:
        numbers = ", ".join(str(s.number) for s in result.locked[:5])
        text += _tr("; locked without a current take (unlock to render): %s") % (
            numbers + (" …" if len(result.locked) > 5 else ""))
    return text


def regenerated(done: Sequence[Regenerated]) -> str:
    """What a regenerate did: one segment in detail, several counted."""
    if len(done) != 1:
        return _tr("%d segments: new takes are queued") % len(done)
    one = done[0]
    number = one.segment.number
    if one.action == "queued":
        return _tr("Segment %d: a new take is queued") % number
    if one.action == "raised":
        return _tr("Segment %d was already queued: moved to the front of the queue") % number
    return _tr("Segment %d is being rendered now") % number


def refusal(err: UserError) -> UserError:
    """A refusal with the window's words where its code has them (the
    problem and what to do), else as the flow said it."""
    if err.code == "paused":
        return UserError(_tr("This project is paused"),
                         _tr("resume it in the Queue page first"), code=err.code)
    if err.code == "locked":
        return UserError(_tr("This segment is locked"), _tr("unlock it first (L)"),
                         code=err.code)
    return err

"""How much audio one request may ask for: output bounded by input.

A short text can ask for a long output: eighty-seven ``[pause 30s]`` marks
are under a thousand characters and forty-four minutes of silence. A
request that makes audio for someone waiting (the server's one-shot
requests) is held to two limits, each a setting:

* its pauses, summed, exactly as the script's markup asks for them
  (:func:`check_request`, before anything is made or queued);
* its audio, pauses included: before anything is queued, a lower bound
  (the text read at :data:`FAST_CHARS_PER_S`, at the fastest speed it
  asks for, plus its pauses) refuses what surely runs over; once rendered,
  the takes' own lengths and the pauses between them, before they are
  joined (:func:`check_rendered`).

A refusal is a :class:`~studio.errors.UserError` with the code
``too_long`` that names the limit and the setting that raises it.
"""

from __future__ import annotations

from studio.core.export import ExportSettings, pause_after
from studio.core.store import Library, Project
from studio.errors import UserError
from studio.text import clean_text
from studio.text.markup import MAX_SPEED, MarkupError, parse, strip_markup

__all__ = ["FAST_CHARS_PER_S", "check_rendered", "check_request", "least_seconds"]

#: Faster than any voice here reads written text (Piper reads plain prose at
#: 16-17 characters a second, numbers and short sentences slower).
FAST_CHARS_PER_S = 25.0


def least_seconds(text: str, speed: float = 1.0, label: str = "the text"
                  ) -> tuple[float, float]:
    """``(pauses, audio)``: the seconds of pauses ``text`` asks for, and the
    least its audio can last (its pauses, and its words read fast). Markup
    that does not parse counts nothing: planning the script reports it."""
    cleaned = clean_text(text, label)
    try:
        marks = parse(cleaned)
    except MarkupError:
        return 0.0, 0.0
    pauses = sum((float(m.value) for m in marks if m.kind == "pause"), 0.0)
    fastest = MAX_SPEED if any(m.kind == "speed" for m in marks) else speed
    words = len(strip_markup(cleaned)) / (FAST_CHARS_PER_S * fastest)
    return pauses, pauses + words


def check_request(text: str, *, speed: float, max_pause_s: float, max_audio_s: float,
                  label: str = "the text") -> None:
    """Refuse ``text`` (code ``too_long``) if its pauses run over
    ``max_pause_s`` or its audio surely runs over ``max_audio_s``; cheap,
    and before anything is written."""
    pauses, audio = least_seconds(text, speed, label)
    if pauses > max_pause_s:
        raise UserError(f"{label} asks for {pauses:g} s of pauses, over the limit of "
                        f"{max_pause_s:g} s a request",
                        "use fewer or shorter pauses, or make a project (the server's "
                        "setting server.max_pause_s raises the limit)", code="too_long")
    if audio > max_audio_s:
        raise UserError(f"{label} makes at least {audio:.0f} s of audio, over the limit of "
                        f"{max_audio_s:g} s a request",
                        "split it, or make a project (the server's setting "
                        "server.max_audio_s raises the limit)", code="too_long")


def check_rendered(library: Library, project: Project, max_audio_s: float,
                   settings: ExportSettings, label: str = "the text") -> None:
    """Refuse (code ``too_long``) a rendered project whose takes and pauses
    run over ``max_audio_s``, before its audio is joined in memory."""
    total = settings.lead_in_s + settings.tail_s
    for segment, take in library.current_takes(project.id):
        total += (take.duration_s if take else 0.0) + pause_after(segment, settings)
    if total > max_audio_s:
        raise UserError(f"{label} made {total:.0f} s of audio, over the limit of "
                        f"{max_audio_s:g} s a request",
                        "split it, or make a project (the server's setting "
                        "server.max_audio_s raises the limit)", code="too_long")

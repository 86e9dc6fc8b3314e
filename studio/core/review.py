"""Segment-level review: regenerate, edit, lock, approve, choose a take.

The same calls serve the GUI and any script. Every change is one
transaction; nothing here deletes a take: the history stays for A/B.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from studio.core.jobs import PRIORITY_INTERACTIVE, JobQueue
from studio.core.render import backend_for_voice, enqueue_segments, segment_voice
from studio.core.store import Library, Segment
from studio.errors import UserError
from studio.text import prepare_script


@dataclass(frozen=True)
class Regenerated:
    """What a regenerate did: a new job, or the waiting one moved ahead."""

    segment: Segment
    job_id: int
    action: str  # "queued" (a new job), "raised" (its waiting job moved ahead), "running"

    def describe(self) -> str:
        """One line for the user."""
        number = self.segment.number
        if self.action == "queued":
            return f"segment {number}: a new take is queued (job {self.job_id})"
        if self.action == "raised":
            return (f"segment {number} was already queued (job {self.job_id}): "
                    "moved to the front of the queue")
        return f"segment {number} is being rendered now (job {self.job_id})"


def _refuse_locked(segment: Segment, what: str) -> None:
    if segment.locked:
        raise UserError(f"segment {segment.number} is locked, so its {what} cannot change",
                        f"unlock it first (L in the studio, or `studio unlock PROJECT "
                        f"{segment.number}`)")


def regenerate(library: Library, segment_id: int) -> Regenerated:
    """Queue a new take of the segment with a new seed, ahead of bulk work.

    A segment that already has a waiting job keeps it and the job moves to
    the front of the queue; one being rendered is left to finish. Locked
    segments are refused: unlock first.
    """
    segment = library.segment(segment_id)
    _refuse_locked(segment, "take")
    queue = JobQueue(library)
    before = queue.active_job(segment_id)
    enqueue_segments(library, [segment], priority=PRIORITY_INTERACTIVE,
                     seeds=[random.randrange(2**31)])
    after = queue.active_job(segment_id)
    assert after is not None
    if before is None:
        action = "queued"
    elif before["state"] == "running":
        action = "running"
    else:
        action = "raised"
    return Regenerated(library.segment(segment_id), int(after["id"]), action)


def edit_text(library: Library, segment_id: int, new_source: str) -> Segment:
    """Replace what a segment says (as written); only it needs rendering again.

    The new text is checked and normalized like a script and must stay one
    segment for its voice's backend (its ``max_chars``). The project's script
    is updated in the same place, so a later re-split keeps the edit. The old
    take stays in the history; the segment is stale until rendered again.
    """
    segment = library.segment(segment_id)
    _refuse_locked(segment, "text")
    voice = segment_voice(library, segment)
    backend = backend_for_voice(voice, library)
    plans = prepare_script(new_source, backend.max_chars, name="the new text").segments
    if len(plans) > 1:
        raise UserError(
            f"the new text for segment {segment.number} is {len(plans)} segments' worth "
            f"(voice {voice.name!r} reads at most {backend.max_chars} characters at a time)",
            "shorten it, or edit the script itself to add segments",
        )
    spoken = plans[0].text
    language = plans[0].language
    backend.check_language(language, voice.name, "the new text")
    source = new_source.strip()
    project = library.conn.execute(
        "SELECT script FROM projects WHERE id = ?", (segment.project_id,)
    ).fetchone()[0]
    before = [s for s in library.segments(segment.project_id)
              if (s.position or 0) < (segment.position or 0) and s.source == segment.source]
    script = _replace_nth(project, segment.source, source, len(before))
    with library.transaction() as conn:
        conn.execute(
            "UPDATE segments SET source = ?, text = ?, language = ? WHERE id = ?",
            (source, spoken, language, segment_id),
        )
        conn.execute("UPDATE projects SET script = ? WHERE id = ?", (script, segment.project_id))
    return library.segment(segment_id)


def _replace_nth(text: str, old: str, new: str, n: int) -> str:
    start = -1
    for _ in range(n + 1):
        start = text.find(old, start + 1)
        if start < 0:
            return text  # the script no longer holds it as written: keep it
    return text[:start] + new + text[start + len(old):]


def set_locked(library: Library, segment_id: int, locked: bool) -> None:
    """Lock (never re-rendered, never edited) or unlock a segment."""
    library.segment(segment_id)
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET locked = ? WHERE id = ?", (int(locked), segment_id))


def approve(library: Library, segment_id: int, approved: bool = True) -> None:
    """Approve the segment's current take (or withdraw the approval).

    Only a done segment can be approved: its current take speaks its present
    text with its present voice. A new current take is not approved.
    """
    segment = library.segment(segment_id)
    if approved and not segment.done:
        raise UserError(f"segment {segment.number} has no current take to approve "
                        f"(it is {segment.state})", "render it first")
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET approved_take_id = ? WHERE id = ?",
                     (segment.current_take_id if approved else None, segment_id))


def choose_take(library: Library, segment_id: int, take_id: int) -> None:
    """Make one of the segment's takes its current one.

    Only a take of the segment's present text and voice can be current; an
    older one stays in the history for listening.
    """
    segment = library.segment(segment_id)
    row = library.conn.execute(
        "SELECT text, voice_id FROM takes WHERE id = ? AND segment_id = ?",
        (take_id, segment_id),
    ).fetchone()
    if row is None:
        raise UserError(f"take {take_id} is not a take of segment {segment.number}",
                        f"see `studio takes PROJECT {segment.number}`")
    _refuse_locked(segment, "take")
    if not library.take_is_current(take_id, segment_id):
        what = "other text" if row["text"] != segment.text else "another voice"
        raise UserError(f"take {take_id} was made for {what} than segment {segment.number} "
                        "has now", "choose a take of its present text and voice, or render it")
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET current_take_id = ? WHERE id = ?",
                     (take_id, segment_id))


def set_voice(library: Library, segment_id: int, voice_name: str | None) -> Segment:
    """Give one segment its own voice (None: the project's again).

    The voice must read the segment's language and have a backend that can
    render it (a cloned voice never falls back). The segment then needs a
    render; its takes in the old voice stay in its history.
    """
    segment = library.segment(segment_id)
    _refuse_locked(segment, "voice")
    voice_id = None
    if voice_name is not None:
        voice = library.find_voice(voice_name)
        if voice is None:
            raise UserError(f"no voice named {voice_name!r}", "see `studio voices list`")
        backend_for_voice(voice, library).check_language(
            segment.language, voice.name, f"segment {segment.number}")
        voice_id = voice.id
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET voice_id = ? WHERE id = ?", (voice_id, segment_id))
    return library.segment(segment_id)


PREVIEW_LINE = "This is how this voice sounds in Voice Studio."


def preview(root: str, name: str) -> tuple[object, int]:
    """A voice's sound: its prompt clip, or for a preset a sample line spoken
    by its backend. Runs in a helper process (the GUI never loads a model)."""
    from studio.audio import read_audio
    from studio.core.render import SegmentRenderer, backend_for_voice

    with Library.open(root) as library:
        voice = library.find_voice(name)
        if voice is None:
            raise UserError(f"no voice named {name!r}")
        if voice.prompt_path:
            return read_audio(library.path(voice.prompt_path))
        backend = backend_for_voice(voice)
        renderer = SegmentRenderer(library, backend)
        return renderer.synthesize(PREVIEW_LINE, voice.id, seed=1), backend.sample_rate

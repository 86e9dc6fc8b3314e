"""Segment-level review: regenerate, edit, lock, approve, choose a take.

The same calls serve the GUI and any script. Every change is one
transaction; nothing here deletes a take: the history stays for A/B.
"""

from __future__ import annotations

import random

from studio.core.jobs import PRIORITY_INTERACTIVE, JobQueue
from studio.core.render import backend_for_voice
from studio.core.store import Library, Segment
from studio.errors import UserError
from studio.text import prepare_script


def _voice_id(library: Library, segment: Segment) -> int:
    if segment.voice_id:
        return segment.voice_id
    row = library.conn.execute(
        "SELECT voice_id FROM projects WHERE id = ?", (segment.project_id,)
    ).fetchone()
    return int(row[0])


def regenerate(library: Library, segment_id: int) -> int | None:
    """Queue a new take of the segment with a new seed, ahead of bulk work.

    Returns the job id, or None if the segment already has a job waiting.
    Locked segments are refused: unlock first.
    """
    segment = library.segment(segment_id)
    if segment.locked:
        raise UserError(f"segment {(segment.position or 0) + 1} is locked", "unlock it first")
    backend = backend_for_voice(library.voice(_voice_id(library, segment))).name
    jobs = JobQueue(library).enqueue(
        [segment_id], backend, priority=PRIORITY_INTERACTIVE, seeds=[random.randrange(2**31)]
    )
    return jobs[0] if jobs else None


def edit_text(library: Library, segment_id: int, new_source: str) -> Segment:
    """Replace what a segment says (as written); only it needs rendering again.

    The new text is checked and normalized like a script; it must stay one
    segment's worth. The project's script is updated in the same place, so a
    later re-split keeps the edit.
    """
    segment = library.segment(segment_id)
    if segment.locked:
        raise UserError(f"segment {(segment.position or 0) + 1} is locked", "unlock it first")
    voice = library.voice(_voice_id(library, segment))
    backend = backend_for_voice(voice)
    plans = prepare_script(new_source, max_chars=10**6, name="the new text").segments
    spoken = " ".join(plan.text for plan in plans)
    language = plans[0].language if plans else "und"
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
            "UPDATE segments SET source = ?, text = ?, language = ?, status = 'pending' "
            "WHERE id = ?",
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
    """Lock (never re-rendered) or unlock a segment."""
    library.segment(segment_id)
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET locked = ? WHERE id = ?", (int(locked), segment_id))


def approve(library: Library, segment_id: int, approved: bool = True) -> None:
    """Mark a rendered segment approved (or back to rendered)."""
    segment = library.segment(segment_id)
    if segment.current_take_id is None:
        raise UserError(f"segment {(segment.position or 0) + 1} has no take to approve",
                        "render it first")
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET status = ? WHERE id = ?",
                     ("approved" if approved else "rendered", segment_id))


def choose_take(library: Library, segment_id: int, take_id: int) -> None:
    """Make one of the segment's takes its current one."""
    take = library.take(take_id) if library.conn.execute(
        "SELECT 1 FROM takes WHERE id = ? AND segment_id = ?", (take_id, segment_id)
    ).fetchone() else None
    if take is None:
        raise UserError(f"take {take_id} is not a take of segment {segment_id}")
    with library.transaction() as conn:
        conn.execute(
            "UPDATE segments SET current_take_id = ?, status = 'rendered' WHERE id = ?",
            (take_id, segment_id),
        )


def set_voice(library: Library, segment_id: int, voice_name: str | None) -> Segment:
    """Give one segment its own voice (None: the project's again).

    The voice must read the segment's language and have a backend that can
    render it (a cloned voice never falls back). The segment then needs a
    render; its takes in the old voice stay in its history.
    """
    segment = library.segment(segment_id)
    if segment.locked:
        raise UserError(f"segment {(segment.position or 0) + 1} is locked", "unlock it first")
    voice_id = None
    if voice_name is not None:
        voice = library.find_voice(voice_name)
        if voice is None:
            raise UserError(f"no voice named {voice_name!r}")
        backend_for_voice(voice).check_language(
            segment.language, voice.name, f"segment {(segment.position or 0) + 1}")
        voice_id = voice.id
    with library.transaction() as conn:
        conn.execute("UPDATE segments SET voice_id = ?, status = 'pending' WHERE id = ?",
                     (voice_id, segment_id))
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

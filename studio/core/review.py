"""Segment-level review: regenerate, edit, lock, approve, choose a take.

The same calls serve the GUI and any script. Every change is one
transaction; nothing here deletes a take: the history stays for A/B.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.backends import Backend
from studio.core.jobs import PRIORITY_INTERACTIVE, JobQueue
from studio.core.planning import backend_for_voice, enqueue_segments, segment_voice
from studio.core.storage.segments import revive_take
from studio.core.store import Library, Segment, Voice
from studio.errors import UserError
from studio.text import prepare_script
from studio.text.lexicon import speech_of
from studio.text.markup import has_delivery_marks


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


def _locked(segment: Segment, what: str) -> UserError | None:
    if not segment.locked:
        return None
    return UserError(f"segment {segment.number} is locked, so its {what} cannot change",
                     f"unlock it first (L in the studio, or `studio unlock PROJECT "
                     f"{segment.number}`)", code="locked")


def _refuse_locked(segment: Segment, what: str) -> None:
    refused = _locked(segment, what)
    if refused is not None:
        raise refused


def refusal(segment: Segment, action: str) -> UserError | None:
    """Why ``action`` (regenerate, approve, lock, unlock, unapprove) would be
    refused for ``segment`` as it is now, or None: the rule the actions
    themselves apply, asked before a batch changes anything."""
    if action == "regenerate":
        return _locked(segment, "take")
    if action == "approve" and not segment.done:
        return UserError(f"segment {segment.number} has no current take to approve "
                         f"(it is {segment.state})", "render it first", code="not_rendered")
    return None


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
    edit = _prepare_edit(library, segment, new_source)
    script, _ = library.project_script(segment.project_id)
    rewritten = _rewrite_script(script, library.segments(segment.project_id),
                                {segment.id: edit.new_source})
    with library.transaction():
        _write_edits(library, segment.project_id, [edit], rewritten)
    return library.segment(segment_id)


@dataclass(frozen=True)
class TextEdit:
    """One segment's text before and after an edit, as stored: what is
    written (``source``), what is spoken (``text``) and its language."""

    segment_id: int
    number: int
    old_source: str
    new_source: str
    old_text: str
    new_text: str
    old_language: str
    new_language: str
    old_phonemes: str = "[]"  # the script's inline phonemes (JSON), as stored
    new_phonemes: str = "[]"

    def reversed(self) -> TextEdit:
        """The edit that puts the old text back."""
        return TextEdit(self.segment_id, self.number, self.new_source, self.old_source,
                        self.new_text, self.old_text, self.new_language, self.old_language,
                        self.new_phonemes, self.old_phonemes)


class _TooLong(UserError):
    """New text that is more than one segment's worth for its voice."""

    def __init__(self, number: int, count: int, voice: str, max_chars: int) -> None:
        self.number, self.count, self.voice, self.max_chars = number, count, voice, max_chars
        super().__init__(
            f"the new text for segment {number} is {count} segments' worth "
            f"(voice {voice!r} reads at most {max_chars} characters at a time)",
            "shorten it, or edit the script itself to add segments",
        )


def _prepare_edit(library: Library, segment: Segment, new_source: str,
                  name: str = "the new text",
                  voices: dict[int | None, tuple[Voice, type[Backend]]] | None = None,
                  ) -> TextEdit:
    """Check ``new_source`` for ``segment`` and work out what it stores: the
    text normalized like a script, one segment for its voice's backend, in
    a language the voice reads. Reads only; :class:`UserError` if it cannot.
    ``voices`` keeps each voice's backend across calls (finding a cloning
    backend may probe the GPUs)."""
    voices = {} if voices is None else voices
    key = segment.voice_id or segment.script_voice_id  # None: the project's voice
    if key not in voices:
        voice = segment_voice(library, segment)
        voices[key] = (voice, backend_for_voice(voice, library))
    voice, backend = voices[key]
    if has_delivery_marks(new_source):
        raise UserError(
            f"{name} for segment {segment.number} has pause, speed or voice markup, which "
            "reaches beyond one segment",
            "change pauses, speed and voices in the script itself (the Script tab)")
    plans = prepare_script(new_source, backend.max_chars, name=name).segments
    if len(plans) > 1:
        raise _TooLong(segment.number, len(plans), voice.name, backend.max_chars)
    plan = plans[0]
    backend.check_language(plan.language, voice.name, name)
    return TextEdit(segment.id, segment.number, segment.source, new_source.strip(),
                    segment.text, plan.text, segment.language, plan.language,
                    segment.phonemes, json.dumps(plan.phonemes, ensure_ascii=False))


def _write_edits(library: Library, project_id: int, edits: Sequence[TextEdit],
                 script: str) -> None:
    """Inside the caller's transaction: store each edit's new text and the
    project's script that holds them; what each says is worked out from the
    lexicon as it is now (an undo after a lexicon change says it the new way)."""
    lexicon = library.lexicon_for(project_id)
    library.write_texts(project_id, [
        (e.new_source, e.new_text, e.new_language,
         speech_of(e.new_text, [tuple(p) for p in json.loads(e.new_phonemes)], lexicon),
         e.new_phonemes, e.segment_id) for e in edits], script)


def _rewrite_script(script: str, segments: Sequence[Segment], new: Mapping[int, str]) -> str:
    """The script with the segments in ``new`` (id: text as written) written
    in their places.

    Each segment is looked for after the one before it, so a sentence that
    also appears inside an earlier one is replaced in its own place, and a
    segment whose line was wrapped in the script is found across the break
    (its new text is written on one line). A segment the script no longer
    holds as written is left out: the script keeps what it has there.
    """
    spans = _locate(script, [s.source for s in segments])
    changes = sorted((span, new[s.id]) for s, span in zip(segments, spans)
                     if s.id in new and span is not None)
    for (start, end), text in reversed(changes):
        script = script[:start] + text + script[end:]
    return script


def _locate(script: str, sources: Sequence[str]) -> list[tuple[int, int] | None]:
    """Where each segment's text (in script order) stands in the script."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for source in sources:
        # close to the one before: the gap between segments is a space or a
        # dropped symbol, never pages (a bounded window keeps this linear)
        window = cursor + 4 * len(source) + 2000
        at = script.find(source, cursor, window)
        if at >= 0 and not script[cursor:at].strip():
            spans.append((at, at + len(source)))
            cursor = at + len(source)
            continue
        words = source.split()
        loose = re.compile(r"\s+".join(map(re.escape, words))) if words else None
        found = loose.search(script, cursor, window) if loose else None
        if found is None:
            spans.append(None)
            continue
        spans.append(found.span())
        cursor = found.end()
    return spans


# ------------------------------------------------------------ find and replace
@dataclass(frozen=True)
class Match:
    """Where a pattern was found: in a segment's text as written, from
    ``start`` to ``end`` (string offsets)."""

    segment_id: int
    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Skipped:
    """A segment with matches that a replace leaves as it is, and why."""

    segment_id: int
    number: int
    reason: str  # "locked"


@dataclass(frozen=True)
class ReplacePlan:
    """What a replace will change, checked and worked out before anything is
    written: each segment's text before and after, the project's script
    before and after, and the segments it leaves alone."""

    project_id: int
    edits: tuple[TextEdit, ...]
    skipped: tuple[Skipped, ...]
    script_before: str
    script_after: str
    replacements: int  # matches replaced, over all the edited segments

    def reverse(self) -> ReplacePlan:
        """The plan that undoes this one exactly: each segment's old text and
        the old script back."""
        return ReplacePlan(self.project_id, tuple(e.reversed() for e in self.edits), (),
                           self.script_after, self.script_before, self.replacements)


def compile_pattern(pattern: str, *, case: bool = False, whole_words: bool = False,
                    regex: bool = False) -> re.Pattern[str]:
    """The search for ``pattern``: as written (``regex=False``) or a regular
    expression; ``whole_words``: not inside a longer word (no letter, digit
    or underscore on either side). :class:`UserError` for a bad expression."""
    if not pattern:
        raise UserError("there is nothing to find", "give the text to look for")
    body = pattern if regex else re.escape(pattern)
    if whole_words:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    try:
        return re.compile(body, 0 if case else re.IGNORECASE)
    except re.error as err:
        where = f" at position {err.pos}" if err.pos is not None else ""
        raise UserError(f"{pattern!r} is not a valid regular expression ({err.msg}{where})",
                        "correct it, or search for the text as written") from None


def search_texts(texts: Iterable[tuple[int, int, str]], compiled: re.Pattern[str]) -> list[Match]:
    """Every match in (segment id, number, text) triples, in their order.
    Empty matches (``x*``, ``^``) are not matches: there is nothing to see
    or replace."""
    return [Match(segment_id, number, found.start(), found.end())
            for segment_id, number, text in texts
            for found in compiled.finditer(text) if found.end() > found.start()]


def find_matches(library: Library, project_id: int, pattern: str, *, case: bool = False,
                 whole_words: bool = False, regex: bool = False) -> list[Match]:
    """Where ``pattern`` is in the project's segments (their text as written),
    in script order. An empty pattern finds nothing; a bad regular expression
    is a :class:`UserError` naming the problem."""
    if not pattern:
        return []
    compiled = compile_pattern(pattern, case=case, whole_words=whole_words, regex=regex)
    return search_texts(((s.id, s.number, s.source) for s in library.segments(project_id)),
                        compiled)


def _numbers(numbers: Sequence[int], most: int = 12) -> str:
    listed = ", ".join(map(str, numbers[:most]))
    return listed + (f" and {len(numbers) - most} more" if len(numbers) > most else "")


def _segments_word(numbers: Sequence[int]) -> str:
    return f"segment{'s' if len(numbers) > 1 else ''} {_numbers(numbers)}"


def plan_replace(
    library: Library,
    project_id: int,
    pattern: str,
    replacement: str,
    *,
    case: bool = False,
    whole_words: bool = False,
    regex: bool = False,
    segment_ids: Iterable[int] | None = None,
    only: Match | None = None,
) -> ReplacePlan:
    """Work out a replace in the project's segments without writing anything.

    ``replacement`` is taken as written, or with ``regex`` as a template
    (``\\1``, ``\\g<name>`` for groups). ``segment_ids`` limits it to those
    segments; ``only`` to that one match (still there as found). Locked
    segments are listed in ``skipped``, never changed. Every new text is
    checked as :func:`edit_text` checks it; if any segment would be left
    with nothing to speak, would be more than one segment's worth, or cannot
    be read by its voice, the whole replace is refused with one
    :class:`UserError` naming those segments, and nothing is written.
    """
    compiled = compile_pattern(pattern, case=case, whole_words=whole_words, regex=regex)
    script, trashed = library.project_script(project_id)
    if trashed:
        raise UserError("the project is in the trash", "restore it first")
    segments = library.segments(project_id)
    chosen: set[int] | None = None
    if only is not None:
        chosen = {only.segment_id}
    elif segment_ids is not None:
        chosen = set(segment_ids)
    if chosen is not None:
        missing = chosen - {s.id for s in segments}
        if missing:
            raise UserError(f"segment id(s) {_numbers(sorted(missing))} are not in this project "
                            "(any more)", "search again")
    edits: list[TextEdit] = []
    voices: dict[int | None, tuple[Voice, type[Backend]]] = {}  # a segment's own, or None
    skipped: list[Skipped] = []
    blank: list[int] = []
    too_long: dict[tuple[str, int], list[int]] = {}
    other: list[str] = []
    replacements = 0
    for segment in segments:
        if chosen is not None and segment.id not in chosen:
            continue
        found = [m for m in compiled.finditer(segment.source) if m.end() > m.start()]
        if only is not None:
            found = [m for m in found if m.span() == (only.start, only.end)]
            if not found:
                raise UserError(f"segment {segment.number} changed since the search "
                                "(the match is not there any more)", "search again")
        if not found:
            continue
        if segment.locked:
            skipped.append(Skipped(segment.id, segment.number, "locked"))
            continue
        new_source = _substitute(segment.source, found, replacement, regex, pattern)
        if new_source.strip() == segment.source:
            continue
        replacements += len(found)
        if not re.search(r"\w", new_source):
            blank.append(segment.number)
            continue
        try:
            edits.append(_prepare_edit(library, segment, new_source,
                                       f"the new text of segment {segment.number}", voices))
        except _TooLong as err:
            too_long.setdefault((err.voice, err.max_chars), []).append(segment.number)
        except UserError as err:
            other.append(err.problem)
    if blank or too_long or other:
        problems, fixes = [], []
        if blank:
            problems.append(f"{_segments_word(blank)} would have nothing left to speak")
            fixes.append("replace with words, or delete those sentences in the script itself")
        for (voice, max_chars), numbers in too_long.items():
            problems.append(f"{_segments_word(numbers)} would be more than one segment's "
                            f"worth (voice {voice!r} reads at most {max_chars} characters "
                            "at a time)")
            fixes.append("use a shorter replacement, or edit the script itself to add "
                         "segments")
        problems += other
        if other:
            fixes.append("change the replacement")
        raise UserError("nothing was replaced: " + "; ".join(problems), "; ".join(fixes))
    rewritten = _rewrite_script(script, segments, {e.segment_id: e.new_source for e in edits})
    return ReplacePlan(project_id, tuple(edits), tuple(skipped), script, rewritten,
                       replacements)


def _substitute(text: str, found: Sequence[re.Match[str]], replacement: str, regex: bool,
                pattern: str) -> str:
    """``text`` with each of ``found`` replaced (a template with ``regex``)."""
    pieces, last = [], 0
    for match in found:
        try:
            new = match.expand(replacement) if regex else replacement
        except (re.error, IndexError) as err:
            raise UserError(f"the replacement {replacement!r} does not fit the pattern "
                            f"{pattern!r} ({err})",
                            r"refer only to groups the pattern has (\1, \g<name>), and write "
                            r"\\ for a backslash") from None
        pieces += [text[last:match.start()], new]
        last = match.end()
    return "".join([*pieces, text[last:]])


def apply_replace(library: Library, plan: ReplacePlan) -> list[int]:
    """Write a planned replace: every edit and the project's script in one
    transaction (all or nothing). Returns the ids of the segments changed.

    The plan must still fit the library: a segment changed or locked since
    it was worked out refuses it (nothing written). The script is written
    as planned if it is as it was then; if it was changed meanwhile without
    changing these segments (an edit elsewhere), the edits are written into
    it in their places. A segment whose new text some take already speaks
    (with its voice) gets that take back as its current one, so undoing a
    replace (applying ``plan.reverse()``) brings back the takes as they
    were, even after the new text was rendered.
    """
    if not plan.edits:
        return []
    with library.transaction() as conn:
        for edit in plan.edits:
            now = library.edit_target(edit.segment_id)
            if now is not None and now["deleted_at"] is not None:
                raise UserError("the project is in the trash, so its text cannot change",
                                "restore it first (Undo, or `studio projects restore`)")
            if (now is None or now["source"] != edit.old_source or now["position"] is None
                    or now["project_id"] != plan.project_id):
                raise UserError(f"segment {edit.number} has been changed meanwhile, so this "
                                "replace no longer fits it", "nothing was changed; search again")
            if now["locked"]:
                raise UserError(f"segment {edit.number} has been locked meanwhile, so its text "
                                "cannot change", "unlock it, or search again")
        script, _ = library.project_script(plan.project_id)
        if script != plan.script_before:
            plan = dataclasses.replace(plan, script_after=_rewrite_script(
                script, library.segments(plan.project_id),
                {e.segment_id: e.new_source for e in plan.edits}))
        _write_edits(library, plan.project_id, plan.edits, plan.script_after)
        for edit in plan.edits:
            revive_take(conn, edit.segment_id)
    return [edit.segment_id for edit in plan.edits]


def plan_replace_in(root: Path | str, project_id: int, pattern: str, replacement: str,
                    **options: Any) -> ReplacePlan:
    """:func:`plan_replace` on the library at ``root``, for a helper process
    (normalizing many new texts holds the interpreter for a while)."""
    with Library.open(root) as library:
        return plan_replace(library, project_id, pattern, replacement, **options)


def set_locked(library: Library, segment_id: int, locked: bool) -> None:
    """Lock (never re-rendered, never edited) or unlock a segment.

    A locked segment kept what it said through lexicon changes: unlocked, it
    says its words as the lexicon says now (stale if that differs and no take
    of it has that speech yet; Render all renders it)."""
    segment = library.segment(segment_id)
    with library.transaction() as conn:
        library.lock_segment(segment_id, locked)
        if not locked:
            speech = speech_of(segment.text, [tuple(p) for p in json.loads(segment.phonemes)],
                               library.lexicon_for(segment.project_id))
            if speech != segment.speech:
                library.set_speech(segment_id, speech)
                revive_take(conn, segment_id)


def approve(library: Library, segment_id: int, approved: bool = True) -> None:
    """Approve the segment's current take (or withdraw the approval).

    Only a done segment can be approved: its current take speaks its present
    text with its present voice. A new current take is not approved.
    """
    segment = library.segment(segment_id)
    refused = refusal(segment, "approve") if approved else None
    if refused is not None:
        raise refused
    library.approve_take(segment_id, segment.current_take_id if approved else None)


def choose_take(library: Library, segment_id: int, take_id: int) -> None:
    """Make one of the segment's takes its current one.

    Only a take of the segment's present text and voice can be current; an
    older one stays in the history for listening.
    """
    segment = library.segment(segment_id)
    take = library.take_of(segment_id, take_id)
    if take is None:
        raise UserError(f"take {take_id} is not a take of segment {segment.number}",
                        f"see `studio takes PROJECT {segment.number}`")
    _refuse_locked(segment, "take")
    if not library.take_is_current(take_id, segment_id):
        what = "other text" if take.text != segment.text else "another voice"
        raise UserError(f"take {take_id} was made for {what} than segment {segment.number} "
                        "has now", "choose a take of its present text and voice, or render it")
    library.set_chosen_take(segment_id, take_id)  # chosen: take QA never replaces it


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
    library.set_segment_voice(segment_id, voice_id)
    return library.segment(segment_id)


PREVIEW_LINE = "This is how this voice sounds in Voice Studio."


def preview(root: str, name: str) -> tuple[object, int]:
    """A voice's sound: its prompt clip, or for a preset a sample line spoken
    by its backend. Runs in a helper process (the GUI never loads a model)."""
    from studio.audio import read_audio
    from studio.core.planning import SegmentRenderer, backend_for_voice

    with Library.open(root) as library:
        voice = library.find_voice(name)
        if voice is None:
            raise UserError(f"no voice named {name!r}")
        if voice.prompt_path:
            return read_audio(library.path(voice.prompt_path))
        backend = backend_for_voice(voice)
        renderer = SegmentRenderer(library, backend)
        return renderer.synthesize(PREVIEW_LINE, voice.id, seed=1), backend.sample_rate

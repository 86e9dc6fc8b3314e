"""What the Pronunciation page and "Pronounce as…" need from the core, Qt-free:
which segments each lexicon entry reaches, a short phrase around a word,
and a preview of that phrase said the new way.

The writes themselves go through :meth:`Library.set_lexicon` and
:func:`studio.core.planning.requeue_changed`, as ``studio lexicon`` does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from studio.core.store import Library
from studio.errors import UserError
from studio.text.lexicon import Entry, Lexicon, speech_of, term_pattern

#: Words either side of the word in a preview phrase: enough for the voice to
#: say it as it would in a sentence, short enough to hear it at once.
PHRASE_WORDS = 4


@dataclass(frozen=True)
class SegmentText:
    """One live segment's words (its ``text``: normalized, what entries match)."""

    project: str
    segment_id: int
    number: int
    text: str


def segment_texts(library: Library, project_id: int | None) -> list[SegmentText]:
    """The live segments of one project, or of every live project (``None``),
    in listing order: one query per project."""
    if project_id is None:
        projects = [library.find_project(name) for name in library.project_names()]
    else:
        projects = [p for p in (library.find_project(n) for n in library.project_names())
                    if p is not None and p.id == project_id]
    return [SegmentText(project.name, segment.id, segment.number, segment.text)
            for project in projects if project is not None
            for segment in library.segments(project.id)]


def affected(entries: Sequence[Entry],
             segments: Sequence[SegmentText]) -> dict[str, list[SegmentText]]:
    """For each entry (by :attr:`Entry.key`), the segments whose words it
    matches (:meth:`Lexicon.matches` of that entry alone).

    The pattern runs only where a plain substring test says it may match: an
    ASCII term matches case-insensitively only where its lower-cased letters
    stand in the lower-cased text (other scripts have case foldings a
    substring test would miss, so they go straight to the pattern). 5,000
    segments and 100 entries: 1 s with the pattern alone, under 0.1 s so
    (measured); the window still runs it on its thread pool.
    """
    folded = [" ".join(s.text.split()).lower() for s in segments]
    found: dict[str, list[SegmentText]] = {}
    for entry in entries:
        lexicon = Lexicon([entry])
        needle = " ".join(entry.term.split()).lower() if entry.term.isascii() else ""
        found[entry.key] = [s for s, low in zip(segments, folded)
                            if (not needle or needle in low) and lexicon.matches(s.text)]
    return found


def phrase_around(text: str, term: str, words: int = PHRASE_WORDS) -> str:
    """A short phrase of ``text`` holding ``term``: up to ``words`` words
    either side of it (the term alone when ``text`` does not hold it)."""
    term = term.strip()
    found = term_pattern(term).search(text) if term else None
    if found is None:
        return term
    before = text[:found.start()].split()
    after = text[found.end():].split()
    phrase = " ".join([*before[-words:], found.group(), *after[:words]])
    return re.sub(r"\s+([,.;:!?])", r"\1", phrase).strip()


def markup_problem(text: str) -> tuple[str, int] | None:
    """The first markup error in ``text`` as (message, index), or None: what
    the Script tab underlines (run in its helper process for a long script)."""
    from studio.text.markup import MarkupError, parse

    try:
        parse(text)
    except MarkupError as err:
        return str(err), err.index
    return None


def preview_said(root: str, voice_name: str, text: str, entry: Entry) -> tuple[object, int]:
    """``text`` said with ``entry`` applied, by ``voice_name``: the samples
    and their rate. Runs in the GUI's helper process (the GUI never loads a
    model); the voice's backend gets phonemes if it reads them, else the alias."""
    from studio.core.planning import SegmentRenderer, backend_for_voice

    with Library.open(root) as library:
        voice = library.find_voice(voice_name)
        if voice is None:
            raise UserError(f"no voice named {voice_name!r}", "choose another voice")
        backend = backend_for_voice(voice, library)
        renderer = SegmentRenderer(library, backend)
        speech = speech_of(text or entry.term, (), Lexicon([entry]))
        return renderer.synthesize(speech, voice.id, seed=1), backend.sample_rate

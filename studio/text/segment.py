"""Split a script into segments: the unit that is rendered, reviewed and
re-rendered on its own.

Boundaries are found on the text *as written*, where abbreviations ("Dr.",
"U.S."), numbers ("3.14", "$1,200") and quotations are still visible, by
pysbd (rule-based sentence boundaries for English that know abbreviations)
and, for Chinese, Japanese and Korean, a quote-aware rule on sentence-final
punctuation. Each sentence is then normalized to its spoken form. A sentence
whose spoken form is longer than the backend's limit is cut at the best
place in the written text — a semicolon or colon, then a comma, then a space —
never beside a digit, after an abbreviation or inside quotation marks.
One-word fragments ("Why?", "No.") are merged into a neighbour.

Paragraphs (blank lines) are kept: the pause after the last segment of a
paragraph is longer. Joining the segments' text, with a space between
English pieces and nothing between Chinese ones, and a blank line between
paragraphs, gives back the normalized script (:attr:`Script.text`).
"""

from __future__ import annotations

import bisect
import dataclasses
import enum
import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from studio.text import markup
from studio.text.clean import clean_text
from studio.text.lang import detect_language, is_cjk_char
from studio.text.markup import Mark
from studio.text.normalize import normalize_sentence


class Pause(str, enum.Enum):
    """The kind of pause that follows a segment; export maps each to a length."""

    BREATH = "breath"  # a cut inside a long sentence with no punctuation
    COMMA = "comma"
    CLAUSE = "clause"  # ; : —
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    END = "end"


@dataclasses.dataclass(frozen=True)
class SegmentPlan:
    """One segment as the text pipeline plans it (before it is stored).

    Attributes
    ----------
    text
        The normalized, spoken form: what the backend reads.
    source
        The script text it came from, as written.
    language
        Language code from :func:`~studio.text.lang.detect_language`.
    pause
        The pause after it.
    paragraph
        Index of its paragraph in the script.
    """

    text: str
    source: str
    language: str
    pause: Pause
    paragraph: int
    speed: float = 1.0
    voice: str | None = None  # a voice the script names for it; None: as the project says
    pause_s: float | None = None  # a pause the script asks for after it, in seconds
    phonemes: tuple[tuple[str, str], ...] = ()  # (word, IPA) the script gives inline


@dataclasses.dataclass(frozen=True)
class Script:
    """A script prepared for rendering."""

    segments: tuple[SegmentPlan, ...]
    paragraphs: tuple[str, ...]  # normalized paragraphs, as sentences were joined
    voices: dict[str, str] = dataclasses.field(default_factory=dict)  # named: where first

    @property
    def text(self) -> str:
        """The normalized script: paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)


def join_pieces(left: str, right: str) -> str:
    """Join two pieces of one paragraph: a space between words, none in CJK."""
    if not left:
        return right
    if not right:
        return left
    sep = "" if is_cjk_char(left[-1]) or is_cjk_char(right[0]) else " "
    return f"{left}{sep}{right}"


def join_segments(segments: tuple[SegmentPlan, ...] | list[SegmentPlan]) -> str:
    """The text the segments make when joined back; equals :attr:`Script.text`."""
    paragraphs: dict[int, str] = {}
    for seg in segments:
        paragraphs[seg.paragraph] = join_pieces(paragraphs.get(seg.paragraph, ""), seg.text)
    return "\n\n".join(paragraphs[k] for k in sorted(paragraphs))


# ---------------------------------------------------------------- sentences

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_OPENERS = {"“": "”", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")", "‘": "’"}
_CLOSERS = set(_OPENERS.values())
_CJK_ENDERS = set("。！？!?…；")
_TRAILING_CLOSERS = set("”」』》）)\"'’")


def _quote_depth_ok(text: str) -> bool:
    """True when ``text`` leaves no quotation or bracket open."""
    if text.count('"') % 2:
        return False
    depth = 0
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
    return depth == 0


@functools.lru_cache(maxsize=1)
def _english_segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _split_cjk(paragraph: str) -> Iterator[str]:
    start, depth, i = 0, 0, 0
    while i < len(paragraph):
        char = paragraph[i]
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        if char in _CJK_ENDERS and depth == 0:
            end = i + 1
            while end < len(paragraph) and (
                paragraph[end] in _CJK_ENDERS or paragraph[end] in _TRAILING_CLOSERS
            ):
                end += 1
            yield paragraph[start:end]
            start, i = end, end
            continue
        i += 1
    if start < len(paragraph):
        yield paragraph[start:]


def _split_latin(paragraph: str) -> Iterator[str]:
    """Sentences by pysbd, located in ``paragraph`` so that nothing is lost."""
    cursor = 0
    for sentence in _english_segmenter().segment(paragraph):
        sentence = sentence.strip()
        if not sentence:
            continue
        found = paragraph.find(sentence, cursor)
        if found < 0:  # pysbd altered the text: keep the rest whole
            break
        yield paragraph[cursor : found + len(sentence)]
        cursor = found + len(sentence)
    if paragraph[cursor:].strip():
        yield paragraph[cursor:]


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph as written; they concatenate to ``paragraph``.

    Pieces that would leave a quotation open are merged with what follows.
    """
    splitter = _split_cjk if detect_language(paragraph) in ("zh", "ja", "ko") else _split_latin
    pieces: list[str] = []
    pending = ""
    for piece in splitter(paragraph):
        pending += piece
        if _quote_depth_ok(pending):
            pieces.append(pending)
            pending = ""
    if pending:
        if pieces and not pending.strip():
            pieces[-1] += pending
        else:
            pieces.append(pending)
    return pieces


# ------------------------------------------------------------ long sentences

_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z][a-z]{0,3}|[a-z]{1,3}|(?:[A-Za-z]\.)+[A-Za-z]?)\.$")
_CUT_SCORES = {";": 3, ":": 3, "—": 3, "–": 3, "；": 3, "：": 3, ",": 2, "，": 2, "、": 2}


def _cut_points(text: str) -> Iterator[tuple[int, int]]:
    """(position, score) of the places where ``text`` may be cut in two."""
    depth = 0
    quotes = 0
    for i, char in enumerate(text):
        if char == '"':
            quotes ^= 1
        elif char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        if i == 0 or i >= len(text) - 1:
            continue
        inside = depth > 0 or quotes
        left = text[:i].rstrip()
        prev, nxt = text[i - 1], text[i]
        if not left:
            continue
        if nxt.isspace():
            # cut after the space run: "word,| next"
            continue
        if prev.isspace():
            before = left[-1]
            if before.isdigit() or nxt.isdigit() or _ABBREVIATION.search(left):
                continue
            score = _CUT_SCORES.get(before, 1)
        elif is_cjk_char(prev) or is_cjk_char(nxt):
            if prev.isdigit() or nxt.isdigit() or prev in _OPENERS or nxt in _CLOSERS:
                continue
            score = _CUT_SCORES.get(prev, 0)
        else:
            continue
        yield i, score - (10 if inside else 0)


def split_long(
    source: str, max_chars: int, normalize: Callable[[str], str]
) -> list[tuple[str, str]]:
    """Cut ``source`` until each piece's spoken form fits in ``max_chars``.

    Returns (source piece, spoken piece) pairs whose sources concatenate to
    ``source``. A piece with no allowed cut is returned whole, even if long.
    """
    spoken = normalize(source)
    if len(spoken) <= max_chars:
        return [(source, spoken)]
    middle = len(source) / 2
    best = max(
        _cut_points(source),
        key=lambda cut: (cut[1], -abs(cut[0] - middle)),
        default=None,
    )
    if best is None:
        return [(source, spoken)]
    cut = best[0]
    return split_long(source[:cut], max_chars, normalize) + split_long(
        source[cut:], max_chars, normalize
    )


# ------------------------------------------------------------------ script

_SENTENCE_END = set(".!?。！？…")
_COMMA_END = set(",，、")
_CLAUSE_END = set(";:；：—–")


def _pause_after(spoken: str) -> Pause:
    stripped = spoken.rstrip("".join(_TRAILING_CLOSERS) + " ")
    last = stripped[-1:] or "."
    if last in _SENTENCE_END:
        return Pause.SENTENCE
    if last in _COMMA_END:
        return Pause.COMMA
    if last in _CLAUSE_END:
        return Pause.CLAUSE
    return Pause.BREATH


def _is_fragment(spoken: str) -> bool:
    words = re.findall(r"[^\W\d_]+|\d+", spoken)
    cjk = sum(1 for char in spoken if is_cjk_char(char) and char.isalpha())
    return (len(words) <= 1 and cjk == 0) or (0 < cjk <= 2 and len(words) <= 2)


def _merge_fragments(units: list[tuple[str, str]], max_chars: int) -> list[tuple[str, str]]:
    """Merge one-word units into the next (or, if last, the previous) unit."""
    merged = list(units)
    i = 0
    while len(merged) > 1 and i < len(merged):
        spoken = merged[i][1]
        if _is_fragment(spoken):
            j = i + 1 if i + 1 < len(merged) else i - 1
            a, b = (i, j) if i < j else (j, i)
            joined = join_pieces(merged[a][1], merged[b][1])
            if len(joined) <= max_chars:
                merged[a : b + 1] = [(merged[a][0] + merged[b][0], joined)]
                i = max(0, a - 1) if a < i else a
                continue
        i += 1
    return merged


_MASK_BASE = 0xE000  # private-use characters stand in for inline markup
_SPEAKABLE = re.compile(r"\w")
_CLOSING_RUN = re.compile(r"\s*[,.;:!?…)\]}”’」』》）。，、；：！？]+")


@dataclasses.dataclass(frozen=True)
class _Inline:
    """A ``sub`` or ``phoneme`` element, masked as one character while the
    text around it is split (nothing cuts inside it)."""

    raw: str  # as written, tags included
    say: str  # what the normalizer reads: the alias, or the written word
    phonemes: str = ""


class _Spans:
    """The speed and voice in force at each place, for places asked in order
    (a sweep: long scripts hold thousands of spans)."""

    def __init__(self, marks: list[Mark]) -> None:
        self._todo = sorted((m for m in marks if m.kind in ("speed", "voice")),
                            key=lambda m: m.tag_end)
        self._next = 0
        self._open: list[Mark] = []

    def at(self, index: int) -> tuple[float, str | None]:
        while self._next < len(self._todo) and self._todo[self._next].tag_end <= index:
            self._open.append(self._todo[self._next])
            self._next += 1
        self._open = [m for m in self._open if index < m.end]
        speed, voice = 1.0, None
        for mark in self._open:  # opened in order: the innermost is the last
            if mark.kind == "speed":
                speed = float(mark.value)
            else:
                voice = str(mark.value)
        return speed, voice


def _pieces(text: str, marks: list[Mark]) -> Iterator[tuple[int, int] | Mark]:
    """The text between boundary markup, paragraph by paragraph, in order:
    (start, end) of a piece of text, or a pause mark where one stands, or a
    paragraph mark (``kind == "paragraph"``) after each paragraph."""
    bounds: list[tuple[int, int, Mark | None]] = []
    for mark in marks:
        if mark.kind in ("pause", "ignore"):
            bounds.append((mark.start, mark.tag_end, mark if mark.kind == "pause" else None))
        elif mark.kind in ("speed", "voice"):
            bounds.append((mark.start, mark.tag_end, None))
            if mark.close > mark.end:
                bounds.append((mark.end, mark.close, None))
    bounds.sort(key=lambda b: b[0])
    paragraph_starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    paragraph_ends = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)] + [len(text)]
    b = 0
    for start, end in zip(paragraph_starts, paragraph_ends):
        cursor = start
        while b < len(bounds) and bounds[b][0] < end:
            tag_start, tag_end, pause = bounds[b]
            if tag_start > cursor:
                yield cursor, tag_start
            if pause is not None:
                yield pause
            cursor = max(cursor, tag_end)
            b += 1
        if end > cursor:
            yield cursor, end
        yield Mark("paragraph", end, end, end, end)


def _mask(text: str, start: int, end: int, elements: list[Mark],
          starts: list[int]) -> tuple[str, list[_Inline]]:
    """``text[start:end]`` with each inline element (``elements``, sorted by
    ``starts``) as one private-use character."""
    inline: list[_Inline] = []
    out: list[str] = []
    cursor = start
    first = bisect.bisect_left(starts, start)
    last = bisect.bisect_left(starts, end)
    for mark in elements[first:last]:
        if mark.close > end:
            continue
        out.append(text[cursor:mark.start])
        word = re.sub(r"\s+", " ", mark.content.strip())
        if mark.kind == "sub":
            inline.append(_Inline(text[mark.start:mark.close], str(mark.value)))
        else:
            inline.append(_Inline(text[mark.start:mark.close], word, str(mark.value)))
        out.append(chr(_MASK_BASE + len(inline) - 1))
        cursor = mark.close
    out.append(text[cursor:end])
    return "".join(out), inline


def _unmask(masked: str, inline: list[_Inline], say: bool) -> str:
    """Put the elements back: as written (``say=False``) or as the normalizer
    reads them."""
    def element(char: str) -> str:
        item = inline[ord(char) - _MASK_BASE]
        return item.say if say else re.sub(r"\s*\n\s*", " ", item.raw)

    if not inline:
        return masked
    top = chr(_MASK_BASE + len(inline) - 1)
    return re.sub(f"[{chr(_MASK_BASE)}-{top}]", lambda m: element(m.group()), masked)


def _phonemes_in(masked: str, inline: list[_Inline]) -> tuple[tuple[str, str], ...]:
    return tuple((inline[ord(c) - _MASK_BASE].say, inline[ord(c) - _MASK_BASE].phonemes)
                 for c in masked if 0 <= ord(c) - _MASK_BASE < len(inline)
                 and inline[ord(c) - _MASK_BASE].phonemes)


def prepare_script(
    raw: str,
    max_chars: int = 300,
    *,
    name: str = "the script",
    strip_symbols: bool = False,
    normalize: Callable[[str], str] = normalize_sentence,
) -> Script:
    """Clean, read the markup of, normalize and split ``raw`` into segments
    of at most ``max_chars``.

    Raises :class:`~studio.errors.UserError` for text that cannot be spoken
    or markup that is not understood (with its line and column).
    """
    text = clean_text(raw, name, strip_symbols=strip_symbols)
    try:
        marks = markup.parse(text)
    except markup.MarkupError as err:
        raise markup.MarkupError(f"{name}, {err.problem}", err.fix, err.index) from None
    voices: dict[str, str] = {}
    for mark in marks:
        if mark.kind == "voice":
            voices.setdefault(str(mark.value), markup.position(text, mark.start))
    elements = sorted((m for m in marks if m.kind in ("sub", "phoneme")), key=lambda m: m.start)
    element_starts = [m.start for m in elements]
    spans = _Spans(marks)
    segments: list[SegmentPlan] = []
    paragraphs: list[str] = []
    joined = ""
    paragraph_open = False
    for piece in _pieces(text, marks):
        if isinstance(piece, Mark):
            if piece.kind == "pause":
                if not segments:
                    raise markup.MarkupError(
                        f"{name}, {markup.position(text, piece.start)}: a pause before "
                        "anything is spoken",
                        "start the script with text; put pauses between sentences", piece.start)
                last = segments[-1]
                pause_s = (last.pause_s or 0.0) + float(piece.value)
                segments[-1] = dataclasses.replace(last, pause_s=round(pause_s, 3))
            elif paragraph_open:  # the end of a paragraph that said something
                paragraphs.append(joined)
                last = segments[-1]
                segments[-1] = dataclasses.replace(last, pause=Pause.PARAGRAPH)
                joined, paragraph_open = "", False
            continue
        start, end = piece
        masked, inline = _mask(text, start, end, elements, element_starts)
        masked = re.sub(r"\s*\n\s*", " ", masked.strip())
        speed, voice = spans.at(start)
        if not masked:
            continue
        # punctuation at the start of a piece, as after "[speed 0.8]slow[/speed].",
        # ends the segment before it (and a piece of nothing else is that alone)
        closing = _CLOSING_RUN.match(masked)
        tail = closing.group().strip() if closing else ""
        rest = masked[closing.end():].strip() if closing else masked
        if not _SPEAKABLE.search(_unmask(rest, inline, say=True)):
            tail, rest = masked, ""  # nothing of its own to say: all of it ends the one before
        if tail and paragraph_open:
            last = segments[-1]
            said = last.text + tail
            segments[-1] = dataclasses.replace(
                last, text=said, source=last.source + _unmask(tail, inline, say=False),
                pause=_pause_after(said))
            joined += tail
        masked = rest
        if not masked:
            continue

        def speak(unit: str, inline: list[_Inline] = inline) -> str:
            return normalize(_unmask(unit, inline, say=True))

        units: list[tuple[str, str]] = []
        for sentence in split_sentences(masked):
            if sentence.strip():
                units += split_long(sentence, max_chars, speak)
        units = [(src, spoken) for src, spoken in units if spoken.strip()]
        if not units:
            continue
        for _, spoken in units:
            joined = join_pieces(joined, spoken)
        paragraph_open = True
        for source, spoken in _merge_fragments(units, max_chars):
            segments.append(
                SegmentPlan(
                    text=spoken,
                    source=_unmask(source, inline, say=False).strip(),
                    language=detect_language(spoken),
                    pause=_pause_after(spoken),
                    paragraph=len(paragraphs),
                    speed=speed,
                    voice=voice,
                    phonemes=_phonemes_in(source, inline),
                )
            )
    if segments:
        segments[-1] = dataclasses.replace(segments[-1], pause=Pause.END)
    return Script(segments=tuple(segments), paragraphs=tuple(paragraphs), voices=voices)

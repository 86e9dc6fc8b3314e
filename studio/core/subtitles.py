"""Subtitle cues from timed segments, by subtitling conventions, as SRT or WebVTT.

A pure function of text and times (no audio), so the rules are tested alone:

- at most :attr:`Rules.max_lines` (2) lines of at most :attr:`Rules.max_chars`
  characters (42, the common broadcast and streaming limit for Latin script;
  16 for Chinese and Japanese, and for Korean, as streaming style guides set
  for those scripts);
- a cue lasts from :attr:`Rules.min_s` (1 s) to :attr:`Rules.max_s` (7 s),
  except a segment spoken in under a second, whose cue is its exact span
  (cues show only while their words are heard; the splitter already merges
  one-word sentences into their neighbours, so such segments are rare);
- a segment too long for one cue is cut at word boundaries (between
  characters in Chinese and Japanese, never before closing punctuation),
  preferring the end of a sentence, then a clause, then a comma; its time is
  shared in proportion to characters (until word timings exist);
- cues are in order and never overlap.
"""

from __future__ import annotations

import datetime
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

#: Languages written without spaces between words, or with the CJK line limit.
CJK_LANGUAGES = frozenset({"zh", "ja", "ko", "yue"})

# Han, kana and CJK symbols: a line may break between any two of them.
_CJK_CHAR = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_OPENING = "([{\u201c\u2018\u300c\u300e\u3010\u3008\u300a\uff08\u3014"
_CLOSING = (")]}\u201d\u2019\u300d\u300f\u3011\u3009\u300b\uff09\u3015"
            "\u3001\u3002\uff0c\uff01\uff1f\uff1b\uff1a\u2026\u2014.,!?;:")
# A unit is one thing a line may break after: a CJK character with the
# punctuation that must stay with it, or a run of non-space, non-CJK text.
_UNIT = re.compile(
    rf"[{re.escape(_OPENING)}]*[{_CJK_CHAR}][{re.escape(_CLOSING)}]*"
    rf"|[^\s{_CJK_CHAR}]+"
)
_CJK_PRESENT = re.compile(rf"[{_CJK_CHAR}]")
_SENTENCE_END = tuple(".!?\u3002\uff01\uff1f\u2026")
_CLAUSE_END = tuple(";:\u2014\uff1b\uff1a")
_COMMA = tuple(",\u3001\uff0c")


@dataclass(frozen=True)
class Rules:
    """Subtitling conventions (see the module's docstring)."""

    max_lines: int = 2
    max_chars: int = 42
    cjk_max_chars: int = 16
    min_s: float = 1.0
    max_s: float = 7.0

    def width(self, text: str, language: str) -> int:
        """Characters per line for a segment's text and language."""
        cjk = language.split("-")[0] in CJK_LANGUAGES or _CJK_PRESENT.search(text)
        return self.cjk_max_chars if cjk else self.max_chars


@dataclass(frozen=True)
class Span:
    """A segment's written text and where it is spoken in the audio."""

    text: str
    start_s: float
    end_s: float
    language: str = "en"


@dataclass(frozen=True)
class SubtitleCue:
    """One subtitle: its lines and when it is shown (whole milliseconds)."""

    start_s: float
    end_s: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class _Unit:
    start: int  # offsets in the segment's text
    end: int


def _units(text: str, width: int) -> list[_Unit]:
    """Breakable pieces of ``text``; a piece wider than a line is cut into
    line-wide slices (a long URL cannot be kept whole)."""
    units = []
    for match in _UNIT.finditer(text):
        for start in range(match.start(), match.end(), width):
            units.append(_Unit(start, min(match.end(), start + width)))
    return units


def _break_cost(text: str, unit: _Unit) -> float:
    """How bad a break after ``unit`` is: 0 at a sentence end, more inside one."""
    last = text[unit.start:unit.end].rstrip("\"'\u201d\u2019\u300d\u300f)")
    if last.endswith(_SENTENCE_END):
        return 0.0
    if last.endswith(_CLAUSE_END):
        return 0.5
    if last.endswith(_COMMA):
        return 1.0
    return 2.0


def _wrap(text: str, units: list[_Unit], width: int, max_lines: int) -> list[str] | None:
    """The lines of ``units`` (a piece of ``text``) in at most ``max_lines``
    lines of ``width``, balanced and broken at the best place; None if they
    do not fit."""
    def piece(i: int, j: int) -> str:
        return text[units[i].start:units[j - 1].end]

    whole = piece(0, len(units))
    if len(whole) <= width:
        return [whole]
    if max_lines < 2:
        return None
    best: tuple[float, list[str]] | None = None
    for cut in range(1, len(units)):
        first, rest = piece(0, cut), piece(cut, len(units))
        if len(first) > width:
            break
        tail = [rest] if len(rest) <= width else _wrap(text, units[cut:], width, max_lines - 1)
        if tail is None:
            continue
        # Balanced lines, a break after punctuation, and a bottom line no
        # shorter than the top one where there is a choice.
        cost = (abs(len(first) - len(tail[0])) / width + 0.5 * _break_cost(text, units[cut - 1])
                + (0.1 if len(first) > len(tail[0]) else 0.0))
        if best is None or cost < best[0]:
            best = (cost, [first, *tail])
    return best[1] if best else None


def _split_segment(span: Span, rules: Rules) -> list[tuple[float, float, list[str]]]:
    """Cues for one segment: (start, end, lines), times proportional to characters."""
    text = " ".join(span.text.split())
    width = rules.width(text, span.language)
    units = _units(text, width)
    if not units:
        return []
    duration = max(0.0, span.end_s - span.start_s)
    total = units[-1].end - units[0].start

    def seconds(i: int, j: int) -> float:
        return duration * (units[j - 1].end - units[i].start) / total if total else 0.0

    # Shortest path over break points: each cue costs 10 (fewer cues are
    # better), plus how bad its break is, plus its imbalance; a cue outside
    # min_s..max_s costs 1000 (allowed only when nothing else fits).
    n = len(units)
    best: list[tuple[float, int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, 0, [])
    ideal = max(1, math.ceil(total / (width * rules.max_lines)), math.ceil(duration / rules.max_s))
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            if best[i] is None:
                continue
            chars = units[j - 1].end - units[i].start
            if chars > width * rules.max_lines + rules.max_lines:
                break  # longer pieces never fit
            lines = _wrap(text, units[i:j], width, rules.max_lines)
            if lines is None:
                continue
            length = seconds(i, j)
            cost = 10.0 + (_break_cost(text, units[j - 1]) if j < n else 0.0)
            cost += abs(chars - total / ideal) / (width * rules.max_lines)
            if length > rules.max_s or (length < rules.min_s and (i > 0 or j < n)):
                cost += 1000.0
            previous = best[i]
            assert previous is not None
            if best[j] is None or previous[0] + cost < best[j][0]:  # type: ignore[index]
                best[j] = (previous[0] + cost, i, lines)
    cues: list[tuple[float, float, list[str]]] = []
    j = n
    while j > 0:
        entry = best[j]
        assert entry is not None  # a single unit always fits one line
        _, i, lines = entry
        cues.append((span.start_s + seconds(0, i) if i else span.start_s,
                     span.start_s + seconds(0, j) if j < n else span.end_s, lines))
        j = i
    return cues[::-1]


def make_cues(spans: Sequence[Span], rules: Rules | None = None) -> list[SubtitleCue]:
    """Subtitle cues for segments in order (see the module's docstring)."""
    rules = rules or Rules()
    raw: list[tuple[float, float, list[str]]] = []
    for span in spans:
        raw.extend(_split_segment(span, rules))
    cues: list[SubtitleCue] = []
    for start, end, lines in raw:
        begin = round(max(start, cues[-1].end_s if cues else 0.0), 3)
        # A cue never outstays max_s, even for a single long word said slowly.
        cues.append(SubtitleCue(begin, round(min(end, begin + rules.max_s), 3), tuple(lines)))
    return cues


def to_srt(cues: Sequence[SubtitleCue]) -> str:
    """SubRip text (by the ``srt`` package)."""
    import srt

    items = [
        srt.Subtitle(index=number, start=datetime.timedelta(seconds=cue.start_s),
                     end=datetime.timedelta(seconds=cue.end_s), content=cue.text)
        for number, cue in enumerate(cues, start=1)
    ]
    return str(srt.compose(items, reindex=False))


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def to_vtt(cues: Sequence[SubtitleCue]) -> str:
    """WebVTT text (by ``webvtt-py``, which also refuses a cue that would not
    read back). Text is escaped (``&``, ``<``, ``>``) since WebVTT cue text
    is markup; that also makes a written ``-->`` harmless."""
    from webvtt import Caption, WebVTT

    captions = [Caption(_vtt_time(cue.start_s), _vtt_time(cue.end_s),
                        [html.escape(line, quote=False) for line in cue.lines])
                for cue in cues]
    return str(WebVTT(captions=captions).content)

"""Delivery markup in scripts: pauses, speed and voices, never spoken.

Two spellings are accepted, and may be mixed:

* the studio's own, readable in any text editor (keywords in any case)::

      [pause 1.5s]   [pause 300ms]
      [speed 0.8] … [/speed]       [speed 80%] … [/speed]
      [voice Anna] … [/voice]

* the SSML subset that other tools exchange::

      <break time="1500ms"/>   <break strength="strong"/>
      <prosody rate="80%"> … </prosody>     (rate only: x-slow … x-fast, 80%, +10%, 0.8)
      <sub alias="World Wide Web">WWW</sub>
      <phoneme alphabet="ipa" ph="ˈnwɪən">Nguyen</phoneme>
      <voice name="Anna"> … </voice>        <speak> … </speak> (ignored)

A span (speed, voice) runs to its closing tag; with none, to the end of its
paragraph. A pause or the edge of a span ends a segment there. ``sub`` and
``phoneme`` change how a word is said without ending anything.

Markup is found by its shape: square brackets that start with ``pause``,
``speed`` or ``voice``, and tags written as SSML writes them. Other
brackets stay text (``[sic]``, ``<https://fsf.org/>``), but anything that
looks like a directive and is not one (``[break 2s]``, ``[/emph]``,
``<emphasis>``, an attribute without quotes) is an error naming its line and
column and what is accepted: a script is never half-understood.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from studio.errors import UserError

#: Longest pause one mark may ask for.
MAX_PAUSE_S = 30.0
#: The speed range every backend renders without falling apart.
MIN_SPEED, MAX_SPEED = 0.5, 2.0

ACCEPTED = (
    "accepted: [pause 1.5s], [speed 0.8]…[/speed], [voice NAME]…[/voice], and SSML "
    '<break time="1.5s"/>, <prosody rate="80%">…</prosody>, <sub alias="…">…</sub>, '
    '<phoneme ph="…">…</phoneme>, <voice name="…">…</voice>'
)

# [pause …], [speed …], [voice …] and their closers; and anything else that
# looks like a directive: a bracketed keyword with a number, or a closer.
_BRACKET = re.compile(r"\[\s*(/?)\s*(pause|speed|voice)\b([^\[\]\n]*)\]", re.IGNORECASE)
_BRACKET_OPEN = re.compile(r"\[\s*/?\s*(pause|speed|voice)\b", re.IGNORECASE)
_BRACKET_LOOKALIKE = re.compile(
    r"\[\s*/\s*[A-Za-z]+\s*\]|\[\s*[A-Za-z]+\s+[+-]?\d+(?:\.\d+)?\s*(?:s|ms|%)\s*\]"
)
_ATTR = r"""[\w:-]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*')"""
_TAG = re.compile(rf"<(/?)([A-Za-z][\w-]*)((?:\s+{_ATTR})*)\s*(/?)>")
_ATTRS = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SSML_NAMES = {"speak", "break", "prosody", "sub", "phoneme", "voice"}
# SSML elements the studio does not take: refused by name, even bare
_OTHER_SSML = {"emphasis", "say-as", "audio", "mark", "p", "s", "lang", "lexicon", "meta",
               "metadata", "desc", "w", "token", "amazon:effect", "amazon:domain", "mstts"}
_SSML_OPEN = re.compile(r"<\s*/?\s*(speak|break|prosody|sub|phoneme|voice)\b", re.IGNORECASE)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|ms|sec|secs|seconds?)\s*$", re.IGNORECASE)
_STRENGTHS = {"none": 0.0, "x-weak": 0.1, "weak": 0.25, "medium": 0.5, "strong": 0.8,
              "x-strong": 1.2}
_RATES = {"x-slow": 0.6, "slow": 0.8, "medium": 1.0, "fast": 1.2, "x-fast": 1.4,
          "default": 1.0}
# IPA is letters and diacritics, and these: stress, length, syllable break, linking
_PHONEME_MARKS = set(" .ˈˌːˑ˞‿↓↑")


def position(text: str, index: int) -> str:
    """``line L, column C`` of ``index`` in ``text`` (both from 1)."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


class MarkupError(UserError):
    """Markup that is not understood; ``index`` is where, in the text parsed
    (for an editor to mark the place)."""

    def __init__(self, problem: str, fix: str, index: int) -> None:
        super().__init__(problem, fix)
        self.index = index

    def __reduce__(self) -> tuple[type[MarkupError], tuple[str, str, int]]:
        # rebuilt whole when it crosses a process boundary (scripts are split in a helper)
        return (MarkupError, (self.problem, self.fix, self.index))


def _error(text: str, index: int, problem: str, fix: str = ACCEPTED) -> MarkupError:
    return MarkupError(f"{position(text, index)}: {problem}", fix, index)


@dataclass(frozen=True)
class Mark:
    """One piece of markup found in a script.

    ``kind`` is ``pause``, ``speed``, ``voice`` (spans: ``end`` is where the
    span's text ends, ``close`` where its closing tag ends), ``sub`` or
    ``phoneme`` (inline: ``value`` is the alias or the phonemes, ``content``
    the written word) or ``ignore`` (``<speak>``).
    """

    kind: str
    start: int  # where the opening tag starts
    tag_end: int  # where the opening tag ends
    end: int  # where the span's text ends (its closing tag starts)
    close: int  # where its closing tag ends (== end with no closing tag)
    value: str | float = ""
    content: str = ""


def _speed(text: str, index: int, raw: str) -> float:
    raw = raw.strip().lower()
    try:
        if raw in _RATES:
            value = _RATES[raw]
        elif raw.endswith("%"):
            number = float(raw[:-1])
            value = 1.0 + number / 100 if raw[0] in "+-" else number / 100
        else:
            value = float(raw.rstrip("x"))
    except ValueError:
        raise _error(text, index, f"speed {raw!r} is not a number",
                     "write a factor such as [speed 0.8] or a share such as [speed 80%]") from None
    if not MIN_SPEED <= value <= MAX_SPEED:
        raise _error(text, index, f"speed {raw} is outside {MIN_SPEED}–{MAX_SPEED}",
                     f"choose a speed from {MIN_SPEED} (half speed) to {MAX_SPEED} (double)")
    return round(value, 3)


def _pause(text: str, index: int, raw: str) -> float:
    found = _DURATION.match(raw)
    if not found:
        raise _error(text, index, f"pause {raw.strip()!r} has no length with a unit",
                     "write it with seconds or milliseconds: [pause 1.5s], [pause 300ms]")
    value = float(found.group(1)) / (1000 if found.group(2).lower() == "ms" else 1)
    if value > MAX_PAUSE_S:
        raise _error(text, index, f"a pause of {value:g} s is over the maximum of "
                     f"{MAX_PAUSE_S:g} s", "split it, or leave the gap to the video editor")
    return value


def check_phonemes(phonemes: str, where: str = "") -> str:
    """``phonemes`` stripped, or :class:`UserError` if it cannot be phonemes."""
    stripped = phonemes.strip()
    place = f" {where}" if where else ""
    if not stripped:
        raise UserError(f"the phoneme string{place} is empty",
                        "give IPA phonemes, e.g. ˈnwɪən, or an alias instead")
    bad = sorted({char for char in stripped
                  if unicodedata.category(char)[0] not in "LM" and char not in _PHONEME_MARKS})
    if bad:
        raise UserError(f"the phoneme string {stripped!r}{place} has characters that are not "
                        f"phonemes: {' '.join(bad)}",
                        "write IPA letters and stress marks only (ˈ ˌ ː), e.g. ˈnwɪən")
    return stripped


def _attributes(raw: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) or ""
            for m in _ATTRS.finditer(raw)}


@dataclass
class _Open:
    kind: str
    name: str  # the tag as written, for messages
    ssml: bool
    start: int
    tag_end: int
    value: str | float


def _paragraph_end(text: str, index: int) -> int:
    found = re.compile(r"\n[ \t]*\n").search(text, index)
    return found.start() if found else len(text)


def _tags(text: str) -> Iterator[tuple[int, int, str, bool, bool, str, str]]:
    """(start, end, name, closing, self_closing, attributes/argument, spelling) of
    every piece of markup, in order; errors for lookalikes."""
    found: list[tuple[int, int, str, bool, bool, str, str]] = []
    for m in _BRACKET.finditer(text):
        found.append((m.start(), m.end(), m.group(2).lower(), bool(m.group(1)), False,
                      m.group(3), "bracket"))
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name not in _SSML_NAMES:
            # "<Enter>" in a tutorial is text; a tag with attributes, a closing
            # tag, one closed later, or another SSML element is markup we refuse
            bare = not m.group(1) and not m.group(3) and not m.group(4)
            closed_later = re.search(rf"</\s*{re.escape(m.group(2))}\s*>", text[m.end():],
                                     re.IGNORECASE)
            if bare and not closed_later and name not in _OTHER_SSML:
                continue
            raise _error(text, m.start(), f"unknown markup <{m.group(1)}{m.group(2)}>")
        found.append((m.start(), m.end(), name, bool(m.group(1)), bool(m.group(4)),
                      m.group(3), "ssml"))
    covered = sorted((start, end) for start, end, *_ in found)
    starts = [start for start, _ in covered]

    def inside(index: int) -> bool:  # within a piece of markup already found
        at = bisect.bisect_right(starts, index) - 1
        return at >= 0 and index < covered[at][1]

    for pattern, what in ((_BRACKET_OPEN, "unclosed markup"), (_SSML_OPEN, "malformed markup")):
        for m in pattern.finditer(text):
            if not inside(m.start()):
                fix = ("close it with ]" if what == "unclosed markup" else
                       'write attributes with quotes, e.g. <break time="1.5s"/>')
                raise _error(text, m.start(), f"{what} {text[m.start():m.start() + 20]!r}", fix)
    for m in _BRACKET_LOOKALIKE.finditer(text):
        if not inside(m.start()):
            raise _error(text, m.start(), f"unknown markup {m.group()!r}")
    yield from sorted(found)


def parse(text: str) -> list[Mark]:
    """Every piece of markup in ``text``, in order, with spans matched, or
    :class:`UserError` naming the line and column of the first problem."""
    marks: list[Mark] = []
    stack: list[_Open] = []
    ended: list[_Open] = []  # spans a blank line ended

    def close_open_spans_before(index: int) -> None:
        # a span left open ends with its paragraph
        while stack and _paragraph_end(text, stack[-1].tag_end) <= index:
            item = stack.pop()
            ended.append(item)
            if item.kind in ("sub", "phoneme"):
                raise _error(text, item.start, f"<{item.name}> is not closed in its paragraph",
                             f"close it with </{item.name}> after the word it is for")
            end = _paragraph_end(text, item.tag_end)
            marks.append(Mark(item.kind, item.start, item.tag_end, end, end, item.value))

    for start, end, name, closing, self_closing, argument, spelling in _tags(text):
        close_open_spans_before(start)
        ssml = spelling == "ssml"
        shown = f"<{'/' if closing else ''}{name}>" if ssml else f"[{'/' if closing else ''}{name}]"
        if name == "speak":  # the SSML document's wrapper: nothing to do
            marks.append(Mark("ignore", start, end, end, end))
            continue
        if closing:
            if not stack and any(e.name == name and e.ssml == ssml for e in ended):
                opened = next(e for e in reversed(ended) if e.name == name and e.ssml == ssml)
                raise _error(text, start, f"{shown} closes a span the blank line before it "
                             f"already ended (opened at {position(text, opened.start)})",
                             "a span ends with its paragraph: close it before the blank line, "
                             "or open it again in this paragraph")
            if not stack or stack[-1].name != name or stack[-1].ssml != ssml:
                expected = (f"; <{stack[-1].name}> is still open" if stack and stack[-1].ssml
                            else f"; [{stack[-1].name}] is still open" if stack else "")
                raise _error(text, start, f"{shown} closes nothing{expected}",
                             "close spans in the reverse order they were opened")
            item = stack.pop()
            content = text[item.tag_end:start]
            if item.kind in ("sub", "phoneme") and not content.strip():
                raise _error(text, item.start, f"<{item.name}> has no word in it",
                             f"write the word between <{item.name} …> and </{item.name}>")
            marks.append(Mark(item.kind, item.start, item.tag_end, start, end, item.value,
                              content))
            continue
        attrs = _attributes(argument) if ssml else {}
        value: str | float
        if name in ("pause", "break"):
            if stack and stack[-1].kind in ("sub", "phoneme"):
                raise _error(text, start, f"{shown} inside <{stack[-1].name}>",
                             f"close </{stack[-1].name}> first")
            if ssml:
                if "time" in attrs:
                    value = _pause(text, start, attrs["time"])
                elif attrs.get("strength", "").lower() in _STRENGTHS:
                    value = _STRENGTHS[attrs["strength"].lower()]
                else:
                    raise _error(text, start, "<break> needs time=\"1.5s\" or a strength",
                                 'write <break time="1500ms"/> or <break strength="strong"/>')
            else:
                value = _pause(text, start, argument)
            marks.append(Mark("pause", start, end, end, end, value))
            continue
        if self_closing:
            raise _error(text, start, f"<{name}/> has nothing in it",
                         f"write <{name} …>text</{name}>")
        if name == "speed" or name == "prosody":
            if ssml:
                unsupported = sorted(set(attrs) - {"rate"})
                if unsupported or "rate" not in attrs:
                    raise _error(text, start, "<prosody> takes only a rate here"
                                 + (f", not {', '.join(unsupported)}" if unsupported else ""),
                                 'write <prosody rate="80%">…</prosody>')
                value = _speed(text, start, attrs["rate"])
            else:
                value = _speed(text, start, argument)
            kind = "speed"
        elif name == "voice":
            value = (attrs.get("name", "") if ssml else argument).strip()
            if not value:
                raise _error(text, start, "a voice span names no voice",
                             "write [voice NAME] or <voice name=\"NAME\">")
            kind = "voice"
        elif name == "sub":
            value = attrs.get("alias", "").strip()
            if not value:
                raise _error(text, start, "<sub> has no alias",
                             'write <sub alias="World Wide Web">WWW</sub>')
            kind = "sub"
        else:  # phoneme
            alphabet = attrs.get("alphabet", "ipa").lower()
            if alphabet != "ipa":
                raise _error(text, start, f"phoneme alphabet {alphabet!r} is not supported",
                             'write IPA: <phoneme alphabet="ipa" ph="…">')
            try:
                value = check_phonemes(attrs.get("ph", ""))
            except UserError as err:
                raise _error(text, start, err.problem, err.fix) from None
            kind = "phoneme"
        if stack and stack[-1].kind in ("sub", "phoneme"):
            raise _error(text, start, f"{shown} inside <{stack[-1].name}>",
                         f"close </{stack[-1].name}> first")
        stack.append(_Open(kind, name, ssml, start, end, value))
    close_open_spans_before(len(text) + 2)
    marks.sort(key=lambda mark: (mark.start, mark.kind))
    return marks


def strip_markup(text: str) -> str:
    """``text`` as a reader sees it: markup removed (the words inside ``sub``
    and ``phoneme`` stay), spaces tidied. Never raises: for display."""
    text = _BRACKET.sub(" ", text)
    text = _TAG.sub(lambda m: m.group() if m.group(2).lower() not in _SSML_NAMES else "", text)
    return re.sub(r"[ \t]{2,}", " ", re.sub(r"\s+([,.;:!?])", r"\1", text)).strip()


def has_delivery_marks(text: str) -> bool:
    """Whether ``text`` holds pause, speed or voice markup (markup reaching
    beyond a segment); False for malformed markup, which parsing reports."""
    try:
        return any(mark.kind in ("pause", "speed", "voice") for mark in parse(text))
    except UserError:
        return False


def tag_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every piece of markup in ``text``, leniently (for
    highlighting as one types: malformed markup is reported by :func:`parse`)."""
    spans = [m.span() for m in _BRACKET.finditer(text)]
    spans += [m.span() for m in _TAG.finditer(text) if m.group(2).lower() in _SSML_NAMES]
    return sorted(spans)

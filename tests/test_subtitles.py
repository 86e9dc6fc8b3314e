"""Subtitle cues follow subtitling conventions: at most 2 lines of at most 42
characters (16 for Chinese), 1 to 7 s each, in order, never overlapping, no
word lost — checked on the pure cue function with synthetic timings (no
audio), and on the SRT and WebVTT text read back by their own parsers."""

from __future__ import annotations

import io
import re
from functools import cache
from itertools import pairwise

import pytest
import srt
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core.subtitles import Rules, Span, SubtitleCue, make_cues, to_srt, to_vtt
from studio.text import prepare_script

RULES = Rules()

PARAGRAPH = (
    "Chapter {n}. The river ran past the old mill for {n} miles, and on the {n}th day "
    "of the journey the travellers, tired but cheerful, counted $1,{n:03d} in their "
    "purse. Dr. Hale said it would last until spring; nobody believed him. "
    "\"We'll see,\" he answered, and walked on toward the hills at 6:30 p.m. "
    "Extraordinarily uncharacteristically, the <bridge> & the road --> met.\n\n"
)


@cache
def long_script() -> str:
    text, n = "", 1
    while len(text) < 15_000:
        text += PARAGRAPH.format(n=n)
        n += 1
    return text


def timed(pieces: list[str], chars_per_s: float, pause_s: float = 0.5) -> list[Span]:
    """Synthetic timings: each piece spoken at ``chars_per_s``, pauses between."""
    spans, cursor = [], 0.25
    for text in pieces:
        length = len(text) / chars_per_s
        spans.append(Span(text, cursor, cursor + length))
        cursor += length + pause_s
    return spans


@cache
def sentences() -> tuple[str, ...]:
    """The 15,000-character script as the studio splits it (sentences)."""
    return tuple(s.source for s in prepare_script(long_script()).segments)


def paragraphs() -> list[str]:
    """The same script with whole paragraphs as segments (~330 characters)."""
    return [p.replace("\n", " ") for p in long_script().split("\n\n") if p.strip()]


def check(spans: list[Span], cues: list[SubtitleCue], *, width: int = 42) -> None:
    """Every convention, on cues made from ``spans``."""
    assert cues
    for cue in cues:
        assert 1 <= len(cue.lines) <= 2, cue
        assert all(0 < len(line) <= width for line in cue.lines), cue
        assert all(line == line.strip() for line in cue.lines), cue
        assert cue.end_s - cue.start_s <= 7.0 + 1e-9, cue
    for before, after in pairwise(cues):  # in order, never overlapping
        assert before.start_s < before.end_s <= after.start_s
    # Each segment's cues lie inside its span, say all its words in order,
    # and last at least 1 s unless the segment itself is shorter.
    cursor = 0
    for span in spans:
        words = span.text.split()
        mine: list[SubtitleCue] = []
        said: list[str] = []
        while len(said) < len(words) or (not words and not mine):
            mine.append(cues[cursor])
            said += " ".join(cues[cursor].lines).split()
            cursor += 1
        assert said == words
        assert span.start_s - 1e-3 <= mine[0].start_s and mine[-1].end_s <= span.end_s + 1e-3
        if span.end_s - span.start_s >= 1.0:
            assert all(c.end_s - c.start_s >= 1.0 - 1e-3 for c in mine), mine
        # time shared in proportion to characters
        chars = sum(len(" ".join(c.lines)) for c in mine)
        for cue in mine:
            share = len(" ".join(cue.lines)) / chars * (span.end_s - span.start_s)
            assert abs((cue.end_s - cue.start_s) - share) < 0.1 * share + 0.01
    assert cursor == len(cues)


def read_srt(text: str) -> list[SubtitleCue]:
    return [SubtitleCue(s.start.total_seconds(), s.end.total_seconds(),
                        tuple(s.content.split("\n"))) for s in srt.parse(text)]


def read_vtt(text: str) -> list[SubtitleCue]:
    import html

    parsed = webvtt.from_buffer(io.StringIO(text))
    return [SubtitleCue(c.start_in_seconds + int(c.start[-3:]) / 1000,
                        c.end_in_seconds + int(c.end[-3:]) / 1000,
                        tuple(html.unescape(line) for line in c.lines)) for c in parsed]


@pytest.mark.parametrize("pieces", ["sentences", "paragraphs"])
@pytest.mark.parametrize("chars_per_s", [10.0, 15.0, 22.0])  # slow, usual, fast speech
def test_a_fifteen_thousand_character_script_follows_the_conventions(pieces, chars_per_s):
    texts = list(sentences()) if pieces == "sentences" else paragraphs()
    assert sum(map(len, texts)) > 15_000
    spans = timed(texts, chars_per_s)
    cues = make_cues(spans)
    check(spans, cues)
    if pieces == "paragraphs":  # long segments really are split, at word boundaries
        assert len(cues) >= 4 * len(spans)
    # The files say the same, read back by their own parsers.
    check(spans, read_srt(to_srt(cues)))
    check(spans, read_vtt(to_vtt(cues)))


def test_a_long_segment_breaks_at_sentences_and_clauses_where_it_can():
    def cues_of(text: str) -> list[tuple[str, ...]]:
        return [c.lines for c in make_cues([Span(text, 0.0, len(text) / 15)])]

    # As few cues as fit, cut after a comma rather than mid-phrase, lines
    # broken after the sentence.
    assert cues_of("The studio splits the text into segments. It renders each one, and it "
                   "joins them with pauses chosen by punctuation; the last step is the "
                   "export.") == [
        ("The studio splits the text into segments.", "It renders each one,"),
        ("and it joins them with pauses chosen by", "punctuation; the last step is the export."),
    ]
    # A sentence end wins over equal lengths.
    assert cues_of("The studio splits the text into segments. It renders each one and joins "
                   "them with pauses chosen by punctuation.") == [
        ("The studio splits the text into segments.",),
        ("It renders each one and joins them", "with pauses chosen by punctuation."),
    ]


def test_chinese_lines_are_sixteen_characters_and_break_between_characters():
    text = ("这是一个很长的中文句子，用来测试字幕的分行规则是否正确，每行不超过十六个字符。"
            "我们再加一句话，看看效果如何，以及标点是否留在行尾。")
    spans = [Span(text, 1.0, 1.0 + len(text) / 5, "zh")]
    cues = make_cues(spans)
    assert len(cues) >= 2
    for cue in cues:
        assert all(len(line) <= 16 for line in cue.lines)
        assert not any(line[0] in "，。、！？；：" for line in cue.lines)  # never starts a line
        assert 1.0 <= cue.end_s - cue.start_s <= 7.0
    assert "".join("".join(c.lines) for c in cues) == text


def test_a_short_segment_keeps_its_span_and_a_word_longer_than_a_line_is_cut():
    url = "https://example.org/" + "a" * 70
    spans = [Span("Yes.", 0.5, 0.9), Span(f"See {url} now.", 1.5, 9.0)]
    cues = make_cues(spans)
    assert (cues[0].start_s, cues[0].end_s, cues[0].lines) == (0.5, 0.9, ("Yes.",))
    assert all(len(line) <= 42 for cue in cues for line in cue.lines)
    assert "".join("".join(c.lines) for c in cues[1:]).replace(" ", "") == f"See{url}now."


def test_webvtt_escapes_markup_so_the_text_reads_back_as_written():
    cues = [SubtitleCue(0.0, 1.5, ("a < b & c --> d",))]
    text = to_vtt(cues)
    assert text.startswith("WEBVTT\n")
    assert "a &lt; b &amp; c --&gt; d" in text
    assert read_vtt(text)[0].lines == ("a < b & c --> d",)
    assert re.search(r"^00:00:00\.000 --> 00:00:01\.500$", text, re.M)


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC,.;:!?'\"-", min_size=1, max_size=18)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(WORDS, min_size=1, max_size=80), min_size=1, max_size=6),
    st.floats(min_value=8.0, max_value=25.0),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_any_text_at_any_reading_speed_follows_the_conventions(pieces, chars_per_s, pause):
    spans = timed([" ".join(words) for words in pieces], chars_per_s, pause)
    check(spans, make_cues(spans))

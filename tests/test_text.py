"""The text pipeline: cleaning, normalization, sentence splitting, segments."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.errors import UserError
from studio.text import Pause, clean_text, decode_script, detect_language, prepare_script
from studio.text.segment import _cut_points, join_segments, split_long, split_sentences


def texts(script: str, max_chars: int = 300) -> list[str]:
    return [seg.text for seg in prepare_script(script, max_chars).segments]


def test_numbers_dates_currency_units_are_spoken() -> None:
    spoken = " ".join(texts("On Jan. 5, 2024 Dr. Smith paid $12 for 3 kg at 10:30 am."))
    assert "twenty twenty four" in spoken
    assert "doctor" in spoken
    assert "twelve dollars" in spoken
    assert "three kilograms" in spoken
    assert not re.search(r"\d", spoken)


def test_chinese_and_mixed_text_are_normalized() -> None:
    (segment,) = prepare_script("今天是2024年1月5日，气温25°C。").segments
    assert segment.text == "今天是二零二四年一月五日，气温二十五摄氏度。"
    assert segment.language == "zh"
    mixed = prepare_script("我用iPhone拍了3张照片。").segments[0]
    assert "三张" in mixed.text and "iPhone" in mixed.text


def test_no_split_inside_abbreviation_number_or_quotation() -> None:
    sentences = split_sentences(
        'Mr. Jones met Dr. Smith in the U.S. at 3.5 p.m. today. She said, "Stop. Now." Then left.'
    )
    assert [s.strip() for s in sentences] == [
        "Mr. Jones met Dr. Smith in the U.S. at 3.5 p.m. today.",
        'She said, "Stop. Now."',
        "Then left.",
    ]
    assert split_sentences("“他说：好的。”然后走了。") == ["“他说：好的。”然后走了。"]


def test_paragraphs_give_longer_pauses_and_fragments_merge() -> None:
    segments = prepare_script("Why? Because it works.\n\nSecond paragraph here. Yes.").segments
    assert [s.text for s in segments] == [
        "Why? Because it works.",
        "Second paragraph here. Yes.",
    ]
    assert [s.pause for s in segments] == [Pause.PARAGRAPH, Pause.END]
    assert [s.paragraph for s in segments] == [0, 1]


def test_long_sentences_are_cut_at_clauses_never_inside_numbers() -> None:
    sentence = (
        "The report lists 1,234,567 items shipped in 2023, a record for the firm; "
        "the board, pleased with 3.5 percent growth, voted for a bonus of $2,500 "
        "for every employee who stayed through the move to the new warehouse."
    )
    segments = prepare_script(sentence, max_chars=200).segments
    assert len(segments) > 1
    assert all(len(s.text) <= 200 for s in segments)
    assert " ".join(s.source for s in segments).split() == sentence.split()
    assert segments[0].source.endswith("firm;")  # the semicolon beats commas and spaces
    assert segments[0].pause is Pause.CLAUSE
    for left, right in pairwise(segments):  # every number stays whole
        assert not (left.source[-1].isdigit() and right.source[0].isdigit())


def test_cleaning_refuses_what_cannot_be_spoken() -> None:
    with pytest.raises(UserError, match=r"emoji .* line 2, column 7"):
        clean_text("Hello.\nGreat 😀 news.")
    assert clean_text("Great 😀 news.", strip_symbols=True) == "Great  news."
    with pytest.raises(UserError, match="control character U\\+0007 at line 1, column 3"):
        clean_text("ab\x07c")
    with pytest.raises(UserError, match="nothing to speak"):
        clean_text(" ... \n\n !!")
    assert clean_text("zero\u200bwidth\u00a0space\r\nline") == "zerowidth space\nline"


def test_decoding_refuses_binary_and_huge_files() -> None:
    with pytest.raises(UserError, match="not a text file"):
        decode_script(b"PK\x03\x04\x00\x00binary", "a.zip")
    with pytest.raises(UserError, match="not UTF-8 text"):
        decode_script(b"caf\xe9", "latin1.txt")
    with pytest.raises(UserError, match="over the limit"):
        decode_script(b"a" * 2_000_000, "big.txt")
    assert decode_script("\ufeffhé".encode(), "bom.txt") == "hé"
    assert decode_script("hé".encode("utf-16"), "u16.txt") == "hé"


def test_language_detection() -> None:
    assert detect_language("Hello there") == "en"
    assert detect_language("你好 world") == "zh"
    assert detect_language("こんにちは") == "ja"
    assert detect_language("안녕하세요") == "ko"
    assert detect_language("123 !!") == "und"


# ---------------------------------------------------------------- properties

WORDS = st.sampled_from(
    ["the", "studio", "voice", "Dr.", "U.S.", "3.5", "$12", "1,200", "reads", "it", "no",
     "你好", "世界", "“引号”", '"quoted', 'words"', "e.g.", "and", "2024", "kg"]
)
PUNCT = st.sampled_from(["", "", "", ",", ".", "!", "?", ";", "。", "，", ":"])
TOKEN = st.tuples(WORDS, PUNCT).map("".join)
PARAGRAPH = st.lists(TOKEN, min_size=1, max_size=40).map(" ".join)
SCRIPT = st.lists(PARAGRAPH, min_size=1, max_size=4).map("\n\n".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCRIPT, st.integers(min_value=20, max_value=200))
def test_joining_segments_gives_back_the_normalized_text(script: str, max_chars: int) -> None:
    prepared = prepare_script(script, max_chars)
    assert join_segments(prepared.segments) == prepared.text
    # nothing written is lost or repeated on the way
    written = re.sub(r"\s", "", "".join(s.source for s in prepared.segments))
    assert written == re.sub(r"\s", "", script)


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.sampled_from(list("ab1 2,.;:“”\"你好。，")), min_size=1, max_size=300),
    st.integers(min_value=5, max_value=120),
)
def test_cutting_long_text_loses_nothing_and_never_splits_a_number(
    text: str, max_chars: int
) -> None:
    pieces = [source for source, _ in split_long(text, max_chars, normalize=lambda s: s)]
    assert "".join(pieces) == text
    for left, right in pairwise(pieces):
        assert not left.rstrip()[-1:].isdigit() and not right[:1].isdigit(), (left, right)
    for piece in pieces:  # over the limit only when no cut is allowed in it
        assert len(piece) <= max_chars or not list(_cut_points(piece))

"""Numbers, symbols and abbreviations are read the way a narrator reads them.

Table-driven: ``tests/data/spoken_forms/en.tsv`` and ``zh.tsv`` hold the
written form, a tab, and the expected spoken form (alternatives a narrator
would equally say separated by `` || ``). Spoken forms are compared with
case and punctuation aside (:func:`spoken_key`), since the voice reads
"Twenty-one," and "twenty one" alike. The held-out sets (``heldout_*.tsv``)
are not tested case by case: ``scripts/spoken_forms_heldout.py`` scores them and
tests/test_pronunciation.py holds ``studio script`` to 90% of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.text.normalize import normalize_sentence

DATA = Path(__file__).parent / "data" / "spoken_forms"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BY_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def spoken_key(text: str) -> str:
    """What is heard: casefolded, punctuation as a word break, CJK unspaced.

    Apostrophes are dropped rather than made a break ("Patrick's" is one
    word); every other punctuation mark, hyphens included, splits words the
    way a pause would, so "twenty-one" equals "twenty one".
    """
    chars = []
    for char in text.casefold():
        if char in "'’":
            continue
        chars.append(" " if unicodedata.category(char).startswith("P") else char)
    spaced = " ".join("".join(chars).split())
    return _SPACE_BY_CJK.sub("", spaced)


def load_cases(name: str) -> list[tuple[str, tuple[str, ...]]]:
    """(written, accepted spoken forms) from a TSV file; # lines are comments."""
    cases = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        written, expected = line.split("\t")
        cases.append((written, tuple(alt.strip() for alt in expected.split(" || "))))
    return cases


def reads_right(
    written: str, accepted: tuple[str, ...], reader: Callable[[str], str] = normalize_sentence
) -> tuple[bool, str]:
    """(whether the spoken form is one of those accepted, the spoken form)."""
    spoken = reader(written)
    return spoken_key(spoken) in {spoken_key(alt) for alt in accepted}, spoken


EN_CASES = load_cases("en.tsv")
ZH_CASES = load_cases("zh.tsv") if (DATA / "zh.tsv").exists() else []


@pytest.mark.parametrize(("written", "accepted"), EN_CASES, ids=[c[0][:40] for c in EN_CASES])
def test_english_is_read_as_a_narrator_reads_it(written: str, accepted: tuple[str, ...]) -> None:
    ok, spoken = reads_right(written, accepted)
    assert ok, f"{written!r} was read {spoken!r}, expected {accepted[0]!r}"


@pytest.mark.parametrize(("written", "accepted"), ZH_CASES, ids=[c[0][:20] for c in ZH_CASES])
def test_chinese_is_read_as_a_narrator_reads_it(written: str, accepted: tuple[str, ...]) -> None:
    ok, spoken = reads_right(written, accepted)
    assert ok, f"{written!r} was read {spoken!r}, expected {accepted[0]!r}"


def test_prose_with_nothing_to_read_differently_comes_back_as_written() -> None:
    story = (DATA.parent / "qa_long_text.txt").read_text(encoding="utf-8")
    for line in story.splitlines():
        sentence = " ".join(line.split())
        if sentence and not re.search(r"[\d$%&@#/]", sentence):
            assert normalize_sentence(sentence) == sentence


def test_spoken_key_sets_case_punctuation_and_cjk_spacing_aside() -> None:
    assert spoken_key("Twenty-one, p.m.!") == spoken_key("twenty one p m")
    assert spoken_key("St. Patrick's") == "st patricks"
    assert spoken_key("价格是 十二点五 美元。") == "价格是十二点五美元"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_normalizing_never_raises_and_never_returns_nothing(text: str) -> None:
    spoken = normalize_sentence(text)
    assert isinstance(spoken, str)
    assert bool(spoken) == bool(text.strip())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(0, 10**9).map(str),
            st.sampled_from(["$", "%", "-", ".", ",", ":", "/", " ", "st", "kg", "No.", "IV"]),
            st.from_regex(r"\d{1,4}[.,:/-]\d{1,4}", fullmatch=True),
        ),
        max_size=8,
    ).map("".join)
)
def test_english_rules_leave_no_digit_behind(fragment: str) -> None:
    spoken = normalize_sentence(f"It said {fragment} today.")
    assert not re.search(r"\d", spoken), spoken

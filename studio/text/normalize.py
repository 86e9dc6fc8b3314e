"""Spoken-form normalization: numbers, dates, currency, units, abbreviations.

One sentence (or clause) in, what a narrator says out. English is read by
the rules of :mod:`studio.text.spoken_en` (context decides a reading: "in
1999" is a year, "1999 people" a quantity; "$12.50" is dollars and cents;
"Henry VIII" is "Henry the eighth"). Chinese, and Chinese mixed with English
and numbers, is read by wetext, a weighted-FST normalizer made for TTS front
ends (offline, no model download), after the pre-rules of
:mod:`studio.text.spoken_zh` have put into words what it misreads. wetext
also stands behind the English rules for any digit they leave. See
docs/normalization.md for what is read how, and why.

We call the normalizer one sentence at a time (its cost grows with input
length and it rejects paragraph breaks), repair its output (it escapes
quotes), and fall back to the sentence as written, logged, if it ever fails:
a studio never loses a script line to a normalizer bug.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from studio.text import spoken_en, spoken_zh
from studio.text.lang import detect_language, is_cjk_char

log = logging.getLogger(__name__)

_SPACE_RUN = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _reading_language(text: str) -> str:
    """The language to read ``text`` in: as detected, except that a sentence
    of numbers and symbols ("1+1=2。", "3×4=12。") is read in Chinese when its
    punctuation is Chinese, and in English otherwise."""
    lang = detect_language(text)
    if lang == "und" or (lang == "en" and not _ASCII_LETTER.search(text)):
        if not _DIGIT.search(text):
            return lang
        return "zh" if any(is_cjk_char(char) for char in text) else "en"
    return lang


@functools.lru_cache(maxsize=1)
def _normalizer() -> Any:
    from wetext import Normalizer  # loads its FSTs once per process

    return Normalizer(lang="auto", operator="tn")


def _wetext(text: str, lang: str) -> str:
    spoken: str = _normalizer().normalize(text, lang=lang)
    return spoken.replace('\\"', '"').replace("\\\\", "\\")


def _english(text: str) -> str:
    spoken = spoken_en.to_spoken(text)
    if not _DIGIT.search(spoken):
        return spoken
    # The rules read every digit they know; wetext gets what is left, and
    # if it fails on that, the rules' reading is still better than none.
    try:
        return _wetext(spoken, "en")
    except Exception:
        log.warning("normalizer failed on %r; keeping the rules' reading", text[:80],
                    exc_info=True)
        return spoken


def _spoken(text: str, lang: str) -> str:
    if lang == "en":
        return _english(text)
    return _wetext(spoken_zh.before_wetext(text), "zh")


def normalize_sentence(text: str) -> str:
    """Return the spoken form of one sentence (or clause) of text."""
    text = _SPACE_RUN.sub(" ", text).strip()
    if not text:
        return text
    lang = _reading_language(text)
    if lang not in ("en", "zh"):
        return text  # no rules for it: the backend reads it as written
    try:
        spoken = _spoken(text, lang)
    except Exception:  # a normalizer bug must not cost the user a sentence
        log.warning("normalizer failed on %r; keeping it as written", text[:80], exc_info=True)
        return text
    spoken = _SPACE_RUN.sub(" ", spoken).strip()
    return spoken or text

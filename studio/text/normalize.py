"""Spoken-form normalization: numbers, dates, currency, units, abbreviations.

Built on wetext, a weighted-FST normalizer made for TTS front ends (English
and Chinese, offline, no model download): it reads "$12.50" as "twelve point
five dollars" and "2024年1月5日" as "二零二四年一月五日". We call it one
sentence at a time (its cost grows with input length and it rejects
paragraph breaks), repair its output (it escapes quotes), and fall back to
the sentence as written, logged, if it ever fails: a studio never loses a
script line to a normalizer bug.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from studio.text.lang import detect_language

log = logging.getLogger(__name__)

_SPACE_RUN = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def _normalizer() -> Any:
    from wetext import Normalizer  # loads its FSTs once per process

    return Normalizer(lang="auto", operator="tn")


def normalize_sentence(text: str) -> str:
    """Return the spoken form of one sentence (or clause) of text."""
    text = _SPACE_RUN.sub(" ", text).strip()
    if not text:
        return text
    lang = detect_language(text)
    if lang not in ("en", "zh"):
        return text  # no rules for it: the backend reads it as written
    try:
        spoken = _normalizer().normalize(text, lang=lang)
    except Exception:  # a normalizer bug must not cost the user a sentence
        log.warning("normalizer failed on %r; keeping it as written", text[:80], exc_info=True)
        return text
    spoken = spoken.replace('\\"', '"').replace("\\\\", "\\")
    spoken = _SPACE_RUN.sub(" ", spoken).strip()
    return spoken or text

"""Which language a piece of text is written in, by script (writing system).

Good enough to route text to a backend and to refuse text a voice cannot
read: kana means Japanese, Hangul Korean, Han characters Chinese (mixed
Chinese and English counts as Chinese: the reader must read Chinese), and
Latin letters English, the one Latin-script language the studio's text
normalization supports.
"""

from __future__ import annotations

import re

LANGUAGE_NAMES = {
    "en": "English",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "yue": "Cantonese",
    "und": "undetermined",
}

_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def detect_language(text: str) -> str:
    """Return the language code of ``text``: en, zh, ja, ko or und."""
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        return "zh"
    if _LATIN.search(text):
        return "en"
    return "und"


def is_cjk_char(char: str) -> bool:
    """True for a Han, kana or Hangul character or CJK punctuation."""
    return bool(
        _HAN.match(char) or _KANA.match(char) or _HANGUL.match(char)
        or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"
    )

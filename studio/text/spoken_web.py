"""Web addresses and e-mail addresses, read the way a narrator reads them.

A narrator never reads "https://" or a trailing slash, says "dot" for each
dot, and spells out a short label that is not a word ("fsf" is "F.S.F.",
"www" is "W.W.W.") while reading one that is ("example", "com"). Spelled
letters are written as dotted capitals because that is what the English
voice (espeak) reads as letter names; a bare "a" would be read as the
article. In Chinese the same address keeps its letters as written and says
点 for the dot, so this module takes the words for the separators as a
parameter.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from studio.text.numbers_en import digits

# Labels a narrator reads as a word although they are short.
_SAID_AS_WORDS = frozenset((
    "com", "org", "net", "edu", "gov", "mil", "int", "biz", "info", "app", "dev", "blog",
    "shop", "news", "mail", "web", "wiki", "store", "site", "online", "tech", "cloud", "home",
    "help", "docs", "go", "my", "me", "tv", "ai", "co",
))
_VOWELS = frozenset("aeiou")

_SCHEME = r"(?:https?|ftp)://"
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_TLD = (
    r"(?:com|org|net|edu|gov|mil|int|io|ai|app|dev|info|biz|co|us|uk|ca|de|fr|jp|cn|"
    r"au|in|eu|ru|nl|es|it|ch|se|no|tv|me|ly|gg|xyz|online|site|tech|news|blog|shop)"
)
_PATH_CHAR = r"[^\s<>\"'“”()\[\]]"
_PATH = rf"(?:[/?#]{_PATH_CHAR}*?)?"
# The end of an address: never a sentence's own final punctuation.
_END = r"(?=[.,;:!?)\]'\"”’>]*(?:\s|$|[\u3000-\u303f\uff00-\uffef]|[^\x00-\x7f]))"

URL = re.compile(
    rf"<?(?:{_SCHEME}{_HOST}(?:\.{_HOST})*(?::\d+)?|(?:www\.)?{_HOST}(?:\.{_HOST})*\.{_TLD}"
    rf"(?![A-Za-z0-9-]))(?::\d+)?{_PATH}{_END}>?"
)
EMAIL = re.compile(
    rf"<?(?:mailto:)?[A-Za-z0-9._%+-]+@{_HOST}(?:\.{_HOST})*\.[A-Za-z]{{2,}}{_END}>?"
)


def _spelled(label: str) -> str:
    return ".".join(label.upper()) + "."


def english_label(label: str) -> str:
    """One part of an address in English: a word, a spelled-out short label,
    or a number read digit by digit ("bob2024": the letters, then the digits)."""
    if label.isdigit():
        return digits(label)
    if not label.isalpha():
        runs = re.findall(r"\d+|[^\W\d_]+", label)
        return " ".join(english_label(run) for run in runs)
    lower = label.lower()
    if lower in _SAID_AS_WORDS:
        return label
    if len(label) <= 2 or label.isupper() or not set(lower) & _VOWELS:
        return _spelled(label)  # "io", "BBC", "fsf", "www"
    return label


def _read(
    address: str, dot: str, slash: str, at: str, label: Callable[[str], str]
) -> str:
    words: list[str] = []
    for token in re.split(r"([./@:_+?=&#-])", address):
        if token == ".":
            words.append(dot)
        elif token == "/":
            words.append(slash)
        elif token == "@":
            words.append(at)
        elif token == "-":
            words.append("dash" if dot == "dot" else "杠")
        elif token == "_":
            words.append("underscore" if dot == "dot" else "下划线")
        elif token in ":+?=&#":
            continue  # ports and queries: nothing a listener needs
        elif token:
            words.append(label(token))
    return " ".join(words)


def _strip(address: str) -> str:
    address = address.strip("<>")
    address = re.sub(rf"^(?:{_SCHEME}|mailto:)", "", address)
    address = re.sub(r"[?#].*$", "", address)  # queries and anchors are not read
    return address.rstrip("/")


def read_url(written: str, english: bool = True) -> str:
    """'<https://fsf.org/>' -> 'F.S.F. dot org'; in Chinese 'fsf点org'."""
    address = _strip(written)
    if english:
        return _read(address, "dot", "slash", "at", english_label)
    return _read(address, "点", "斜杠", "at", str).replace(" 点 ", "点")


def read_email(written: str, english: bool = True) -> str:
    """'jane.doe@example.com' -> 'jane dot doe at example dot com'."""
    return read_url(written, english)

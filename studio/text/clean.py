"""Decode and validate a script; clean the invisible debris of copy and paste.

Anything that cannot be spoken and is not plain debris (control characters,
emoji) is refused with its line and column rather than silently dropped or,
worse, read aloud as noise. ``strip_symbols=True`` drops emoji instead.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from studio.errors import UserError

#: A script larger than this is refused (about 18 hours of speech).
MAX_SCRIPT_BYTES = 1_000_000

# Invisible characters that copy and paste leaves behind: removed silently.
_DEBRIS = dict.fromkeys(map(ord, "\u200b\u200c\u200e\u200f\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u3000\t\v\f"), " ")
# Emoji and pictographs (incl. flags, keycaps, variation selector 16, ZWJ).
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U00002b00-\U00002bff"
    "\U0001f1e6-\U0001f1ff\ufe0f\u200d\u20e3]"
)
_SPEAKABLE = re.compile(r"\w", re.UNICODE)


def decode_script(data: bytes, name: str) -> str:
    """Decode a script file's bytes to text, or raise :class:`UserError`.

    Accepts UTF-8 (with or without a byte-order mark) and UTF-16 with a
    byte-order mark. ``name`` is how the file is named in messages.
    """
    if len(data) > MAX_SCRIPT_BYTES:
        raise UserError(
            f"{name} is {len(data) / 1e6:.1f} MB, over the limit of "
            f"{MAX_SCRIPT_BYTES / 1e6:.0f} MB per project (about 18 hours of speech)",
            "split it into several projects",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
        if b"\x00" in data:
            raise UserError(
                f"{name} is not a text file (it contains NUL bytes)",
                "give a plain-text script saved as UTF-8",
            )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise UserError(
            f"{name} is not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})",
            "save the script as UTF-8 plain text",
        ) from None


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def clean_text(text: str, name: str = "the script", *, strip_symbols: bool = False) -> str:
    """Return ``text`` cleaned for normalization, or raise :class:`UserError`.

    Unicode is composed (NFC); line ends become ``\\n``; tabs and unusual
    spaces become spaces; zero-width debris is removed. Control characters
    are refused, and so are emoji unless ``strip_symbols``.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_DEBRIS).translate(_SPACES)
    for index, char in enumerate(text):
        if char != "\n" and unicodedata.category(char) == "Cc":
            raise UserError(
                f"{name} has a control character U+{ord(char):04X} at {_position(text, index)}",
                "remove it; a script must be plain text",
            )
    emoji = _EMOJI.search(text)
    if emoji:
        if not strip_symbols:
            raise UserError(
                f"{name} has an emoji {emoji.group()!r} (U+{ord(emoji.group()):04X}) at "
                f"{_position(text, emoji.start())}, which cannot be spoken",
                "remove it, or have every emoji dropped", code="emoji",
            )
        text = _EMOJI.sub("", text)
    if not _SPEAKABLE.search(text):
        raise UserError(f"{name} has nothing to speak (it is empty or only punctuation)",
                        "give a script with words in it")
    return text

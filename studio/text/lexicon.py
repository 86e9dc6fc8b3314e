"""The pronunciation lexicon: a word or phrase said as an alias (a
respelling) or as phonemes (IPA), and what a segment speaks once it is applied.

A segment keeps two forms of its words. ``text`` is the normalized script
("Doctor Nguyen paid twelve dollars"): what the table shows and the
subtitles carry, and what identifies the segment in its script. ``speech``
is ``text`` with the lexicon applied: what the backend is given. An entry
with phonemes leaves a span ``[[ˈnwɪən|Nguyen]]`` in the speech (phonemes,
then the words to say where a backend cannot take phonemes: the entry's
alias, else the word as written); :func:`for_backend` turns it into what one
backend reads, and :func:`spoken_words` into the words a listener hears.

Entries match whole words (a term in Chinese or Japanese matches wherever
it stands: those scripts put no spaces between words), longest first,
case-insensitively unless the entry says otherwise. A script's own inline
``<phoneme>`` wins over the project's entries, which win over the library's.

Files other tools exchange are read and written here: W3C PLS 1.0 (`.pls`)
and CSV (``term,alias,phonemes,case_sensitive``).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from studio.errors import UserError
from studio.text.lang import is_cjk_char
from studio.text.markup import check_phonemes

#: A lexicon file larger than this is refused (tens of thousands of entries).
MAX_LEXICON_BYTES = 5_000_000
MAX_TERM_CHARS = 100

_SPAN = re.compile(r"\[\[([^\[\]|]+)\|([^\[\]|]*)\]\]")
_PLS_NS = "http://www.w3.org/2005/01/pronunciation-lexicon"
_CSV_FIELDS = ("term", "alias", "phonemes", "case_sensitive")


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: ``term`` said as ``alias`` or as ``phonemes``."""

    term: str
    alias: str = ""
    phonemes: str = ""
    case_sensitive: bool = False

    @property
    def key(self) -> str:
        """What makes two entries the same term."""
        return self.term if self.case_sensitive else self.term.casefold()


def check_entry(term: str, alias: str = "", phonemes: str = "", case_sensitive: bool = False,
                where: str = "") -> Entry:
    """An :class:`Entry`, checked; :class:`UserError` naming what is wrong."""
    place = f" {where}" if where else ""
    term = re.sub(r"\s+", " ", term).strip()
    alias = re.sub(r"\s+", " ", alias).strip()
    if not term:
        raise UserError(f"a lexicon entry{place} has no word", "give the word or phrase to say")
    if len(term) > MAX_TERM_CHARS:
        raise UserError(f"the lexicon term {term[:40]!r}…{place} is over {MAX_TERM_CHARS} "
                        "characters", "give a word or a short phrase")
    if not re.search(r"\w", term):
        raise UserError(f"the lexicon term {term!r}{place} has no letters",
                        "give a word or phrase as it is written in the script")
    if not alias and not phonemes.strip():
        raise UserError(f"the lexicon entry for {term!r}{place} says neither an alias nor "
                        "phonemes", "give --alias RESPELLING or --phonemes IPA")
    if alias and not re.search(r"\w", alias):
        raise UserError(f"the alias {alias!r} for {term!r}{place} has no letters",
                        "write how the word sounds, e.g. 'new-win'")
    if "[" in alias or "]" in alias or "|" in alias:
        raise UserError(f"the alias {alias!r} for {term!r}{place} has [ ] or |",
                        "write the alias as plain words")
    if phonemes.strip():
        phonemes = check_phonemes(phonemes, f"for {term!r}{place}")
    return Entry(term, alias, phonemes.strip(), case_sensitive)


def merge(*layers: Iterable[Entry]) -> list[Entry]:
    """One list from several, the earlier layer winning for the same term."""
    seen: dict[str, Entry] = {}
    for layer in layers:
        for entry in layer:
            seen.setdefault(entry.key, entry)
    return list(seen.values())


def _pattern(entry: Entry) -> str:
    body = re.escape(entry.term).replace(r"\ ", r"\s+")
    if not is_cjk_char(entry.term[0]):
        body = r"(?<!\w)" + body
    if not is_cjk_char(entry.term[-1]):
        body = body + r"(?!\w)"
    return body if entry.case_sensitive else f"(?i:{body})"


def term_pattern(term: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """Where ``term`` stands in a text, as an entry for it matches: whole
    words (anywhere in CJK text, which has no spaces)."""
    return re.compile(_pattern(Entry(term, "-", "", case_sensitive)))


class Lexicon:
    """Entries compiled into one pattern, applied to many segments."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = sorted(entries, key=lambda e: -len(e.term))
        self._regex = (re.compile("|".join(f"({_pattern(e)})" for e in self.entries))
                       if self.entries else None)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def matches(self, text: str) -> bool:
        """Whether any entry would change ``text``."""
        return bool(self._regex and self._regex.search(_SPAN.sub("", text)))

    def apply(self, text: str) -> str:
        """``text`` with every entry applied (already-placed phoneme spans
        are left as they are)."""
        if self._regex is None:
            return text
        out: list[str] = []
        cursor = 0
        for span in _SPAN.finditer(text):
            out.append(self._apply_plain(text[cursor:span.start()]))
            out.append(span.group())
            cursor = span.end()
        out.append(self._apply_plain(text[cursor:]))
        return "".join(out)

    def _apply_plain(self, text: str) -> str:
        assert self._regex is not None

        def replace(found: re.Match[str]) -> str:
            entry = self.entries[(found.lastindex or 1) - 1]
            written = found.group()
            if entry.phonemes:
                return f"[[{entry.phonemes}|{entry.alias or written}]]"
            return entry.alias

        return self._regex.sub(replace, text)


def speech_of(text: str, inline: Sequence[tuple[str, str]] = (),
              lexicon: Lexicon | None = None) -> str:
    """What a segment of ``text`` speaks: the script's inline phonemes (word,
    IPA) placed first, then the lexicon applied."""
    speech = text
    if inline:
        speech = Lexicon([Entry(word, "", ipa, True) for word, ipa in inline]).apply(speech)
    if lexicon:
        speech = lexicon.apply(speech)
    return speech


def for_backend(speech: str, phonemes: bool) -> str:
    """``speech`` as one backend reads it: phonemes inline as ``[[ … ]]``
    where it takes them, else the words of each phoneme span."""
    if phonemes:
        return _SPAN.sub(lambda m: f"[[ {m.group(1)} ]]", speech)
    return _SPAN.sub(lambda m: m.group(2), speech)


def spoken_words(speech: str) -> str:
    """The words a listener hears in ``speech`` (what take checks compare)."""
    return _SPAN.sub(lambda m: m.group(2), speech)


def has_phonemes(speech: str) -> bool:
    """Whether ``speech`` holds a phoneme span."""
    return _SPAN.search(speech) is not None


# ------------------------------------------------------------ files
def _check_size(data: bytes, name: str) -> None:
    if len(data) > MAX_LEXICON_BYTES:
        raise UserError(f"{name} is {len(data) / 1e6:.1f} MB, over the limit of "
                        f"{MAX_LEXICON_BYTES / 1e6:.0f} MB for a lexicon", "split it")


def read_pls(data: bytes, name: str = "the lexicon") -> list[Entry]:
    """Entries of a W3C PLS 1.0 document; :class:`UserError` if malformed."""
    _check_size(data, name)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UserError(f"{name} declares a document type or entities, which a lexicon "
                        "never needs", "remove the <!DOCTYPE …> declaration")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        line, column = err.position
        raise UserError(f"{name}, line {line}, column {column + 1}: not well-formed XML "
                        f"({str(err).split(':')[0]})", "fix the file or export it again") from None
    tag = root.tag.split("}")[-1]
    if tag != "lexicon":
        raise UserError(f"{name} is not a pronunciation lexicon (its root is <{tag}>)",
                        "give a W3C PLS file whose root element is <lexicon>")
    alphabet = root.get("alphabet", "ipa").lower()
    entries: list[Entry] = []
    for number, lexeme in enumerate(_children(root, "lexeme"), start=1):
        where = f"in lexeme {number} of {name}"
        graphemes = [g.text or "" for g in _children(lexeme, "grapheme")]
        aliases = [a.text or "" for a in _children(lexeme, "alias")]
        phonemes = [p for p in _children(lexeme, "phoneme")]
        if not graphemes:
            raise UserError(f"lexeme {number} of {name} has no <grapheme>",
                            "give each <lexeme> the word it is for")
        ipa = ""
        for phoneme in phonemes:
            if phoneme.get("alphabet", alphabet).lower() == "ipa":
                ipa = phoneme.text or ""
                break
        if phonemes and not ipa and not aliases:
            raise UserError(f"lexeme {number} of {name} has phonemes in an alphabet other "
                            "than IPA", "export the lexicon with alphabet=\"ipa\"")
        if phonemes and ipa == "" and not aliases:
            ipa = " "  # reported as an empty phoneme string below
        for grapheme in graphemes:
            entries.append(check_entry(grapheme, aliases[0] if aliases else "", ipa, True,
                                       where))
    return entries


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if child.tag.split("}")[-1] == name]


def write_pls(entries: Iterable[Entry], language: str = "en-US") -> bytes:
    """A W3C PLS 1.0 document of ``entries`` (case is not part of PLS: every
    term is written as it is spelled)."""
    ET.register_namespace("", _PLS_NS)
    root = ET.Element(f"{{{_PLS_NS}}}lexicon", {
        "version": "1.0", "alphabet": "ipa",
        "{http://www.w3.org/XML/1998/namespace}lang": language})
    for entry in entries:
        lexeme = ET.SubElement(root, f"{{{_PLS_NS}}}lexeme")
        ET.SubElement(lexeme, f"{{{_PLS_NS}}}grapheme").text = entry.term
        if entry.phonemes:
            ET.SubElement(lexeme, f"{{{_PLS_NS}}}phoneme").text = entry.phonemes
        if entry.alias:
            ET.SubElement(lexeme, f"{{{_PLS_NS}}}alias").text = entry.alias
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def read_csv(data: bytes, name: str = "the lexicon") -> list[Entry]:
    """Entries of a CSV file with a header ``term,alias,phonemes[,case_sensitive]``."""
    _check_size(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UserError(f"{name} is not UTF-8 text (byte offset {err.start})",
                        "save it as UTF-8 CSV") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "term" not in fields or not ({"alias", "phonemes"} & set(fields)):
        raise UserError(f"{name} has no header with term and alias or phonemes "
                        f"(it has: {', '.join(fields) or 'nothing'})",
                        "start the file with the line: term,alias,phonemes,case_sensitive")
    reader.fieldnames = fields
    entries: list[Entry] = []
    for row in reader:
        line = reader.line_num
        flag = (row.get("case_sensitive") or "").strip().lower()
        if flag not in ("", "0", "1", "true", "false", "yes", "no"):
            raise UserError(f"{name}, line {line}: case_sensitive is {flag!r}",
                            "write true or false")
        entries.append(check_entry(row.get("term") or "", row.get("alias") or "",
                                   row.get("phonemes") or "", flag in ("1", "true", "yes"),
                                   f"on line {line} of {name}"))
    return entries


def write_csv(entries: Iterable[Entry]) -> bytes:
    """``entries`` as CSV with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_FIELDS)
    for entry in entries:
        writer.writerow([entry.term, entry.alias, entry.phonemes,
                         "true" if entry.case_sensitive else "false"])
    return out.getvalue().encode("utf-8")


def readable(speech: str) -> str:
    """``speech`` for a person: each phoneme span as /IPA/."""
    return _SPAN.sub(lambda m: f"/{m.group(1)}/", speech)

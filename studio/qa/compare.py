"""What was said against what should have been: one spoken form, aligned.

Both sides go through the studio's own normalizer (numbers, currency, dates
and abbreviations become words: the recognizer writes "$12.50" and "1994"
where the script's spoken text has words), then lower case, no punctuation.
Languages written with spaces compare words (word error rate); Chinese and
Japanese compare characters (character error rate). The alignment is
``jiwer``'s.

The recognizer's own small slips on clean speech are forgiven, so a clean
take is not sent back: a difference that vanishes without spaces
("seashells" / "sea shells"), a homophone ("two" / "too"), a near spelling
("colour" / "color"), or number words said another way on both sides
("twelve point five dollars" / "twelve dollars and fifty cents").

From the alignment come the findings a person reads: runs of missing words
("missing: 'the licensee may'"), phrases said again ("'to copy' said 3
times"), words that are not in the script, and a different text altogether.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import jiwer

from studio.qa import QaSettings
from studio.text.normalize import normalize_sentence

CHARACTER_LANGUAGES = frozenset({"zh", "ja"})

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_DASHES = re.compile(r"[-\u2010-\u2015/]")
_NOT_WORD = re.compile(r"[^\w\s']")
_LOOSE_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")
_CJK_DROP = re.compile(r"[\W_]", re.UNICODE)



def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words a number is said with: two readings of one amount differ only in these.
_NUMBER_WORDS = _set(
    "zero oh one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty "
    "sixty seventy eighty ninety hundred thousand million billion trillion point and "
    "a first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
    "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
    "nineteenth twentieth thirtieth hundredth thousandth dollar dollars cent cents "
    "percent pound pounds euro euros o'clock half quarter"
)
_NUMERALS = _NUMBER_WORDS - _set(
    "and a dollar dollars cent cents percent pound pounds euro euros o'clock point"
)
# Small words the recognizer drops or trades on clean speech; a script word
# outside these (and of four letters or more) that goes missing or is heard
# as another word is a word the take most likely lost.
_FUNCTION_WORDS = _set(
    "a an the and or but nor so yet of to in on at by for with from into onto upon "
    "over under about than then that this these those there here is are was were be "
    "been being am do does did has have had will would shall should can could may "
    "might must it its it's he she they them their his her him we us our you your i "
    "me my mine not no as if when while what which who whom whose how why where also "
    "just only very too such some any each every all both either neither one ones "
    "own same other once out up down off again more most much many few"
)
MIN_CONTENT_LETTERS = 4

_HOMOPHONES = [
    _set(group)
    for group in (
        "to too two", "for four fore", "their there they're", "its it's", "your you're",
        "whose who's", "right write rite", "know no", "hear here", "ok okay", "mr mister",
        "mrs missus", "dr doctor", "st saint street", "by buy bye", "sea see", "be bee",
        "won one", "ate eight", "rode rowed road", "aloud allowed", "new knew", "not knot",
        "weather whether", "peace piece",
        "all right alright", "oh o", "till until til", "grey gray", "cannot can't",
        "a the an i", "and in an",  # small words the recognizer trades on clean speech
    )
]


def tokens(text: str, language: str, *, normalize: bool = True) -> list[str]:
    """The comparable units of a text: its spoken words, or characters for
    Chinese and Japanese, lower case and without punctuation."""
    spoken = " ".join(normalize_sentence(s) for s in _sentences(text)) if normalize else text
    spoken = spoken.translate(_APOSTROPHES).lower()
    if language in CHARACTER_LANGUAGES:
        return list(_CJK_DROP.sub("", spoken))
    spoken = _DASHES.sub(" ", spoken)
    spoken = _NOT_WORD.sub(" ", spoken)
    spoken = _LOOSE_APOSTROPHE.sub(" ", spoken)
    return spoken.replace("_", " ").split()


def _sentences(text: str) -> list[str]:
    # The normalizer takes a sentence at a time (its cost grows with length).
    parts = re.split(r"(?<=[.!?。！？])\s+|\n+", text)
    return [p for p in parts if p.strip()]


@dataclass(frozen=True)
class Region:
    """One run of the alignment: script tokens [ref0, ref1) against heard [hyp0, hyp1)."""

    op: str  # equal, missing, extra, changed
    ref0: int
    ref1: int
    hyp0: int
    hyp1: int
    forgiven: bool = False  # a difference the recognizer is known to make on clean speech


@dataclass(frozen=True)
class Finding:
    severity: str  # "review" or "fail"
    reason: str
    kind: str  # missing, extra, repeat, changed
    region: Region


@dataclass
class Comparison:
    """The alignment of a take's script against what was heard, and what it means."""

    script: list[str]
    heard: list[str]
    joiner: str  # " " for words, "" for characters
    regions: list[Region]
    errors: int  # tokens wrong after forgiveness (substituted, missing or extra)
    error_rate: float  # errors / script tokens (WER or CER)
    raw_error_rate: float  # the plain WER/CER, nothing forgiven
    findings: list[Finding] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return "cer" if self.joiner == "" else "wer"

    def diff(self) -> tuple[tuple[str, str, str], ...]:
        """(op, script words, heard words) per region; forgiven ones read as equal."""
        j = self.joiner
        return tuple(
            ("equal" if r.forgiven else r.op, j.join(self.script[r.ref0:r.ref1]),
             j.join(self.heard[r.hyp0:r.hyp1]))
            for r in self.regions
        )


def align(script: list[str], heard: list[str], joiner: str) -> list[tuple[str, int, int, int, int]]:
    """jiwer's alignment chunks as (type, ref0, ref1, hyp0, hyp1)."""
    if not script:
        return [("insert", 0, 0, 0, len(heard))] if heard else []
    chunks = (
        jiwer.process_characters("".join(script), "".join(heard)).alignments[0]
        if joiner == ""
        else jiwer.process_words(" ".join(script), " ".join(heard)).alignments[0]
    )
    return [
        (c.type, c.ref_start_idx, c.ref_end_idx, c.hyp_start_idx, c.hyp_end_idx) for c in chunks
    ]


def _regions(
    chunks: list[tuple[str, int, int, int, int]], said: list[str], heard: list[str], joiner: str,
) -> list[Region]:
    """Alignment chunks as regions. Adjacent non-equal chunks are judged
    together first ("sea shells" / "seashells" is a substitution and a
    deletion); if together they are not a forgivable slip, each chunk is
    judged alone ("its" / "it's" beside words said again)."""
    regions: list[Region] = []
    group: list[tuple[str, int, int, int, int]] = []

    def flush() -> None:
        if not group:
            return
        r0, h0, r1, h1 = group[0][1], group[0][3], group[-1][2], group[-1][4]
        if _forgivable(said[r0:r1], heard[h0:h1], joiner):
            regions.append(Region("changed", r0, r1, h0, h1, forgiven=True))
        else:
            for _, c0, c1, d0, d1 in group:
                op = "missing" if d0 == d1 else "extra" if c0 == c1 else "changed"
                forgiven = op == "changed" and _forgivable(said[c0:c1], heard[d0:d1], joiner)
                regions.append(Region(op, c0, c1, d0, d1, forgiven))
        group.clear()

    for chunk in chunks:
        if chunk[0] == "equal":
            flush()
            regions.append(Region("equal", *chunk[1:]))
        else:
            group.append(chunk)
    flush()
    # neighbouring regions of one kind read as one ("missing" twice in a row)
    merged: list[Region] = []
    for r in regions:
        last = merged[-1] if merged else None
        if last and last.op == r.op and r.op in ("missing", "extra") and not last.forgiven:
            merged[-1] = Region(r.op, last.ref0, r.ref1, last.hyp0, r.hyp1)
        else:
            merged.append(r)
    return merged


def _same(a: str, b: str, joiner: str) -> bool:
    return a == b or _forgivable([a], [b], joiner)


def _forgivable(said: list[str], heard: list[str], joiner: str) -> bool:
    if not said or not heard:
        return False
    if "".join(said) == "".join(heard):
        return True  # seashells / sea shells
    if joiner == "":
        return False
    if len(said) == 1 and len(heard) == 1:
        a, b = said[0], heard[0]
        if any(a in group and b in group for group in _HOMOPHONES):
            return True
    if len(said) <= 2 and len(heard) <= 3:
        # a near spelling: colour / color, metres / meters, logbook / law book,
        # paragraph / pair of graph
        a, b = "".join(said), "".join(heard)
        if min(len(a), len(b)) >= 4 and jiwer.cer(a, b) <= (0.25 if len(a) < 6 else 0.34):
            return True
    joined_s, joined_h = " ".join(said), " ".join(heard)
    if any(joined_s in g and joined_h in g for g in _HOMOPHONES):
        return True
    # one amount read two ways: only number words on both sides
    return (all(w in _NUMBER_WORDS for w in said + heard)
            and any(w in _NUMERALS for w in said) and any(w in _NUMERALS for w in heard))


def _repeat(
    script: list[str], at: int, extra: list[str], joiner: str
) -> tuple[list[str], int] | None:
    """If the extra tokens inserted before script[at] say a phrase of the
    script around that point again: the phrase and how many times it was
    said in all. A whole number of repeats of the phrase first, then (a cut
    that lands inside words) most extra tokens found just before or after."""
    for size in range(1, min(len(extra), 12) + 1):
        if len(extra) % size:
            continue
        times = len(extra) // size
        for offset in range(0, size + 1):
            start = at - offset
            if start < 0 or start + size > len(script):
                continue
            phrase = script[start:start + size]
            rotated = phrase[offset:] + phrase[:offset] if offset < size else phrase
            expected = rotated * times
            if all(_same(x, y, joiner) for x, y in zip(extra, expected, strict=True)):
                return phrase, times + 1
    if len(extra) >= 2:
        near = script[max(0, at - len(extra) - 3):at + len(extra) + 3]
        found = sum(any(_same(word, other, joiner) for other in near) for word in extra)
        if found >= 0.75 * len(extra):
            return extra, 2
    return None


def compare(
    script_text: str, heard: list[str], language: str, settings: QaSettings | None = None,
    *, script: list[str] | None = None, hurried: bool = False, ends_in_sound: bool = False,
) -> Comparison:
    """Compare a take's spoken text with the heard tokens (from :func:`tokens`).
    ``hurried``: the take is shorter than its text needs (the checker's pace
    measure), which makes one word heard as another a word lost.
    ``ends_in_sound``: the take has no quiet at its end (the checker's
    signal measure), which makes the script's last words missing a cut."""
    settings = settings or QaSettings()
    joiner = "" if language in CHARACTER_LANGUAGES else " "
    said = script if script is not None else tokens(script_text, language)
    regions = _regions(align(said, heard, joiner), said, heard, joiner)
    raw = sum(max(r.ref1 - r.ref0, r.hyp1 - r.hyp0) for r in regions if r.op != "equal")
    errors = sum(
        max(r.ref1 - r.ref0, r.hyp1 - r.hyp0) for r in regions
        if r.op != "equal" and not r.forgiven
    )
    total = max(1, len(said))
    result = Comparison(said, heard, joiner, regions, errors, errors / total, raw / total)
    result.findings = _findings(result, settings, hurried, ends_in_sound)
    return result


def _quote(tokens_: list[str], joiner: str, limit: int = 8) -> str:
    if len(tokens_) > limit:
        return joiner.join(tokens_[:limit]) + " …"
    return joiner.join(tokens_)


def _findings(c: Comparison, settings: QaSettings, hurried: bool = False,
              ends_in_sound: bool = False) -> list[Finding]:
    findings: list[Finding] = []
    j = c.joiner
    # a run of characters stands for fewer words than a run of words
    run_fail = settings.missing_run_fail * (2 if j == "" else 1)
    # one word missing, extra or said twice is left to the error rate: the
    # recognizer drops and doubles small words on clean speech
    run_note = 2 if j == " " else 3
    for r in c.regions:
        if r.op == "equal" or r.forgiven:
            continue
        said, heard = c.script[r.ref0:r.ref1], c.heard[r.hyp0:r.hyp1]
        missing = len(said) - len(heard)
        if r.op == "extra":
            repeat = _repeat(c.script, r.ref0, heard, j)
            if repeat:
                phrase, times = repeat
                extra_words = len(phrase) * (times - 1)
                if times >= settings.repeat_fail and extra_words >= 2:
                    severity = "fail"  # a phrase said again, or a word said three times
                elif extra_words >= run_note:
                    severity = "review"
                else:
                    continue
                findings.append(Finding(
                    severity, f"'{j.join(phrase)}' said {times} times", "repeat", r))
            elif len(heard) >= run_note:
                severity = "fail" if len(heard) >= run_fail else "review"
                findings.append(Finding(severity, f"extra: '{_quote(heard, j)}'", "extra", r))
        elif (r.op == "missing" and missing >= run_note) or missing >= run_fail:
            severity = "fail" if missing >= run_fail else "review"
            findings.append(Finding(severity, f"missing: '{_quote(said, j)}'", "missing", r))
    structural = [f for f in findings if f.kind in ("missing", "repeat", "extra")]
    # one slip in a short sentence is not a different text: a fail needs 3 wrong
    # words, or half of them
    too_many = c.error_rate >= settings.wer_fail and (c.errors >= 3 or c.error_rate >= 0.5)
    changed = sum(
        max(r.ref1 - r.ref0, r.hyp1 - r.hyp0) for r in c.regions
        if r.op == "changed" and not r.forgiven
    )
    whole = Region("changed", 0, 0, 0, 0)
    # one slipped word is left alone, unless the take's last words are missing
    last = c.regions[-1] if c.regions else None
    cut_short = bool(last and last.op != "equal" and not last.forgiven
                     and last.hyp1 - last.hyp0 < last.ref1 - last.ref0)
    if not c.heard and c.script:
        findings.insert(0, Finding("fail", "heard no speech", "changed", whole))
    elif c.error_rate >= 0.5 and changed >= 0.4 * len(c.script):
        findings.insert(0, Finding(
            "fail", f"heard a different text: '{_quote(c.heard, j, 12)}'", "changed", whole))
    elif too_many and structural:
        # the runs explain the errors, and there are too many of them
        findings = [Finding("fail", f.reason, f.kind, f.region) for f in findings]
    elif too_many:
        findings.append(Finding("fail", _changes(c), "changed", whole))
    elif not structural and c.error_rate > settings.wer_review and (c.errors >= 2 or cut_short):
        findings.append(Finding("review", _changes(c), "changed", whole))
    elif not findings and (lost := _lost_word(c, hurried)) is not None:
        findings.append(Finding("review", _changes(c), lost.op, lost))
    said = c.script[last.ref0:last.ref1] if last is not None else []
    meant = (last is not None and len(said) - (last.hyp1 - last.hyp0) >= run_note) or (
        j == " " and any(_is_content(word) for word in said))
    if cut_short and ends_in_sound and meant and c.heard and last is not None and not any(
            f.severity == "fail" for f in findings):
        # the last words missing and no quiet after the sound: a cut ending
        # (a clean take ends in quiet, and its last words are heard); a lost
        # "it" or a final particle alone is left to the recognizer
        findings = [f for f in findings if f.region is not last]
        findings.append(Finding("fail", f"cut off: missing '{_quote(said, j)}' at the end",
                                "missing", last))
    return findings


def _is_content(word: str) -> bool:
    """A word that carries meaning: not a small word the recognizer drops or trades."""
    return word not in _FUNCTION_WORDS and sum(ch.isalpha() for ch in word) >= MIN_CONTENT_LETTERS


def _lost_word(c: Comparison, hurried: bool) -> Region | None:
    """The one slipped region, when it is a content word of the script gone
    missing ("thirty-one" heard "one"), or heard as another word in a take
    shorter than its text needs ("followed" heard "of": the recognizer
    makes a word of what is left of a cut). The recognizer rarely loses such
    a word on clean speech, so the take goes to review (and, from the small
    recognizer, to a second hearing); a dropped "the" or "a" stays forgiven,
    and so does a word misheard at the usual pace ("guide" heard "guy")."""
    slips = [r for r in c.regions if r.op != "equal" and not r.forgiven]
    if c.joiner != " " or len(slips) != 1:
        return None
    (r,) = slips
    said = c.script[r.ref0:r.ref1]
    if r.op not in ("missing", "changed") or len(said) != 1 or r.hyp1 - r.hyp0 > 1:
        return None
    if r.op == "changed" and not hurried:
        return None
    word = said[0]
    if not _is_content(word):
        return None
    heard = c.heard[r.hyp0:r.hyp1]
    if heard and heard[0][:3] == word[:3]:
        return None  # the word heard with another ending ("beam" / "beans"): it was said
    return r


def _changes(c: Comparison) -> str:
    j = c.joiner
    parts = []
    for r in c.regions:
        if r.op == "equal" or r.forgiven:
            continue
        said = _quote(c.script[r.ref0:r.ref1], j, 5)
        heard = _quote(c.heard[r.hyp0:r.hyp1], j, 5)
        parts.append(
            f"'{said}' heard as '{heard}'" if r.op == "changed"
            else f"missing '{said}'" if r.op == "missing" else f"extra '{heard}'"
        )
    more = f" (+{len(parts) - 3} more)" if len(parts) > 3 else ""
    return "; ".join(parts[:3]) + more + f" ({c.unit.upper()} {c.error_rate:.0%})"

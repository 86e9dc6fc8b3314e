"""English number words: cardinals, ordinals, years, decimals, digit strings.

Written here rather than taken from the normalizer because its readings are
the ones a narrator disagrees with most ("1,234" as "thousand two hundred and
thirty four", "1999 people" as a year) and because the rules in
:mod:`studio.text.spoken_en` need to pick the reading from context, which
means calling a reader for a given kind of number, not the normalizer's
guess. US English: no "and" inside numbers, hyphen-free ("twenty one") so
that word matching downstream (take QA, subtitles) sees plain words.
"""

from __future__ import annotations

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_IRREGULAR_ORDINALS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth",
    "eight": "eighth", "nine": "ninth", "twelve": "twelfth",
}
# Above this a number is an identifier (an account, a serial), not a quantity.
MAX_CARDINAL = 10**15


def cardinal(n: int) -> str:
    """'one thousand two hundred thirty four' for 1234; 'minus five' for -5."""
    if n < 0:
        return f"minus {cardinal(-n)}"
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {cardinal(rest)}" if rest else "")
    for scale, name in _SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return f"{cardinal(high)} {name}" + (f" {cardinal(rest)}" if rest else "")
    raise AssertionError("unreachable")


def ordinal(n: int) -> str:
    """'twenty first' for 21."""
    words = cardinal(n).split(" ")
    last = words[-1]
    if last in _IRREGULAR_ORDINALS:
        words[-1] = _IRREGULAR_ORDINALS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def plural(words: str) -> str:
    """Plural of a number read as a noun: 'nineties', 'hundreds', 'twos'."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith("x"):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def year(n: int) -> str:
    """How a year is said: 1999 'nineteen ninety nine', 2008 'two thousand eight',
    1905 'nineteen oh five', 1900 'nineteen hundred', 2024 'twenty twenty four'."""
    if n < 1000 or n >= 10000:
        return cardinal(n)
    century, rest = divmod(n, 100)
    if 2000 <= n < 2010 or 1000 <= n < 1010:
        return cardinal(n)
    if rest == 0:
        return f"{cardinal(century)} hundred"
    if rest < 10:
        return f"{cardinal(century)} oh {_ONES[rest]}"
    return f"{cardinal(century)} {cardinal(rest)}"


def digits(text: str) -> str:
    """Digit by digit: '0199' -> 'zero one nine nine'."""
    return " ".join(_ONES[int(char)] for char in text if char.isdigit())


def decimal(integer: str, fraction: str) -> str:
    """'1,234' and '5' -> 'one thousand two hundred thirty four point five'.

    The integer part may carry thousands separators; the fraction is read
    digit by digit, as a narrator reads '3.14'. An empty integer part
    ('.5') is read 'point five'.
    """
    whole = integer_words(integer) if integer else ""
    if not fraction:
        return whole
    return f"{whole} point {digits(fraction)}".strip()


def integer_words(text: str) -> str:
    """A written integer ('1,234', '007', '12345678901234567') in words.

    Leading zeros and identifier-sized numbers are read digit by digit.
    """
    plain = text.replace(",", "")
    if (len(plain) > 1 and plain.startswith("0")) or int(plain) >= MAX_CARDINAL:
        return digits(plain)
    return cardinal(int(plain))

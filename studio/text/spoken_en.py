"""English text to its spoken form: what a narrator says for numbers and symbols.

The rules run in order on one sentence (or clause) as written, each turning
one kind of token into words, most specific first: addresses before anything
touches their dots, abbreviations before "No. 5" loses its period, phone
numbers and dates before their digits are read as quantities, money before
plain decimals, and plain numbers last. A reading depends on context that a
single-token normalizer does not look at: "in 1999" is a year and "1999
people" a quantity; "$12.50" is dollars and cents; "Henry VIII" is "Henry
the eighth" but "Chapter IV" is "Chapter four" and "I" is the pronoun.

Every rule is a regular expression and a small function; the whole pass
costs well under a millisecond per sentence. Text with nothing to read
differently comes back as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from studio.text import numbers_en as n
from studio.text.spoken_web import EMAIL, URL, read_email, read_url

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def words(text: str) -> frozenset[str]:
    """The set of the space-separated words of ``text`` (for word lists)."""
    return frozenset(text.split())


# A written number: thousands-separated, plain, or starting at the point.
NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_END_OF_TEXT = re.compile(r"[\"'”’)\]]*\s*$")

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
_MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS} | {"Sept": "September"}
_MONTH = (
    r"(?P<month>(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)


def _at_end(match: re.Match[str]) -> bool:
    """True when nothing but closing quotes follows the match."""
    return bool(_END_OF_TEXT.fullmatch(match.string, match.end()))


def _keep_final_period(match: re.Match[str], words: str) -> str:
    """An abbreviation's period that also ends the sentence stays a full stop."""
    return words + "." if match.group(0).endswith(".") and _at_end(match) else words


def number(text: str) -> str:
    """Any written number ('1,234.5', '.5', '42') in words."""
    integer, _, fraction = text.partition(".")
    return n.decimal(integer, fraction)


def _is_one(text: str) -> bool:
    return text.replace(",", "") in ("1", "1.0", "1.00")


# ------------------------------------------------------------ abbreviations

_TITLES = {
    "Mr": "mister", "Mrs": "missus", "Ms": "miz", "Prof": "professor", "Gen": "general",
    "Capt": "captain", "Lt": "lieutenant", "Sgt": "sergeant", "Col": "colonel",
    "Gov": "governor", "Sen": "senator", "Rep": "representative", "Rev": "reverend",
    "Hon": "honorable", "Pres": "president", "Supt": "superintendent", "Cmdr": "commander",
    "Mt": "mount", "Ft": "fort", "Messrs": "messieurs",
}
_AFTER_NAMES = {
    "Jr": "junior", "Sr": "senior", "Ave": "avenue", "Blvd": "boulevard", "Rd": "road",
    "Ln": "lane", "Hwy": "highway", "Inc": "incorporated", "Ltd": "limited",
    "Corp": "corporation", "Bros": "brothers", "Dept": "department", "Univ": "university",
}
_ANYWHERE = {
    "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus",
    "vs": "versus", "approx.": "approximately", "cf.": "compare", "a.k.a.": "also known as",
    "aka": "also known as", "w/o": "without", "ca.": "circa", "esp.": "especially",
    "incl.": "including", "govt.": "government", "misc.": "miscellaneous",
    "Approx.": "approximately", "E.g.": "for example", "I.e.": "that is",
}
_BEFORE_NUMBERS = {
    "No": "number", "no": "number", "Nos": "numbers", "nos": "numbers", "NO": "number",
    "Vol": "volume", "vol": "volume", "Ch": "chapter", "ch": "chapter", "p": "page",
    "pp": "pages", "Fig": "figure", "fig": "figure", "Sec": "section", "sec": "section",
    "Art": "article", "Ex": "example", "Ep": "episode", "Ph": "phone", "Tel": "telephone",
    "tel": "telephone", "Apt": "apartment", "Rm": "room", "Ste": "suite",
}
_CAPITALIZED = r"[A-Z][a-z'’]+"


def _title(match: re.Match[str]) -> str:
    return _TITLES[match.group(1)]


def _saint_or_street(match: re.Match[str]) -> str:
    before = match.string[: match.start()].rstrip()
    after = match.string[match.end() :].lstrip()
    if after[:1].isupper() and not re.search(r"\d(?:st|nd|rd|th)?$", before):
        return "saint"
    return _keep_final_period(match, "street")


def _doctor_or_drive(match: re.Match[str]) -> str:
    before = match.string[: match.start()].rstrip()
    after = match.string[match.end() :].lstrip()
    if re.search(rf"{_CAPITALIZED}$", before) and not after[:1].isupper():
        return _keep_final_period(match, "drive")
    return "doctor"


def _after_name(match: re.Match[str]) -> str:
    return _keep_final_period(match, _AFTER_NAMES[match.group(1)])


def _anywhere(match: re.Match[str]) -> str:
    return _keep_final_period(match, _ANYWHERE[match.group(1)])


def _before_number(match: re.Match[str]) -> str:
    return _BEFORE_NUMBERS[match.group(1)] + " "


def _alternation(options: Iterable[str]) -> str:
    """A regex alternation of ``options``, longest first so that none hides another."""
    return "|".join(re.escape(w) for w in sorted(options, key=len, reverse=True))


# Titles and street names: read the same in an English or a Chinese sentence.
NAME_ABBREVIATIONS: list[Rule] = [
    (re.compile(r"(?<![\w.])(?:Dr)\.(?=\s|$)"), _doctor_or_drive),
    (re.compile(r"(?<![\w.])(?:St)\.(?=\s|$|,)"), _saint_or_street),
    (re.compile(rf"(?<![\w.])({_alternation(_TITLES)})\.(?=\s+[A-Z])"), _title),
    (re.compile(rf"(?<=[\w,] )({_alternation(_AFTER_NAMES)})\.(?=\s|$|,)"), _after_name),
]
ABBREVIATIONS: list[Rule] = [
    (re.compile(rf"(?<![\w.])({_alternation(_ANYWHERE)})(?![\w])"), _anywhere),
    *NAME_ABBREVIATIONS,
    (re.compile(rf"(?<![\w.])({_alternation(_BEFORE_NUMBERS)})\.\s?(?=-?\d)"), _before_number),
    (re.compile(r"#\s?(?=\d)"), lambda m: "number "),
    (re.compile(r"(?<![\w.])w/(?=\s)"), lambda m: "with"),
]

# --------------------------------------------------------------- telephone

_PHONE_WORDS = re.compile(
    r"\b(?:call|phone|dial|tel|telephone|fax|text|number|contact|reach|line|hotline|"
    r"mobile|cell)\b",
    re.IGNORECASE,
)


def _digit_groups(text: str) -> str:
    groups = re.findall(r"\d+", text)
    return ", ".join(n.digits(group) for group in groups)


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    toll_free = re.match(r"1[-. ](8[0-9]{2})[-. ]", text)
    if toll_free and toll_free.group(1) in ("800", "888", "877", "866", "855", "844", "833"):
        rest = text[toll_free.end() :]
        return f"one {n.cardinal(int(toll_free.group(1)))}, {_digit_groups(rest)}"
    spoken = _digit_groups(text)
    return f"plus {spoken}" if text.startswith("+") else spoken


def _short_phone(match: re.Match[str]) -> str:
    """'555-0199': a phone number when context says so or it cannot be a range."""
    left, right = match.group(1), match.group(2)
    context = match.string[max(0, match.start() - 40) : match.start()]
    if _PHONE_WORDS.search(context) or int(left) >= int(right):
        return _digit_groups(match.group(0))
    return f"{n.cardinal(int(left))} to {n.cardinal(int(right))}"


PHONES: list[Rule] = [
    (re.compile(r"(?<![\w+])\+\d{1,3}(?:[ -]\(?\d{1,4}\)?){2,4}(?![\w])"), _phone),
    (
        re.compile(r"(?<![\w])(?:1[-. ])?(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w])"),
        _phone,
    ),
    (re.compile(r"(?<![\w,.-])(\d{3})-(\d{4})(?![\w-]|[.,]\d)"), _short_phone),
]

# ------------------------------------------------------------------- dates


def _month_name(written: str) -> str:
    written = written.rstrip(".")
    return _MONTH_ABBREVIATIONS.get(written, written)


def _year_of(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        value += 2000 if value <= 50 else 1900
    return value


def _month_day(match: re.Match[str]) -> str:
    spoken = f"{_month_name(match.group('month'))} {n.ordinal(int(match.group('day')))}"
    if match.group("year"):
        spoken += f", {n.year(int(match.group('year')))}"
    return spoken


def _day_month(match: re.Match[str]) -> str:
    before = match.string[: match.start()]
    the = "" if re.search(r"\bthe\s+$", before, re.IGNORECASE) else "the "
    spoken = f"{the}{n.ordinal(int(match.group('day')))} of {_month_name(match.group('month'))}"
    if match.group("year"):
        spoken += f", {n.year(int(match.group('year')))}"
    return spoken


def _month_year(match: re.Match[str]) -> str:
    return f"{_month_name(match.group('month'))} {n.year(int(match.group('year')))}"


def _numeric_date(match: re.Match[str]) -> str:
    """12/25/2023 (US month first; day first where the first part cannot be a month)."""
    first, second, year = int(match.group(1)), int(match.group(2)), match.group(3)
    if first > 12 >= second:
        return (
            f"the {n.ordinal(first)} of {MONTHS[second - 1]}, {n.year(_year_of(year))}"
        )
    if first == 0 or first > 12 or second == 0 or second > 31:
        return match.group(0).replace("/", " slash ")
    return f"{MONTHS[first - 1]} {n.ordinal(second)}, {n.year(_year_of(year))}"


def _iso_date(match: re.Match[str]) -> str:
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    return f"{MONTHS[month - 1]} {n.ordinal(day)}, {n.year(year)}"


_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4})(?![\d,]))?"

DATES: list[Rule] = [
    (re.compile(r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"), _iso_date),
    (re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])"), _numeric_date),
    (re.compile(rf"(?<![\w]){_MONTH}\s+{_DAY}(?![\d:.,]\d|\w){_YEAR}"), _month_day),
    (re.compile(rf"(?<![\w.]){_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}"), _day_month),
    (re.compile(rf"(?<![\w]){_MONTH},?\s+(?P<year>\d{{4}})(?![\d,])"), _month_year),
]

# ------------------------------------------------------------------- times

_MERIDIEM = r"(?P<mer>[ap]\.\s?m\.|[AP]\.\s?M\.|[aApP][mM](?![\w]))"


def _meridiem(match: re.Match[str]) -> str:
    mer = match.group("mer")
    if not mer:
        return ""
    spoken = "a.m." if mer[0] in "aA" else "p.m."
    # The dotted form is what the English voice reads as letters ("a m"
    # would be the article); a full stop written after "am" is its last dot.
    if match.string.startswith(".", match.end()):
        spoken = spoken[:-1]
    return f" {spoken}"


def _clock(match: re.Match[str]) -> str:
    hour, minute = int(match.group("h")), int(match.group("m"))
    if hour > 24 or minute > 59:
        return f"{n.cardinal(hour)} to {n.cardinal(minute)}"
    mer = _meridiem(match)
    if minute == 0:
        if mer:
            spoken = n.cardinal(hour)
        elif hour > 12:
            spoken = f"{n.cardinal(hour)} hundred"
        else:
            spoken = f"{n.cardinal(hour)} o'clock"
    elif minute < 10:
        spoken = f"{n.cardinal(hour)} oh {n.cardinal(minute)}"
    else:
        spoken = f"{n.cardinal(hour)} {n.cardinal(minute)}"
    if match.group("s") and int(match.group("s")):
        spoken += f" and {n.cardinal(int(match.group('s')))} seconds"
    return spoken + mer


def _hour(match: re.Match[str]) -> str:
    return n.cardinal(int(match.group("h"))) + _meridiem(match)


TIMES: list[Rule] = [
    (
        re.compile(
            rf"(?<![\d:.])(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?::(?P<s>\d{{2}}))?(?![\d:]|\.\d)"
            rf"(?:\s?{_MERIDIEM})?"
        ),
        _clock,
    ),
    (re.compile(rf"(?<![\d:.,])(?P<h>1[0-2]|0?[1-9])\s?{_MERIDIEM}"), _hour),
    # A ratio or score written with a colon: "a 3:2 ratio".
    (
        re.compile(r"(?<![\d:.])(\d+):(\d+)(?![\d:]|\.\d)"),
        lambda m: f"{n.cardinal(int(m.group(1)))} to {n.cardinal(int(m.group(2)))}",
    ),
]

# ------------------------------------------------------------------- money

_CURRENCIES = {
    # symbol: (one unit, units, one subunit, subunits)
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("US dollar", "US dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "", ""),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "₩": ("won", "won", "", ""),
}
_CODES = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹",
}
_SCALE_WORDS = {
    "thousand": "thousand", "million": "million", "billion": "billion",
    "trillion": "trillion", "k": "thousand", "K": "thousand", "m": "million",
    "M": "million", "mn": "million", "bn": "billion", "B": "billion", "b": "billion",
    "tn": "trillion", "T": "trillion",
}


def money(amount: str, symbol: str, scale: str | None = None) -> str:
    """'12.50', '$' -> 'twelve dollars and fifty cents'."""
    one, many, sub_one, sub_many = _CURRENCIES[symbol]
    if scale:
        return f"{number(amount)} {_SCALE_WORDS[scale]} {many}"
    integer, _, fraction = amount.partition(".")
    if not sub_one or len(fraction) > 2 or (fraction and not integer and not sub_one):
        return f"{number(amount)} {one if _is_one(amount) else many}"
    units = int(integer.replace(",", "") or "0")
    cents = int(fraction.ljust(2, "0")) if fraction else 0
    whole = f"{n.integer_words(integer or '0')} {one if units == 1 else many}"
    part = f"{n.cardinal(cents)} {sub_one if cents == 1 else sub_many}"
    if cents == 0:
        return whole
    if units == 0:
        return part
    return f"{whole} and {part}"


def _scale(match: re.Match[str]) -> str | None:
    return match.group("scale") or match.group("scale2")


def _money(match: re.Match[str]) -> str:
    sign = "minus " if match.group("neg") else ""
    return sign + money(match.group("amount"), match.group("sym"), _scale(match))


def _money_code(match: re.Match[str]) -> str:
    return money(match.group("amount"), _CODES[match.group("code")], _scale(match))


def _cents(match: re.Match[str]) -> str:
    amount = match.group(1)
    return f"{number(amount)} {'cent' if _is_one(amount) else 'cents'}"


_SCALE = (
    r"(?:\s?(?P<scale>thousand|million|billion|trillion)\b"
    r"|(?P<scale2>[kKmMbBT]|mn|bn|tn)\b)?"
)

def _money_range(match: re.Match[str]) -> str:
    """'$5-10' and '$5-$10': 'five to ten dollars'."""
    many = _CURRENCIES[match.group("sym")][1]
    return f"{number(match.group('a'))} to {number(match.group('b'))} {many}"


MONEY: list[Rule] = [
    (
        re.compile(
            rf"(?P<sym>US\$|[$€£¥₹₩])(?P<a>{NUM})\s?[-–—]\s?(?:US\$|[$€£¥₹₩])?(?P<b>{NUM})"
            rf"(?![\w.,]\d|\s?(?:thousand|million|billion|trillion|[kKmMbBT]|mn|bn|tn)\b)"
        ),
        _money_range,
    ),
    (re.compile(rf"(?P<neg>[-−])?(?P<sym>US\$|[$€£¥₹₩])\s?(?P<amount>{NUM}){_SCALE}"), _money),
    (
        re.compile(rf"(?<![\w.,])(?P<amount>{NUM}){_SCALE}\s?(?P<code>USD|EUR|GBP|JPY|INR)\b"),
        _money_code,
    ),
    (re.compile(rf"(?<![\w.,])({NUM})\s?¢"), _cents),
]


# ----------------------------------------------------- percentages and units

_UNITS: dict[str, tuple[str, str]] = {
    "mm": ("millimeter", "millimeters"), "cm": ("centimeter", "centimeters"),
    "m": ("meter", "meters"), "km": ("kilometer", "kilometers"),
    "ft": ("foot", "feet"), "yd": ("yard", "yards"), "mi": ("mile", "miles"),
    "in.": ("inch", "inches"), "mg": ("milligram", "milligrams"), "g": ("gram", "grams"),
    "kg": ("kilogram", "kilograms"), "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"), "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"), "L": ("liter", "liters"), "l": ("liter", "liters"),
    "gal": ("gallon", "gallons"), "mph": ("mile per hour", "miles per hour"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "m/s": ("meter per second", "meters per second"),
    "s": ("second", "seconds"), "sec": ("second", "seconds"), "secs": ("second", "seconds"),
    "ms": ("millisecond", "milliseconds"), "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"), "h": ("hour", "hours"), "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"), "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
    "KB": ("kilobyte", "kilobytes"), "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"), "W": ("watt", "watts"), "kW": ("kilowatt", "kilowatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"), "V": ("volt", "volts"),
    "mAh": ("milliamp hour", "milliamp hours"), "°C": ("degree Celsius", "degrees Celsius"),
    "℃": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "℉": ("degree Fahrenheit", "degrees Fahrenheit"), "°": ("degree", "degrees"),
    "sq ft": ("square foot", "square feet"), "sq mi": ("square mile", "square miles"),
    "km²": ("square kilometer", "square kilometers"), "m²": ("square meter", "square meters"),
    "x": ("times", "times"),
}
# A unit is one only right after a number (one space at most) and never runs
# on into a word ("5 min" yes, "5 mins" its own entry, "5 minutes" untouched).
# Its abbreviating period is dropped unless it also ends the sentence.
_UNIT = re.compile(
    rf"(?P<neg>(?<![\w.])[-−])?(?<![\w.,])(?P<amount>{NUM})(?P<space>\s?)"
    rf"(?P<unit>{_alternation(_UNITS)})(?P<dot>\.(?!\d))?(?![\w°/²])"
)


def _unit(match: re.Match[str]) -> str:
    unit, amount = match.group("unit"), match.group("amount")
    if unit == "x" and match.group("space"):
        return match.group(0)  # "5 x 3" is a product, read below
    # "2 L" is liters, but "plan 2 V" or "2 W Street" are not: spaced from the
    # number, these letters are units only where they end the clause.
    if (
        unit in ("l", "L", "V", "W")
        and match.group("space")
        and not match.group("dot")
        and not _at_end(match)
        and not re.match(r"\s*[,;:)]", match.string[match.end() :])
    ):
        return match.group(0)
    one, many = _UNITS[unit]
    sign = "minus " if match.group("neg") else ""
    spoken = f"{sign}{number(amount)} {one if _is_one(amount) else many}"
    if match.group("dot") or unit.endswith("."):
        return _keep_final_period(match, spoken)
    return spoken


def _percent(match: re.Match[str]) -> str:
    sign = "minus " if match.group("neg") else ""
    return f"{sign}{number(match.group('amount'))} percent"


def _range_percent(match: re.Match[str]) -> str:
    return f"{number(match.group(1))} to {number(match.group(2))} percent"


# "50–70 ms", "3-5 kg": the unit after the second number belongs to both.
_RANGE_BEFORE_UNIT = re.compile(
    rf"(?<![\w.,-])({NUM})\s?[–—-]\s?(?=[-−]?{NUM}\s?(?:{_alternation(_UNITS)})(?![\w°/²]))"
)

MEASURES: list[Rule] = [
    (_RANGE_BEFORE_UNIT, lambda m: f"{number(m.group(1))} to "),
    # "Between $5 and $10" is read by the money rule; "$5 to $10" too.
    (re.compile(rf"(?<![\w.,])({NUM})\s?%?\s?[-–—~]\s?({NUM})\s?%"), _range_percent),
    (re.compile(rf"(?P<neg>(?<![\w.])[-−])?(?<![\w.,])(?P<amount>{NUM})\s?%"), _percent),
    (_UNIT, _unit),
]

# ------------------------------------------------- decades, ordinals, years


def _decade(match: re.Match[str]) -> str:
    digits = match.group("d")
    if len(digits) == 2:
        return n.plural(n.cardinal(int(digits)))
    return n.plural(n.year(int(digits)))


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match.group(1)), int(match.group(2))
    if bottom == 0 or (top > bottom and bottom > 4) or bottom > 100 or (top, bottom) == (9, 11):
        return f"{n.cardinal(top)} {n.cardinal(bottom)}"  # "24/7", "50/50"
    if bottom == 1:
        return f"{n.cardinal(top)} over one"
    if bottom == 2:
        name = "half" if top == 1 else "halves"
    elif bottom == 4:
        name = "quarter" if top == 1 else "quarters"
    else:
        name = n.ordinal(bottom) + ("" if top == 1 else "s")
    return f"{n.cardinal(top)} {name}"


DECADES: list[Rule] = [
    (re.compile(r"(?<![\w'’])[’'](?P<d>\d{2})s\b"), _decade),
    (re.compile(r"(?<![\w.,'’$€£])(?P<d>[1-9]0)['’]?s\b"), _decade),  # "in her 30s"
    (re.compile(r"(?<![\w.,])(?P<d>[12]\d{2}0)['’]?s\b"), _decade),
]
ORDINALS: list[Rule] = [
    (
        re.compile(r"(?<![\w.,])(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE),
        lambda m: n.ordinal(int(m.group(1))),
    ),
    (re.compile(r"(?<![\w.,/])(\d{1,3})/(\d{1,3})(?![\w/]|[.,]\d)"), _fraction),
]

# After these a four-digit number is a year: "in 1999", "since 2010", "copyright 2024".
_YEAR_BEFORE = words(
    "in since by from until till before after during circa c. year years early late mid "
    "between spring summer autumn fall winter copyright ©"
)
# After these it is a quantity even when it could be a year: "about 1999 people".
_NOT_YEAR_BEFORE = words(
    "about around approximately nearly almost over under than some only just exactly all every"
)
# A year that starts a sentence is followed by a verb: "1999 was a good year".
_VERBS_AFTER_YEARS = words(
    "was is saw had has brought marked began ended will would became proved turned changed "
    "started finished closed opened"
)
_MONTHS_LOWER = frozenset(m.lower() for m in MONTHS)
_WORD_BEFORE = re.compile(r"([\w.©']+)[\s,]*$")
_YEAR_NEAR = re.compile(r"\b(?:1\d|20)\d\d\b(?!,\d)")
_OF_A_TIME = re.compile(
    r"\b(?:spring|summer|autumn|fall|winter|class|year|end|start|beginning|middle|events|"
    r"election|war|revolution|act|crisis)\s+of\s*$",
    re.IGNORECASE,
)


def _looks_like_year(match: re.Match[str]) -> bool:
    """Whether a plain four-digit number is a year, from the words around it."""
    value = int(match.group("int"))
    if not 1000 <= value <= 2099:
        return False
    written_before = match.string[: match.start()]
    before = _WORD_BEFORE.search(written_before)
    previous = before.group(1).lower() if before else ""
    next_word = re.match(r"\s+([a-z]+)", match.string[match.end() :])
    if previous in _NOT_YEAR_BEFORE:
        return False
    if previous in ("of", "to", "and", "or", "through"):
        # "1939 to 1945", "the summer of 1999": a year if a year is near.
        return bool(_YEAR_NEAR.search(written_before)) or (
            previous == "of" and bool(_OF_A_TIME.search(written_before))
        )
    if previous in _YEAR_BEFORE or previous in _MONTHS_LOWER:
        return True
    if previous == "the" and next_word and not next_word.group(1).endswith("s"):
        return True  # "the 1999 season" but "the 1500 soldiers"
    if not before and value >= 1800:
        return not next_word or next_word.group(1) in _VERBS_AFTER_YEARS
    return False


def _version_part(part: str) -> str:
    return n.integer_words(part) if 0 < len(part) < 4 else n.digits(part)


def _plain_number(match: re.Match[str]) -> str:
    sign = "minus " if match.group("neg") else ""
    integer, fraction = match.group("int") or "", match.group("frac")
    if fraction is None and "," not in integer and len(integer) == 4 and _looks_like_year(match):
        return sign + n.year(int(integer))
    if fraction is not None and match.group("more"):
        # A version or section number: "2.0.1" is "two point zero point one".
        parts = match.group(0).lstrip("-−").split(".")
        return sign + " point ".join(_version_part(part) for part in parts).strip()
    return sign + n.decimal(integer, fraction or "")


def _era(match: re.Match[str]) -> str:
    """'500 BC', 'AD 79': a year, and the era letter by letter (dotted capitals
    are what the voice spells)."""
    era = match.group("era") or match.group("era2")
    letters = ".".join(era.replace(".", "")) + "."
    if match.group("era2"):
        return f"{letters} {n.year(int(match.group('y2')))}"
    return f"{n.year(int(match.group('y')))} {letters}"


_PLAIN = re.compile(
    r"(?P<neg>(?<![\w.,])[-−](?=\.?\d))?"
    r"(?:(?<!\d)(?P<int>\d{1,3}(?:,\d{3})+(?![\d,])|\d+)|(?<![\w.,])(?=\.\d))"
    r"(?:\.(?P<frac>\d+)(?P<more>(?:\.\d+)+)?)?(?!\d)"
)


def _by_or_times(match: re.Match[str]) -> str:
    """'3 x 4 = 12' is times; '5 x 3 meters' and '1280x800' are sizes, 'by'."""
    return " times " if "=" in match.string else " by "


def _version(match: re.Match[str]) -> str:
    """'Python 3.11' is 'three point eleven': the parts of a version are numbers."""
    parts = match.group(2).split(".")
    return f"{match.group(1)} " + " point ".join(n.integer_words(p) for p in parts)


def _range(match: re.Match[str]) -> str:
    left, right = match.group(1), match.group(2)
    if left.isdigit() and right.isdigit() and len(left) == 4 and len(right) in (2, 4) \
            and 1000 <= int(left) <= 2099:
        end = int(right) if len(right) == 4 else int(left[:2] + right)
        if end > int(left):
            return f"{n.year(int(left))} to {n.year(end)}"
    if left == right:
        return f"{number(left)} {number(right)}"  # "a 50-50 chance"
    return f"{number(left)} to {number(right)}"


def _identifier(match: re.Match[str]) -> str:
    """'Room 101' is 'one oh one', 'Flight 1204' 'twelve oh four': said in pairs."""
    digits = match.group(2)
    if len(digits) == 3 and digits[1:] != "00":
        head, tail = int(digits[0]), int(digits[1:])
        said = n.cardinal(tail) if tail >= 10 else f"oh {n.cardinal(tail)}"
        return f"{match.group(1)}{n.cardinal(head)} {said}"
    return f"{match.group(1)}{n.year(int(digits))}"


_VERSIONED = (
    r"(?:[Vv]ersion|[Rr]elease|v|Python|Java|PHP|Perl|Ruby|Node|Go|Rust|Swift|Kotlin|"
    r"iOS|iPadOS|macOS|OS X|Android|Ubuntu|Debian|Fedora|Windows|Firefox|Chrome|HTTP|"
    r"Bluetooth|USB|Wi-Fi|IPv|Web)"
)

_NAMED_BY_NUMBER = (
    r"(?:[Rr]oom|[Ff]light|[Ss]uite|[Gg]ate|[Pp]latform|[Bb]us|[Rr]oute|[Hh]ighway|"
    r"[Ii]nterstate|[Cc]hannel|[Aa]partment|[Aa]pt\.?|[Ff]loor|[Ee]xit|[Tt]rack)"
)

NUMBERS: list[Rule] = [
    (re.compile(rf"(?<![\w.])({_NAMED_BY_NUMBER}\s)(\d{{3,4}})(?![\d.,]\d|\w)"), _identifier),
    (re.compile(rf"(?<![\w.])({_VERSIONED})\s?(\d+(?:\.\d+)+)(?![\d.]\d|\w)"), _version),
    # "10-20", "1939–1945", "2019-20": a range (phones and dates are gone by now).
    (
        re.compile(rf"(?<![\w.,-])({NUM})\s?[–—-]\s?({NUM})(?![\w,-]|[.,]\d)"),
        _range,
    ),
    # "COVID-19", "F-16", "MP3", "3D": letters and digits are separate words.
    (re.compile(r"(?<=[A-Za-z])-(?=\d)|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"), lambda m: " "),
    (re.compile(r"(?<=\d)\s?[x×]\s?(?=\d)"), _by_or_times),
    (re.compile(r"(?<=\d)\s?\+\s?(?=\d)"), lambda m: " plus "),
    (re.compile(r"(?<=\d)\s?=\s?(?=[\d-])"), lambda m: " equals "),
    (
        re.compile(
            r"(?<![\w.,])(?P<y>\d{1,4})\s?(?P<era>BCE|BC|CE|AD|B\.C\.E\.|B\.C\.|C\.E\.|A\.D\.)"
            r"(?![\w])|(?<![\w.])(?P<era2>AD|A\.D\.)\s?(?P<y2>\d{1,4})(?![\w.,]\d|\w)"
        ),
        _era,
    ),
    (_PLAIN, _plain_number),
]

# Before a number, read before the number is.
APPROXIMATIONS: list[Rule] = [
    (re.compile(r"[~≈]\s?(?=[$€£¥]?\d)"), lambda m: "about "),
    (re.compile(r"≤\s?(?=[$€£¥]?\d)"), lambda m: "at most "),
    (re.compile(r"≥\s?(?=[$€£¥]?\d)"), lambda m: "at least "),
]
SYMBOLS: list[Rule] = [
    (re.compile(r"\s&\s"), lambda m: " and "),
    (re.compile(r"(?<=[A-Za-z])&(?=[A-Za-z])"), lambda m: " and "),
    (re.compile(r"(?<=\s)@(?=\s)"), lambda m: "at"),
]

# ----------------------------------------------------------- Roman numerals

_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
# After these a numeral is a number: "Chapter IV", "World War II", "Super Bowl LVII".
_COUNTED = words(
    "chapter part book volume vol act scene section article title appendix annex phase "
    "stage level type class grade round episode season series mark mk war bowl apollo "
    "vatican gemini canto psalm unit division corps step schedule form figure plate "
    "table amendment league tier category lesson exercise problem question page "
    "movement symphony op opus no number"
)
# Rulers and popes, after whom even I, V and X are "the first", "the fifth".
_REGNAL = words(
    "Henry Louis Charles George Edward Elizabeth Richard William James John Paul Pius "
    "Leo Benedict Gregory Innocent Clement Alexander Frederick Philip Peter Catherine "
    "Mary Anne Victoria Napoleon Ferdinand Alfonso Carlos Juan Felipe Gustav Gustavus "
    "Karl Christian Olaf Harald Ivan Nicholas Boniface Urban Sixtus Ramesses Ptolemy "
    "Amenhotep Thutmose Constantine Justinian Otto Wilhelm Ludwig Rudolf Sigismund "
    "Casimir Sancho Pedro Manuel Afonso Umberto Victor Emmanuel Haakon Magnus Eric Erik "
    "Valdemar Harold David Robert Stephen Edmund Francis Henri Rama Selim Mehmed "
    "Murad Suleiman Darius Xerxes Cyrus Artaxerxes Antiochus Seleucus Hadrian Theodosius "
    "Basil Leopold Maximilian Matthias Joseph Adolf Sobhuza Mswati Farouk Fuad Hussein "
    "Abdullah Mohammed Hassan Ahmad Alexios Andronikos Michael Romanos Anastasius "
    "Martin Julius Sergius Hadrian Adrian Celestine Honorius Marcellus Nicholas Felix"
)
_NOT_NAMES = words(
    "the a an this that these those his her my our their its your and or but if when so "
    "then of in on at to for with by from as is was are were be not no"
)


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral, else None."""
    if not numeral or not _ROMAN.match(numeral):
        return None
    total = 0
    for char, following in zip(numeral, [*numeral[1:], ""]):
        value = _ROMAN_VALUES[char]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def _roman(match: re.Match[str]) -> str:
    previous, numeral = match.group("prev"), match.group("num")
    value = roman_value(numeral)
    if value is None:
        return match.group(0)
    if previous.rstrip(".").lower() in _COUNTED:
        return f"{previous} {n.cardinal(value)}"
    regnal_name = previous in _REGNAL
    if previous.lower() in _NOT_NAMES or not (regnal_name or len(numeral) > 1):
        return match.group(0)
    if set(numeral) - set("IVX") or value > 39:
        return match.group(0)  # "Washington DC", "my CV": not a ruler's number
    return f"{previous} the {n.ordinal(value)}"


ROMAN: list[Rule] = [
    (
        re.compile(r"(?<![\w.])(?P<prev>[A-Z][A-Za-z]+\.?) (?P<num>[IVXLCDM]+)(?![\w-])"),
        _roman,
    ),
]

RULES: list[Rule] = [
    *ABBREVIATIONS, *APPROXIMATIONS, *PHONES, *DATES, *TIMES, *MONEY, *DECADES, *MEASURES,
    *ORDINALS, *NUMBERS, *SYMBOLS, *ROMAN,
]
_WEB: list[Rule] = [
    (EMAIL, lambda m: read_email(m.group(0))),
    (URL, lambda m: read_url(m.group(0))),
]
_INTERESTING = re.compile(r"[\d.#&@%$€£¥₹₩¢°=+/×]|[IVX]{2}|(?<![\w])[IVXLCDM]+(?![\w])")


_DOUBLE_STOP = re.compile(r"(?<=\b[A-Za-z]\.)\.(?!\.)")


def apply(rules: list[Rule], text: str) -> str:
    """Run each rule over the text in turn."""
    for pattern, replace in rules:
        text = pattern.sub(replace, text)
    return text


def to_spoken(text: str) -> str:
    """The spoken form of one English sentence or clause."""
    if not _INTERESTING.search(text):
        return text  # plain words: the common case, and it must come back as it was
    spoken = apply(_WEB, text)
    spoken = apply(RULES, spoken)
    spoken = re.sub(r"[ \t]{2,}", " ", spoken).strip()
    # Spelled letters ("B.C.", "F.S.F.") that end a sentence end it once.
    spoken = _DOUBLE_STOP.sub("", spoken)
    if text[:1].isupper() and spoken[:1].islower():
        spoken = spoken[0].upper() + spoken[1:]
    return spoken

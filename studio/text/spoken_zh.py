"""Chinese (and mixed Chinese and English) text: pre-rules before wetext.

wetext reads most Chinese numbers as a narrator does ("2024年3月5日" as
二零二四年三月五日, "下午3:30" as 下午三点三十分, an eleven-digit phone
number digit by digit), so in Chinese it stays the reader and these rules
only rewrite, beforehand, what it gets wrong:

- thousands separators: "¥1,234.50" came out as 一元,两百三十四点五零;
- money, percentages and fractions, read here ("约1/4" came out as
  四分之约一, "5%-10%" as 百分之五百分之负十);
- a hyphen after letters is not a minus ("COVID-19" is not COVID负十九),
  and below zero a temperature is 零下, not 负;
- web and e-mail addresses (点 for each dot, letters as written), "No.1"
  (第一), English titles (Dr., Mr.) in a Chinese sentence;
- international phone numbers and codes after 编号, 尾号, 验证码 and the
  like, read digit by digit (with 幺 for 1, as wetext does for phones);
- version numbers ("1.2.3": 一点二点三).

Digits that remain are left for wetext.
"""

from __future__ import annotations

import re

from studio.text.spoken_en import NAME_ABBREVIATIONS, Rule, apply
from studio.text.spoken_web import EMAIL, URL, read_email, read_url

_DIGITS = "零一二三四五六七八九"
_PHONE_DIGITS = "零幺二三四五六七八九"
_GROUPS = ("", "万", "亿", "万亿")
_NUM = r"\d+(?:\.\d+)?"


def _below_10000(value: int) -> str:
    spoken, gap = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, value = divmod(value, place)
        if digit:
            spoken += ("零" if gap else "") + _DIGITS[digit] + unit
            gap = False
        elif spoken:
            gap = True
    return spoken


def cardinal(value: int) -> str:
    """1234 -> 一千二百三十四; 100005 -> 十万零五; 2000 -> 两千."""
    if value == 0:
        return "零"
    groups: list[int] = []
    while value:
        value, group = divmod(value, 10000)
        groups.append(group)
    if len(groups) > len(_GROUPS):
        return digits(str(sum(g * 10000**i for i, g in enumerate(groups))))
    spoken, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            gap = bool(spoken)
            continue
        if spoken and (gap or group < 1000):
            spoken += "零"
        spoken += _below_10000(group) + _GROUPS[index]
        gap = False
    if spoken.startswith("一十"):
        spoken = spoken[1:]
    if spoken[:2] in ("二千", "二百", "二万", "二亿"):
        spoken = "两" + spoken[1:]
    return spoken


def digits(text: str, phone: bool = False) -> str:
    """Digit by digit; ``phone`` says 幺 for 1, as a number is read on the phone."""
    table = _PHONE_DIGITS if phone else _DIGITS
    return "".join(table[int(char)] for char in text if char.isdigit())


def number(text: str, money: bool = False) -> str:
    """A written number ('1234.5') in Chinese; money drops trailing zeros (12.50 元)."""
    integer, _, fraction = text.replace(",", "").partition(".")
    if money:
        fraction = fraction.rstrip("0")
    spoken = cardinal(int(integer or "0"))
    return f"{spoken}点{digits(fraction)}" if fraction else spoken


_CURRENCIES = {"¥": "元", "￥": "元", "$": "美元", "US$": "美元", "€": "欧元", "£": "英镑",
               "HK$": "港元", "₩": "韩元", "₹": "卢比"}


def _money(match: re.Match[str]) -> str:
    scale = match.group("scale") or ""
    return number(match.group("amount"), money=True) + scale + _CURRENCIES[match.group("sym")]


def _percent(match: re.Match[str]) -> str:
    sign = "负" if match.group("neg") else ""
    return f"{sign}百分之{number(match.group('amount'))}"


def _percent_range(match: re.Match[str]) -> str:
    return f"百分之{number(match.group(1))}到百分之{number(match.group(2))}"


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match.group(1)), int(match.group(2))
    if not 0 < top < bottom:
        return match.group(0)  # "24/7", "3/2": not a share of a whole
    return f"{cardinal(bottom)}分之{cardinal(top)}"


def _below_zero(match: re.Match[str]) -> str:
    return f"零下{match.group(1)}{match.group(2)}"


def _international(match: re.Match[str]) -> str:
    return f"加{digits(match.group(1), phone=True)} {digits(match.group(2), phone=True)}"


def _code(match: re.Match[str]) -> str:
    return match.group(1) + match.group(2) + digits(match.group(3), phone=True)


def _version(match: re.Match[str]) -> str:
    return "点".join(number(part) if len(part) < 3 else digits(part)
                     for part in match.group(0).split("."))


_CODE_WORDS = (
    r"(?:房间号?|门牌号?|编号|工号|学号|单号|订单号|账号|帐号|卡号|尾号|验证码|密码|邮编|"
    r"邮政编码|车牌号?|航班号?|车次|型号|代码|分机号?|房号)"
)

RULES: list[Rule] = [
    (EMAIL, lambda m: read_email(m.group(0), english=False)),
    (URL, lambda m: read_url(m.group(0), english=False)),
    (re.compile(r"(?<![A-Za-z])No\.\s?(?=\d)"), lambda m: "第"),
    *NAME_ABBREVIATIONS,
    (re.compile(r"(?<![\d.])(\d{1,3})((?:,\d{3})+)(?!\d)"), lambda m: m.group(0).replace(",", "")),
    (re.compile(r"(?<![\d.])\+(\d{1,3})[\s-]?(\d(?:[\d\s-]{5,}\d))"), _international),
    (re.compile(rf"({_CODE_WORDS}(?:是|为|：|:)?\s?)([A-Za-z]*)(\d+)(?![\d.])"), _code),
    (re.compile(r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d.])"), _version),
    (
        re.compile(
            rf"(?P<sym>US\$|HK\$|[¥￥$€£₩₹])\s?(?P<amount>{_NUM})(?P<scale>万亿|亿|万|千)?"
        ),
        _money,
    ),
    (re.compile(rf"({_NUM})\s?%?\s?[-~～–—至到]\s?({_NUM})\s?[%％]"), _percent_range),
    (re.compile(rf"(?P<neg>(?<![A-Za-z0-9.])[-−])?(?P<amount>{_NUM})\s?[%％]"), _percent),
    (re.compile(r"(?<![\d/.])(\d+)/(\d+)(?![\d/])"), _fraction),
    (re.compile(rf"(?<![A-Za-z0-9.])[-−]({_NUM})\s?(°C|℃|°|度)"), _below_zero),
    (re.compile(r"(?<=[A-Za-z])-(?=\d)"), lambda m: " "),
]


def before_wetext(text: str) -> str:
    """The sentence with what wetext misreads already put into words."""
    if not re.search(r"[\d@%％/.:：¥￥$€£₩₹-]", text):
        return text
    return apply(RULES, text)

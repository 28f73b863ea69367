"""How reports write numbers: 万元 and 元, Chinese numerals (一个, 共七个), "X余", percentages.

Amounts become Decimal in 万元 exactly as written (元 are moved four places, never rounded); the
words they came from are kept by the caller, so the original unit is never lost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.decimals import CONTEXT

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = "[零〇一二两三四五六七八九十百千]+"
ARABIC = r"\d[\d,，]*(?:\.\d+)?"
# the regex pieces a phrase pattern uses through its placeholders
AMOUNT = rf"(?P<amount>{ARABIC})\s*(?P<about>余)?\s*(?P<unit>亿元|万元|元)"
COUNT = rf"(?P<count>{ARABIC}|{CHINESE_NUMERAL})\s*(?P<about>余)?"
PERCENT = rf"(?P<percent>{ARABIC})\s*(?P<about>余)?\s*[%％]"
_SCALE = {"亿元": 4, "万元": 0, "元": -4}


@dataclass(frozen=True)
class Number:
    value: Decimal | str  # str: words a pattern takes as they are (a grade)
    approximate: bool = False  # "30余次": at least 30, not a figure to record as exact


def chinese_int(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105, 两千 → 2000."""
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            raise ValueError(text)
    return total + (digit or 0)


def arabic(text: str) -> Decimal:
    return Decimal(re.sub(r"[,，\s]", "", text))


def to_wanyuan(value: Decimal, scale: int) -> Decimal:
    """An amount moved to 万元 exactly. 3790400元 is 379.04万元, not 379.0400: the zeros the move
    adds say nothing about how the report rounded, so they go (and 2.5亿元 is 25000, not 2.5E+4)."""
    if scale == 0:
        return value
    moved = value.scaleb(scale, CONTEXT).normalize(CONTEXT)
    return moved if moved.as_tuple().exponent <= 0 else moved.quantize(Decimal(1), context=CONTEXT)


def amount(match: re.Match) -> Number:
    """The amount of an AMOUNT match, in 万元."""
    return Number(to_wanyuan(arabic(match.group("amount")), _SCALE[match.group("unit")]), bool(match.group("about")))


def count(match: re.Match) -> Number:
    text = match.group("count")
    value = Decimal(chinese_int(text)) if re.fullmatch(CHINESE_NUMERAL, text) else arabic(text)
    return Number(value, bool(match.group("about")))


def percent(match: re.Match) -> Number:
    return Number(arabic(match.group("percent")), bool(match.group("about")))

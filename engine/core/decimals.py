"""Exact decimal arithmetic and the number formats of published reports.

Money is 万元 with cents; rates and scores are rounded half-up (四舍五入) to the places a ruleset
states. A private context makes results independent of whatever the host program set globally.
"""
from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, getcontext, setcontext

from jixiao.core.i18n import _

CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)
HUNDRED = Decimal(100)

# The bounds of every number a case or ruleset states. A report's amounts are 万元 with cents, its
# rates and indicator values a few digits: 10^15 万元 is beyond any budget, and 28 significant
# digits (CONTEXT's precision, so sums of stated figures stay exact) hold every published figure.
# Beyond them numbers were tracebacks (1E+28 in a report), hangs (round to 1e999999999 places)
# or silently inexact sums (60 digits). Checked from the digits alone: no context is involved.
MAX_MAGNITUDE_EXPONENT = 15  # |x| < 10^15
MAX_DIGITS = 28
MAX_DECIMALS = 28
MAX_PLACES = 10  # round(x, places)
_GROUPED = re.compile(r"[-+]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
_PLAIN = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,12})?")


def bounded(number: Decimal) -> Decimal:
    """`number` if it is finite and within the bounds above (-0 as 0), else ValueError (Chinese)."""
    if not number.is_finite():
        raise ValueError(_("{text}不是有限的数值").format(text=number))
    if number.is_zero():
        return number.copy_abs()
    text = str(number)
    if len(text) < MAX_DIGITS + 2 and "E" not in text and number.adjusted() < MAX_MAGNITUDE_EXPONENT:
        # written without exponent in at most 29 characters, a point among them unless it is a
        # whole number of at most 15 digits: at most 28 digits and 27 decimals (nearly every
        # number; a third of as_tuple's time, which builds a named tuple)
        return number
    _sign, digits, exponent = number.as_tuple()
    if len(digits) <= MAX_DIGITS and -exponent <= MAX_DECIMALS and number.adjusted() < MAX_MAGNITUDE_EXPONENT:
        return number  # within every bound before trailing zeros are discounted
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    significant, lowest = len(digits) - zeros, exponent + zeros
    if number.adjusted() >= MAX_MAGNITUDE_EXPONENT:
        raise ValueError(_("数值{text}过大（绝对值应小于10的{most}次方）").format(text=_short(number), most=MAX_MAGNITUDE_EXPONENT))
    if significant > MAX_DIGITS:
        raise ValueError(_("数值{text}有效数字过多（最多{most}位）").format(text=_short(number), most=MAX_DIGITS))
    if -lowest > MAX_DECIMALS:
        raise ValueError(_("数值{text}小数位过多（最多{most}位）").format(text=_short(number), most=MAX_DECIMALS))
    return number


def _short(number: Decimal) -> str:
    text = str(number)
    return text if len(text) <= 30 else text[:27] + "…"


def written_as_number(text: str) -> bool:
    """Whether `number_from_text` reads `text` as a number's form (its bounds aside): asked first
    where words are as welcome as numbers, so that words cost no error message."""
    text = text.strip()
    return _GROUPED.fullmatch(text) is not None or _PLAIN.fullmatch(text) is not None


def number_from_text(text: str) -> Decimal:
    """A number as a report writes it: 56.18, -3, 1,234.56 (commas only between groups of three),
    1e3; anything else (56,18 or 1,2,3, full-width digits, words) is ValueError."""
    text = text.strip()
    if not written_as_number(text):
        if "," in text or "，" in text:
            raise ValueError(_("“{text}”不是数值：逗号只能用作千位分隔（如1,234.56）").format(text=text[:40]))
        raise ValueError(_("“{text}”不是数值").format(text=text[:40]))
    return bounded(Decimal(text.replace(",", "")))  # commas only between groups of three: _PLAIN has none


# Rounding runs for every score, rate and published figure, so it is kept cheap: the quantum
# (1E-places) of each `places` is built once, and CONTEXT.quantize(v, q) is exactly
# v.quantize(q, rounding=ROUND_HALF_UP, context=CONTEXT) (CONTEXT rounds half-up) without the
# keyword parsing, which took two thirds of the call.
_QUANTA: dict[int, Decimal] = {places: Decimal(1).scaleb(-places) for places in range(9)}
_CENT = _QUANTA[2]
_quantize = CONTEXT.quantize


def exact(function):
    """Runs `function` with CONTEXT as the thread's decimal context, so that Python's own
    operators on Decimals (scoring's sums and differences, a report's totals) do not depend on
    whatever precision, rounding or traps the host program set (before this, a host context of
    3 digits with Inexact trapped made scoring the seed case raise). Entry points that compute
    wear it; nesting costs one look-up. CONTEXT itself is set, not a copy as `localcontext` makes
    (0.2 µs a call rather than 0.5): nothing in jixiao changes a context, and it is what every
    explicit `CONTEXT.divide` already uses, from any thread."""
    @functools.wraps(function)
    def with_context(*args, **kwargs):
        host = getcontext()
        if host is CONTEXT:
            return function(*args, **kwargs)
        setcontext(CONTEXT)
        try:
            return function(*args, **kwargs)
        finally:
            setcontext(host)
    return with_context


def quantum(places: int) -> Decimal:
    """1E-places: round_half_up(v, places) is CONTEXT.quantize(v, quantum(places))."""
    step = _QUANTA.get(places)
    if step is None:
        step = Decimal(1).scaleb(-places)
        if len(_QUANTA) < 64 and type(places) is int:
            _QUANTA[places] = step
    return step


def round_half_up(value: Decimal, places: int) -> Decimal:
    """四舍五入 to `places` decimals."""
    step = _QUANTA.get(places)
    return _quantize(value, step if step is not None else quantum(places))


def divide(a: Decimal, b: Decimal) -> Decimal | None:
    """a ÷ b, or None (unknown) when b is zero: a rate over no budget is not 0%."""
    if b == 0:
        return None
    try:
        return CONTEXT.divide(a, b)
    except InvalidOperation:
        return None


def plain(value: Decimal) -> str:
    """Exact text without exponent or trailing zeros beyond what the value states."""
    text = format(value, "f")
    return text


def _fixed(rounded: Decimal, places: int) -> str:
    """A value just rounded to `places` (0–6) as plain text: str() writes such a value without an
    exponent, exactly as format(…, "f") does, in half its time (explanations write ~28 a record)."""
    return str(rounded) if 0 <= places <= 6 else format(rounded, "f")


def _unsigned_zero(rounded: Decimal) -> Decimal:
    """-0.00 (from -0.0 or -0.001) is written 0.00."""
    return rounded.copy_abs() if rounded.is_zero() else rounded


def money(value: Decimal | None) -> str:
    """万元 with two places, as published: 10.82."""
    if value is None:
        return "未填报"
    return _cents(value)


def percent(value: Decimal | None, places: int = 2) -> str:
    """A rate as a percentage with two places: 0.8385 → 83.85%."""
    if value is None:
        return "无法计算"
    if places == 2:
        return _cents(value * HUNDRED) + "%"
    return _fixed(_unsigned_zero(round_half_up(value * HUNDRED, places)), places) + "%"


def shown_as(fmt: str):
    """The function that writes a value the way a metric of format `fmt` is published:
    pct 83.85%, wan 10.82万元, int 3, anything else 8.39."""
    if fmt == "pct":
        return percent
    if fmt == "wan":
        return lambda v: number(v) + "万元"
    if fmt == "int":
        return lambda v: number(v, 0)
    return number


def number(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    if places == 2:  # nearly every call (~30 a record): scores, weights, amounts
        return _cents(value)
    return _fixed(_unsigned_zero(round_half_up(value, places)), places)


def _cents(value: Decimal) -> str:
    """`value` rounded half-up to two places, as text: a zero so rounded is always written "0.00"
    or "-0.00", so the sign is dropped by comparing the text (a fifth of the call, ~28 a record)."""
    text = str(_quantize(value, _CENT))
    return text if text != "-0.00" else "0.00"

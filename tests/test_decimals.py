"""Published number formats: `number`, `percent` and `money` write exactly what format(…, "f") writes
for the value rounded half-up (they take a faster path to it), for any decimal a record can hold."""
from __future__ import annotations

from decimal import Context, Decimal as D, InvalidOperation

import pytest
from hypothesis import given, settings, strategies as st

from jixiao.core.decimals import bounded, money, number, percent, round_half_up

decimals = st.builds(lambda digits, exponent: D(digits).scaleb(exponent),
                     st.integers(-10**15, 10**15), st.integers(-12, 8)) | st.sampled_from(
    [D("0"), D("-0"), D("-0.004"), D("0.005"), D("0.0049999"), D("1E+5"), D("1E-9"), D("-1.5E-7"), D("99.995")])


def expected(value: D, places: int, scale: int = 1) -> str | None:
    try:
        rounded = round_half_up(value * scale, places)
        # a zero is written without a sign: -0.0 and -0.004 are published as 0.00 (issue 12)
        return format(rounded.copy_abs() if rounded.is_zero() else rounded, "f")
    except InvalidOperation:  # more digits than the context holds: both ways raise
        return None


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(decimals, st.integers(0, 9))
def test_formats_match_format_f(value, places):
    want = expected(value, places)
    if want is not None:
        assert number(value, places) == want
    want = expected(value, places, 100)
    if want is not None:
        assert percent(value, places) == want + "%"
    assert money(value) == expected(value, 2)


def test_hand_worked_formats():
    assert number(D("8.385")) == "8.39" and number(D("-0.004")) == "0.00" and number(D("3"), 0) == "3"
    assert percent(D("0.8385")) == "83.85%" and percent(D("0.71925")) == "71.93%"
    assert money(D("1E+1")) == "10.00" and number(D("1E-9"), 8) == "0.00000000"


def _within_bounds(value: D) -> bool:
    """The bounds as core/decimals.py states them, counted from the digits without trailing zeros."""
    if not value.is_finite():
        return False
    if value.is_zero():
        return True
    _sign, digits, exponent = value.normalize(Context(prec=100)).as_tuple()
    return len(digits) <= 28 and -exponent <= 28 and value.adjusted() < 15


@settings(max_examples=3000, deadline=None)
@given(st.integers(min_value=-10**40, max_value=10**40), st.integers(min_value=-40, max_value=20))
def test_bounded_takes_exactly_the_numbers_within_its_bounds(coefficient, exponent):
    """Whichever of its two paths decides (the written text for short numbers, the digits for the
    others), `bounded` returns the number exactly when it is within the bounds, else refuses it."""
    value = D(coefficient).scaleb(exponent, Context(prec=100))
    if _within_bounds(value):
        assert bounded(value) == value and str(bounded(value)) == str(abs(value) if value.is_zero() else value)
    else:
        with pytest.raises(ValueError):
            bounded(value)


def test_bounded_at_its_edges():
    assert bounded(D("999999999999999.99")) == D("999999999999999.99")  # 17 digits, |x| < 10^15
    assert bounded(D("0." + "0" * 27 + "1")) == D("1E-28")  # 28 decimals
    assert bounded(D("1" * 15 + "." + "1" * 13)) == D("1" * 15 + "." + "1" * 13)  # 28 digits in 29 characters
    assert bounded(D("1" * 14 + "." + "1" * 14 + "0000")) == D("1" * 14 + "." + "1" * 14)  # trailing zeros discounted
    assert str(bounded(D("-0.00"))) == "0.00"
    for refused in ("1E+15", "1" * 15 + "." + "1" * 14, "1E-29", "NaN", "Infinity"):
        with pytest.raises(ValueError):
            bounded(D(refused))

"""Published number formats: `number`, `percent` and `money` write exactly what format(…, "f") writes
for the value rounded half-up (they take a faster path to it), for any decimal a record can hold."""
from __future__ import annotations

from decimal import Decimal as D, InvalidOperation

from hypothesis import given, settings, strategies as st

from jixiao.core.decimals import money, number, percent, round_half_up

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

from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

from grader.numbers import (
    Number, Tolerance, as_fraction, close_enough, decimal_places_for, decimal_text,
    find_numbers, just_outside, parse_number,
)


@pytest.mark.parametrize("text, value, decimals, percent", [
    ("2/3", F(2, 3), None, False),
    ("2 / 3", F(2, 3), None, False),
    (r"\frac{2}{3}", F(2, 3), None, False),
    (r"\dfrac{2}{3}", F(2, 3), None, False),
    (r"\tfrac{ -1 }{ 4 }", F(-1, 4), None, False),
    (r"-\frac23", F(-2, 3), None, False),
    ("0.67", F(67, 100), 2, False),
    (".5", F(1, 2), 1, False),
    ("67%", F(67, 100), 0, True),
    (r"66.7\%", F(667, 1000), 1, True),
    ("-3", F(-3), 0, False),
    ("+3", F(3), 0, False),
    ("−0.5", F(-1, 2), 1, False),  # unicode minus
    ("1e-3", F(1, 1000), 0, False),
    ("2.5E2", F(250), 1, False),
    (r"3 \times 10^{-2}", F(3, 100), 0, False),
    (r"3.0 \cdot 10^{ -2 }", F(3, 100), 1, False),
    ("3×10^-2", F(3, 100), 0, False),
    ("² / ₅", F(2, 5), None, False),
    ("0.752", F(752, 1000), 3, False),
])
def test_parse_number_reads_every_written_form(text, value, decimals, percent):
    number = parse_number(text)
    assert number is not None
    assert (number.value, number.decimals, number.percent) == (value, decimals, percent)


@pytest.mark.parametrize("text, values", [
    ("AP = 0.752.", [F(752, 1000)]),
    (":. Interpolated AP is 0.752", [F(752, 1000)]),
    ("E_3 = 0.5 and H_{2} and x^2 and B2", [F(1, 2)]),  # subscripts and names are not numbers
    ("(12-10)2", [F(12), F(10), F(2)]),  # a dash between values is a subtraction
    ("x = -3", [F(-3)]),
    ("1/0", [F(1), F(0)]),  # no fraction with a zero denominator
    ("1.2.3", [F(6, 5)]),
    ("p = 2/3 = 0.67 i.e. 67%", [F(2, 3), F(67, 100), F(67, 100)]),
    ("no digits here", []),
    ("9" * 500, []),  # absurdly long digit runs are skipped, not raised on
    ("1e99999999 and 2", [F(2)]),  # an absurd exponent is skipped, not computed
])
def test_find_numbers_in_running_text(text, values):
    assert [n.value for n in find_numbers(text)] == values


def test_positions_index_the_original_text():
    text = "so AP ≈ ⁴⁄₇ or \\frac{1}{2}"
    for number in find_numbers(text):
        assert text[number.start:number.end] == number.text


@pytest.mark.parametrize("text", ["", "0.5 0.6", "AP = 0.5", "$x$", "abc"])
def test_parse_number_needs_exactly_one_whole_number(text):
    assert parse_number(text) is None


def test_places_combine_percent_and_exponent():
    assert parse_number("66.7%").places == 3
    assert parse_number("6.7e-1").places == 2
    assert parse_number("2/3").places is None


TWO_THIRDS = F(2, 3)
DEFAULT = Tolerance()


@pytest.mark.parametrize("text, expected, tol, ok", [
    # student_precision: the reference rounded to the digits written
    ("0.67", TWO_THIRDS, DEFAULT, True),
    ("0.667", TWO_THIRDS, DEFAULT, True),
    ("0.6667", TWO_THIRDS, DEFAULT, True),
    ("0.66", TWO_THIRDS, DEFAULT, False),
    ("0.666", TWO_THIRDS, DEFAULT, False),
    ("0.7", TWO_THIRDS, DEFAULT, False),  # fewer than min_decimals
    ("0.7", TWO_THIRDS, Tolerance(min_decimals=1), True),
    ("0.67", TWO_THIRDS, Tolerance(student_precision=False), False),
    ("2/3", TWO_THIRDS, Tolerance(student_precision=False), True),  # exact is always right
    ("67%", TWO_THIRDS, DEFAULT, True),
    ("66%", TWO_THIRDS, DEFAULT, False),
    ("0.753", F(58, 77), DEFAULT, True),
    ("0.752", F(58, 77), DEFAULT, False),  # 0.752 is not 58/77 rounded
    # exact half-unit edge: 0.6665 → 0.666 and 0.667 both within 0.0005, 0.6655 not
    ("0.667", F(6665, 10000), DEFAULT, True),
    ("0.666", F(6665, 10000), DEFAULT, True),
    ("0.665", F(6655, 10000) + F(1, 10**9), DEFAULT, False),
    # abs
    ("0.51", F(1, 2), Tolerance(abs=0.01, student_precision=False), True),
    ("0.5101", F(1, 2), Tolerance(abs=0.01, student_precision=False), False),
    ("0.49", F(1, 2), Tolerance(abs=0.01, student_precision=False), True),
    ("0.4899", F(1, 2), Tolerance(abs=0.01, student_precision=False), False),
    # rel
    ("101", F(100), Tolerance(rel=0.01), True),
    ("101.001", F(100), Tolerance(rel=0.01), False),
    ("99", F(100), Tolerance(rel=0.01), True),
    ("98.999", F(100), Tolerance(rel=0.01), False),
    ("-0.9", F(-1), Tolerance(rel=0.1), True),
    ("-0.8999", F(-1), Tolerance(rel=0.1), False),
    # sig_figs: half a unit of the last significant figure of the reference
    ("0.7535", F(58, 77), Tolerance(sig_figs=3, student_precision=False), True),  # 58/77 = 0.75325
    ("0.7538", F(58, 77), Tolerance(sig_figs=3, student_precision=False), False),
    ("1284", F(1234), Tolerance(sig_figs=2, student_precision=False), True),
    ("1284.01", F(1234), Tolerance(sig_figs=2, student_precision=False), False),
    ("0.0", F(0), Tolerance(sig_figs=2, student_precision=False), True),
])
def test_tolerance_edges(text, expected, tol, ok):
    assert close_enough(parse_number(text), expected, tol) is ok


@pytest.mark.parametrize("value", [0.1, 3, F(1, 3), "0.25"])
def test_as_fraction_reads_references_as_the_author_meant(value):
    assert as_fraction(value) == F(str(value)) if not isinstance(value, F) else value


def test_as_fraction_reads_sympy_rationals():
    import sympy
    assert as_fraction(sympy.Rational(58, 77)) == F(58, 77)


@pytest.mark.parametrize("value, places, text", [
    (F(2, 3), 3, "0.667"), (F(-2, 3), 2, "-0.67"), (F(1, 200), 2, "0.01"), (F(5), 0, "5"), (F(-1, 1000), 2, "0.00"),
])
def test_decimal_text(value, places, text):
    assert decimal_text(value, places) == text


TOLERANCES = st.builds(
    Tolerance,
    rel=st.sampled_from([0.0, 0.001, 0.01, 0.05]),
    abs=st.sampled_from([0.0, 0.001, 0.01]),
    sig_figs=st.sampled_from([None, 2, 3]),
    student_precision=st.booleans(),
    min_decimals=st.integers(1, 4),
)
REFERENCES = st.fractions(min_value=-1000, max_value=1000, max_denominator=1000)


@settings(max_examples=100, deadline=None)
@given(REFERENCES, TOLERANCES)
def test_just_outside_is_rejected_and_the_rounded_reference_accepted(expected, tol):
    places = decimal_places_for(expected, tol)
    outside = just_outside(expected, tol)
    written = parse_number(decimal_text(outside, places))
    assert written.value == outside
    assert not close_enough(written, expected, tol)
    # With any tolerance, the reference written to `places` decimals is right (else only exact is).
    if tol.student_precision or tol.rel or tol.abs or tol.sig_figs:
        assert close_enough(parse_number(decimal_text(expected, places)), expected, tol)
    assert close_enough(parse_number(f"{expected.numerator}/{expected.denominator}"), expected, tol)


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_find_numbers_never_raises_and_positions_are_true(text):
    for number in find_numbers(text):
        assert 0 <= number.start < number.end <= len(text)
        assert text[number.start:number.end] == number.text
    parse_number(text)


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=-10**6, max_value=10**6, places=4, allow_nan=False))
def test_written_decimals_read_back_exactly(value):
    text = f"{value:f}"
    number = parse_number(text)
    assert number is not None and number.value == F(text)


# --- pathological input: every call finishes within a budget far above linear work ---------

BUDGET = 10.0  # seconds; BudgetExceeded (a pattern gone quadratic or worse) fails the test
BIG = 50_000

PATHOLOGICAL = {
    "digits": "1" * BIG,
    "spaced digits": "1 " * (BIG // 2),
    "subtractions": "1-" * (BIG // 2),  # a sign check per number: must not copy the text before it
    "spaced subtractions": "x - 1 " * (BIG // 6),
    "fracs": "\\frac{" * (BIG // 6),
    "frac, spaces, x": "\\frac{" + " " * BIG + "x",
    "frac, sign, spaces, x": "\\frac{-" + " " * BIG + "x",
    "scientific, spaces, x": "1 \\times 10^{" + " " * BIG + "x",
    "scientific, sign, spaces, x": "1 x 10^{-" + " " * BIG + "x",
    "slashes": "1/" * (BIG // 2),
    "points": "1." * (BIG // 2),
    "percents": "1 %" * (BIG // 3),
    "exponents": "1e" * (BIG // 2),
    "dollars": "$" * BIG,
    "backslashes": "\\" * BIG,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_text_is_read_in_time(text):
    from grader.limits import run_limited

    run_limited(find_numbers, text, seconds=BUDGET)
    run_limited(parse_number, text, seconds=BUDGET)


def test_signs_in_a_long_line_are_still_told_from_subtractions():
    numbers = find_numbers("x - 1 " * 1000 + "= -3")
    assert [n.value for n in numbers[:2]] == [1, 1] and numbers[-1].value == -3
    assert [n.value for n in find_numbers("\\frac{ - 1 }{ 4 }, 2 \\times 10^{ - 2 }")] == [F(-1, 4), F(2, 100)]


@pytest.mark.parametrize("text, values", [
    ("O.116", ["0.116"]), ("l.732", ["1.732"]), ("2.S82", ["2.582"]), ("P = O.25", ["0.25"]),
    # more than one letter, too few digits, or inside a word: text, never a number
    ("S.OO", []), ("l.5", []), ("x.5O", []), ("I.e. a", []), (r"\lO.5", []), ("abO.116", []),
    # a decimal below 2 whose zeros and ones all came out as O and l: two of them and a digit, or arithmetic beside it
    ("O.Ol8", ["0.018"]), ("O.ll6", ["0.116"]), ("O.9 x O.O2", ["0.9", "0.02"]), ("= O.l", ["0.1"]),
    ("O.l and", []), ("I.O", []), ("Mr. O.l said", [])
])
def test_ocr_look_alike_letters_in_a_decimal(text, values):
    from grader.numbers import decimal_text

    found = find_numbers(text)
    assert [decimal_text(n.value, n.decimals or 0) for n in found] == values
    assert all(n.ocr_repaired for n in found)


@given(st.text(alphabet="0123456789OolISB.x -", max_size=40))
def test_ocr_reading_keeps_positions_and_never_raises(text):
    for number in find_numbers(text):
        assert text[number.start:number.end] == number.text


@pytest.mark.parametrize("text, values", [
    ("(P^2)_13 = l/8", [F(1, 8)]), ("3/lO", [F(3, 10)]),
    ("I/O ports", []), ("l/l", []), ("a/b", []),   # no real digit: words, not numbers
])
def test_ocr_look_alike_letters_in_a_fraction(text, values):
    found = [n for n in find_numbers(text) if n.ocr_repaired]
    assert [n.value for n in found] == values


def test_a_clean_decimal_beside_arithmetic_is_not_a_repair():
    assert [n.ocr_repaired for n in find_numbers("= 0.116 + 1.5")] == [False, False]

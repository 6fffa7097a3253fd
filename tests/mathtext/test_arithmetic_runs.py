"""The plain-text arithmetic runs and the math blanked before they are looked for: the same as
the first, backtracking spellings (kept here as the specification), and linear on long runs
(a run of "=" with nothing to end it, digits with no "=", unclosed math openers)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from grader.limits import run_limited
from grader.mathtext.arithmetic import _RUN, _outside_math, _runs, check_arithmetic
from grader.model import Line

BUDGET = 10.0  # seconds per call: linear work on these inputs takes milliseconds

# The first spelling: "[…=…]*=[…=…]*" tries every "=" of a run with every end after it. It is
# the specification here, on short strings only.
_BACKTRACKING_RUN = re.compile(
    r"(?<![A-Za-z_\d.{])[\d(\[√][\d\s.,+\-*/^()\[\]√=×·]*=[\d\s.,+\-*/^()\[\]√=×·]*[\d)\]]")


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="12(=)[] .+√×a{x", max_size=30))
def test_the_same_runs_as_the_backtracking_pattern(text):
    assert spans(_RUN, text) == spans(_BACKTRACKING_RUN, text)


def test_runs():
    assert [m.group() for m in _RUN.finditer("so 4 + 4 = 8 = 2.83, and (2-1)^2 = 1 =")] == ["4 + 4 = 8 = 2.83", "(2-1)^2 = 1"]


def test_a_long_run_without_an_end_finishes():
    # The backtracking pattern takes seconds on 2,000 characters of this and grows with the cube.
    assert run_limited(lambda: spans(_RUN, "(=" * 5_000), seconds=10) == []


# _RUN tried by finditer at every start of a failing run rescans the run each time: "1 1 1 …"
# (no "=") took 4 s at 40,000 characters. _runs resumes after what a failed try scanned.
RUNS = {
    "so 4 + 4 = 8 = 2.83, and (2-1)^2 = 1 =": ["4 + 4 = 8 = 2.83", "(2-1)^2 = 1"],
    "√8 = 2.83": ["√8 = 2.83"],
    "[1, 2] = 3 and x1 = 2": ["[1, 2] = 3"],
    "2 × 3 = 6 · 1": ["2 × 3 = 6 · 1"],
    "(0-2)^2 + (4-6)^2 = 8 = 2.83": ["(0-2)^2 + (4-6)^2 = 8 = 2.83"],
    "E_3 = 4 = 4": ["4 = 4"],
    "a1 = 2": [],
    "1 = (": [],
}


@pytest.mark.parametrize("text, runs", RUNS.items(), ids=RUNS.keys())
def test_runs_of_real_lines(text, runs):
    assert list(_runs(text)) == [m.group() for m in _RUN.finditer(text)] == runs


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="12(=)[] .+√×a{x_\n\x85", max_size=40))
def test_the_runs_found_one_scan_at_a_time_are_the_patterns(text):
    assert list(_runs(text)) == [m.group() for m in _RUN.finditer(text)] == [m.group() for m in _BACKTRACKING_RUN.finditer(text)]


# Math in plain text, blanked before runs are looked for: the first spelling rescans the rest of
# the line for every unclosed opener (4 s on 20,000 "\(").
_BACKTRACKING_MATH = re.compile(r"\$\$.*?\$\$|\$.*?\$|\\\(.*?\\\)|\\\[.*?\\\]")

OUTSIDE_MATH = {
    "$x$ and $$y$$ then \\(a\\) \\[b\\] so 4 = 4": "  and   then     so 4 = 4",
    "costs $5 and 4 + 4 = 8": "costs $5 and 4 + 4 = 8",
    "$$ a $ b $$": " ",
    "$$x$": " x$",
    "\\( \\( 1 = 1 \\)": " ",
    "\\(x = 1\n\\) 2 = 2": "\\(x = 1\n\\) 2 = 2",  # math does not run over a line end
}


@pytest.mark.parametrize("text, outside", OUTSIDE_MATH.items(), ids=OUTSIDE_MATH.keys())
def test_math_blanked_in_real_lines(text, outside):
    assert _outside_math(text) == _BACKTRACKING_MATH.sub(" ", text) == outside


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["$", "$$", "\\(", "\\)", "\\[", "\\]", "\\", "(", ")", "[", "]", "x", "1", " ", "\n"]),
                max_size=25).map("".join))
def test_math_blanked_as_by_the_pattern(text):
    assert _outside_math(text) == _BACKTRACKING_MATH.sub(" ", text)


LONG = {
    "digits without =": "1 " * 200_000,
    "open parens and =": "(=" * 200_000,
    "a run then its end far away": "1 =" + " (" * 200_000 + "1",
    "inline openers": "\\(" * 200_000,
    "display openers": "\\[" * 200_000,
    "dollars then a closer far away": "$$ $" + " " * 400_000 + "$$",
    "opener then digits": "\\(" + "1 " * 200_000,
}


@pytest.mark.parametrize("text", LONG.values(), ids=LONG.keys())
def test_long_lines_finish(text):
    outside = run_limited(_outside_math, text, seconds=BUDGET)
    run_limited(lambda: list(_runs(outside)), seconds=BUDGET)
    run_limited(check_arithmetic, [Line(1, text)], seconds=BUDGET)

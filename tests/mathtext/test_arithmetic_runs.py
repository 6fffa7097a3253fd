"""The plain-text arithmetic run pattern: the same runs as its first, backtracking spelling, and
no cubic blow-up on a long run of "=" with nothing to end it."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from grader.limits import run_limited
from grader.mathtext.arithmetic import _RUN

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

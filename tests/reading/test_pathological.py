"""Reading pathological input finishes: long runs of one character, shapes built against a
regex, and documents of a million short lines.

Nothing here asserts a time. Each call runs under ``run_limited`` with a budget far above
what linear work needs, so a regression (a regex that backtracks exponentially, a scan that
turns quadratic) raises ``BudgetExceeded`` and fails the test instead of hanging the suite.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.limits import run_limited
from grader.model import Line, Segment
from grader.reading import normalise
from grader.reading.document import decode, read_text
from grader.reading.labels import midline_labels, read_label, read_guessed_label, strip_label
from grader.reading.markdown import _bracket_math, math_fragments, tables
from grader.reading.parts import split_parts
from grader.reading.segment import segment
from grader.reading.terms import Vocabulary

BUDGET = 10.0  # seconds per call: linear work on these inputs takes milliseconds
BIG = 100_000  # characters, for the line readers (quadratic work on this is minutes)
SMALL = 20_000  # characters, for markdown-it, which is linear but slow per character


def limited(fn, *args):
    return run_limited(fn, *args, seconds=BUDGET)


def run_of(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# Runs of one thing, each what some reader treats specially.
UNITS = {
    "hashes": "#", "stars": "*", "bold": "**", "dashes": "-", "bullets": "- ", "quotes": ">", "headings": "# ",
    "underscores": "_", "spaces": " ", "next-lines": "\x85", "open parens": "(", "brackets": "[", "digits": "1",
    "dollars": "$", "double dollars": "$$", "dollar x": "$x", "backslashes": "\\", "fracs": "\\frac{",
    "inline openers": "\\(", "display openers": "\\[", "pipes": "|", "backticks": "`", "superscripts": "\u00b2",
    "subtractions": "1-", "numbered": "1. ", "parts": "(a)", "mixed": "#*- >( 1$\\frac{ ",
}

# Shapes aimed at one pattern each: a prefix it accepts, then a long run it can split many ways,
# then a character that makes it fail (so a backtracking regex tries every split).
SHAPES = {
    "hashes then x": "#" * BIG + "x",
    "hashes then label": "#" * BIG + "1. x",
    "stars then odd star": "**" * (BIG // 2) + "*1.",
    "bullet marks without space": "-*+>#" * (BIG // 5) + "1.",
    "number, spaces, x": "1" + " " * BIG + "x",
    "number, next-lines, x": "1" + "\x85" * BIG + "x",
    "prefix, next-lines, x": "q" + "\x85" * BIG + "x",
    "part, spaces, dot": "(a)" + " " * BIG + ".x",
    "midline, spaces": "x 5" + " " * BIG + "x",
    "superscripts then x": "\u00b2" * BIG + "x",
    "frac, spaces, x": "\\frac{" + " " * BIG + "x",
    "opener, then closers far away": "\\(" * (BIG // 4) + "x" * (BIG // 2) + "\\)",
}

LINES = {f"run of {name}": run_of(unit, BIG) for name, unit in UNITS.items()} | SHAPES


@pytest.mark.parametrize("text", LINES.values(), ids=LINES.keys())
def test_labels_finish(text):
    label = limited(read_label, text)
    limited(read_label, text + "x")
    if label is not None:
        limited(strip_label, text, label)
    limited(midline_labels, text)
    limited(read_guessed_label, text)
    limited(read_guessed_label, "S" + text)


@pytest.mark.parametrize("text", LINES.values(), ids=LINES.keys())
def test_splitting_into_parts_finishes(text):
    segment = Segment("q1", (Line(1, text), Line(2, "(b) " + text)))
    for parts in (("a", "b", "c"), ("i", "ii", "iii")):
        limited(split_parts, segment, parts)


@pytest.mark.parametrize("text", LINES.values(), ids=LINES.keys())
def test_normalising_finishes(text):
    for step in normalise.STEPS:
        limited(step, text)
    assert limited(normalise.normalise_line, text) == normalise.normalise_line(limited(normalise.normalise_line, text))


@pytest.mark.parametrize("text", LINES.values(), ids=LINES.keys())
def test_reading_one_long_line_finishes(text, cues):
    document = limited(read_text, text)
    limited(decode, text.encode("utf-8"))
    limited(segment, document, cues)
    for cue in cues:
        limited(Vocabulary.of(cue.terms).score, text)


WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(WHITESPACE + "ab1(#*"), max_size=60))
def test_a_normalised_line_has_no_run_of_whitespace(text):
    """Every whitespace character becomes a space and runs collapse, so the patterns that read a
    line never meet a long run of whitespace (where "\\s*x?\\s*" splits quadratically)."""
    line = normalise.normalise_line(text)
    assert not re.search(r"\s\s", line) and line == line.strip()


MARKDOWN = {f"run of {name}": run_of(unit, SMALL) for name, unit in UNITS.items()} | {
    "inline openers, long": run_of("\\(", 2 * BIG),
    "display openers, long": run_of("\\[", 2 * BIG),
    "unclosed openers, then math": "\\(" * (BIG // 2) + " \\[x\\]",
}


@pytest.mark.parametrize("text", MARKDOWN.values(), ids=MARKDOWN.keys())
def test_markdown_finishes(text):
    limited(math_fragments, [Line(1, text)])
    limited(tables, [Line(1, text)])


# Documents of many short lines: each unit is a line, or a line and a blank one.
LINES_OF = 10_000  # characters
DOCUMENTS = {name: (unit + "\n") * (LINES_OF // (len(unit) + 1)) for name, unit in UNITS.items()} | {
    "blank-separated": "x\n\n" * (LINES_OF // 3),
    "table": "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * (LINES_OF // 10),
    "nested quotes": "".join(">" * (i % 40) + " x\n" for i in range(LINES_OF // 20)),
    "nested lists": "".join("  " * (i % 40) + "- x\n" for i in range(LINES_OF // 40)),
    "math paragraph": "\\(x\\) and\n" * (LINES_OF // 10),
    "repeated long math": ("$" + "x = y + z " * 5 + "$\n") * (LINES_OF // 53),
}


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_reading_many_lines_finishes(text, cues):
    document = limited(read_text, text)
    limited(normalise.split_lines, text)
    limited(segment, document, cues)
    limited(math_fragments, document.lines)
    limited(tables, document.lines)


def test_math_in_a_long_paragraph_is_placed_on_its_line():
    """Each fragment's line is counted on from the one before, not from the paragraph start."""
    lines = [Line(n, "\\(x\\) " + "a" * 400) for n in range(1, 20_001)]  # one paragraph of 8 MB
    fragments = limited(math_fragments, lines)
    assert [f.line for f in fragments] == list(range(1, 20_001))


def test_two_megabytes_of_one_letter_lines_read_and_segment(cues):
    text = "a\n" * 1_000_000
    segmentation = run_limited(lambda: segment(read_text(text), cues), seconds=20)
    spans = [span for s in segmentation.segments.values() for span in s.spans]
    assert sum(last - first + 1 for first, last in spans) + len(segmentation.unassigned) == 1_000_000


@pytest.mark.parametrize("unit", ["x\n\n", "1.\n", "$x$\n", "(b)\n", "Q1 a\n", "turn\n"])
def test_half_a_megabyte_of_short_lines_reads_and_segments(unit, cues):
    text = unit * (500_000 // len(unit))
    run_limited(lambda: segment(read_text(text), cues), seconds=20)


def test_a_long_sheet_of_one_line_segments_like_a_short_one(cues):
    short = segment(read_text("a\n" * 50), cues)
    long = run_limited(segment, read_text("a\n" * 200_000), cues, seconds=20)
    assert all(s.spans == ((1, 50),) for s in short.segments.values())
    assert {q: s.spans for q, s in long.segments.items()} == {q: ((1, 200_000),) for q in short.segments}


# --- the rewritten patterns accept what the old ones did ------------------------------------

def _lead_ok(text: str) -> bool:
    """Is ``text`` a sequence of lead tokens: ``[-*+>#]+\\s+``, ``**``, ``__``, ``#+``? (Dynamic
    programming over the tokens, the grammar the old backtracking pattern spelled out.)"""
    reachable = [True] + [False] * len(text)
    for i in range(len(text)):
        if not reachable[i]:
            continue
        if text.startswith(("**", "__"), i):
            reachable[i + 2] = True
        j = i
        while j < len(text) and text[j] in "-*+>#":
            j += 1
            if all(c == "#" for c in text[i:j]):
                reachable[j] = True  # "#+"
            k = j
            while k < len(text) and text[k].isspace():
                k += 1
                reachable[k] = True  # bullet marks and the space after them
    return reachable[len(text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="#*-+>_ \t\x85", max_size=16))
def test_a_lead_is_read_exactly_when_it_is_made_of_lead_tokens(lead):
    label = limited(read_label, lead + "1. x")
    assert (label is not None) == _lead_ok(lead)
    if label is not None:
        assert (label.number, label.end) == (1, len(lead) + 3)


def test_lead_tokens():
    assert [bool(read_label(lead + "2. x")) for lead in ("## ", "**", "__", "- ", "> - ", "#", "*- ", "#**", "*", "_", "-", " ")] == [
        True, True, True, True, True, True, True, True, False, False, False, False]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_reads_as_a_label_or_not(text):
    label = limited(read_label, text)
    if label is not None:
        assert 0 <= label.start <= label.end <= len(text)
    for mid in limited(midline_labels, text):
        assert 0 < mid.start <= mid.end <= len(text)


# The lazy regex the scanner replaces: its result is the specification (quadratic, fine when short).
_LAZY_BRACKETS = re.compile(r"\\\((?P<inline>.+?)\\\)|\\\[(?P<display>.+?)\\\]", re.DOTALL)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="\\()[]x\n", max_size=40))
def test_bracket_math_finds_what_the_lazy_regex_finds(content):
    expected = [(m.start(), m["inline"] if m["inline"] is not None else m["display"], m["display"] is not None)
                for m in _LAZY_BRACKETS.finditer(content)]
    assert list(_bracket_math(content)) == expected


def test_bracket_math_lines_count_from_the_paragraph_start():
    lines = [Line(1, "\\(a\\) text"), Line(2, "more \\[b\\]"), Line(3, "\\(c\\) and \\(d")]
    assert [(f.line, f.latex, f.display) for f in math_fragments(lines)] == [
        (1, "a", False), (2, "b", True), (3, "c", False)]

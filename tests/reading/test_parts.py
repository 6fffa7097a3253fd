"""Splitting a question's answer into its declared parts."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from grader.model import Segment
from grader.reading.parts import split_parts


def _split(text: str, parts=("a", "b", "c")):
    split = split_parts(Segment.from_text("q1", text), parts)
    return {p: [line.text for line in s.lines] for p, s in split.parts.items()}, split.unlabelled


@pytest.mark.parametrize("text, expected, unlabelled", [
    # the usual ways of writing a part label at the start of a line
    ("(a) 0.116\n(b) 9/58\n(c) 1/442", {"a": ["0.116"], "b": ["9/58"], "c": ["1/442"]}, ()),
    ("a) 0.116\nb) 9/58\nc) 1/442", {"a": ["0.116"], "b": ["9/58"], "c": ["1/442"]}, ()),
    ("a. 0.116\nb: 9/58\nPart (c) 1/442", {"a": ["0.116"], "b": ["9/58"], "c": ["1/442"]}, ()),
    ("1(a) 0.116\nQ1 (b) 9/58\n1. (c): 1/442", {"a": ["0.116"], "b": ["9/58"], "c": ["1/442"]}, ()),
    ("**(A)** 0.116\n- (B) 9/58\n## (C) 1/442", {"a": ["0.116"], "b": ["9/58"], "c": ["1/442"]}, ()),
    # working lines follow their label; a label alone on its line starts the part below it
    ("(a)\nP(+) = 0.9 x 0.02 + 0.1 x 0.98\n= 0.116\n(b) 9/58",
     {"a": ["P(+) = 0.9 x 0.02 + 0.1 x 0.98", "= 0.116"], "b": ["9/58"]}, ("c",)),
    # several parts on one line: only later parts' bracketed labels split it
    ("(a) 0.116 (b) 9/58; (c) 1/442", {"a": ["0.116"], "b": ["9/58;"], "c": ["1/442"]}, ()),
    # an option after a part label is the answer, not the next part
    ("(a) (b)\n(b) (d)\n(c) (a), (c)", {"a": ["(b)"], "b": ["(d)"], "c": ["(a), (c)"]}, ()),
    ("(a) (b), (c) and (d)\n(b) none", {"a": ["(b), (c) and (d)"], "b": ["none"]}, ("c",)),
    ("(c) unlike (a), this is small: 1/442", {"c": ["unlike (a), this is small: 1/442"]}, ("a", "b")),
    # lines before the first label: the part just before it, else the first part found
    ("By total probability P(+) = 0.116\n(b) 9/58\n(c) 1/442",
     {"a": ["By total probability P(+) = 0.116"], "b": ["9/58"], "c": ["1/442"]}, ()),
    ("Let D be the disease.\n(a) 0.116\n(b) 9/58\n(c) 1/442",
     {"a": ["Let D be the disease.", "0.116"], "b": ["9/58"], "c": ["1/442"]}, ()),
    # parts answered out of order, and a part continued later
    ("(b) 9/58\n(a) 0.116\n(b) so about 0.155", {"b": ["9/58", "so about 0.155"], "a": ["0.116"]}, ("c",)),
    # not labels: a function call, a probability, words, "e.g.", a decimal
    ("f(a) = 3\nP(b) = 0.2\nbe careful\ne.g. this\nc.5 is no label",
     {}, ("a", "b", "c")),
    # no label at all: every part is unlabelled
    ("0.116, 9/58 and 1/442", {}, ("a", "b", "c")),
])
def test_labels_split_the_answer(text, expected, unlabelled):
    assert _split(text) == (expected, unlabelled)


def test_only_declared_parts_are_labels():
    # "(i)" is a roman part only when the question has roman parts
    assert _split("(a) first\n(i) a sub-point\n(b) second", ("a", "b")) == (
        {"a": ["first", "(i) a sub-point"], "b": ["second"]}, ())
    assert _split("(i) first\n(ii) second\n(iii) third", ("i", "ii", "iii")) == (
        {"i": ["first"], "ii": ["second"], "iii": ["third"]}, ())
    # lettered options of roman parts, all on one line
    assert _split("(i) (b) (ii) (c) (iii) (c)", ("i", "ii", "iii")) == (
        {"i": ["(b)"], "ii": ["(c)"], "iii": ["(c)"]}, ())


def test_lines_keep_their_file_numbers():
    segment = Segment.from_text("q1", "intro\n\n(a) 0.116\n(b) 9/58")
    split = split_parts(segment, ("a", "b"))
    assert [line.line for line in split.parts["a"].lines] == [1, 3]
    assert split.parts["a"].spans == ((1, 1), (3, 3)) and split.parts["b"].spans == ((4, 4),)


def test_an_unlabelled_part_reads_the_whole_answer_and_a_missing_one_nothing():
    whole = Segment.from_text("q1", "(a) 0.116\n(c) 1/442")
    split = split_parts(whole, ("a", "b", "c"))
    assert split.segment_for("b", whole) is whole
    assert split.segment_for(None, whole) is whole
    assert [line.text for line in split.segment_for("c", whole).lines] == ["1/442"]


@given(st.lists(st.sampled_from(["(a)", "(b)", "(c)", "b)", "text", "f(a) = 1", "(a) x (b) y", "", "Part c"]),
                max_size=12))
def test_every_line_lands_in_exactly_one_part_or_none(lines):
    segment = Segment.from_text("q1", "\n".join(lines))
    split = split_parts(segment, ("a", "b", "c"))
    placed = [line.line for s in split.parts.values() for line in s.lines]
    # a line split across parts appears once in each of them, never twice in one
    for s in split.parts.values():
        numbers = [line.line for line in s.lines]
        assert numbers == sorted(set(numbers)) or len(numbers) == len(set(numbers))
    assert set(placed) <= {line.line for line in segment.lines}
    if split.parts:
        # once some label is found, no line is lost: each is in a part (label-only lines carry no text)
        texts = {line.line for line in segment.lines if line.text.strip() not in {"(a)", "(b)", "(c)", "b)", "Part c"}}
        assert texts <= set(placed)

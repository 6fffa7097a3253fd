"""The question types' readers finish on pathological input, and read real input as before.

Finishing: each call runs under ``run_limited`` with a budget far above what linear work needs
(these inputs are ten times the sizes at which the first spellings of the patterns took seconds
or minutes), so a regression fails the test instead of hanging the suite. Nothing asserts a time.

Reading as before: every rewritten pattern is checked against its first, backtracking spelling,
kept here (``OLD_*``) as the specification, on a table of real-looking inputs with the results
written out, and on hypothesis strings built from the pieces the pattern reads (runs of
different whitespace, the optional words, near-misses of the real inputs).
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.limits import run_limited
from grader.model import Line, Segment
from grader.domains.deep_learning import box_reading, derivation, table_rows
from grader.types import matrix

BUDGET = 10.0  # seconds per call: linear work on these inputs takes milliseconds
EXAMPLES = settings(max_examples=600, deadline=None)


def limited(fn, *args):
    return run_limited(fn, *args, seconds=BUDGET)


def lines(*texts: str) -> list[Line]:
    return [Line(i, t) for i, t in enumerate(texts, start=1)]


# --- pathological inputs ---------------------------------------------------------------------

# "ws" of the review: a long run of one whitespace character. Normalised sheet lines hold no
# such run, but math fragments and the readers' own callers can.
SPACES = {"spaces": " ", "next-lines": "\x85"}


@pytest.mark.parametrize("ws", SPACES.values(), ids=SPACES.keys())
def test_table_rows_finish(ws):
    for text in ["p" + ws * 20_000 + "x",  # _LABEL: spaces split among five "\s*"
                 "precision" + ws * 20_000 + "at" + ws * 20_000 + "rank" + ws * 20_000 + "x",
                 ws * 100_000 + "x",  # _LEADING_RANK: "^\s*(?:rank|k|at)?\s*"
                 "rank" + ws * 100_000 + "x",
                 "p " * 50_000]:
        limited(table_rows.read_table, lines(text, text, text))
        assert limited(lambda t: list(table_rows._LABEL.finditer(t)), text) == []
        assert limited(table_rows._LEADING_RANK.match, text) is None


MATRIX_TEXTS = {
    "number, spaces, paren": "1" + " " * 20_000 + "(",  # _ROW_LINE: a lazy body and four "\s*"
    "row with long gaps": "[1" + " " * 20_000 + "2" + " " * 20_000 + ")" + " " * 20_000 + ".x",
    "unclosed row options": "\\begin{bmatrix}" + "\\\\[" * 100_000 + "\\end{bmatrix}",  # _ROW_SPLIT
    "unclosed clines": "\\begin{bmatrix}1 & " + "\\cline{" * 100_000 + "\\end{bmatrix}",  # _CELL_NOISE
    "unclosed environments": "\\begin{bmatrix}" * 100_000,  # \end searched once per name, not per \begin
    "nested environments": "\\begin{bmatrix}" * 80_000 + "1" + "\\end{bmatrix}" * 80_000,
    "many environments": "\\begin{bmatrix}1\\end{bmatrix}" * 50_000,  # blanked without rebuilding the text each time
}


@pytest.mark.parametrize("text", MATRIX_TEXTS.values(), ids=MATRIX_TEXTS.keys())
def test_matrices_finish(text):
    limited(matrix.read_matrices, lines(text))


def test_matrix_patterns_finish():
    assert limited(matrix._row_body, "1" + " " * 20_000 + "(") is None
    assert limited(matrix._split_rows, "\\\\[" * 100_000) == [""] + ["["] * 100_000
    assert limited(matrix._drop_noise, "\\cline{" * 100_000) == "\\cline{" * 100_000


def test_unclosed_and_nested_environments_are_still_reported():
    reading = matrix.read_matrices(lines("\\begin{bmatrix}" * 3 + "1 & 2"))
    assert reading.problems == ((1, "\\begin{bmatrix} is never closed"),) * 3
    reading = matrix.read_matrices(lines("\\begin{bmatrix}" * 3 + "1 & 2" + "\\end{bmatrix}" * 3))
    assert [[[n.value for n in row] for row in c.rows] for c in reading.candidates] == [[[1, 2]]]  # the innermost
    assert len(matrix.read_matrices(lines("$\\begin{pmatrix}1\\\\2\\end{pmatrix}$ " * 500)).candidates) == 500


@pytest.mark.parametrize("ws", SPACES.values(), ids=SPACES.keys())
def test_boxes_finish(ws):
    width_height = ["w" + ws * 100_000 + "x", "w 1" + "-" * 12 + "h" + ws * 100_000 + "x",
                    "width =" + ws * 100_000 + "x"]
    for text in width_height:  # read_boxes hands _WIDTH_HEIGHT 80 characters; the pattern itself
        assert limited(box_reading._WIDTH_HEIGHT.search, text) is None
        limited(box_reading.read_boxes, lines("centre (1, 2) " + text))
    for text in ["\\sqrt" + ws * 100_000 + "x", "2 sqrt" + ws * 100_000 + "(" + ws * 100_000 + "x"]:  # _ROOT
        assert limited(box_reading._ROOT.match, text) is None
        limited(box_reading.stated_values, lines("L2 = " + text, "IoU: " + text), {})
    for text in ["L" + ws * 100_000, "L_{" + ws * 100_000 + "x"]:  # l2
        assert limited(box_reading.stated_values, lines(text), {}) == []
    formats = {"top left" + ws * 100_000 + "x": None,  # corner_size, corners: "left\s*(?:corner)?\s*"
               "top left corner" + ws * 100_000 + "x": "corners",  # (the word "corner" says corners)
               "top" + ws * 100_000 + "left" + ws * 100_000 + "and" + ws * 100_000 + "x": None}
    for text, fmt in formats.items():
        assert limited(box_reading.stated_format, lines(text)) == fmt
    for text in ["A" + ws * 100_000 + "%", "(A" + ws * 100_000 + "=" + ws * 100_000 + "$" + ws * 100_000 + "%"]:  # _NAME
        assert limited(box_reading._NAME.search, text) is None
        limited(box_reading.read_boxes, lines(text + " (0, 0, 4, 4)"))


def test_many_boxes_finish():
    limited(box_reading.read_boxes, lines("".join(f"(1, 2, 3, {k}) " for k in range(20_000))))  # no repeats
    limited(box_reading.read_boxes, lines("A = (1, 2, 3, 4) " * 20_000))
    limited(box_reading.read_boxes, lines("centre (1, 2) size 3x4 (1, 2, 3, 4) " * 10_000))


@pytest.mark.parametrize("ws", SPACES.values(), ids=SPACES.keys())
def test_derivation_finishes(ws):
    # _LOST_HAT ("\s*\}?\s*-"): quadratic, 0.1 s at 10,000 characters, so twenty times that here.
    for latex in ["O_1" + ws * 200_000 + "x", "O_{1" + ws * 200_000 + "}" + ws * 200_000 + "x"]:
        assert limited(derivation._local_repairs, latex) == (latex, [])
        for text in [f"${latex}$", f"$${latex}$$", f"\\({latex}\\)"]:
            limited(derivation.read_answer, Segment("q", tuple(lines(text))))


# --- table_rows: _LABEL and _LEADING_RANK ------------------------------------------------------

WS = [" ", "  ", "\t", "\x85", "\n", "\u3000"]  # pieces: whitespace runs of different characters


@st.composite
def _near(draw, seeds: list[str], pieces: list[str]) -> str:
    """A seed with a few pieces inserted, characters dropped or replaced, or whitespace repeated."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "drop", "replace", "spaces"]))
        if edit == "insert":
            text = text[:i] + draw(st.sampled_from(pieces)) + text[i:]
        elif edit == "drop":
            text = text[:i] + text[i + draw(st.integers(1, 3)):]
        elif edit == "replace":
            text = text[:i] + draw(st.sampled_from(pieces)) + text[i + 1:]
        else:
            text = text[:i] + draw(st.sampled_from(WS)) * draw(st.integers(2, 8)) + text[i:]
    return text


def texts(seeds: list[str], pieces: list[str], max_size: int = 14) -> st.SearchStrategy[str]:
    """Near-misses of real inputs, and strings of the pieces a pattern reads."""
    pieces = pieces + WS
    return st.one_of(_near(seeds, pieces), st.lists(st.sampled_from(pieces), max_size=max_size).map("".join))


def found(pattern: re.Pattern[str], text: str) -> list[tuple]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def first(match: re.Match[str] | None) -> tuple | None:
    return None if match is None else (match.span(), match.groups())


OLD_LABEL = re.compile(
    r"\b(?P<kind>precision|prec|recall|rec|p|r)\s*(?:@\s*|_\{?\s*|\(\s*|\[\s*|\s+at\s+(?:rank\s+)?)?"
    r"(?P<rank>\d{1,3})?\s*\}?\s*[)\]]?\s*[=:]",
    re.IGNORECASE,
)
OLD_LEADING_RANK = re.compile(r"^\s*(?:rank|k|at)?\s*(?P<rank>\d{1,3})\s*(?:[.):\-]|\s{2,}|\t)", re.IGNORECASE)

LABELS = {
    "P@3 = 2/3 = 0.67, R@3 = 2/5 = 0.4": [("P", "3", "P@3 ="), ("R", "3", "R@3 =")],
    "precision_{3}: 0.5, recall_{3}: 0.2": [("precision", "3", "precision_{3}:"), ("recall", "3", "recall_{3}:")],
    "p(3) = 1/3  r(3) = 1/5": [("p", "3", "p(3) ="), ("r", "3", "r(3) =")],
    "P at rank 3 = 2/3": [("P", "3", "P at rank 3 =")],
    "P at 3 = 1": [("P", "3", "P at 3 =")],
    "Prec @ 5 = 0.4": [("Prec", "5", "Prec @ 5 =")],
    "P[2] = 0.5": [("P", "2", "P[2] =")],
    "p_3} = 0.3": [("p", "3", "p_3} =")],
    "p_{ 3 } ) = 1": [("p", "3", "p_{ 3 } ) =")],
    "R = 0.4": [("R", None, "R =")],
    "rank 4: P = 2/4": [("P", None, "P =")],
    "precision = 0.5 and recall: 0.25": [("precision", None, "precision ="), ("recall", None, "recall:")],
    "3) F 2/3 = 0.67 2/5 = 0.4": [],
    "reciprocal rank = 1": [],
    "P@1234 = 1": [],
}
LEADING_RANKS = {
    "3. R 1/1 = 1": ("3", "3."),
    "rank 3) 2/3": ("3", "rank 3)"),
    "k 3: 0.67": ("3", "k 3:"),
    "3   0.67 0.4": ("3", "3   "),
    "3\t0.67": ("3", "3\t"),
    "at 10 - relevant": ("10", "at 10 -"),
    "  Rank 2 . x": ("2", "  Rank 2 ."),
    "12 relevant": None,
    "P@3 = 2/3": None,
    "1234. x": None,
}


@pytest.mark.parametrize("pattern", [OLD_LABEL, table_rows._LABEL], ids=["old", "new"])
@pytest.mark.parametrize("text, expected", LABELS.items(), ids=LABELS.keys())
def test_labels(pattern, text, expected):
    assert [(m["kind"], m["rank"], m.group()) for m in pattern.finditer(text)] == expected


@pytest.mark.parametrize("pattern", [OLD_LEADING_RANK, table_rows._LEADING_RANK], ids=["old", "new"])
@pytest.mark.parametrize("text, expected", LEADING_RANKS.items(), ids=LEADING_RANKS.keys())
def test_leading_ranks(pattern, text, expected):
    m = pattern.match(text)
    assert (m and (m["rank"], m.group())) == expected


LABEL_PIECES = ["p", "P", "r", "R", "prec", "precision", "rec", "recall", "at", "AT", "rank", "k", "@", "_", "{", "}", "(", ")",
                "[", "]", "=", ":", "1", "3", "12", "1234", "x", ".", "-", ",", "a", "t", "0.5"]


@EXAMPLES
@given(texts(list(LABELS) + list(LEADING_RANKS), LABEL_PIECES))
def test_the_label_patterns_match_as_before(text):
    assert found(table_rows._LABEL, text) == found(OLD_LABEL, text)
    assert first(table_rows._LEADING_RANK.match(text)) == first(OLD_LEADING_RANK.match(text))


# --- matrix: _ROW_LINE, _ROW_SPLIT, _CELL_NOISE, environments ---------------------------------

OLD_ROW_LINE = re.compile(r"^[\[(]?\s*(?P<body>[^\[\]()]*?)\s*[\])]?\s*[,;.]?\s*$")
OLD_ROW_SPLIT = re.compile(r"\\\\(?:\s*\[[^\]]*\])?")
# the plain regex the linear _drop_noise must agree with ("\\ " is a LaTeX space, "\\\\ " a row break)
OLD_CELL_NOISE = re.compile(r"\\(?:hline|cline\{[^}]*\}|left|right|,|;|!|quad|qquad)|(?<!\\)\\\s|\$")

ROW_BODIES = {
    "[1 2 0 3]": "1 2 0 3", "(1, 2).": "1, 2", "1 2 3": "1 2 3", "[ 1, 2, 3 ] ,": "1, 2, 3", "[1 2": "1 2",
    "1 2)": "1 2", "1; 2; 3;": "1; 2; 3", "[0.5 -2 3/4];": "0.5 -2 3/4", "[]": "", "[1 [2] 3]": None, "(1) (2)": None,
}
ROW_SPLITS = {
    r"1 & 2 \\ 3 & 4": ["1 & 2 ", " 3 & 4"],
    r"1 & 2 \\[2pt] 3 & 4": ["1 & 2 ", " 3 & 4"],
    r"1 \\ [3mm] 2 \\": ["1 ", " 2 ", ""],
    r"1 \\ 2 \\[4pt]": ["1 ", " 2 ", ""],
    r"a \\[b": ["a ", "[b"],
    "1 \\\\\\ 2": ["1 ", "\\ 2"],
}
CELL_NOISE = {
    r"\cline{1-2} 3": "  3", r"\hline 1": "  1", r"\left( 1 \right)": " ( 1  )", "$-2$": " -2 ",
    r"\quad 1 \qquad": "  1  ", r"\, 3 \; 4 \! 5": "  3   4   5", r"\cline{2 x": r"\cline{2 x", r"\frac{1}{2}": r"\frac{1}{2}",
}


@pytest.mark.parametrize("text, body", ROW_BODIES.items(), ids=ROW_BODIES.keys())
def test_row_bodies(text, body):
    old = OLD_ROW_LINE.match(text)
    assert matrix._row_body(text) == (old and old["body"]) == body


@pytest.mark.parametrize("text, rows", ROW_SPLITS.items(), ids=ROW_SPLITS.keys())
def test_row_splits(text, rows):
    assert matrix._split_rows(text) == OLD_ROW_SPLIT.split(text) == rows


@pytest.mark.parametrize("text, kept", CELL_NOISE.items(), ids=CELL_NOISE.keys())
def test_cell_noise(text, kept):
    assert matrix._drop_noise(text) == OLD_CELL_NOISE.sub(" ", text) == kept


ROW_PIECES = ["[", "(", "]", ")", ",", ";", ".", "1", "2.5", "-3", "x", "a b", "=", ":", "{", "}"]
LATEX_PIECES = ["\\\\", "\\", "[", "]", "2pt", "1", "&", "x", "\\\\[", "\\\\ [", "}", "{", "\\cline{", "cline", "1-2", "\\hline",
                "\\left", "\\right", "\\,", "\\;", "\\!", "\\quad", "\\qquad", "qquad", "$", "\\c", "\\cline"]


@EXAMPLES
@given(texts(list(ROW_BODIES), ROW_PIECES))
def test_row_bodies_as_before(text):
    for line in (text, text.strip()):
        old = OLD_ROW_LINE.match(line)
        assert matrix._row_body(line) == (old and old["body"])


@EXAMPLES
@given(texts(list(ROW_SPLITS) + list(CELL_NOISE), LATEX_PIECES))
def test_rows_and_noise_as_before(text):
    assert matrix._split_rows(text) == OLD_ROW_SPLIT.split(text)
    assert matrix._drop_noise(text) == OLD_CELL_NOISE.sub(" ", text)
    assert matrix._drop_noise(text, "") == OLD_CELL_NOISE.sub("", text)


def _latex_searching_each_time(text: matrix._Text) -> tuple:
    """``matrix._latex`` as first written: \\end searched for every \\begin, the text rebuilt for each."""
    found, problems = [], []
    blanked = text.text
    for begin in matrix._ENV.finditer(text.text):
        env = begin["env"]
        end = re.compile(r"\\end\s*\{" + re.escape(env) + r"\}").search(text.text, begin.end())
        line = text.line_at(begin.start())
        if end is None:
            problems.append((line, f"\\begin{{{env}}} is never closed"))
            continue
        body = text.text[begin.end():end.start()]
        if matrix._ENV.search(body):
            continue
        row_texts = [r for r in OLD_ROW_SPLIT.split(body) if OLD_CELL_NOISE.sub("", r).strip()]
        cells = [r.split("&") for r in row_texts]
        matrix._add(cells, "&" not in body, line, text.line_at(end.end()), f"LaTeX {env}", found, problems)
        blanked = blanked[:begin.start()] + " " * (end.end() - begin.start()) + blanked[end.end():]
    return blanked, found, problems


ENVIRONMENTS = ["\\begin{bmatrix}", "\\end{bmatrix}", "\\begin{pmatrix}", "\\end{pmatrix}", "\\begin{array}{cc}",
                "\\end{array}", "\\begin {matrix*}", "\\end{matrix*}", "\\end {bmatrix}", "1", " & ", "\\\\", "x", "\n", "2"]


@EXAMPLES
@given(texts(["C = \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}",
              "\\begin{bmatrix}\\begin{bmatrix} 1 \\end{bmatrix}\\end{bmatrix} \\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}"],
             ENVIRONMENTS, max_size=25))
def test_environments_read_as_before(text):
    text = matrix._Text(lines(*text.split("\n")))
    found, problems = [], []
    assert (matrix._latex(text, found, problems), found, problems) == _latex_searching_each_time(text)


# --- box_reading ---------------------------------------------------------------------------------

_NUM = r"-?\d+(?:\.\d+)?(?:/\d+)?"
OLD_WIDTH_HEIGHT = re.compile(
    rf"\b(?:w(?:idth)?)\s*(?:=|:|of|is)?\s*({_NUM})\D{{1,12}}?\b(?:h(?:eight)?)\s*(?:=|:|of|is)?\s*({_NUM})", re.I)
OLD_NAME = re.compile(r"(?:^|[\s$(,])\\?(?:mathrm\{)?([A-Za-z](?:_?\{?\d{1,2}\}?)?)\}?\s*(?:=|:|is\b|be\b|at\b)?\s*\$?\s*$")
OLD_CORNER_SIZE = re.compile(
    r"\(\s*x\s*,\s*y\s*,\s*w\s*,\s*h\s*\)|top[\s-]*left\s*(?:corner)?\s*(?:\+|and|,|&)\s*(?:size|width)", re.I)
OLD_CORNERS = re.compile(
    r"\(\s*x_?\{?1\}?\s*,\s*y_?\{?1\}?\s*,\s*x_?\{?2\}?\s*,\s*y_?\{?2\}?\s*\)|\bcorners?\b"
    r"|top[\s-]*left\s*(?:corner)?\s*(?:and|,|&)\s*bottom[\s-]*right", re.I)
OLD_L2 = re.compile(r"\bL\s*_?\{?\s*2\s*\}?(?![\d])|\beuclidean\b|\bl2[\s-]*(?:norm|distance)", re.I)
OLD_ROOT = re.compile(r"(\d+(?:\.\d+)?)?\s*(?:√|\\sqrt\s*|sqrt\s*)[{(]?\s*(\d+(?:\.\d+)?(?:/\d+)?)\s*[})]?")

NEW_FORMATS = dict(box_reading._FORMAT_STATEMENTS)
NEW_L2 = box_reading._metric_patterns({})["l2"]

WIDTH_HEIGHTS = {
    "with w = 4, h = 4": ("4", "4"), "width of 10 and height 6": ("10", "6"), "w: 3 h: 2": ("3", "2"),
    "W is 2.5, H is 1/2": ("2.5", "1/2"), "w=4,h=4": ("4", "4"), "width -3 height 2": ("-3", "2"),
    "w 4 x h 2": ("4", "2"), "the width is 4": None, "(w, h) = (4, 4)": None,
}
NAMES = {
    "A = ": "A", "B_1: ": "B_1", "$B_{12} =$ ": "B_{12}", "\\mathrm{G} is ": "G", "prediction P at ": "P", "x": "x",
    "and box ": None, "Let the box be ": None, "(G) ": None,
}
FORMATS = {  # (corner_size, corners)
    "top left corner and size": (True, True), "top-left + width": (True, False), "top left, bottom right": (False, True),
    "top left corner & bottom-right": (False, True), "top left and height": (False, False),
    "COCO (x, y, w, h)": (True, False), "corners": (False, True),
}
L2_MENTIONS = {
    "L2 = 2.83": ["L2 "], "L_2 distance": ["L_2 "], "L_{2} = 3": ["L_{2}"], "the L 2 norm": ["L 2 "], "L22": [],
    "l2-norm": ["l2"], "euclidean distance": ["euclidean"], "L2 5": ["L2"], "L_{2}} =": ["L_{2}"],
}
ROOTS = {
    "√8": (None, "8", "√8"), "2\\sqrt{2}": ("2", "2", "2\\sqrt{2}"), "sqrt(8)": (None, "8", "sqrt(8)"),
    "\\sqrt {10}": (None, "10", "\\sqrt {10}"), "3 √ 2": ("3", "2", "3 √ 2"), "sqrt 1/2": (None, "1/2", "sqrt 1/2"),
    "2.5 \\sqrt( 1.5 ) = x": ("2.5", "1.5", "2.5 \\sqrt( 1.5 )"), "√ (8)": None, "2.83": None,
}


@pytest.mark.parametrize("pattern", [OLD_WIDTH_HEIGHT, box_reading._WIDTH_HEIGHT], ids=["old", "new"])
@pytest.mark.parametrize("text, sizes", WIDTH_HEIGHTS.items(), ids=WIDTH_HEIGHTS.keys())
def test_widths_and_heights(pattern, text, sizes):
    m = pattern.search(text)
    assert (m and m.groups()) == sizes


@pytest.mark.parametrize("pattern", [OLD_NAME, box_reading._NAME], ids=["old", "new"])
@pytest.mark.parametrize("text, name", NAMES.items(), ids=NAMES.keys())
def test_names(pattern, text, name):
    m = pattern.search(text)
    assert (m and m[1]) == name


@pytest.mark.parametrize("text, expected", FORMATS.items(), ids=FORMATS.keys())
def test_formats(text, expected):
    assert (bool(OLD_CORNER_SIZE.search(text)), bool(OLD_CORNERS.search(text))) == expected
    assert (bool(NEW_FORMATS["corner_size"].search(text)), bool(NEW_FORMATS["corners"].search(text))) == expected


@pytest.mark.parametrize("pattern", [OLD_L2, NEW_L2], ids=["old", "new"])
@pytest.mark.parametrize("text, mentions", L2_MENTIONS.items(), ids=L2_MENTIONS.keys())
def test_l2_mentions(pattern, text, mentions):
    assert [m.group() for m in pattern.finditer(text)] == mentions


@pytest.mark.parametrize("pattern", [OLD_ROOT, box_reading._ROOT], ids=["old", "new"])
@pytest.mark.parametrize("text, root", ROOTS.items(), ids=ROOTS.keys())
def test_roots(pattern, text, root):
    m = pattern.match(text)
    assert (m and (*m.groups(), m.group())) == root


WIDTH_PIECES = ["w", "W", "width", "Width", "h", "H", "height", "=", ":", "of", "is", "OF", "1", "4", "2.5", "1/2", "-", "-3",
                ",", "x", "and", "-----", "idth", "eight", "o", "i", "s", "f", "."]
NAME_PIECES = ["A", "B", "b", "G", "_", "{", "}", "1", "12", "123", "\\", "mathrm{", "=", ":", "is", "be", "at", "$", "(", ",",
               "x", "s", "e", "t"]
FORMAT_PIECES = ["top", "Top", "left", "LEFT", "corner", "corners", "-", "+", "and", ",", "&", "size", "width", "bottom",
                 "right", "(", ")", "x", "y", "w", "h", "x_1", "y_{1}", "x2", "y_2", "corne", "r", "c"]
L2_PIECES = ["L", "l", "_", "{", "}", "2", "3", "22", "x", "L2", "l2", "-", "norm", "distance", "euclidean", "=", "a"]
ROOT_PIECES = ["√", "\\sqrt", "sqrt", "{", "}", "(", ")", "2", "8", "1.5", "1/2", "/", ".", "x", "\\", "s", "qrt", "=", "-"]


@EXAMPLES
@given(texts(list(WIDTH_HEIGHTS), WIDTH_PIECES))
def test_widths_and_heights_as_before(text):
    assert found(box_reading._WIDTH_HEIGHT, text) == found(OLD_WIDTH_HEIGHT, text)
    assert first(box_reading._WIDTH_HEIGHT.search(text)) == first(OLD_WIDTH_HEIGHT.search(text))


@EXAMPLES
@given(texts(list(NAMES), NAME_PIECES))
def test_names_as_before(text):
    assert first(box_reading._NAME.search(text)) == first(OLD_NAME.search(text))


@EXAMPLES
@given(texts(list(FORMATS), FORMAT_PIECES))
def test_formats_as_before(text):
    assert first(NEW_FORMATS["corner_size"].search(text)) == first(OLD_CORNER_SIZE.search(text))
    assert first(NEW_FORMATS["corners"].search(text)) == first(OLD_CORNERS.search(text))


@EXAMPLES
@given(texts(list(L2_MENTIONS), L2_PIECES))
def test_l2_mentions_as_before(text):
    assert found(NEW_L2, text) == found(OLD_L2, text)


@EXAMPLES
@given(texts(list(ROOTS), ROOT_PIECES))
def test_roots_as_before(text):
    for tail in (text, text.strip()):
        assert first(box_reading._ROOT.match(tail)) == first(OLD_ROOT.match(tail))


def _boxes_looking_through_all(text: str) -> list[tuple]:
    """``read_boxes`` on one line as first written: each tuple and each box compared with every earlier one."""
    spans = []
    for m in box_reading._CENTRE.finditer(text):
        rest = text[m.end():m.end() + 80]
        size = box_reading._SIZE.search(rest) or box_reading._WIDTH_HEIGHT.search(rest)
        if size is not None:
            values = (Fraction(m[1]), Fraction(m[2]), Fraction(size[1]), Fraction(size[2]))
            spans.append((m.start(), m.end() + size.end(), values, "centre_size"))
    for m in box_reading._TUPLE4.finditer(text):
        if not any(start <= m.start() < end for start, end, _, _ in spans):
            spans.append((m.start(), m.end(), tuple(Fraction(g) for g in m.groups()), None))
    boxes, previous_end = [], 0
    for start, end, values, fmt in sorted(spans, key=lambda span: span[0]):
        role, name = box_reading._role_and_name(text[previous_end:start])
        boxes.append((values, fmt, role, name, text[start:end].strip()))
        previous_end = end
    unique = []
    for box in boxes:
        if not any(b[0] == box[0] and b[1] == box[1] and (b[3] == box[3] or not box[3]) for b in unique):
            unique.append(box)
    return unique


BOX_PIECES = ["(0, 0, 4, 4)", "(1, 1, 5, 5)", "[2,0,6,4]", "A = ", "B_1: ", "GT ", "pred ", "centre (2, 2)", "center at (1, 1)",
              " size 4x4", " w = 4, h = 4", " and ", ", ", "(", ")", "4", "midpoint (2, 2) size (1, 1, 1, 1)"]


@EXAMPLES
@given(texts(["Ground truth G = (0, 0, 4, 4), A = (2, 0, 6, 4)", "the target has center (2, 2) with w = 4, h = 4",
              "centre of B2 is at (8, 14) and it is of size (10x6) A = (8, 14, 10, 6)"], BOX_PIECES, max_size=20))
def test_boxes_read_as_before(text):
    got = [(b.values, b.fmt, b.role, b.name, b.text) for b in box_reading.read_boxes(lines(text))]
    assert got == _boxes_looking_through_all(text)


# --- derivation: _LOST_HAT -------------------------------------------------------------------------

OLD_LOST_HAT = re.compile(r"\b(O)_\{?\s*(\d)\s*\}?\s*-\s*O_\{?\s*\2\s*\}?")

LOST_HATS = {
    "(O_3 - O_3) H_3": "(O_{3} - \\hat{O}_{3}) H_3", "O_{2} - O_{2}": "O_{2} - \\hat{O}_{2}",
    "O_{1 } -O_{ 1}": "O_{1} - \\hat{O}_{1}", "O_1} - O_1": "O_{1} - \\hat{O}_{1}",
    "O_1 - O_2": "O_1 - O_2", "(O_t - \\hat{O}_t)": "(O_t - \\hat{O}_t)",
}


def _restore_hat(m: re.Match[str]) -> str:
    return f"{m.group(1)}_{{{m.group(2)}}} - \\hat{{O}}_{{{m.group(2)}}}"


@pytest.mark.parametrize("text, repaired", LOST_HATS.items(), ids=LOST_HATS.keys())
def test_lost_hats(text, repaired):
    assert OLD_LOST_HAT.sub(_restore_hat, text) == repaired
    assert derivation._local_repairs(text)[0] == repaired


@EXAMPLES
@given(texts(list(LOST_HATS), ["O", "O_", "_", "{", "}", "1", "2", "-", "O_1", "O_{1}", "\\hat", "x", "O_{", "3", ")", ","]))
def test_lost_hats_as_before(text):
    assert found(derivation._LOST_HAT, text) == found(OLD_LOST_HAT, text)

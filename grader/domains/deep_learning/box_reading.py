"""Read the boxes of a student's worked example, and the metric values they state.

Boxes are written as four numbers in brackets — ``(0, 0, 4, 4)``, ``[2,0,6,4]`` —
or as a centre and a size — "centre (2, 2), size 4x4", "center at (8, 14) and it
is of size (10x6)", "centre (2, 2) with w = 4, h = 4". The words before a box say
which it is ("ground truth", "GT", "target" → the truth; "A =", "B_1:", "pred" →
a prediction) and the answer says, once, how boxes are written ("(x1, y1, x2, y2)",
"corners", "(cx, cy, w, h)", "centre and size", "(x, y, w, h)").

Stated values: after each mention of a metric ("IoU", "L2", or the OCR variants a
rubric lists) the value the student concludes with (the number after the last
"=" before the next mention), including roots (√8, 2\\sqrt{2}, sqrt(8)).
Nothing here evaluates student text: numbers come from ``grader.numbers``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, Mapping, Sequence

from grader.model import Line
from grader.numbers import find_numbers
from grader.domains.deep_learning.boxes import Format

Role = Literal["truth", "prediction"]

_NUM = r"-?\d+(?:\.\d+)?(?:/\d+)?"
_TUPLE4 = re.compile(rf"[(\[]\s*({_NUM})\s*[,;]\s*({_NUM})\s*[,;]\s*({_NUM})\s*[,;]\s*({_NUM})\s*[)\]]")
_CENTRE = re.compile(rf"(?:cent(?:re|er)|contre|midpoint)[^()\[\]\n]{{0,25}}?[(\[]\s*({_NUM})\s*[,;]\s*({_NUM})\s*[)\]]", re.I)
_SIZE = re.compile(rf"(?:size|dimensions?)\D{{0,12}}?({_NUM})\s*(?:x|×|\\times|by|,)\s*({_NUM})", re.I)
# "w = 4, h = 4", "width of 10 and height 6". The spaces around the optional "=" are taken once
# ("\s*(?:=|…)?\s*" splits a run of spaces two ways at every position when no number follows).
_WIDTH_HEIGHT = re.compile(
    rf"\b(?:w(?:idth)?)\s*+(?:(?:=|:|of|is)\s*+)?+({_NUM})\D{{1,12}}?\b(?:h(?:eight)?)\s*+(?:(?:=|:|of|is)\s*+)?+({_NUM})", re.I)
_TRUTH = re.compile(r"ground[\s-]*truth|\bg\.?\s?t\.?\b|\btarget\b|\btrue\s+box\b|\bactual\b", re.I)
_NAME = re.compile(r"(?:^|[\s$(,])\\?(?:mathrm\{)?([A-Za-z](?:_?\{?\d{1,2}\}?)?)\}?\s*+(?:(?:=|:|is\b|be\b|at\b)\s*+)?+(?:\$\s*+)?+$")

# How the answer says boxes are written; first match wins, most specific first.
_FORMAT_STATEMENTS: tuple[tuple[Format, re.Pattern[str]], ...] = (
    ("centre_size", re.compile(r"\(\s*(?:c_?\{?x\}?|x_?\{?c\}?)\s*,\s*(?:c_?\{?y\}?|y_?\{?c\}?)\s*,\s*w\s*,\s*h\s*\)|cent(?:re|er)\s*(?:\+|and|,|&)\s*(?:size|width)", re.I)),
    # "top left (corner)": the spaces after "left" are taken once, with or without "corner".
    ("corner_size", re.compile(r"\(\s*x\s*,\s*y\s*,\s*w\s*,\s*h\s*\)|top[\s-]*left\s*+(?:corner\s*+)?+(?:\+|and|,|&)\s*(?:size|width)", re.I)),
    ("corners", re.compile(r"\(\s*x_?\{?1\}?\s*,\s*y_?\{?1\}?\s*,\s*x_?\{?2\}?\s*,\s*y_?\{?2\}?\s*\)|\bcorners?\b|top[\s-]*left\s*+(?:corner\s*+)?+(?:and|,|&)\s*bottom[\s-]*right", re.I)),
)

# Built-in names of the metrics; a rubric adds its OCR variants as literal words.
METRIC_PATTERNS: Mapping[str, str] = {
    "iou": r"\bIoU\b|intersection\s+over\s+union",
    # "L2", "L_2", "L_{2}", "L 2": every space before the 2 is taken once (not split between two "\s*").
    "l2": r"\bL\s*+_?+\{?+\s*+2\s*\}?(?![\d])|\beuclidean\b|\bl2[\s-]*(?:norm|distance)",
}
# "√8", "2\sqrt{2}", "sqrt (8)". The spaces after "sqrt" are all taken before the optional bracket
# (with no bracket, "\s*[{(]?\s*" would split them every way when no number follows).
_ROOT = re.compile(r"(\d+(?:\.\d+)?)?\s*(?:√|\\sqrt\s*+|sqrt\s*+)[{(]?+\s*+(\d+(?:\.\d+)?(?:/\d+)?)\s*[})]?")
_RESULT = re.compile(r"=|≈|\\approx|\bis\b|:")
_ABOUT_MAX = 30  # characters between a metric's name and its value ("(G, B)", " of box A")
# Where a chain of values ends: a comma, semicolon, full stop, or a word (√ and \frac are not words).
_CHAIN_END = re.compile(r",|;|\.(?!\d)|(?<![\\A-Za-z])(?!sqrt|frac)[A-Za-z]{2,}")


@dataclass(frozen=True)
class WrittenBox:
    values: tuple[Fraction, Fraction, Fraction, Fraction]
    fmt: Format | None  # None: four numbers in brackets, the answer decides how to read them
    role: Role | None
    name: str
    line: int
    text: str


@dataclass(frozen=True)
class Stated:
    """A metric value the student wrote: ``square`` is exact when it is a root (√8 → 8)."""

    metric: str
    about: str  # the words between the metric's name and its value ("(G, B)", "for A")
    value: Fraction
    square: Fraction | None
    places: int | None
    line: int
    text: str


def stated_format(lines: Sequence[Line]) -> Format | None:
    text = "\n".join(line.text for line in lines)
    for fmt, pattern in _FORMAT_STATEMENTS:
        if pattern.search(text):
            return fmt
    return None


def _role_and_name(before: str) -> tuple[Role | None, str]:
    name = _NAME.search(before[-30:])
    label = re.sub(r"[_{}]", "", name[1]) if name else ""
    if _TRUTH.search(before[-40:]):
        return "truth", label or "ground truth"
    if label.lower() in {"g", "gt", "t"}:
        return "truth", label
    if re.search(r"\bpred|prediction|predicted|anchor|proposal", before[-40:], re.I) or label:
        return "prediction", label
    return None, ""


def _spans(text: str) -> list[tuple[int, int, tuple[Fraction, ...], Format | None]]:
    """(start, end, numbers, format) of every box written on a line, left to right."""
    found = []
    for m in _CENTRE.finditer(text):
        rest = text[m.end():m.end() + 80]
        size = _SIZE.search(rest) or _WIDTH_HEIGHT.search(rest)
        if size is not None:
            values = (Fraction(m[1]), Fraction(m[2]), Fraction(size[1]), Fraction(size[2]))
            found.append((m.start(), m.end() + size.end(), values, "centre_size"))
    # Four numbers in brackets that start inside a centre-and-size box are part of it. The
    # centre boxes come in order of their starts, the tuples too: one sweep, keeping the
    # furthest end of the boxes started so far, not a look through every box for each tuple
    # (earlier tuples never hold a later one: finditer's matches do not overlap).
    centres, started, reach = found[:], 0, -1
    for m in _TUPLE4.finditer(text):
        while started < len(centres) and centres[started][0] <= m.start():
            reach = max(reach, centres[started][1])
            started += 1
        if m.start() >= reach:
            found.append((m.start(), m.end(), tuple(Fraction(g) for g in m.groups()), None))
    return sorted(found, key=lambda span: span[0])


def read_boxes(lines: Sequence[Line]) -> list[WrittenBox]:
    """Every box written in the lines, in order, without repeats (same role, name and numbers).
    A box's name and role come from the words between it and the box before it."""
    boxes: list[WrittenBox] = []
    for line in lines:
        previous_end = 0
        for start, end, values, fmt in _spans(line.text):
            role, name = _role_and_name(line.text[previous_end:start])
            boxes.append(WrittenBox(values, fmt, role, name, line.number, line.text[start:end].strip()))  # type: ignore[arg-type]
            previous_end = end
    # A repeat: the same numbers and format as a box kept before, and its name or no name.
    unique: list[WrittenBox] = []
    names: dict[tuple[tuple[Fraction, ...], Format | None], set[str]] = {}  # of the boxes kept
    for box in boxes:
        kept = names.get((box.values, box.fmt))
        if kept is not None and (not box.name or box.name in kept):
            continue
        unique.append(box)
        names.setdefault((box.values, box.fmt), set()).add(box.name)
    return unique


def _metric_patterns(aliases: Mapping[str, Sequence[str]]) -> dict[str, re.Pattern[str]]:
    patterns = {}
    for metric, builtin in METRIC_PATTERNS.items():
        extra = [rf"(?<!\w){re.escape(word)}(?!\w)" for word in aliases.get(metric, ())]
        patterns[metric] = re.compile("|".join([builtin, *extra]), re.I)
    for metric in set(aliases) - set(METRIC_PATTERNS):
        patterns[metric] = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in aliases[metric]), re.I)
    return patterns


def _value_at(tail: str, metric: str, about: str, line: Line) -> Stated | None:
    """The value ``tail`` starts with (a root or a number), if it is one the metric can take."""
    root = _ROOT.match(tail.strip())
    if root:
        factor = Fraction(root[1]) if root[1] else Fraction(1)
        square = factor**2 * Fraction(root[2])
        value = Fraction(round(float(square) ** 0.5 * 10**9), 10**9)
        return Stated(metric, about, value, square, None, line.number, root.group().strip())
    numbers = find_numbers(tail)
    if not numbers or numbers[0].start > 3:
        return None
    first = numbers[0]
    if first.value < 0 or (metric == "iou" and first.value > 1):  # not an IoU or a distance
        return None
    return Stated(metric, about, first.value, None, first.places, line.number, first.text)


def _concluded(span: str, metric: str, line: Line) -> Stated | None:
    """The value a stretch of text after a metric's name states for it.

    First the chain right after the name ("IoU = 8/24 = 1/3", "L2 of A: √8"): its last
    value. Else (OCR noise between name and value) the number after the last "=" that
    is a value the metric can take: 24 is a union, not an IoU.
    """
    sign = _RESULT.search(span)
    if sign and sign.start() <= _ABOUT_MAX:
        chain = _CHAIN_END.split(span[sign.end():], maxsplit=1)[0]
        last = list(_RESULT.finditer(chain))
        tail = chain[last[-1].end():] if last else chain
        stated = _value_at(tail, metric, span[:sign.start()], line)
        if stated is not None:
            return stated
    for result in reversed(list(_RESULT.finditer(span))):
        stated = _value_at(span[result.end():], metric, span[:result.start()], line)
        if stated is not None:
            return stated
    return None


def stated_values(lines: Sequence[Line], aliases: Mapping[str, Sequence[str]]) -> list[Stated]:
    """Values the student states for each metric, in order of writing."""
    patterns = _metric_patterns(aliases)
    found: list[Stated] = []
    for line in lines:
        mentions = sorted((m.start(), m.end(), metric) for metric, p in patterns.items() for m in p.finditer(line.text))
        for i, (start, end, metric) in enumerate(mentions):
            stop = mentions[i + 1][0] if i + 1 < len(mentions) else len(line.text)
            stated = _concluded(line.text[end:stop], metric, line)
            if stated is not None:
                found.append(stated)
    return found

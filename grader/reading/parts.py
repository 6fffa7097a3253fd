"""Split one question's answer into its parts: "(a) …", "b) …", "1(c) …", "Part (ii): …".

A question that declares ``parts: [a, b, c]`` has its items read only their own
part's lines, so a number or a "so" in part (c) never answers part (a). A part
starts at a line that begins with its label — "(b)", "b)", "b.", "b:", "Part b",
optionally after the question's own number ("1(b)", "Q1 (b)") — or, on a line that
already started a part, at a later part's bracketed label ("(a) 0.116 (b) 9/58").
Labels are looked for only among the declared parts, so "(i)" inside a part (a)
of a lettered question is text, and only labels of *later* parts split a line
(a back-reference "as in (a)" does not).

Lines before the first label belong to the part just before the first one found
(a student who never wrote "(a)" but labelled "(b)") or else to the first part
found. A declared part with no label is "unlabelled": its items read the whole
answer, as a question without parts would, and the question is flagged so a TA
can check them. The label is removed from the part's lines; line numbers stay the
file's, so evidence still points at the sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from grader.model import Line, Segment

_LEAD = r"^(?:__|[-*+>#]++\s++|(?:\*\*|#)++)*+\s*"
_NUMBER = r"(?:(?:question|ques|que|answer|ans|q)\s*+[.:\-]?\s*+)?\d{1,3}\s*+[.):]?\s*+"


@dataclass(frozen=True)
class PartSplit:
    """Each part's lines; ``unlabelled`` parts had no label and read the whole answer."""

    parts: dict[str, Segment]
    unlabelled: tuple[str, ...]

    def segment_for(self, part: str | None, whole: Segment) -> Segment:
        if part is None or part in self.unlabelled:
            return whole
        return self.parts.get(part, Segment(whole.question_id))


def _alternatives(parts: Sequence[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))


class _Labels:
    """The label patterns of one question's declared parts."""

    def __init__(self, parts: Sequence[str]):
        ids = _alternatives(parts)
        closed = rf"\(\s*+(?P<p1>{ids})\s*+\)[.:]?"                     # (b)  (b).  (b):
        opened = rf"(?P<p2>{ids})\s*+[).:](?=\s|$|[^\w.])"           # b)  b.  b:  (not "a.b" or "e.g")
        word = rf"part\s*+(?:\(\s*+(?P<p3>{ids})\s*+\)|(?P<p4>{ids})\b)[.:)]?"  # Part b, Part (b):
        self.start = re.compile(rf"{_LEAD}(?:{_NUMBER})?(?:{word}|{closed}|{opened})(?:\*\*|__|\*)*\s*+", re.IGNORECASE)
        self.inner = re.compile(rf"(?<=[\s;,.])\(\s*+(?P<p1>{ids})\s*+\)[.:]?\s*+", re.IGNORECASE)
        self._only_labels = re.compile(rf"(?:\s|[,;.:]|\(\s*+(?:{ids})\s*+\))*+", re.IGNORECASE)

    def has_text(self, piece: str) -> bool:
        """Whether a piece of a line says something besides this question's part labels and punctuation."""
        return self._only_labels.fullmatch(piece) is None

    @staticmethod
    def _id(match: re.Match[str]) -> str:
        return next(v for k, v in match.groupdict().items() if v is not None).lower()

    def at_start(self, text: str) -> tuple[str, int] | None:
        match = self.start.match(text)
        return (self._id(match), match.end()) if match else None

    def inside(self, text: str) -> list[tuple[str, int, int]]:
        return [(self._id(m), m.start(), m.end()) for m in self.inner.finditer(text)]


def split_parts(segment: Segment, parts: Sequence[str]) -> PartSplit:
    """The answer of each declared part (see the module docstring)."""
    order = {p: i for i, p in enumerate(parts)}
    labels = _Labels(parts)
    found: dict[str, list[Line]] = {}
    preamble: list[Line] = []
    current: str | None = None
    for line in segment.lines:
        start = labels.at_start(line.text)
        pieces: list[tuple[str | None, str]] = []
        if start is not None:
            current = start[0]
            rest = line.text[start[1]:]
            cut = 0
            for part, begin, end in labels.inside(rest):
                # "(a) (b)": a part's label right after a label is the answer (an option), not a part;
                # "(i) (b) (ii) (c)": an option that is no part of this question is that part's text
                if order[part] > order[current] and labels.has_text(rest[cut:begin]):
                    pieces.append((current, rest[cut:begin]))
                    current, cut = part, end
            pieces.append((current, rest[cut:]))
        else:
            pieces.append((current, line.text))
        for part, text in pieces:
            if part is None:
                preamble.append(line)
                continue
            lines = found.setdefault(part, [])
            if text.strip():
                lines.append(Line(line.line, text.strip()))
    if not found:
        return PartSplit({}, tuple(parts))
    if preamble:
        first = min(found, key=order.__getitem__)
        earlier = [p for p in parts if order[p] < order[first] and p not in found]
        receiver = earlier[-1] if earlier else first
        found[receiver] = preamble + found.get(receiver, [])
    segments = {
        part: Segment(segment.question_id, tuple(lines), _spans(lines))
        for part, lines in found.items()
    }
    return PartSplit(segments, tuple(p for p in parts if p not in segments))


def _spans(lines: Sequence[Line]) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for line in lines:
        if spans and line.line <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], line.line))
        else:
            spans.append((line.line, line.line))
    return tuple(spans)

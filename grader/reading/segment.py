"""Split a submission into one segment per question.

Labels come first: a line that starts with a label the rubric's markers name
("2. (a)", "Q3", "Ans 3)") starts that question; "(b)" continues the current
question's family (after q2a it means q2b); "(i)"/"(ii)" stay in the current
question. OCR garbles labels, so two more kinds are accepted, each flagged
``label-inferred`` for a TA: a number that names no question but whose last
digit is the next expected one ("54." for 4), and a "5 · (a)" label OCR moved
into the middle of a line.

Between labels the question's vocabulary decides: each line scores, for each
question, how many of its ``terms`` it uses, and a Viterbi pass over the lines
finds the assignment with the best total, paying ``SWITCH_COST`` for each change
of question. So an unlabelled answer (the real sheet's first and last ones)
starts where the evidence for it outweighs staying, and one stray term does not
move a line. A question started this way is flagged ``label-inferred``.

Lines before any question (the name and roll-number header), and page
furniture ("turn", "P.T.O.") belong to no question.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

from grader.flags import note
from grader.model import Line, Segment
from grader.reading.document import Document
from grader.reading.labels import Label, midline_labels, read_label, strip_label
from grader.reading.terms import Vocabulary

START_COST = 0.5  # from "no question yet" to a question: one term is enough
SWITCH_COST = 2.5  # from one question to another: needs three terms' worth of evidence
LABELLED_EXTRA = 1.5  # more if the target has its own label somewhere: its answer is probably there

LABEL_INFERRED = "label-inferred"
REPEATED_LINES = "repeated-lines"

_HEADER = re.compile(r"^(?:name|roll|reg(?:istration)?|student|enrol(?:l?ment)?)\b", re.IGNORECASE)
_FURNITURE = re.compile(
    r"^(?:p\.?\s*t\.?\s*o\.?|turn(?:\s+over)?|contd\.?|continued\.?|page\s*\d+(?:\s*(?:of|/)\s*\d+)?"
    r"|\(?over\)?|[-*_=]{3,})$",
    re.IGNORECASE,
)

State = Optional[str]  # a question id, or None before any question


def is_furniture(text: str) -> bool:
    """Page furniture ("turn", "P.T.O.", a rule): belongs to no question and needs no TA."""
    return bool(_FURNITURE.match(text))


@dataclass(frozen=True)
class QuestionCue:
    id: str
    markers: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Segmentation:
    segments: dict[str, Segment]
    unassigned: tuple[Line, ...]
    repeats: Mapping[str, int] = field(default_factory=dict)  # dropped repeated lines per question


class _Questions:
    """The rubric side of labels: which (number, letter) names which question."""

    def __init__(self, cues: Sequence[QuestionCue]):
        self.ids = [cue.id for cue in cues]
        self.keys: dict[tuple[int, str | None], str] = {}
        self.number: dict[str, int | None] = {}
        self.bare: dict[str, str] = {}  # "(b)" as a marker of its own: used before any question
        self.literal: list[tuple[re.Pattern[str], str]] = []
        self.vocab = {cue.id: Vocabulary.of(cue.terms) for cue in cues}
        for cue in cues:
            numbers = []
            for marker in cue.markers:
                label = read_label(marker.strip())
                if label is None or label.end < len(marker.strip()):
                    self.literal.append((re.compile(re.escape(marker.strip()) + r"(?![A-Za-z0-9])", re.I), cue.id))
                elif label.number is None and label.letter:
                    self.bare.setdefault(label.letter, cue.id)
                elif label.number is not None:
                    self.keys.setdefault((label.number, label.letter), cue.id)
                    numbers.append(label.number)
            if not numbers:  # no numbered marker: fall back on the id ("q2b")
                match = re.fullmatch(r"[a-z]*?(\d+)([a-h])?", cue.id, re.IGNORECASE)
                if match:
                    self.keys.setdefault((int(match[1]), match[2]), cue.id)
                    numbers.append(int(match[1]))
            self.number[cue.id] = numbers[0] if numbers else None

    def resolve(self, number: int, letter: str | None, glued: bool = False, seen: frozenset[str] = frozenset()) -> str | None:
        if letter is not None and (number, letter) in self.keys:
            return self.keys[(number, letter)]
        if glued:
            return None  # "3d convolution": only a part the rubric knows makes a glued letter a label
        if (number, None) in self.keys:
            return self.keys[(number, None)]  # "4(a)" for a question without parts
        if letter is None:  # "2." for a question in parts: its first part not yet answered
            family = [q for q in self.ids if self.number[q] == number]
            return next((q for q in family if q not in seen), family[0] if family else None)
        return None

    def next_expected(self, current: State, seen: frozenset[str]) -> set[str]:
        """The questions a student most likely answers next: the first unseen after ``current``,
        and the first unseen one of another number (after q2a, both q2b and q3)."""
        after = self.ids[self.ids.index(current) + 1 :] if current in self.ids else self.ids
        unseen = [q for q in after if q not in seen]
        expected = set(unseen[:1])
        other = [q for q in unseen if current is None or self.number[q] != self.number[current]]
        expected.update(other[:1])
        return expected


class _Stretch:
    """Viterbi over the unlabelled lines after a label (or after the start of the file)."""

    def __init__(self, start: State, states: Sequence[State], labelled: set[str]):
        self.start = start
        self.states = [s for s in states if s is not None or start is None]
        self.labelled = labelled
        self.score = {s: (0.0 if s == start else -math.inf) for s in self.states}
        self.back: list[dict[State, State]] = []
        self.lines: list[Line] = []

    def _cost(self, prev: State, state: State) -> float:
        if state is None:
            return math.inf  # once in a question, never back to "no question"
        if prev is None:
            return START_COST
        return SWITCH_COST + (LABELLED_EXTRA if state in self.labelled else 0.0)

    def push(self, line: Line, emission: Mapping[str, int]) -> None:
        score, back = {}, {}
        for state in self.states:
            best, best_prev = self.score[state], state  # staying wins ties: switch only on evidence
            for prev in self.states:
                if prev != state:
                    value = self.score[prev] - self._cost(prev, state)
                    if value > best:
                        best, best_prev = value, prev
            score[state] = best + (emission.get(state, 0) if state is not None else 0)
            back[state] = best_prev
        self.score = score
        self.back.append(back)
        self.lines.append(line)

    def current(self) -> State:
        """The best state after the lines so far (ties: the start state, then rubric order)."""
        best = max(self.score.values())
        if self.score.get(self.start) == best:
            return self.start
        return next(s for s in self.states if self.score[s] == best)

    def decode(self) -> list[State]:
        state = self.current()
        path = []
        for back in reversed(self.back):
            path.append(state)
            state = back[state]
        return path[::-1]


class _Walker:
    def __init__(self, document: Document, cues: Sequence[QuestionCue]):
        self.questions = _Questions(cues)
        self.document = document
        self.assigned: dict[int, State] = {}
        self.texts: dict[int, str] = {}
        self.inferred: set[str] = set()
        self.seen: set[str] = set()
        self.labelled = self._labelled_anywhere()
        self.list_number = -1  # the last number of a numbered list inside the current answer
        self.stretch = _Stretch(None, [None, *self.questions.ids], self.labelled)

    def _labelled_anywhere(self) -> set[str]:
        found = set()
        for line in self.document.lines:
            label = read_label(line.text)
            if label is not None and label.number is not None:
                q = self.questions.resolve(label.number, label.letter, label.glued)
                if q is not None:
                    found.add(q)
        return found

    def _seen(self) -> frozenset[str]:
        current = self.stretch.current()
        extra = {s for s in (self.stretch.start, current) if s is not None}
        return frozenset(self.seen | extra)

    def _emission(self, text: str) -> dict[str, int]:
        return {q: vocab.score(text) for q, vocab in self.questions.vocab.items()}

    def _target(self, line: Line) -> tuple[str, Label | None, bool] | None:
        """The question a label on ``line`` starts: (question, label, inferred?), or None."""
        current, seen = self.stretch.current(), self._seen()
        label = read_label(line.text)
        if label is not None:
            found = self._from_label(label, line, current, seen)
            if found is not None:
                return found
        for pattern, q in self.questions.literal:
            match = pattern.match(line.text)
            if match:
                return q, Label(None, None, None, True, 0, match.end()), False
        expected = self.questions.next_expected(current, seen)
        for mid in midline_labels(line.text):
            q = self.questions.resolve(mid.number, mid.letter, seen=seen)
            if q is not None and q in expected:
                return q, mid, True
        return None

    def _from_label(self, label: Label, line: Line, current: State, seen: frozenset[str]):
        qs = self.questions
        if label.number is None:
            if current is None:
                q = qs.bare.get(label.letter) if label.letter else None
                return (q, label, False) if q else None
            if label.letter is None:
                return current, label, False  # "(ii)": a part of the current question
            family = qs.number[current]
            q = qs.keys.get((family, label.letter)) if family is not None else None
            if q is None or (q in seen and q != current):
                return current, label, False  # "(b)" of a question with one id, or a list inside an answer
            return q, label, False
        q = qs.resolve(label.number, label.letter, label.glued, seen)
        plain = not label.prefixed and label.letter is None and label.roman is None
        if q is not None:
            if plain and (q in seen and q != current or label.number == self.list_number + 1):
                # "1." back to an answered question, or "2." after such a "1.": a numbered list in this answer
                self.list_number = label.number
                return None
            if plain and q == current:
                self.list_number = label.number  # "3." inside the answer to 3 starts a list
            return q, label, False
        if label.number >= 10 and not label.glued:  # "54." for 4: the last digit survived OCR
            q = qs.resolve(label.number % 10, label.letter, seen=seen)
            if q is not None and q not in seen:
                rest = line.text[label.end :]
                if q in qs.next_expected(current, seen) or qs.vocab[q].score(rest) > 0:
                    return q, label, True
        return None

    def _flush(self) -> None:
        states = self.stretch.decode()
        previous = self.stretch.start
        for line, state in zip(self.stretch.lines, states):
            self.assigned[line.number] = state
            if state is not None:
                self.seen.add(state)
                if state != previous:
                    self.inferred.add(state)
            previous = state

    def walk(self) -> None:
        for line in self.document.lines:
            if _FURNITURE.match(line.text) or (self.stretch.current() is None and _HEADER.match(line.text)):
                self.assigned[line.number] = None
                continue
            target = self._target(line)
            if target is None:
                self.stretch.push(line, self._emission(line.text))
                continue
            q, label, inferred = target
            if q != self.stretch.current():
                self.list_number = -1  # a new answer: no list open in it yet
            self._flush()
            self.assigned[line.number] = q
            self.texts[line.number] = strip_label(line.text, label) if label else line.text
            self.seen.add(q)
            if inferred:
                self.inferred.add(q)
            self.stretch = _Stretch(q, [None, *self.questions.ids], self.labelled)
        self._flush()


def _spans(entries: list[tuple[int, State]]) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    run_state: State = None
    run: list[int] = []
    for number, state in sorted(entries, key=lambda entry: entry[0]) + [(math.inf, None)]:
        if state != run_state or state is None:
            if run_state is not None and run:
                spans.setdefault(run_state, []).append((run[0], run[-1]))
            run_state, run = state, []
        if state is not None:
            run.append(number)
    return spans


def segment(document: Document, cues: list[QuestionCue]) -> Segmentation:
    """Assign every line of ``document`` to a question of ``cues`` (or to none)."""
    walker = _Walker(document, cues)
    walker.walk()
    assigned = walker.assigned

    # A dropped repeat belongs where the line before it belongs.
    kept_numbers = [line.number for line in document.lines]
    repeats: dict[str, int] = {}
    entries: list[tuple[int, State]] = [(n, assigned.get(n)) for n in kept_numbers]
    for line in document.dropped:
        at = bisect.bisect_left(kept_numbers, line.number)
        neighbour = kept_numbers[at - 1] if at > 0 else (kept_numbers[at] if at < len(kept_numbers) else None)
        owner = assigned.get(neighbour) if neighbour is not None else None
        entries.append((line.number, owner))
        if owner is not None:
            repeats[owner] = repeats.get(owner, 0) + 1

    spans = _spans(entries)
    segments: dict[str, Segment] = {}
    for q in walker.questions.ids:
        if q not in spans:
            continue
        lines = tuple(
            Line(line.number, walker.texts.get(line.number, line.text))
            for line in document.lines
            if assigned.get(line.number) == q and walker.texts.get(line.number, line.text)
        )
        flags = tuple(note(f) for f, on in ((LABEL_INFERRED, q in walker.inferred), (REPEATED_LINES, q in repeats)) if on)
        segments[q] = Segment(q, lines, tuple(spans[q]), flags)
    unassigned = tuple(line for line in document.lines if assigned.get(line.number) is None)
    return Segmentation(segments, unassigned, repeats)

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
import heapq
import math
import re
from array import array
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Mapping, NamedTuple, Optional, Sequence

from grader.flags import note
from grader.model import Line, Segment
from grader.reading.document import Document
from grader.reading.labels import Label, midline_labels, read_label, read_guessed_label, strip_label
from grader.reading.terms import Vocabulary

START_COST = 0.5  # from "no question yet" to a question: one term is enough
SWITCH_COST = 2.5  # from one question to another: needs three terms' worth of evidence
LABELLED_EXTRA = 1.5  # more if the target has its own label somewhere: its answer is probably there

_TEXT_CACHE = 16384  # distinct line texts whose reading and emission a walk remembers

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
        the first unseen one of another number (after q2a, both q2b and q3), and the first
        unseen of all (a student who skipped a question and comes back to it)."""
        after = self.ids[self.ids.index(current) + 1 :] if current in self.ids else self.ids
        unseen = [q for q in after if q not in seen]
        expected = set(unseen[:1])
        other = [q for q in unseen if current is None or self.number[q] != self.number[current]]
        expected.update(other[:1])
        expected.update([q for q in self.ids if q not in seen][:1])
        return expected


class _Stretch:
    """Viterbi over the unlabelled lines after a label (or after the start of the file).

    A step costs O(states), not O(states²): the cost of a switch from a question depends only
    on its target, so the best question to come from is the best-scoring one, or the runner-up
    for the leader itself. Back-pointers are state indices in one flat array (two bytes per
    state and line), so a long stretch holds no dict per line.

    A run of lines that score alike settles: once a step has raised every question's score by
    the same amount, every further step with the same emission takes the same back-pointers and
    raises them by that amount again, since no comparison between questions changes and "no
    question", which never rises, only falls behind. Those steps are then counted, not computed
    (a million "a" lines cost a few steps), and applied when the run ends.
    """

    def __init__(self, start: State, questions: Sequence[str], labelled: set[str]):
        self.start = start
        # "No question" is a state only before any question, and then the first one.
        self.states: Sequence[State] = [None, *questions] if start is None else questions
        self.labelled = labelled
        self._start = self.states.index(start)
        self.score = [-math.inf] * len(self.states)  # behind by ``_pending`` settled steps
        self.score[self._start] = 0.0
        self._offset = 1 if start is None else 0  # where the questions start in ``states``
        self._steps: list[tuple[int, float]] | None = None  # made on the first push (most stretches get none)
        # Line k's back-pointer for state i is at k * len(states) + i (two bytes each, for any rubric).
        self.back = array("H" if len(self.states) <= 0xFFFF else "L")
        self.lines = array("L")  # the lines of the stretch, as their positions in the document
        self._current = start
        self._settled: tuple[Sequence[int], list[int], float] | None = None  # a step that repeats, and its rise
        self._pending = 0  # settled steps not yet applied to ``score`` and ``back``

    def push(self, line: int, emission: Sequence[int]) -> None:
        """One more line (its position); ``emission[k]``: how well it fits the k-th question of ``states``."""
        self.lines.append(line)
        if self._settled is not None:
            if emission == self._settled[0]:
                self._pending += 1
                return
            self._apply_pending()
        if self._steps is None:
            # Each question state and what switching into it from another question costs (by its
            # target only); from "no question" a switch costs START_COST, and nothing switches
            # back to "no question" once in a question.
            self._steps = [(i, SWITCH_COST + (LABELLED_EXTRA if s in self.labelled else 0.0))
                           for i, s in enumerate(self.states) if s is not None]
        old = self.score
        # The best question to switch from (first in rubric order on ties) and the runner-up,
        # the best one for the leader itself; a switch costs the same from every question.
        first = second = -1
        for i, _ in self._steps:
            if first < 0 or old[i] > old[first]:
                first, second = i, first
            elif second < 0 or old[i] > old[second]:
                second = i
        if self._offset:  # "no question" (state 0) only ever stays
            from_none = old[0] - START_COST
            score, back = [old[0]], [0]
        else:
            from_none = -math.inf
            score, back = [], []
        for (i, switch), fit in zip(self._steps, emission):
            best, best_prev = old[i], i  # staying wins ties: switch only on evidence
            # Candidates in the order of ``states`` ("no question" first), each taken only if
            # strictly better, as a scan over every predecessor would take them.
            if from_none > best:
                best, best_prev = from_none, 0
            prev = second if i == first else first
            if prev >= 0 and old[prev] - switch > best:
                best, best_prev = old[prev] - switch, prev
            score.append(best + fit)
            back.append(best_prev)
        self.score = score
        self.back.extend(back)
        top = max(score)  # the best state now (ties: the start state, then rubric order)
        self._current = self.start if score[self._start] == top else self.states[score.index(top)]
        self._settle(emission, back, old)

    def _settle(self, emission: Sequence[int], back: list[int], old: list[float]) -> None:
        """Does the step just taken repeat from now on while the emission stays the same?"""
        offset = self._offset
        rise = self.score[offset] - old[offset]
        if not math.isfinite(rise) or any(self.score[i] - old[i] != rise for i in range(offset, len(old))):
            return
        # From "no question" nothing may come (its candidate does not rise with the rest), and it
        # may be the best state only if nothing rises.
        if rise and (self._current is None or (offset and 0 in back[offset:])):
            return
        self._settled = (emission, back, rise)

    def _apply_pending(self) -> None:
        if self._pending:
            _, back, rise = self._settled
            offset, steps = self._offset, self._pending
            self.score = self.score[:offset] + [value + steps * rise for value in self.score[offset:]]
            self.back.extend(array(self.back.typecode, back) * steps)
            self._pending = 0
        self._settled = None

    def current(self) -> State:
        """The best state after the lines so far (ties: the start state, then rubric order)."""
        return self._current

    def decode(self) -> list[State]:
        self._apply_pending()
        if not self.lines:
            return []
        width = len(self.states)
        index = self.states.index(self.current())
        path = []
        for k in range(len(self.lines) - 1, -1, -1):
            path.append(self.states[index])
            index = self.back[k * width + index]
        return path[::-1]


class _Marks(NamedTuple):
    """What a line's text says by itself, whatever comes before it."""

    furniture: bool
    header: bool
    label: Label | None
    literal: tuple[str, int] | None  # the question a literal marker at the start names, and its end
    midline: tuple[Label, ...]

    @property
    def unmarked(self) -> bool:
        """Nothing on the line can start a question: most lines."""
        return self.label is None and self.literal is None and not self.midline


class _Walker:
    def __init__(self, document: Document, cues: Sequence[QuestionCue]):
        self.questions = _Questions(cues)
        self.document = document
        self.assigned: list[State] = [None] * len(document.lines)  # by position in the document
        self.texts: dict[int, str] = {}  # by position: the text of a line whose label came off
        self.inferred: set[str] = set()
        self.seen: set[str] = set()
        # What a line's text says by itself and how it scores depend on the text only: each
        # distinct text is read once (a sheet of a million "a" lines costs one reading, not a million).
        self._label = lru_cache(maxsize=_TEXT_CACHE)(read_label)
        self._marks = lru_cache(maxsize=_TEXT_CACHE)(self._read)
        self._emission = lru_cache(maxsize=_TEXT_CACHE)(self._score)
        self.labelled = self._labelled_anywhere()
        self.list_number = -1  # the last number of a numbered list inside the current answer
        self.stretch = _Stretch(None, self.questions.ids, self.labelled)

    def _labelled_anywhere(self) -> set[str]:
        found = set()
        for line in self.document.lines:
            label = self._label(line.text)
            if label is not None and label.number is not None:
                q = self.questions.resolve(label.number, label.letter, label.glued)
                if q is not None:
                    found.add(q)
        return found

    def _seen(self) -> frozenset[str]:
        current = self.stretch.current()
        extra = {s for s in (self.stretch.start, current) if s is not None}
        return frozenset(self.seen | extra)

    def _read(self, text: str) -> _Marks:
        literal = next(((q, m.end()) for pattern, q in self.questions.literal if (m := pattern.match(text))), None)
        label = self._label(text)
        if label is None and literal is None:
            label = read_guessed_label(text)
        return _Marks(bool(_FURNITURE.match(text)), bool(_HEADER.match(text)), label, literal,
                      tuple(midline_labels(text)))

    def _score(self, text: str) -> tuple[int, ...]:
        """The emission of a line: how many terms of each question it uses, in rubric order."""
        return tuple(self.questions.vocab[q].score(text) for q in self.questions.ids)

    def _target(self, line: Line, marks: _Marks) -> tuple[str, Label | None, bool] | None:
        """The question a label on ``line`` starts: (question, label, inferred?), or None."""
        current = self.stretch.current()
        if marks.label is not None:
            found = self._from_label(marks.label, line, current, self._seen())
            if found is not None:
                return found
        if marks.literal is not None:
            q, end = marks.literal
            return q, Label(None, None, None, True, 0, end), False
        if not marks.midline:
            return None  # most lines: no need to work out what was seen and what comes next
        seen = self._seen()
        expected = self.questions.next_expected(current, seen)
        for mid in marks.midline:
            q = self.questions.resolve(mid.number, mid.letter, seen=seen)
            if q is not None and q in expected:
                return q, mid, True
        return None

    def _from_label(self, label: Label, line: Line, current: State, seen: frozenset[str]):
        qs = self.questions
        if label.guessed:  # "S." or "5 Group" for 5: only where question 5 is expected, or the line is about it
            q = qs.resolve(label.number, None, seen=seen)
            if q is None or q in seen:
                return None
            if q in qs.next_expected(current, seen) or qs.vocab[q].score(line.text[label.end:]) > 0:
                return q, label, True
            return None
        if label.number is None:
            if current is None:
                q = qs.bare.get(label.letter) if label.letter else None
                return (q, label, False) if q else None
            if label.letter is None:
                return current, None, False  # "(ii)": a part of the current question, kept in its text
            family = qs.number[current]
            q = qs.keys.get((family, label.letter)) if family is not None else None
            if q is None or (q in seen and q != current):
                # "(b)" of a question with one id, or a list inside an answer: the student's text, kept
                # (for a choice question it is the answer itself)
                return current, None, False
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
            return q, self._naming(label), False
        if label.number >= 10 and not label.glued:  # "54." for 4: the last digit survived OCR
            q = qs.resolve(label.number % 10, label.letter, seen=seen)
            if q is not None and q not in seen:
                rest = line.text[label.end :]
                if q in qs.next_expected(current, seen) or qs.vocab[q].score(rest) > 0:
                    return q, self._naming(replace(label, number=label.number % 10)), True
        return None

    def _naming(self, label: Label) -> Label:
        """The part of a numbered label that names its question, stripped from the line. In "1. (b)"
        for a question 1 without parts, "(b)" is not part of the question's name but the answer's
        text (a choice question's answer, or the first item of a list): only "1." is taken off.
        Likewise the "(ii)" of "7. (ii)": the rubric's parts of question 7 are read from the text."""
        if label.number_end is None or (label.letter is None and label.roman is None):
            return label
        if label.letter is not None and (label.number, label.letter) in self.questions.keys:
            return label
        return replace(label, end=label.number_end)

    def _flush(self) -> None:
        states = self.stretch.decode()
        previous = self.stretch.start
        for index, state in zip(self.stretch.lines, states):
            self.assigned[index] = state
            if state is not None:
                self.seen.add(state)
                if state != previous:
                    self.inferred.add(state)
            previous = state

    def walk(self) -> None:
        for index, line in enumerate(self.document.lines):
            marks = self._marks(line.text)
            if marks.furniture or (marks.header and self.stretch.current() is None):
                self.assigned[index] = None
                continue
            target = None if marks.unmarked else self._target(line, marks)
            if target is None:
                self.stretch.push(index, self._emission(line.text))
                continue
            q, label, inferred = target
            if q != self.stretch.current():
                self.list_number = -1  # a new answer: no list open in it yet
            self._flush()
            self.assigned[index] = q
            self.texts[index] = strip_label(line.text, label) if label else line.text
            self.seen.add(q)
            if inferred:
                self.inferred.add(q)
            self.stretch = _Stretch(q, self.questions.ids, self.labelled)
        self._flush()


def _number(entry: tuple[int, State]) -> int:
    return entry[0]


def _spans(entries: Iterable[tuple[int, State]]) -> dict[str, list[tuple[int, int]]]:
    """The runs of lines of each question, from ``(line number, state)`` in line order."""
    spans: dict[str, list[tuple[int, int]]] = {}
    run_state: State = None
    first = last = 0
    for number, state in entries:
        if state != run_state or state is None:
            if run_state is not None:
                spans.setdefault(run_state, []).append((first, last))
            run_state, first = state, number
        last = number
    if run_state is not None:
        spans.setdefault(run_state, []).append((first, last))
    return spans


def segment(document: Document, cues: list[QuestionCue]) -> Segmentation:
    """Assign every line of ``document`` to a question of ``cues`` (or to none)."""
    walker = _Walker(document, cues)
    walker.walk()
    assigned = walker.assigned

    # A dropped repeat belongs where the line before it belongs.
    kept_numbers = [line.number for line in document.lines] if document.dropped else []
    repeats: dict[str, int] = {}
    dropped: list[tuple[int, State]] = []
    for line in document.dropped:
        at = bisect.bisect_left(kept_numbers, line.number)
        neighbour = at - 1 if at > 0 else (at if at < len(kept_numbers) else None)
        owner = assigned[neighbour] if neighbour is not None else None
        dropped.append((line.number, owner))
        if owner is not None:
            repeats[owner] = repeats.get(owner, 0) + 1

    # Kept lines are in file order, dropped ones once sorted: merged, not all sorted together.
    kept = ((line.number, state) for line, state in zip(document.lines, assigned))
    spans = _spans(heapq.merge(kept, sorted(dropped, key=_number), key=_number) if dropped else kept)
    # One pass over the lines for all questions; a line keeps its object unless its label came off.
    chosen: dict[str, list[Line]] = {q: [] for q in walker.questions.ids}
    unplaced: list[Line] = []
    for index, (line, q) in enumerate(zip(document.lines, assigned)):
        if q is None:
            unplaced.append(line)
            continue
        text = walker.texts.get(index, line.text)
        if text:
            chosen[q].append(line if text == line.text else Line(line.number, text))
    segments: dict[str, Segment] = {}
    for q in walker.questions.ids:
        if q not in spans:
            continue
        lines = tuple(chosen[q])
        flags = tuple(note(f) for f, on in ((LABEL_INFERRED, q in walker.inferred), (REPEATED_LINES, q in repeats)) if on)
        segments[q] = Segment(q, lines, tuple(spans[q]), flags)
    return Segmentation(segments, tuple(unplaced), repeats)

"""Deciding what the student selected, from the statements of every line of the answer.

Explicit statements on adjacent lines form one block ("(a) ✓ / (b) ✗ / (c) ✓"); a cue
or a correction starts a new block, and the last block is the answer; a correction
("no, (c)") also supersedes everything before it. Without an explicit statement the
labels mentioned are the answer, and without labels the option texts found. A label
wins over an option's text on the same line (and a disagreement is flagged).

Single choice and true/false take one option: naming several ("(a) or (c)", two
labels in the deciding statement) is invalid — ambiguous, for a TA — never silently
the first; so is hesitating ("or") between options for any kind, and an explicit label
that is not an option.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from grader.flags import note
from grader.model import Line
from grader.types.choice_statements import LineReader, Statement
from grader.types.choice_text import text_statements

if TYPE_CHECKING:
    from grader.types.choice import ChoiceParams


@dataclass(frozen=True)
class Selection:
    """The options the student selected: the value ``parse`` hands to ``compare``."""

    labels: tuple[str, ...]  # in option order
    how: tuple[tuple[str, str], ...]  # (label, "label" | "text"): the feedback says how each was read

    def by(self, label: str) -> str:
        return dict(self.how).get(label, "label")


@dataclass(frozen=True)
class Reading:
    """A whole answer read: the selection (None: nothing selected, or invalid) and the statements behind it."""

    selection: Selection | None
    statements: tuple[Statement, ...]
    problem: str | None = None  # why the answer is invalid
    flags: tuple[Any, ...] = ()


def _adjacent(a: int, b: int) -> bool:
    """Whether two statements' lines are close enough to be one block ("(a) ✓" / "(b) ✗" on the next line)."""
    return b - a <= 1


def _apply(selected: list[tuple[str, str]], statement: Statement) -> None:
    """Add a statement's options to a selection, or remove them when it negates them."""
    if statement.negated:
        selected[:] = [(label, how) for label, how in selected if label not in statement.labels]
        return
    for label in statement.labels:
        if label not in [s for s, _ in selected]:
            selected.append((label, statement.how))


def read_selection(lines: Sequence[Line], params: ChoiceParams) -> Reading:
    """What the student selected: the deciding statements, or why the answer cannot be read."""
    reader = LineReader(params)
    statements: list[Statement] = []
    corrections: list[tuple[int, int]] = []
    conflicts: list[tuple[int, str]] = []
    cue_pending = correction_pending = False
    for index, line in enumerate(lines):
        got = reader.read(index, line, cue_pending, correction_pending, reader.wrapped_article(lines, index))
        label_here = [s for s in got.statements if not s.negated]
        texts = text_statements(reader, index, line, cue_pending)
        if label_here:  # the label wins over the text on the same line; say so when they disagree
            named = {label for s in label_here for label in s.labels}
            for t in texts:
                if not t.negated and not set(t.labels) & named:
                    said = shown_labels(sorted(named, key=params.labels.index))
                    conflicts.append((index, f"line {line.number}: the label says {said}"
                                     f" but the text is option {shown_labels(t.labels)}'s"))
            texts = [t for t in texts if t.negated]
        statements.extend(got.statements)
        statements.extend(texts)
        corrections.extend(got.corrections)
        cue_pending = got.dangling_cue and not got.statements and not texts
        correction_pending = bool(got.corrections) and not any(s.order > max(got.corrections) for s in got.statements)
    statements.sort(key=lambda s: s.order)
    # A correction ("no, (c)") supersedes everything before it, when something follows it.
    for mark in sorted(corrections, reverse=True):
        if any(s.order > mark and s.explicit for s in statements):
            statements = [s for s in statements if s.order > mark]
            break
    flags: list[Any] = []

    # 1. explicit statements, in blocks of adjacent lines; the last block decides.
    blocks: list[tuple[list[Statement], list[tuple[str, str]], list[str]]] = []
    last_index = -10
    for s in statements:
        if s.negated:
            if blocks and _adjacent(last_index, s.index):
                _apply(blocks[-1][1], s)
                blocks[-1][0].append(s)
                last_index = s.index
            continue
        if not s.explicit:
            continue
        if s.opens or not blocks or not _adjacent(last_index, s.index):
            blocks.append(([], [], []))
        blocks[-1][0].append(s)
        _apply(blocks[-1][1], s)
        blocks[-1][2].extend(u for u in s.unknown if u not in blocks[-1][2])
        last_index = s.index
    for members, selected, unknown in reversed(blocks):
        if selected or unknown:
            return _decide(params, members, selected, unknown, flags, conflicts)

    # 2. labels mentioned; 3. option texts found.
    for how in ("label", "text"):
        selected: list[tuple[str, str]] = []
        members = [s for s in statements if s.how == how]
        for s in members:
            _apply(selected, s)
        if selected:
            if how == "text":
                flags.append(note("needs-review", "read from the option's text in the explanation, not a label"))
            used = [s for s in members if not s.negated and set(s.labels) & {lab for lab, _ in selected}]
            return _decide(params, used, selected, [], flags, conflicts)
    return Reading(None, tuple(statements))


def shown_labels(labels: Sequence[str]) -> str:
    """Labels as a student would write them: "(a), (c)"."""
    return ", ".join(f"({label})" for label in labels)


def _decide(params: ChoiceParams, members: list[Statement], selected: list[tuple[str, str]], unknown: list[str],
            flags: list[Any], conflicts: Sequence[tuple[int, str]] = ()) -> Reading:
    """The reading of the deciding statements: their selection, or why it cannot be graded (for a TA)."""
    deciding = {s.index for s in members}
    flags = [note("needs-review", why) for index, why in conflicts if index in deciding] + flags
    order = {label: k for k, label in enumerate(params.labels)}
    selected = sorted(selected, key=lambda s: order[s[0]])
    labels = tuple(label for label, _ in selected)
    shown = shown_labels(labels) if params.kind != "true_false" else " and ".join(l.capitalize() for l in labels)
    if unknown:
        return Reading(None, tuple(members), f"the answer names {shown_labels(unknown)}, which is not one of the "
                       f"options ({', '.join(params.labels)})", tuple(flags))
    if any(s.hedged for s in members) and len(labels) > 1:
        return Reading(None, tuple(members), f"the answer hesitates between {shown}", tuple(flags))
    if params.kind != "multiple" and len(labels) > 1:
        return Reading(None, tuple(members), f"the answer names several options ({shown}) where one is asked for",
                       tuple(flags))
    repairs = tuple(dict.fromkeys(r for s in members for r in s.repairs))
    if repairs:
        flags.append("ocr-repaired")
    return Reading(Selection(labels, tuple(selected)), tuple(members), None, tuple(dict.fromkeys(flags)))

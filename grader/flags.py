"""The catalogue of flags: every reason the engine asks a human to look, in one place.

A flag on a result is a ``Note``: a catalogued ``code`` plus the plain-language
``message`` a TA or student reads (the catalogue's text, with what this case adds).
Modules raise flags by code through ``note()``; an unknown code is a programming
error caught at once, so the catalogue is always complete.

``severity``: ``info`` (worth knowing, nothing to do), ``review`` (a human should
check the grade), ``fault`` (the grader or rubric failed: the points are not the
student's verdict). ``audience``: ``all`` or ``ta`` (kept out of a student's page).
``transient``: the cause lies in the run, not in the answer (a time limit, a worker
that died), so the result is never cached or journaled as final: it is graded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["info", "review", "fault"]


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    severity: Severity
    audience: Literal["all", "ta"] = "all"
    transient: bool = False


@dataclass(frozen=True)
class Note:
    """A flag raised on one result: its code, what it says, and the rubric item it concerns (if any)."""

    code: str
    message: str
    item: str | None = None

    @property
    def flag(self) -> Flag:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> Severity:
        return self.flag.severity

    def __str__(self) -> str:
        return f"{self.item}: {self.message}" if self.item else self.message


_FLAGS = (
    # reading and segmenting
    Flag("label-inferred", "the question label was guessed from garbled text or from what the answer is about", "review", "ta"),
    Flag("repeated-lines", "lines the scan repeated were read once", "info", "ta"),
    Flag("unplaced-text", "some lines could not be placed under any question; they are listed for the TA", "review", "ta"),
    Flag("answer-truncated", "the answer is far longer than any handwritten answer; only its first lines were graded", "review"),
    # the student's answer
    Flag("unreadable-answer", "the answer was found but could not be read (a format problem, not a wrong answer)", "review"),
    Flag("ocr-suspect", "some values look damaged by the scan", "review"),
    Flag("ocr-repaired", "read with OCR repairs; please check them", "review"),
    Flag("needs-review", "the grade rests on a reading a human should confirm", "review"),
    Flag("construction-uncertain", "the worked example could not be read with certainty", "review"),
    Flag("format-assumed", "the notation was not stated and was assumed", "review"),
    Flag("ground-truth-assumed", "which value is the reference was not stated and was assumed", "review"),
    Flag("expression-undecided", "whether the formula equals the reference could not be decided", "review"),
    Flag("question-text-ignored", "lines that copy the question were not graded as the answer", "info", "ta"),
    Flag("part-unlabelled", "no label was found for some parts of the question; their items read the whole answer", "review", "ta"),
    Flag("carried-forward", "credited as error carried forward from the student's own earlier answer", "info"),
    Flag("implied", "credited because other items of the question that the marking scheme says earn it are right", "info"),
    Flag("by-hand", "graded by hand: the rubric leaves this item to a TA", "review"),
    Flag("earlier-rubric", "kept from an earlier run that used another version of the rubric; grade this sheet again to update it", "review"),
    # faults: never the student's
    Flag("time-limit", "not graded: time limit", "fault", transient=True),
    Flag("grader-fault", "not graded: the grader failed on this item (a fault of the grader, not of the answer)", "fault"),
    Flag("feedback-fault", "not graded: the item's feedback could not be written (a fault of the rubric, not of the answer)", "fault"),
    Flag("sheet-time-limit", "not graded: the sheet took longer than its time limit", "fault", transient=True),
    Flag("worker-died", "not graded: the grading process died", "fault", transient=True),
    Flag("unreadable-file", "the file could not be read as a text transcript", "fault"),
)
CATALOGUE: dict[str, Flag] = {flag.code: flag for flag in _FLAGS}


def note(code: str, detail: str = "", item: str | None = None) -> Note:
    """A flag of the catalogue, with ``detail`` saying what this case adds."""
    flag = CATALOGUE[code]  # KeyError: a code missing from the catalogue is our bug
    return Note(code, f"{flag.message} ({detail})" if detail else flag.message, item)


def is_transient(notes) -> bool:
    return any(CATALOGUE[n.code].transient for n in notes)


def needs_review(notes) -> bool:
    return any(CATALOGUE[n.code].severity != "info" for n in notes)


def for_audience(notes, audience: str):
    return tuple(n for n in notes if audience == "ta" or CATALOGUE[n.code].audience == "all")

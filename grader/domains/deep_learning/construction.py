"""``construction``: the student builds a worked example of boxes; check that it shows the claim.

The question asks for an example ("two predictions at the same L2 distance from
the ground truth but with different IoU"); the rubric names the claim as metrics
that must be ``same`` and metrics that must be ``different`` between two
predictions. Metrics: ``iou``; ``l2`` (in the parameterisation the student states);
``l2_corners``, ``l2_centre_size``, ``l2_corner_size`` (in that one).

Two parts an item can check (``part:``):

* ``claim``      — the boxes the student wrote (``box_reading``) show the claim: the
  ``same`` metrics are exactly equal and the ``different`` ones differ. Which box
  is the ground truth and how four numbers are read come from the student's words;
  where the answer does not say, every reading is tried and the question is
  flagged (``ground-truth-assumed``, ``format-assumed``). When three boxes cannot
  be read at all (OCR), the values the student states are used instead: they earn
  ``uncertain_credit`` if they agree with the claim, flagged
  ``construction-uncertain`` for a TA.
* ``arithmetic`` — the student's own numbers: each arithmetic step written holds
  (``grader.mathtext.arithmetic``) and each stated IoU / L2 value is what the boxes
  give. Credit is the share of checks that hold; the feedback lists those that fail.
"""

from __future__ import annotations

import json

import re

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any, Literal, Mapping

from pydantic import Field

from grader.mathtext.arithmetic import check_arithmetic
from grader.model import Evidence, Outcome, Segment
from grader.domains.deep_learning.boxes import FORMATS, BoxError, Format, from_corners, iou, l2_squared, sqrt_text, to_corners
from grader.types.base import CheckParams, Comparison, Parsed, QuestionContext, QuestionType, SelfTest, register
from grader.domains.deep_learning.box_reading import METRIC_PATTERNS, Stated, WrittenBox, read_boxes, stated_format, stated_values

Metric = Literal["iou", "l2", "l2_corners", "l2_centre_size", "l2_corner_size"]
_ROOTED = {"l2", "l2_corners", "l2_centre_size", "l2_corner_size"}  # compared as exact squares


class ConstructionParams(CheckParams):
    part: Literal["claim", "arithmetic"]
    same: list[Metric] = Field(default_factory=lambda: ["l2"], description="metrics equal for both predictions")
    different: list[Metric] = Field(default_factory=lambda: ["iou"], description="metrics that must differ")
    aliases: dict[str, list[str]] = Field(default_factory=dict, description="OCR variants of metric names ('iou': ['TOU'])")
    uncertain_credit: float = Field(default=0.5, ge=0, le=1, description="claim credit when boxes cannot be read but stated values agree")


@dataclass(frozen=True)
class Reading:
    """One way of reading the student's boxes: a format, a ground truth and two predictions."""

    fmt: Format
    truth: WrittenBox
    pair: tuple[WrittenBox, WrittenBox]
    corners: Mapping[int, tuple[Fraction, ...]]  # id(box) -> corner box
    assumed: tuple[str, ...]

    def measure(self, metric: str, box: WrittenBox) -> Fraction:
        """IoU, or the SQUARED L2 distance of ``box`` from the truth."""
        gt, other = self.corners[id(self.truth)], self.corners[id(box)]
        if metric == "iou":
            return iou(gt, other)
        fmt = self.fmt if metric == "l2" else metric.removeprefix("l2_")
        return l2_squared(gt, other, fmt)  # type: ignore[arg-type]


def _show(metric: str, value: Fraction) -> str:
    return sqrt_text(value) if metric in _ROOTED else str(value)


def _name(box: WrittenBox) -> str:
    return box.name or box.text


def failed_claims(reading: Reading, params: ConstructionParams) -> list[str]:
    p, q = reading.pair
    problems = []
    for metric in params.same:
        a, b = reading.measure(metric, p), reading.measure(metric, q)
        if a != b:
            problems.append(f"{metric} differs: {_show(metric, a)} for {_name(p)} but {_show(metric, b)} for {_name(q)}")
    for metric in params.different:
        a, b = reading.measure(metric, p), reading.measure(metric, q)
        if a == b:
            problems.append(f"{metric} is the same ({_show(metric, a)}) for {_name(p)} and {_name(q)}")
    return problems


def _readings(boxes: list[WrittenBox], stated: Format | None):
    formats = [stated] if stated else list(FORMATS)
    truths = [b for b in boxes if b.role == "truth"] or boxes
    for fmt in formats:
        corners = {}
        for box in boxes:
            try:
                corners[id(box)] = to_corners(box.values, box.fmt or fmt)
            except BoxError:
                continue
        for truth in truths:
            if id(truth) not in corners:
                continue
            others = [b for b in boxes if b is not truth and id(b) in corners and corners[id(b)] != corners[id(truth)]
                      and b.role != "truth"]
            for pair in combinations(others, 2):
                assumed = tuple(flag for flag, cond in (("format-assumed", stated is None),
                                                        ("ground-truth-assumed", truth.role != "truth")) if cond)
                yield Reading(fmt, truth, pair, corners, assumed)


def best_reading(ctx: QuestionContext, params: ConstructionParams) -> tuple[Reading, list[str]] | None:
    """The reading of the student's boxes that shows the most of the claim (stated format and
    labelled truth preferred, then the order of writing)."""
    boxes = read_boxes(ctx.segment.lines)
    best = None
    for order, reading in enumerate(_readings(boxes, stated_format(ctx.segment.lines))):
        problems = failed_claims(reading, params)
        rank = (len(problems), len(reading.assumed), order)
        if best is None or rank < best[0]:
            best = (rank, reading, problems)
    return None if best is None else (best[1], best[2])




def matches(stated: Stated, truth_value: Fraction, metric: str) -> tuple[bool, str]:
    """Is a stated value the true one? L2 values are compared with the root of the exact square."""
    if metric not in _ROOTED:
        if stated.places is None:
            return stated.value == truth_value, ""
        return abs(stated.value - truth_value) <= Fraction(1, 10**stated.places), ""
    if stated.square is not None:
        return stated.square == truth_value, ""
    if stated.places is None and stated.value == truth_value and truth_value != 1:
        return True, "the squared distance"
    root = float(truth_value) ** 0.5
    window = 10.0 ** -(stated.places or 0) if stated.places is not None else 1e-9
    return abs(float(stated.value) - root) <= window + 1e-12, ""


@register
class ConstructionType(QuestionType):
    name = "construction"
    Params = ConstructionParams

    def check_params(self, params: ConstructionParams, refs: Mapping[str, Any]) -> list[str]:
        problems = [f"aliases: unknown metric {m!r}" for m in params.aliases if m not in METRIC_PATTERNS]
        if set(params.same) & set(params.different):
            problems.append("a metric cannot be both same and different")
        for key in ("ground_truth", "predictions"):
            if key not in refs:
                problems.append(f"reference {key!r} missing: use the box_geometry solver for an example construction")
        if "predictions" in refs and len(refs["predictions"]) < 2:
            problems.append("the example construction needs two predictions")
        return problems

    def reading_key(self, params: ConstructionParams) -> tuple:
        return ("stated", json.dumps(params.aliases, sort_keys=True))  # what stated_values depends on

    def read(self, segment: Segment, params: ConstructionParams) -> list[Stated]:
        return stated_values(segment.lines, params.aliases)

    def parse(self, ctx: QuestionContext, params: ConstructionParams) -> Parsed | None:
        found = best_reading(ctx, params)
        stated = ctx.reading
        steps = check_arithmetic(ctx.segment.lines) if params.part == "arithmetic" else []
        if found is None and not stated and not steps:
            return None
        evidence = ()
        if found:
            reading = found[0]
            evidence = tuple(Evidence(b.line, f"{_name(b)} = {b.text}") for b in (reading.truth, *reading.pair))
        return Parsed({"reading": found, "stated": stated, "steps": steps}, evidence)

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: ConstructionParams) -> Comparison:
        if params.part == "claim":
            return self._claim(parsed, ctx, params)
        return self._arithmetic(parsed, ctx, params)

    def _claim(self, parsed: Parsed, ctx: QuestionContext, params: ConstructionParams) -> Comparison:
        claim = " and ".join([f"same {m}" for m in params.same] + [f"different {m}" for m in params.different])
        found = parsed.value["reading"]
        if found is None:
            return self._from_stated(parsed, params, claim)
        reading, problems = found
        described = f"{len(reading.pair) + 1} boxes read as {reading.fmt.replace('_', '+')}"
        if problems:
            return Comparison(0.0, Outcome.INCORRECT, found=described, expected=claim, detail="; ".join(problems),
                              evidence=parsed.evidence, flags=reading.assumed)
        values = "; ".join(f"{m}: {_show(m, reading.measure(m, reading.pair[0]))} and {_show(m, reading.measure(m, reading.pair[1]))}"
                           for m in [*params.same, *params.different])
        return Comparison(1.0, Outcome.CORRECT, found=described, expected=claim, detail=values,
                          evidence=parsed.evidence, flags=reading.assumed)

    def _from_stated(self, parsed: Parsed, params: ConstructionParams, claim: str) -> Comparison:
        stated: list[Stated] = parsed.value["stated"]
        evidence = tuple(Evidence(s.line, f"{s.metric} = {s.text}") for s in stated)
        by_metric = {m: [s for s in stated if s.metric == m.split("_")[0]] for m in [*params.same, *params.different]}
        contradicted = [m for m in params.same if len({s.value for s in by_metric[m]}) > 1]
        shown = [m for m in params.different if len({s.value for s in by_metric[m]}) > 1]
        detail = "could not read three complete boxes, so the construction cannot be checked"
        if contradicted:
            values = ", ".join(s.text for m in contradicted for s in by_metric[m])
            return Comparison(0.0, Outcome.INCORRECT, found="stated values", expected=claim, evidence=evidence,
                              detail=f"{detail}; the values stated for {', '.join(contradicted)} differ ({values})")
        if len(shown) == len(params.different) and params.uncertain_credit > 0:
            values = "; ".join(f"{m}: " + ", ".join(s.text for s in by_metric[m]) for m in params.different)
            return Comparison(params.uncertain_credit, Outcome.PARTIAL, found="stated values", expected=claim,
                              detail=f"{detail}; the values you state agree with it ({values})",
                              evidence=evidence, flags=("construction-uncertain",))
        return Comparison(0.0, Outcome.INCORRECT, found="stated values", expected=claim, evidence=evidence,
                          detail=f"{detail}, and the values stated do not show it", flags=("construction-uncertain",))

    def _arithmetic(self, parsed: Parsed, ctx: QuestionContext, params: ConstructionParams) -> Comparison:
        checks: list[tuple[bool, Evidence, str]] = []
        for step in parsed.value["steps"]:
            text = f"{step.left} = {step.right}"
            checks.append((step.holds, Evidence(step.line, text + (f" ({step.note})" if step.note else "")), text))
        found = parsed.value["reading"]
        if found is not None:
            reading = found[0]
            for stated in parsed.value["stated"]:
                metric = stated.metric if stated.metric == "iou" else "l2"
                if metric not in (*params.same, *params.different):
                    continue
                named = [box for box in reading.pair if box.name and re.search(rf"(?<![A-Za-z]){re.escape(box.name)}(?![A-Za-z])", stated.about)]
                truths = [reading.measure(metric, box) for box in (named or reading.pair)]
                verdicts = [matches(stated, value, metric) for value in truths]
                ok = any(v[0] for v in verdicts)
                note = next((v[1] for v in verdicts if v[0] and v[1]), "")
                expected = " or ".join(_show(metric, v) for v in truths)
                text = f"{stated.metric} = {stated.text}" + (f" ({note})" if note else "" if ok else f", expected {expected}")
                checks.append((ok, Evidence(stated.line, text), text))
        if not checks:
            return Comparison(0.0, Outcome.MISSING, detail="no arithmetic or stated values to check")
        right = sum(1 for ok, _, _ in checks if ok)
        wrong = [text for ok, _, text in checks if not ok]
        fraction = right / len(checks)
        outcome = Outcome.CORRECT if not wrong else Outcome.PARTIAL if right else Outcome.INCORRECT
        return Comparison(round(fraction, 6), outcome, found=f"{right} of {len(checks)} checks hold",
                          detail="does not hold: " + "; ".join(wrong) if wrong else "every step holds",
                          evidence=tuple(e for _, e, _ in checks))

    def self_test(self, params: ConstructionParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        gt = refs["ground_truth"]
        names = list(refs["predictions"])[:2]
        boxes = [refs[f"box_{n}"] for n in names]
        correct = _example_text(gt, names, boxes, params)
        if params.part == "claim":
            moved = list(boxes[1])
            moved[2] += 1  # the second prediction grows: its distance changes
            wrong = _example_text(gt, names, [boxes[0], tuple(moved)], params, values_of=boxes)
            why = "the second prediction moved, the claim kept"
        else:
            wrong = correct.replace(f"= {iou(gt, boxes[0])}.", f"= {iou(gt, boxes[0]) + Fraction(1, 10)}.", 1)
            why = "a wrong IoU stated"
        return [SelfTest("correct", correct, "the rubric's example construction"),
                SelfTest("incorrect", wrong, why),
                SelfTest("invalid", "I could not think of an example.", "no construction")]


def _tuple(box) -> str:
    return "(" + ", ".join(str(v) for v in box) + ")"


def _example_text(gt, names, boxes, params: ConstructionParams, values_of=None) -> str:
    """An answer in corners, stating the metrics ``values_of`` the boxes give (default: these)."""
    values_of = values_of or boxes
    lines = [f"Boxes as (x1, y1, x2, y2): ground truth G = {_tuple(gt)}, "
             + " and ".join(f"prediction {n.upper()} = {_tuple(b)}" for n, b in zip(names, boxes)) + "."]
    for n, b in zip(names, values_of):
        lines.append(f"For {n.upper()}: L2 = {sqrt_text(l2_squared(gt, b, 'corners'))} and IoU = {iou(gt, b)}.")
    lines.append("So both have the same L2 distance but different IoU.")
    return "\n".join(lines)

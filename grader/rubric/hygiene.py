"""Warnings about a rubric that validates but would grade badly: phrasings the question already says.

A `concepts` phrasing that the question's own printed text satisfies ("reject H0" when the
paper asks "should H0 be rejected?") is earned by a student who copies the question. The
answer's sentences that copy the statement are taken out before grading, but a phrasing
found in part of a sentence, or in a paraphrase of it, is not; so `grader validate` warns
about each such phrasing, with the item's line. A warning does not make the rubric invalid.
"""

from __future__ import annotations

from grader.model import Segment
from grader.model_answers import render_templates
from grader.rubric.loader import Rubric
from grader.types.concepts_formulas import answer_formulas, formula_line, is_formula, read_phrasing
from grader.types.phrasing import find_phrasing, tokenize

Warning = tuple[str, int, str]


def question_text_warnings(rubric: Rubric) -> list[Warning]:
    """One warning per concepts phrasing that the question's rendered statement asserts."""
    statements, _ = render_templates(rubric, "statement")  # problems are model_answer_problems' to report
    warnings: list[Warning] = []
    for question in rubric.questions:
        text = statements.get(question.id)
        if not text:
            continue
        lines = Segment.from_text(question.id, text).lines
        tokens = tokenize(lines)
        formulas = None
        for item in question.items:
            if item.qtype.name != "concepts":
                continue
            params = item.params
            for concept in params.concepts:
                for phrasing in concept.phrasings:
                    if is_formula(phrasing):
                        formulas = answer_formulas(lines) if formulas is None else formulas
                        asserted = formula_line(formulas, read_phrasing(phrasing)) is not None
                    else:
                        match = find_phrasing(tokens, phrasing, params.threshold, params.word_threshold, params.window,
                                              params.aliases, params.contrast_words)
                        asserted = match is not None and not match.negated
                    if asserted:
                        warnings.append((question.file, item.line,
                                         f"items.{item.id}: phrasing {phrasing!r} is in the question's own text, "
                                         "so copying the question earns it; use words only an answer would have"))
    return warnings

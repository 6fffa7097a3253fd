"""Formulas written in plain text, without ``$…$``: "E[X] = theta/(theta+1)", "sqrt(2)/2".

Many students (and every plain-text transcript) write formulas as text. A line with
no math delimiters that holds a relation (``=``, ``≈``, ``<``, ``≤`` …) is cut into
clauses (at ";", at a comma or a linking word that is followed by prose), and in each
clause the run of formula around the relation — everything from the first token that
is not a prose word — is turned into the reader's LaTeX: the names of Greek letters
and functions get their backslash (``theta`` → ``\\theta``, ``sqrt(2)`` →
``\\sqrt{2}``). What the reader then cannot read is not a formula, and is dropped
silently: this is text, the student did not promise math. The result is ordinary
``MathFragment``s, so every type reads them like ``$…$``.
"""

from __future__ import annotations

import re
from typing import Sequence

from grader.model import Line
from grader.reading.markdown import MathFragment, math_fragments

_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon "
          "phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega").split()
_FUNCTIONS = ("sqrt", "log", "ln", "exp", "sin", "cos", "tan", "sum", "prod", "binom")
# Words that are math, not prose: they may start or sit inside a formula.
_MATH_WORDS = frozenset(_GREEK) | frozenset(_FUNCTIONS) | {"xbar", "var", "Var", "cov", "Cov", "max", "min", "inf", "infty",
                                                            "hat", "bar"}
_RELATION = re.compile(r"=|≈|≤|≥|<|>|\\(?:le|ge|leq|geq|approx|neq)\b")
# Math delimiters, or LaTeX itself: a line of a $$ … $$ block spread over lines is markdown's.
_DELIMITED = re.compile(r"\$|\\|&")
# Where a clause ends: ";", or a comma / linking word followed by a prose word.
_CLAUSE = re.compile(r";\s*|,\s+(?=[A-Za-z]{2,}\b)|(?:^|\s+)(?:so|hence|thus|therefore|which|where|since|because|and then)\s+",
                     re.IGNORECASE)
# "lambda-hat", "x-bar": a hat or a bar written as a word
_ACCENT = re.compile(r"(?<![A-Za-z\\])([A-Za-z]|" + "|".join(_GREEK) + r")[-_ ]?(hat|bar)\b")
_WORD = re.compile(r"[A-Za-z]{2,}")
_NAMES = re.compile(r"(?<![\\A-Za-z])(" + "|".join(sorted(_GREEK + list(_FUNCTIONS), key=len, reverse=True)) + r")(?![A-Za-z])")
_MAX_CHARS = 400  # a plain line longer than this is prose, not a formula


def _is_prose(word: str) -> bool:
    return word not in _MATH_WORDS


def _formula_of(clause: str) -> str | None:
    """The formula in a clause: from the first token that is not prose to the end (None without a relation)."""
    relation = _RELATION.search(clause)
    if relation is None:
        return None
    start = 0
    for word in _WORD.finditer(clause[: relation.start()]):
        if _is_prose(word.group()):
            start = word.end()
    formula = clause[start:].strip().rstrip(".").strip()
    if any(_is_prose(w.group()) for w in _WORD.finditer(formula)) or not formula or _RELATION.match(formula):
        return None
    return _as_latex(formula)


def _as_latex(formula: str) -> str:
    def named(match: re.Match[str]) -> str:
        return "\\" + match.group(1)

    text = _ACCENT.sub(lambda m: f"\\{m.group(2)}{{{m.group(1)}}}", formula)
    text = _NAMES.sub(named, text)
    # \sqrt(2) -> \sqrt{2}: the reader's root takes its argument in braces
    return re.sub(r"\\sqrt\s*\(([^()]*)\)", r"\\sqrt{\1}", text)


def plain_formulas(lines: Sequence[Line]) -> list[MathFragment]:
    """The formulas written in plain text on ``lines`` (lines with ``$…$`` math are left to markdown)."""
    found = []
    for line in lines:
        text = line.text
        if len(text) > _MAX_CHARS or _DELIMITED.search(text) or not _RELATION.search(text):
            continue
        for clause in _CLAUSE.split(text):
            formula = _formula_of(clause)
            if formula:
                found.append(MathFragment(line.number, formula, False))
    return found


def formula_fragments(lines: Sequence[Line]) -> list[MathFragment]:
    """Every formula of ``lines``: their ``$…$`` math, and formulas written in plain text, in reading order."""
    delimited = math_fragments(lines)
    plain = plain_formulas(lines)
    if not plain:
        return delimited
    return sorted(delimited + plain, key=lambda fragment: fragment.line)

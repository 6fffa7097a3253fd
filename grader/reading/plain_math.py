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

from grader.mathtext.checks import GREEK_NAMES
from grader.model import Line
from grader.reading.markdown import MathFragment, math_fragments

_GREEK = list(GREEK_NAMES)  # the reader's names of Greek letters (and ell)
_FUNCTIONS = ("sqrt", "log", "ln", "exp", "sin", "cos", "tan", "sum", "prod", "binom")
# Words that are math, not prose: they may start or sit inside a formula.
_MATH_WORDS = frozenset(_GREEK) | frozenset(_FUNCTIONS) | {"xbar", "var", "Var", "cov", "Cov", "max", "min", "inf", "infty",
                                                            "hat", "bar"}
_RELATION = re.compile(r"=|≈|≤|≥|<|>")  # a plain line has no backslash: LaTeX relations are markdown's
# Math delimiters: those lines are markdown's. LaTeX commands without any "$" (OCR lost them,
# "L(X) = \\prod e^{-X} X^{x_i} / x_i!") are read here, unless they lay out a matrix or a table.
_DELIMITED = re.compile(r"\$|&")
_COMMAND = re.compile(r"\\[A-Za-z]+")  # a LaTeX command is math, never a prose word
_LATEX_LAYOUT = re.compile(r"\\(?:begin|end|hline)(?![A-Za-z])|\\\\")
# Where a clause ends: ";", an implication arrow "=>", or a comma / linking word followed by a prose word.
_CLAUSE = re.compile(r";\s*|:\s+|\s*=+>\s*|,\s+(?=[A-Za-z]{2,}\b)|(?:^|\s+)(?:so|hence|thus|therefore|which|where|since|because|and then)\s+",
                     re.IGNORECASE)
# "lambda-hat", "x-bar": a hat or a bar written as a word
_ACCENT = re.compile(r"(?<![A-Za-z\\])([A-Za-z]|" + "|".join(_GREEK) + r")[-_ ]?(hat|bar)\b")
_WORD = re.compile(r"[A-Za-z]{2,}")
_NAMES = re.compile(r"(?<![\\A-Za-z])(" + "|".join(sorted(_GREEK + list(_FUNCTIONS), key=len, reverse=True)) + r")(?![A-Za-z])")
_INDEXED = re.compile(r"(?<![A-Za-z0-9.])(\\(?:" + "|".join(_GREEK) + r")|[A-Za-z])(\d{1,2})(?![\d.])")
_MAX_CHARS = 400  # a plain line longer than this is prose, not a formula
_LABEL = re.compile(r"^\s*(?:\(\s*[a-h]\s*\)|\(\s*[ivx]{1,4}\s*\)|[a-h]\)|\d{1,2}\))\s*")  # a part (or question) label left on the line
_LEIBNIZ = re.compile(r"\bd(\^?2?)([A-Za-z]+)\s*/\s*d([A-Za-z]+)(\^?2?)\b")  # dl/dlambda, d^2l/dlambda^2
_OPERATOR = re.compile(r"[-+*/^()]|[\u0370-\u03ff]")  # what a bare formula has and a bare word does not


_DIFFERENTIAL = re.compile(r"d(?:[a-z]|" + "|".join(_GREEK) + r")")  # dx, dtheta: an integral's, not prose


def _is_prose(word: str) -> bool:
    if word in _MATH_WORDS or _DIFFERENTIAL.fullmatch(word):
        return False
    # "nX", "xY": a capital after a small letter is a product of symbols, never an English word
    return not any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))


def _has_prose(text: str) -> bool:
    return any(_is_prose(w.group()) for w in _WORD.finditer(_COMMAND.sub(" ", _LEIBNIZ.sub(" ", text))))


def _formula_of(clause: str) -> str | None:
    """The formula in a clause (None when there is none).

    A clause with a relation: from the first token that is not prose to the end; in a chain,
    sides made of words ("= integral from 0 to 1 of x f(x) dx =") are left out, so
    "E[X] = <words> = θ/(θ+1)" reads "E[X] = θ/(θ+1)". A clause with no relation is a formula
    only when it has no prose at all and some operator or Greek letter ("θ/(θ+1)", a bare answer).
    """
    clause = _LABEL.sub("", clause)
    relation = _RELATION.search(clause)
    if relation is None:
        bare = clause.strip().rstrip(".").strip()
        if bare and not _has_prose(bare) and _OPERATOR.search(bare):
            return plain_to_latex(bare)
        return None
    start = 0
    blank = lambda m: " " * len(m.group())  # noqa: E731 - same length, so positions still index the clause
    for word in _WORD.finditer(_COMMAND.sub(blank, _LEIBNIZ.sub(blank, clause[: relation.start()]))):
        if _is_prose(word.group()):
            start = word.end()
    formula = clause[start:].strip().rstrip(".").strip()
    if not formula:
        return None
    if _RELATION.match(formula):  # "= θ/(θ+2)": a chain continued from the line above
        return plain_to_latex(formula) if start == 0 and not _has_prose(formula) else None
    sides = _RELATION.split(formula)
    relations = _RELATION.findall(formula)
    kept = [(i, side) for i, side in enumerate(sides) if side.strip() and not _has_prose(side)]
    if len(kept) < 2 or kept[0][0] != 0:
        return None  # the left side is words, or nothing is left to compare
    text = kept[0][1].strip()
    for index, side in kept[1:]:
        text += f" {relations[index - 1]} {side.strip()}"
    return plain_to_latex(text)


def _leibniz(match: re.Match[str]) -> str:
    order = "^2" if match.group(1) or match.group(4) else ""
    top, bottom = match.group(2), match.group(3)
    top = "\\ell" if top == "l" else top
    return f"\\frac{{d{order} {top}}}{{d {bottom}{order}}}"


def plain_to_latex(formula: str) -> str:
    """A formula written in plain text as the LaTeX our reader reads: "pi1/2" → "\\pi_{1}/2"."""
    def named(match: re.Match[str]) -> str:
        return "\\" + match.group(1)

    text = _LEIBNIZ.sub(_leibniz, formula)
    text = _ACCENT.sub(lambda m: f"\\{m.group(2)}{{{m.group(1)}}}", text)
    text = _NAMES.sub(named, text)
    # "pi1", "x2": in plain text a name's index is written straight after it
    text = _INDEXED.sub(r"\1_{\2}", text)
    # \sqrt(2) -> \sqrt{2}, x^(theta-1) -> x^{theta-1}: LaTeX takes these arguments in braces
    text = re.sub(r"\\sqrt\s*\(([^()]*)\)", r"\\sqrt{\1}", text)
    return re.sub(r"\^\s*\(([^()]*)\)", r"^{\1}", text)


# Integrals, sums and products said in words: "integral from 0 to 1 of x f(x) dx", "integral of x^2 dx",
# "sum over i of x_i", "product from i=1 to n of p_i". Spelled with their signs (∫ ∑ ∏), which a plain line
# may hold, so the formula reads as one.
_BOUND = r"([^\s,;]+)"
_WORDED = (
    (re.compile(r"\b(?:the\s+)?integral\s+from\s+" + _BOUND + r"\s+to\s+" + _BOUND + r"\s+of\s+", re.IGNORECASE),
     lambda m: f"∫_{{{m.group(1)}}}^{{{m.group(2)}}} "),
    (re.compile(r"\b(?:the\s+)?integral\s+of\s+(?=.*\bd[A-Za-z]\b)", re.IGNORECASE), lambda m: "∫ "),
    (re.compile(r"\b(sum|product)\s+from\s+([A-Za-z])\s*=\s*" + _BOUND + r"\s+to\s+" + _BOUND + r"\s+of\s+",
                re.IGNORECASE),
     lambda m: f"{_BIG_SIGN[m.group(1).lower()]}_{{{m.group(2)}={m.group(3)}}}^{{{m.group(4)}}} "),
    (re.compile(r"\b(sum|product)\s+over\s+([A-Za-z])\s+of\s+", re.IGNORECASE),
     lambda m: f"{_BIG_SIGN[m.group(1).lower()]}_{{{m.group(2)}}} "),
)
_BIG_SIGN = {"sum": "∑", "product": "∏"}


def _worded_operators(text: str) -> str:
    if not re.search(r"integral|sum|product", text, re.IGNORECASE):
        return text
    for pattern, spelled in _WORDED:
        text = pattern.sub(spelled, text)
    return text


def plain_formulas(lines: Sequence[Line]) -> list[MathFragment]:
    """The formulas written in plain text on ``lines`` (lines with ``$…$`` math are left to markdown)."""
    found = []
    in_display = False  # inside a $$ … $$ block spread over lines: markdown's
    for line in lines:
        text = line.text
        was_in_display = in_display
        in_display ^= text.count("$$") % 2 == 1
        if len(text) > _MAX_CHARS or was_in_display or _DELIMITED.search(text) or _LATEX_LAYOUT.search(text):
            continue
        for clause in _CLAUSE.split(_worded_operators(text)):
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

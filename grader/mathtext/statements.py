"""Split one display line of LaTeX into the statements written on it.

Students put several statements on one line: ``A = B, \\quad C = D``. The reader takes
one statement at a time, so the line is cut at top-level separators first; the cut is
careful because a comma is also OCR's product dot and separates list items.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from grader.mathtext.latex import MAX_CHARS, RELATIONS


# Separators between statements on one display line; "," only splits when both pieces are
# statements (a comma is also OCR's product dot, and it separates list items like "t = 1, 2, 3").
# Implications and "therefore" join two statements too: "\ell' = 0 \Rightarrow \hat\lambda = \bar x".
_SEPARATOR = re.compile(r"\\qquad(?![A-Za-z])|\\quad(?![A-Za-z])|\\\\|;|,"
                        r"|\\(?:Rightarrow|implies|iff|Longrightarrow|therefore|because)(?![A-Za-z])|⇒|⟹|∴|⟺"
                        r"|\\(?:text|mathrm|textrm)\s*\{\s*(?:and|,|so|hence|thus|therefore|which gives)\s*\}")
# "\Rightarrow x = 1" at the start of a line: the implication leads from the line before
_LEADING_CONNECTIVE = re.compile(r"^(?:\\(?:Rightarrow|implies|Longrightarrow|therefore)(?![A-Za-z])|⇒|⟹|∴)\s*")
# "… < 0 \Rightarrow" and the words "maximum" after the math: the implication leads out of the formula
_TRAILING_CONNECTIVE = re.compile(r"\s*+(?:\\(?:Rightarrow|implies|Longrightarrow|therefore)|⇒|⟹|∴)\s*+$")
_ESCAPE = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_RELATION = re.compile("|".join(sorted((re.escape(r) + ("(?![A-Za-z])" if r[0] == "\\" else "")
                                        for r in RELATIONS), key=len, reverse=True)))


def top_level(latex: str, pattern: re.Pattern) -> list[re.Match]:
    """Matches of ``pattern`` outside every bracket (not in a subscript, argument or parenthesis)."""
    found, depth, i = [], 0, 0
    while i < len(latex):
        char = latex[i]
        if depth == 0:
            match = pattern.match(latex, i)
            if match and match.end() > i:
                found.append(match)
                i = match.end()
                continue
        if char == "\\":  # a command or an escaped character: \{ opens like {, \; is a space
            name = _ESCAPE.match(latex, i)
            step = len(name.group()) if name else 1
            if name and name.group(1) in "{}":
                depth += 1 if name.group(1) == "{" else -1
            i += step
            continue
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth = max(depth - 1, 0)
        i += 1
    return found


def split_statements(latex: str) -> list[str]:
    """``A = B, \\quad C = D`` -> ``["A = B", "C = D"]``: one display line, several statements.

    A piece becomes a statement of its own only when it and the text before it both hold a
    relation at the top level and it does not start with one (``= …`` continues a chain).
    Linear in the length; text too long to be read as math is left whole (the reader refuses it).
    """
    if len(latex) > MAX_CHARS:
        return [latex]
    cuts = top_level(latex, _SEPARATOR)
    if not cuts:
        return [latex]
    if not latex[: cuts[0].start()].strip() and _LEADING_CONNECTIVE.match(latex[cuts[0].start():]):
        return split_statements(latex[cuts[0].end():].strip())
    relations = [m.start() for m in top_level(latex, _RELATION)]
    bounds = list(zip([0] + [m.end() for m in cuts], [m.start() for m in cuts] + [len(latex)]))
    related = [bisect_left(relations, a) < bisect_left(relations, b) for a, b in bounds]
    out, has_relation, pending = [latex[slice(*bounds[0])]], related[0], ""
    for cut, (a, b), rel in zip(cuts, bounds[1:], related[1:]):
        piece = latex[a:b]
        if not piece.strip():
            pending += cut.group()
            continue
        if has_relation and rel and not _RELATION.match(piece.strip()):
            out.append(piece)
            has_relation = True
        else:
            out[-1] += pending + cut.group() + piece
            has_relation = has_relation or rel
        pending = ""
    out[-1] += pending
    return [_TRAILING_CONNECTIVE.sub("", _LEADING_CONNECTIVE.sub("", piece.strip())) for piece in out]

"""What a line of a choice answer is made of: markup made plain, then tokens.

Students and OCR mark a choice in many ways — ``~~(a)~~`` or ``\\sout{a}`` to cross it
out, ``\\boxed{b}``, ``**b**`` or a circled letter to pick it, ``\\text{…}`` around prose.
``clean`` turns every "picked" form into ``**x**`` and blanks crossed-out text (so it
names nothing), keeping character positions, then ``tokens`` cuts the line into the
few kinds of token the label reader looks at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?P<bold>\*\*|__)"
    r"|(?P<paren>[(\[{] ?(?P<plabel>[^\W_]{1,4}) ?[)\]}])"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)?)"
    r"|(?P<num>\d+(?:\.\d+)?)"
    r"|(?P<dots>\.{2,})"
    r"|(?P<punct>\S)"
)
_CROSSED = re.compile(r"~~[^~\n]{0,200}~~|\\(?:sout|st|cancel|xcancel|bcancel)\s*\{[^{}]{0,200}\}")
_WRAPPED = re.compile(
    r"\\(?:textbf|mathbf|boldsymbol|bm|boxed|fbox|textcircled|circled|circle|underline)\s*\{\s*([^{}]{0,12}?)\s*\}")
_TEXT_MACRO = re.compile(r"\\(?:text|mathrm|textrm|mathit|textit|operatorname)\s*\{([^{}]{0,200})\}")
_MATH_DELIMS = re.compile(r"\$+|\\[()\[\]]")
_GLUED_CUE = re.compile(r"(?i)\b(ans\w*|opt\w*|option|choice)(?=[(\[{])")


def _circled(char: str) -> str | None:
    code = ord(char)
    if 0x24D0 <= code <= 0x24E9:
        return chr(ord("a") + code - 0x24D0)
    if 0x24B6 <= code <= 0x24CF:
        return chr(ord("A") + code - 0x24B6)
    if 0x2460 <= code <= 0x2473:
        return str(code - 0x2460 + 1)
    return None


def clean(text: str) -> str:
    """A line made plain for reading: crossed-out text blanked, bold/boxed/circled labels as ``**x**``."""
    text = _CROSSED.sub(lambda m: " " * len(m.group()), text)
    text = _WRAPPED.sub(lambda m: f" **{m.group(1)}** ", text)
    text = _TEXT_MACRO.sub(lambda m: m.group(1), text)
    text = _MATH_DELIMS.sub(" ", text)
    text = "".join(f" **{c}** " if (c := _circled(ch)) else ch for ch in text)
    return _GLUED_CUE.sub(r"\1 ", text)


@dataclass(frozen=True)
class Tok:
    kind: str  # bold | paren | word | num | dots | punct
    raw: str
    start: int
    end: int
    inner: str = ""  # the label inside a paren token

    @property
    def low(self) -> str:
        return self.raw.lower().replace("’", "'")


def tokens(text: str) -> list[Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup if m.lastgroup != "plabel" else "paren"
        out.append(Tok(kind, m.group(), m.start(), m.end(), m.group("plabel") or ""))
    return out

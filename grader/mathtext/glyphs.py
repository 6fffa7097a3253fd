"""Unicode math as students and OCR write it, spelled as the LaTeX the grammar reads.

``as_commands(text)`` rewrites, outside nothing and inside everything (it is applied to
one formula): Greek letters (``θ`` → ``\\theta``, ``ℓ`` → ``\\ell``; Greek capitals that
look like Latin ones, ``Α`` ``Β`` ``Ε`` …, are those Latin letters; ``µ`` the micro sign
is ``\\mu``; ``ϵ`` ``ε`` are both ``\\epsilon``, ``ϕ`` ``φ`` both ``\\phi``), operators
(``·`` ``⋅`` ``×`` ``−`` ``≤`` ``≥`` ``≠`` ``≈`` ``∂`` ``∞`` ``∫`` ``∑`` ``∏``), primes
(``′`` ``″``, and ``^{\\prime}`` / ``^\\prime`` become ``'``), and a letter with a combining
accent (``x̄`` ``x̅`` → ``\\bar{x}``, ``λ̂`` → ``\\hat{\\lambda}``, ``x̃``, ``ẋ``; precomposed
ones such as ``ā`` ``ŷ`` are decomposed first).

``Σ`` and ``Π`` are letters or the sum / product sign: ``big="sum"`` spells them
``\\sum`` / ``\\prod``, ``big="letter"`` ``\\Sigma`` / ``\\Pi``, ``big="keep"`` leaves
them for the reader, which tries the sign first (``grader.mathtext.latex``).
"""

from __future__ import annotations

import re
import unicodedata

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "µ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma",
    "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega", "ℓ": "ell",
}
LATIN_LOOKALIKES = {"Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
                    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X"}
OPERATORS = {"·": "\\cdot", "⋅": "\\cdot", "×": "\\times", "−": "-", "–": "-", "≤": "\\leq", "≥": "\\geq",
             "≠": "\\neq", "≈": "\\approx", "∂": "\\partial", "∞": "\\infty", "∫": "\\int", "∑": "\\sum",
             "∏": "\\prod", "′": "'", "″": "''", "‴": "'''"}
BIG = {"Σ": ("\\sum", "\\Sigma"), "Π": ("\\prod", "\\Pi")}
ACCENTS = {"\u0304": "bar", "\u0305": "bar", "\u0302": "hat", "\u0303": "tilde", "\u0307": "dot"}

_PRIMES = re.compile(r"\^\s*\{\s*((?:\\prime\s*)+)\}|\^\s*\\prime(?![A-Za-z])")


def _command(char: str, big: str) -> str | None:
    if char in GREEK:
        return "\\" + GREEK[char]
    if char in BIG and big != "keep":
        return BIG[char][0 if big == "sum" else 1]
    return LATIN_LOOKALIKES.get(char) or OPERATORS.get(char)


def _decomposed(char: str) -> str:
    """``ā`` → ``a`` + combining macron; any other character (``≠`` too) as it is."""
    if char.isascii() or char in OPERATORS or char in GREEK:
        return char
    parts = unicodedata.normalize("NFD", char)
    return parts if len(parts) > 1 and all(mark in ACCENTS for mark in parts[1:]) else char


def as_commands(text: str, big: str = "keep") -> str:
    """``text`` with its Unicode math spelled in LaTeX (see the module docstring)."""
    text = _PRIMES.sub(lambda m: "'" * (m.group(1).count("\\prime") if m.group(1) else 1), text)
    if text.isascii():
        return text
    text = "".join(_decomposed(char) for char in text)
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        spelled = _command(char, big) or char
        marks = []
        while i + 1 < len(text) and text[i + 1] in ACCENTS:
            marks.append(ACCENTS[text[i + 1]])
            i += 1
        for accent in marks:  # x̄ → \bar{x}; several marks nest (the reader takes one)
            spelled = f"\\{accent}{{{spelled}}}"
        nxt = text[i + 1] if i + 1 < len(text) else ""
        # A command before a letter needs a space: θx is \theta x, not \thetax.
        if spelled[:1] == "\\" and spelled[-1].isalpha() and nxt.isascii() and nxt.isalpha():
            spelled += " "
        out.append(spelled)
        i += 1
    return "".join(out)

"""Evaluation bars: ``\\left[ F(x) \\right]_0^1`` means F(1) − F(0).

An antiderivative evaluated between bounds is how every integral is worked out by
hand. The bar names no variable, so it is the variable of the integral written on the
same line (``\\int_0^1 … dx``), else ``x``, else ``t``, if F uses it; otherwise the bar is
left as written (and the reader says it cannot read it). The bar is rewritten, as text,
into ``\\left(F(b)\\right) - \\left(F(a)\\right)`` before the formula is read: the
variable, as a whole token, is replaced by each bound in brackets. Only bars whose
content holds no further ``[``/``]`` are rewritten (a bar inside a bar is left alone),
and the scan is linear in the text.
"""

from __future__ import annotations

import re

_BAR = re.compile(
    r"(?:\\left\s*\[|\\(?:big|Big|bigg|Bigg)l?\s*\[|\[)"       # the opening bracket
    r"(?P<body>[^\[\]]{1,400}+)"
    r"(?:\\right\s*\]|\\(?:big|Big|bigg|Bigg)r?\s*\]|\])"      # the closing bracket
    r"\s*+_\s*+(?P<low>\{[^{}]{1,40}+\}|\\?[A-Za-z0-9]+)"
    r"\s*+\^\s*+(?P<high>\{[^{}]{1,40}+\}|\\?[A-Za-z0-9]+)"
)
_DIFFERENTIAL = re.compile(r"\\int.*?(?:\\,|\\;|\s|\\mathrm\{d\}|\b)d(?P<var>[a-z])\b")


def _bound(text: str) -> str:
    return text[1:-1] if text.startswith("{") else text


def _token(var: str) -> re.Pattern:
    return re.compile(rf"(?<![\\A-Za-z]){var}(?![A-Za-z])")


def _variable(body: str, latex: str) -> str | None:
    integral = _DIFFERENTIAL.search(latex)
    candidates = ([integral["var"]] if integral else []) + ["x", "t"]
    return next((v for v in candidates if _token(v).search(body)), None)


def expand_evaluation_bars(latex: str) -> str:
    """``latex`` with each evaluation bar written out as F(b) − F(a) (see the module doc)."""
    if "]" not in latex or "^" not in latex:
        return latex

    def expand(match: re.Match[str]) -> str:
        body = match["body"]
        var = _variable(body, latex)
        if var is None:
            return match.group()
        at = _token(var)
        high = at.sub(lambda _: f"({_bound(match['high'])})", body)
        low = at.sub(lambda _: f"({_bound(match['low'])})", body)
        return rf"\left({high}\right) - \left({low}\right)"

    return _BAR.sub(expand, latex)

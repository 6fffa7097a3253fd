"""The rubric's row and column labels, and a student's label matched to them.

A label names a row or a column exactly (case, spaces, punctuation, ``$``, ``\\text{}``
and subscripts aside: ``F_1``, ``F1`` and ``f-1`` are one label), by its words
(``class A`` is row ``A``), by a lone initial (``P`` for ``precision``) or despite OCR
noise (rapidfuzz: ``Precison``). Greek letters are one label however written (``π``,
``\\pi``, ``pi``).

Signs and operators are ignored like other punctuation, except where they are all that
tells two of the rubric's labels apart: ``P(D|+)`` and ``P(D|-)`` are two labels (their
``fine`` keys differ), and a student's ``P(D | −)`` names the second. ``grader.types.grid``
refuses a rubric only when two labels agree in their fine keys too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from rapidfuzz import fuzz


@dataclass(frozen=True)
class Vocab:
    """The names of every row and column (label first, then aliases), as the rubric gives them."""

    rows: tuple[tuple[str, ...], ...]
    columns: tuple[tuple[str, ...], ...]


_LATEX_WRAP = re.compile(r"\\(?:text|mathrm|mathit|mathbf|mathsf|textbf|textit|operatorname|mbox|emph|hat|bar)\s*+\{([^{}]*+)\}")
# "ranks 1–10" names no row. Bounded runs, starting where a number starts: linear on any text.
_RANGE = re.compile(r"(?<!\d)\d{1,6}+\s*+(?:-|–|—|\.\.|to)\s*+\d{1,6}+(?!\d)")
_FILLER = frozenset("for of at the class rank ranks row column col in is value values score on by k and with".split())
# Every pattern here reads each character one way (possessive runs): linear on any text.
_PARENTHESES = re.compile(r"\([^()]*+\)")
FUZZY_CUTOFF = 85
_OCR_FOLD = str.maketrans({"l": "1", "i": "1", "|": "1", "o": "0", "s": "5", "z": "2"})


# LaTeX relations and set operators as the symbol they print ("P(D \\mid +)" is "P(D|+)").
_SYMBOL_COMMANDS = {"mid": "|", "vert": "|", "lvert": "|", "rvert": "|", "cap": "∩", "cup": "∪", "neg": "¬",
                    "lnot": "¬", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "pm": "±",
                    "setminus": "∖", "times": "×", "cdot": "·"}
_SYMBOL_COMMAND = re.compile(r"\\(" + "|".join(sorted(_SYMBOL_COMMANDS, key=len, reverse=True)) + r")(?![A-Za-z])")
# A Greek letter is one label however it is written: "π", "\\pi" (its backslash is punctuation) and "pi".
# (public: matrix names fold Greek letters the same way)
GREEK = str.maketrans({
    letter: name for letters, name in (
        ("αΑ", "alpha"), ("βΒ", "beta"), ("γΓ", "gamma"), ("δΔ", "delta"), ("εϵΕ", "epsilon"), ("ζΖ", "zeta"),
        ("ηΗ", "eta"), ("θϑΘ", "theta"), ("ιΙ", "iota"), ("κΚ", "kappa"), ("λΛ", "lambda"), ("μΜ", "mu"),
        ("νΝ", "nu"), ("ξΞ", "xi"), ("πΠ", "pi"), ("ρΡ", "rho"), ("σςΣ", "sigma"), ("τΤ", "tau"),
        ("υΥ", "upsilon"), ("φϕΦ", "phi"), ("χΧ", "chi"), ("ψΨ", "psi"), ("ωΩ", "omega"))
    for letter in letters})
_GREEK_NAMES = frozenset(GREEK.values())
# What a fine key keeps besides letters and digits: the signs and operators that can be all
# that tells two labels apart (dashes of every width are one minus).
_SIGNIFICANT = frozenset("+-|<>=!~'¬∩∪≤≥≠±∖×·*/^")
_MINUS = str.maketrans({"−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-", "′": "'", "∣": "|"})
# A complement or a mean written with a bar ("\\bar{A}", "Ā") differs from the plain letter.
_BAR = re.compile(r"\\(?:bar|overline)\s*+\{([^{}]*+)\}")


# TeX's unbraced argument: "\\bar x" is "\\bar{x}" (the mean x̄, not the word "barx").
_UNBRACED_ACCENT = re.compile(r"\\(bar|overline|hat|tilde|vec|dot)\s*+(?=[A-Za-z\\])(\\[A-Za-z]+|[A-Za-z])")
_SCRIPT_DIGITS = str.maketrans({**{sup: f"^{d}" for d, sup in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
                                **{sub: f"_{d}" for d, sub in enumerate("₀₁₂₃₄₅₆₇₈₉")}})


def _braced(text: str) -> str:
    return _UNBRACED_ACCENT.sub(r"\\\1{\2}", text) if "\\" in text else text


def _plain(text: str) -> str:
    text = _braced(text).translate(_SCRIPT_DIGITS)
    text = _SYMBOL_COMMAND.sub(lambda m: _SYMBOL_COMMANDS[m.group(1)], text)
    for _ in range(3):
        text = _LATEX_WRAP.sub(r"\1", text)
    return _RANGE.sub(" ", text.lower()).translate(GREEK)


def compact(text: str) -> str:
    """Letters and digits only: ``F_1`` and ``F1-score`` → ``f1``, ``f1score``."""
    return "".join(ch for ch in _plain(text) if ch.isalnum())


def fine(text: str) -> str:
    """``compact`` keeping signs and operators: ``P(D|+)`` → ``pd|+``, ``P(D | −)`` → ``pd|-``.
    Used only between labels whose ``compact`` forms are the same."""
    text = _BAR.sub(r"\1'", _braced(text).replace("\u0304", "'"))
    return "".join(ch for ch in _plain(text).translate(_MINUS) if ch.isalnum() or ch in _SIGNIFICANT)


def tokens(text: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in _plain(text)).split()


def label_index(entries: Sequence[Sequence[str]], name: str) -> int | None:
    """The entry (a row's or a column's names) that ``name`` is written as, up to case, spaces and
    punctuation; between entries that agree so far, their signs decide (``P(D|+)``, ``P(D|-)``)."""
    key = compact(name)
    hits = {i for i, names in enumerate(entries) for n in names if compact(n) == key}
    if len(hits) > 1:
        sharp = fine(name)
        hits = {i for i in hits if any(compact(n) == key and fine(n) == sharp for n in entries[i])}
    return hits.pop() if len(hits) == 1 else None


def label_clash(entries: Sequence[Sequence[str]]) -> tuple[str, int, int] | None:
    """(name, first entry, second entry) when a name of one entry is also a name of another —
    the same up to case, spaces and punctuation, signs included — else None."""
    seen: dict[tuple[str, str], int] = {}
    for i, names in enumerate(entries):
        for name in names:
            key = (compact(name), fine(name))
            if key in seen and seen[key] != i:
                return name, seen[key], i
            seen.setdefault(key, i)
    return None


@dataclass(frozen=True)
class LabelMatch:
    index: int
    score: float  # 100 exact; lower for word or fuzzy matches
    repair: str = ""  # "read 'Precison' as 'precision'" for a fuzzy match


class _Names:
    """One axis of the vocabulary (rows or columns), for matching a label against."""

    def __init__(self, entries: tuple[tuple[str, ...], ...]):
        self.entries = entries
        self.forms = [(i, name, compact(name), " ".join(tokens(name)), fine(name))
                      for i, names in enumerate(entries) for name in names]

    def whole(self, text: str, initial: bool = True) -> LabelMatch | None:
        """The entry ``text`` names as a whole: exactly, OCR-folded, by its initial (a lone
        letter that begins one entry's names only: ``P`` for ``precision``), or fuzzily."""
        c, s = compact(text), " ".join(tokens(text))
        if not c:
            return None
        hits = {i for i, _, nc, ns, _ in self.forms if nc == c or ns == s}
        if len(hits) > 1:  # labels that differ only in their signs: the signs written decide
            sharp = fine(text)
            hits = {i for i, _, nc, ns, nf in self.forms if (nc == c or ns == s) and nf == sharp}
            return LabelMatch(hits.pop(), 100) if len(hits) == 1 else None
        if len(hits) == 1:
            return LabelMatch(hits.pop(), 100)
        folded = c.translate(_OCR_FOLD)
        hits = {(i, name) for i, name, nc, _, _ in self.forms if nc.translate(_OCR_FOLD) == folded}
        if len({i for i, _ in hits}) == 1:
            i, name = min(hits)
            return LabelMatch(i, 90, f"read {text.strip()!r} as {name!r}")
        if len(c) == 1 and c.isalpha() and initial:
            # a Greek letter is a symbol, not a word to abbreviate: "p" is not short for "pi"
            hits = {(i, name) for i, name, nc, _, _ in self.forms if nc.startswith(c) and nc not in _GREEK_NAMES}
            if len({i for i, _ in hits}) == 1:
                i, name = min(hits)
                return LabelMatch(i, 75)  # an abbreviation, not a repair
        if len(c) < 4:
            return None
        scored = sorted(((fuzz.ratio(c, nc), i, name) for i, name, nc, _, _ in self.forms if len(nc) >= 4), reverse=True)
        if not scored or scored[0][0] < FUZZY_CUTOFF:
            return None
        best, index, name = scored[0]
        if any(i != index and score > best - 5 for score, i, _ in scored[1:]):
            return None  # two entries about as close: not a reading to trust
        return LabelMatch(index, best * 0.9, f"read {text.strip()!r} as {name!r}")


@dataclass(frozen=True)
class Resolved:
    row: int | None
    column: int | None
    score: float
    repairs: tuple[str, ...] = ()


class Matcher:
    """Labels as written → the rubric's rows and columns."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.rows = _Names(vocab.rows)
        self.columns = _Names(vocab.columns)

    def resolve(self, text: str) -> tuple[Resolved, ...]:
        return _resolve_cached(self.vocab, text)


@lru_cache(maxsize=64)
def matcher_for(vocab: Vocab) -> Matcher:
    return Matcher(vocab)


@lru_cache(maxsize=8192)
def _resolve_cached(vocab: Vocab, text: str) -> tuple[Resolved, ...]:
    return _resolve_uncached(matcher_for(vocab), text)


def _resolve_uncached(matcher: Matcher, text: str) -> tuple[Resolved, ...]:
    """Every reading of a label as (row, column, score), best first: the whole label as a
    column or a row, a span of its words as one, or two spans as a row and a column
    (``P_A``, ``P@3``, ``precision of class A``). A reading's score is the quality of its
    spans shared over the label's words, fillers ("for", "class", "at") not counted."""
    found: list[Resolved] = []
    for axis in ("column", "row"):
        match = getattr(matcher, axis + "s").whole(text)
        if match:
            found.append(_resolved(axis, match, None, match.score))
    words = tokens(text)
    if 1 < len(words) <= 8:
        spans: list[tuple[int, int, str, LabelMatch]] = []
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + 4) + 1):
                piece = " ".join(words[i:j])
                for axis in ("column", "row"):
                    match = getattr(matcher, axis + "s").whole(piece)
                    if match:
                        spans.append((i, j, axis, match))
        weight = max(1, sum(1 for word in words if word not in _FILLER))

        def share(parts: list[tuple[int, int, LabelMatch]]) -> float:
            covered = sum(m.score * sum(1 for w in words[i:j] if w not in _FILLER) for i, j, m in parts)
            return covered / weight

        def worth(span: tuple[int, int, str, LabelMatch]) -> float:
            i, j, _, match = span
            return match.score * sum(1 for w in words[i:j] if w not in _FILLER)

        def cover(candidates: list[tuple[int, int, str, LabelMatch]]) -> list[tuple[int, int, str, LabelMatch]]:
            """The non-overlapping spans worth most in all ("Precision (P)" names its column twice;
            "class A P" is two exact names, not one fuzzy one): weighted interval scheduling."""
            best: list[tuple[float, list]] = [(0.0, [])] * (len(words) + 1)
            for end in range(1, len(words) + 1):
                best[end] = best[end - 1]
                for span in candidates:
                    if span[1] == end:
                        total = best[span[0]][0] + worth(span)
                        if total > best[end][0]:
                            best[end] = (total, best[span[0]][1] + [span])
            return best[-1][1]

        targets: dict[tuple[str, int], list[tuple[int, int, str, LabelMatch]]] = {}
        for span in spans:
            targets.setdefault((span[2], span[3].index), []).append(span)
        for (axis, _), own in targets.items():
            parts = cover(own)
            found.append(_resolved(axis, parts[0][3], None, share([(i, j, m) for i, j, _, m in parts]) - 5))
        for (axis, _), own in targets.items():
            for (other, _), more in targets.items():
                if axis == "row" and other == "column":
                    parts = cover(own + more)
                    row = next((m for _, _, a, m in parts if a == "row"), None)
                    column = next((m for _, _, a, m in parts if a == "column"), None)
                    if row and column:
                        found.append(_resolved("row", row, column, share([(i, j, m) for i, j, _, m in parts]) - 2))
    core = _PARENTHESES.sub(" ", text)
    if core != text and core.strip():  # "F1 (harmonic mean)": a remark after the label
        found.extend(Resolved(r.row, r.column, r.score - 5, r.repairs) for r in _resolve_cached(matcher.vocab, core))
    best: dict[tuple[int | None, int | None], Resolved] = {}
    for item in found:
        key = (item.row, item.column)
        if key not in best or item.score > best[key].score:
            best[key] = item
    return tuple(sorted((r for r in best.values() if r.score >= 50), key=lambda r: -r.score))


def _resolved(axis: str, match: LabelMatch, column: LabelMatch | None, score: float) -> Resolved:
    repairs = tuple(r for r in (match.repair, column.repair if column else "") if r)
    if column is not None:
        return Resolved(match.index, column.index, score, repairs)
    if axis == "row":
        return Resolved(match.index, None, score, repairs)
    return Resolved(None, match.index, score, repairs)


def pick(options: Sequence[Resolved], want: str) -> Resolved | None:
    """The best reading of a label for what the context expects: ``column`` (a field of a
    row line), ``row`` (a field of a column line) or ``any``. A reading naming both a row
    and a column is explicit and always allowed."""
    allowed = [o for o in options if want == "any" or (o.row is not None and o.column is not None)
               or (want == "column" and o.column is not None) or (want == "row" and o.row is not None)]
    if not allowed:
        return None
    top = max(o.score for o in allowed)
    best = [o for o in allowed if o.score >= top - 0.01]
    # Equal scores: the reading that says more (row and column) wins, then a column.
    best.sort(key=lambda o: (o.row is not None and o.column is not None, o.column is not None), reverse=True)
    return best[0]



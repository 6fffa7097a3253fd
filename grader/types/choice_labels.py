"""Reading one written option label: "(b)", "b)", "B.", "**b**", "Option 2", "ii", "True", "✓".

A label stands as a label, never inside a word, and a letter that is also a word
("a", "I") counts only in a label's form: "(a)", "a)", "a." starting a line, bold or
circled, or bare where the line reader allows it (after "option", after a cue, on a
line of its own) — and even then not when an ordinary word follows it ("answer: a
learning rate ..."). A label-shaped word that names no option ("(e)" for a–d) is kept
as unknown, so the answer can be flagged rather than misread, unless it is a known OCR
confusion of one ("6" for "b"), which is repaired.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from grader.types.choice_tokens import Tok
from grader.types.choice_words import ARTICLE_LIKE, CHECKS, CROSSES, TF_SYNONYMS

if TYPE_CHECKING:
    from grader.types.choice import ChoiceParams

# Punctuation after a bare label that keeps it a label ("answer: a." / "a, c"); "=" or "+" would be algebra.
_FOLLOW_PUNCT = frozenset(",.;:!?)]}/&—–-") | CHECKS | CROSSES
_ROMAN = re.compile(r"^(?:i{1,3}|iv|vi{0,3}|ix|x)$")
_FOLLOWERS = frozenset({"and", "or", "plus", "because", "since", "as", "so", "is", "are", "was", "were", "seems",
                        "correct", "right", "wrong", "incorrect", "true", "false", "only", "both", "also", "not",
                        "isn't", "then", "hence", "therefore", "thus", "bcoz", "bcz", "bcs", "coz", "cause", "ie",
                        "eg", "option", "options", "would", "must", "should", "will", "due", "being"})
# After a label that is also a word ("a", "I"), only these keep it a label: "a and c", "a is correct" — not "I would".
_ARTICLE_FOLLOWERS = frozenset({"and", "or", "plus", "because", "since", "is", "are", "correct", "right", "wrong",
                                "incorrect", "true", "false", "option", "bcoz", "bcz", "coz"})
_REAL_WORDS = frozenset({"tree", "trie", "truce", "trues", "truer", "trued", "tue", "rue", "fake", "fate", "fame",
                         "face", "fade", "fare", "fast", "fuse", "fuss"})
# OCR misreadings of a handwritten label, tried only when the written one names no option.
_CONFUSABLE = {"6": ("b",), "l": ("i", "1"), "1": ("i", "l"), "|": ("i", "1")}


class LabelReader:
    """Reads the option labels written on a line; knows the item's options and kind."""

    def __init__(self, params: ChoiceParams):
        self.params = params
        self.tf = params.kind == "true_false"
        self.numbered = bool(params.options) and all(label.isdigit() for label in params.options)
        # Filled by the line reader for the line being read: per token, how many "(" are open before it.
        self.depths: list[int] = []

    def resolve(self, raw: str, loose: bool) -> tuple[str | None, str | None, bool]:
        """(option label, OCR repair, label-shaped?) for a written label; ``loose`` allows OCR confusions."""
        params = self.params
        found = params.canonical(raw)
        if found is not None:
            return found, None, True
        low = raw.lower()
        if self.tf:
            if 3 <= len(low) <= 6 and low not in _REAL_WORDS and params.fuzzy < 100:
                for target in ("true", "false"):
                    if low[0] == target[0] and OSA.distance(low, target) <= 1:
                        return target, f"read “{raw}” as {target.capitalize()}", True
            return None, None, False
        # Shaped like this item's labels: a stray "1)" is not an unknown option of a, b, c, nor "(e)" of 1, 2, 3.
        if self.numbered:
            shaped = bool(re.fullmatch(r"\d{1,2}", raw))
        else:
            shaped = bool(re.fullmatch(r"[A-Za-z]", raw)) or bool(_ROMAN.match(low))
        if loose:
            for target in _CONFUSABLE.get(low, ()):
                label = params.canonical(target)
                if label is not None:
                    return label, f"read “{raw}” as option ({label})", True
        return None, None, shaped

    def _tf_word(self, tok: Tok) -> str | None:
        """true/false written as a word (OCR-tolerant); "t"/"f" are letters, read as labels."""
        if not self.tf or tok.kind != "word" or len(tok.low) < 3:
            return None
        label, _, _ = self.resolve(tok.raw, False)
        return label

    def _follows_ok(self, toks: list[Tok], k: int) -> bool:
        """Whether what follows a bare label at k-1 keeps it a label (not "a learning rate")."""
        if k >= len(toks):
            return True
        nxt = toks[k]
        if nxt.kind in ("bold", "paren", "dots"):
            return True
        if nxt.kind == "punct":
            return nxt.raw in _FOLLOW_PUNCT
        if nxt.kind == "word":
            if nxt.low in (_ARTICLE_FOLLOWERS if toks[k - 1].low in ARTICLE_LIKE else _FOLLOWERS):
                return True
            label, _, _ = self.resolve(nxt.raw, False)
            return label is not None and len(nxt.raw) <= 4
        if nxt.kind == "num":
            label, _, _ = self.resolve(nxt.raw, False)
            return label is not None
        return False

    def label_at(self, toks: list[Tok], j: int, *, bare_ok: bool, first_free: bool, at_start: bool,
                 tf_extra: bool) -> tuple[str | None, str | None, str, int, str] | None:
        """The label written at j: (label, repair, form, next index, written) or None.

        ``label`` is None for a label-shaped word that names no option (kept as unknown).
        ``bare_ok``: a plain word may be a label here; ``first_free``: any word may follow it.
        """
        n = len(toks)
        if j >= n:
            return None
        tok = toks[j]
        if tok.kind == "bold":  # **b**, **(b)**
            if j + 2 < n and toks[j + 2].kind == "bold" and toks[j + 1].kind in ("word", "num", "paren"):
                inner = toks[j + 1]
                raw = inner.inner if inner.kind == "paren" else inner.raw
                label, repair, shaped = self.resolve(raw, True)
                if label is None and self.tf:
                    label = TF_SYNONYMS.get(raw.lower())
                if label is not None or shaped:
                    return label, repair, "bold", j + 3, raw
            return None
        if tok.kind == "paren":
            before = toks[j - 1] if j else None
            if before is not None and before.end == tok.start and before.kind in ("word", "num"):
                return None  # f(a), P(A): a function's argument
            if before is not None and before.end == tok.start and before.raw == "\\":
                return None
            raw = tok.inner
            if not (raw.isalpha() or raw.isdigit()):
                return None
            label, repair, shaped = self.resolve(raw, True)
            if label is None and not shaped:
                return None
            return label, repair, "paren", j + 1, raw
        if tok.kind == "punct" and self.tf and (tok.raw in CHECKS or tok.raw in CROSSES or tok.raw == "×"):
            if bare_ok:
                return ("true" if tok.raw in CHECKS else "false"), None, "mark", j + 1, tok.raw
            return None
        if tok.kind not in ("word", "num"):
            return None
        tf_word = self._tf_word(tok)
        if tf_word is not None:
            label, repair, _ = self.resolve(tok.raw, False)
            return label, repair, "word", j + 1, tok.raw
        if self.tf and tf_extra and tok.low in TF_SYNONYMS:
            return TF_SYNONYMS[tok.low], None, "word", j + 1, tok.raw
        nxt = toks[j + 1] if j + 1 < n else None
        adjacent = nxt is not None and nxt.start - tok.end <= 1
        if tok.low in ("i", "e") and nxt is not None and nxt.raw == "." and j + 2 < n and toks[j + 2].low in ("e", "g"):
            return None  # i.e. / e.g.
        # b)  — not "(x + a)": no "(" left open before it on the line
        if nxt is not None and adjacent and nxt.kind == "punct" and nxt.raw in ")]}":
            label, repair, shaped = self.resolve(tok.raw, True)
            if self.depths[j] <= 0 and (label is not None or shaped):
                return label, repair, "close", j + 2, tok.raw
        # a.  /  a:   starting a line (not "i.e.", not a numbered list of working: see ``statement_at``)
        if at_start and nxt is not None and adjacent and nxt.kind == "punct" and nxt.raw in ".:":
            label, repair, shaped = self.resolve(tok.raw, True)
            if label is not None or len(tok.raw) == 1 or tok.kind == "num":  # unknown: numbering, skipped
                return label, repair, "dot", j + 2, tok.raw
        if not bare_ok:
            return None
        label, repair, _ = self.resolve(tok.raw, False)
        if label is None:
            return None  # a bare word that names no option is just a word
        if tok.low in ARTICLE_LIKE or not first_free:
            if not self._follows_ok(toks, j + 1):
                return None
        return label, repair, "bare", j + 1, tok.raw

"""Reading the statements one line makes about the options, by label, and how strongly.

A statement is one place the student names options ("(b)", "a, c", "(a) or (c)").
It is *explicit* when it says "this is my answer": after a cue ("the answer is",
"ans-", "I choose", "therefore"), on a line holding only the selection, bold, boxed
or circled, followed by "is correct"/"✓", starting a line and followed by nothing,
punctuation, "because" or its option's own text, or after a self-correction ("no,
(c)"). Anything else — "(a) would make the loss diverge" — is a mention. Negation
("not (b)", "(b) is wrong", "(a) ✗") marks a statement as removing its options; for
true/false, "not true" is False. Which statements decide the answer is
``grader.types.choice_selection``'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from rapidfuzz import fuzz

from grader.model import Line
from grader.types.choice_labels import LabelReader
from grader.types.choice_tokens import Tok, clean, tokens
from grader.types.choice_words import (
    AFFIRM, ANSWER_WORDS, ARTICLE_LIKE, CHECKS, CLAUSE_BREAK, COPULA, CORRECTION_WORDS, CROSSES, CUE_LEADS, CUE_WORDS,
    FILLER, INTRO, LIST_PUNCT, NEGATE, NEGATION_STOPS, POST_SKIP, PRE_NEGATIONS, SEPARATORS, TERMINAL_WORDS, TF_CUES,
    TF_SYNONYMS, is_answer_word, is_intro_word, is_word,
)

if TYPE_CHECKING:
    from grader.types.choice import ChoiceParams


@dataclass(frozen=True)
class Statement:
    """One place the student names options: a label, a list of labels, or an option's text."""

    index: int  # the line's position in the segment
    start: int  # where on the (cleaned) line
    line: Line
    labels: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # label-shaped words that name no option ("(e)" for a-d)
    how: str = "label"  # label | text
    explicit: bool = False
    opens: bool = False  # a cue or a correction: starts a new block
    negated: bool = False
    hedged: bool = False  # labels joined by "or"
    repairs: tuple[str, ...] = ()

    @property
    def order(self) -> tuple[int, int]:
        return (self.index, self.start)


@dataclass
class LineReading:
    statements: list[Statement] = field(default_factory=list)
    corrections: list[tuple[int, int]] = field(default_factory=list)
    dangling_cue: bool = False


def _norm(text: str) -> str:
    """Text to compare with an option's text: lower case, words only, decimal points kept."""
    return " ".join(re.sub(r"[^\w.]+", " ", text.lower()).replace(". ", " ").strip(" .").split())


class LineReader(LabelReader):
    """Reads the statements of one line; knows the item's options, kind and cues."""

    def __init__(self, params: ChoiceParams):
        super().__init__(params)
        self.cues = [[t.low for t in tokens(c) if t.kind in ("word", "num")] for c in params.cue]
        self.cues = [c for c in self.cues if c]

    # -- around a statement

    def negated_before(self, toks: list[Tok], i: int) -> bool:
        """"not (b)", "except (b)", "rule out (b)": a negation up to three words back, in the same clause."""
        words = 0
        for k in range(i - 1, max(-1, i - 13), -1):
            tok = toks[k]
            if tok.kind == "punct" and tok.raw in CLAUSE_BREAK:
                return False
            if tok.kind != "word":
                continue
            low = tok.low
            if low in NEGATION_STOPS or is_answer_word(low) or low in CUE_WORDS or self.correction_at(toks, k):
                return False  # "no, (c)" / "no wait (c)": a correction, not a negation
            if low == "out":
                negation = k > 0 and toks[k - 1].low in ("rule", "ruled", "rules", "cross", "crossed")
            else:
                negation = low in PRE_NEGATIONS
            if negation:
                return True
            words += 1
            if words >= 3:
                return False
        return False

    def verdict_after(self, toks: list[Tok], k: int) -> int:
        """+1: affirmed ("is correct", "✓"), -1: denied ("is wrong", "✗"), 0: neither."""
        skipped, stop = 0, min(len(toks), k + 12)
        while k < stop and skipped < 5:
            tok = toks[k]
            if tok.kind == "punct" and tok.raw in CHECKS:
                return 1
            if tok.kind == "punct" and (tok.raw in CROSSES or tok.raw == "×"):
                return -1
            if tok.kind == "punct" and tok.raw in "-:—–=→'":
                k += 1
                continue
            if tok.kind == "bold":
                k += 1
                continue
            if tok.kind != "word":
                return 0
            if tok.low in AFFIRM:
                return 1
            if tok.low in NEGATE:
                return -1
            if tok.low not in POST_SKIP:
                return 0
            skipped += 1
            k += 1
        return 0

    def terminal_after(self, toks: list[Tok], k: int, text: str, labels: Sequence[str]) -> bool:
        """Whether a statement ending before k ends its sentence: nothing, punctuation, "because", its own text."""
        while k < len(toks) and toks[k].kind == "bold":
            k += 1
        if k >= len(toks):
            return True
        tok = toks[k]
        if tok.kind in ("punct", "dots"):
            return tok.raw in ",.;:!?)]}-—–=" or tok.raw in CHECKS or tok.kind == "dots"
        if tok.kind == "word" and tok.low in TERMINAL_WORDS:
            return True
        rest = _norm(text[tok.start:tok.start + 400])
        for label in labels:
            option = _norm(self.params.text_of(label))
            if option and (rest.startswith(option) or fuzz.ratio(rest[: len(option)], option) >= self.params.fuzzy):
                return True
        return False

    # -- cues and corrections

    def cue_at(self, toks: list[Tok], i: int) -> int:
        """How many tokens a cue at i takes (0: none)."""
        tok = toks[i]
        for cue in self.cues:
            words = [t.low for t in toks[i:i + len(cue)]]
            if words == cue:
                return len(cue)
        if tok.kind == "punct" and tok.raw == "∴":
            return 1
        if tok.kind == "punct" and tok.raw == ":" and i + 1 < len(toks) and toks[i + 1].raw == "." \
                and toks[i + 1].start == tok.end:
            return 2
        if tok.kind != "word":
            return 0
        low = tok.low
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if low in CUE_LEADS and nxt is not None and nxt.kind == "word" and (
                is_answer_word(nxt.low) or is_intro_word(nxt.low)):
            return 2
        if is_answer_word(low) or low in CUE_WORDS:
            return 1
        if low in ("go", "going", "went", "opt") and is_word(nxt, frozenset({"with", "for"})):
            return 2
        if self.tf and low in TF_CUES:
            return 1
        return 0

    def correction_at(self, toks: list[Tok], i: int) -> int:
        """How many tokens a self-correction at i takes ("no,", "wait", "I mean"; 0: none)."""
        tok = toks[i]
        if tok.kind != "word":
            return 0
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.low == "no" and nxt is not None and (nxt.kind == "dots" or (nxt.kind == "punct" and nxt.raw in ",.!;-—")
                                                    or is_word(nxt, frozenset({"wait", "sorry"}))):
            return 2
        if tok.low in CORRECTION_WORDS:
            return 1
        if tok.low == "i" and is_word(nxt, frozenset({"mean", "meant"})):
            return 2
        if tok.low in ("changed", "change", "changing", "changes") and is_word(nxt, frozenset({"to", "my", "it"})):
            return 2
        if tok.low == "second" and is_word(nxt, frozenset({"thought", "thoughts"})):
            return 2
        return 0

    # -- the line

    def line_only(self, toks: list[Tok]) -> bool:
        """A line that holds only a selection ("(b)", "a, c", "Option 2", "True.", "I think it is (b)")."""
        allowed = SEPARATORS | INTRO | FILLER | AFFIRM | NEGATE | CORRECTION_WORDS | ANSWER_WORDS | CUE_WORDS
        labels = 0
        for tok in toks:
            if tok.kind in ("bold", "dots"):
                continue
            if tok.kind == "punct":
                if self.tf and (tok.raw in CHECKS or tok.raw in CROSSES or tok.raw == "×"):
                    labels += 1
                continue
            if tok.kind == "paren":
                labels += 1
                continue
            label, _, shaped = self.resolve(tok.raw, False)
            if label is not None or shaped:
                labels += label is not None
                continue
            if self.tf and tok.low in TF_SYNONYMS:
                labels += 1
                continue
            if tok.kind == "word" and (tok.low in allowed or is_intro_word(tok.low)):
                continue
            return False
        return labels > 0

    def wrapped_article(self, lines: Sequence[Line], index: int) -> bool:
        """A lone "a"/"I" that is a sentence the scan broke over lines ("we need\\na\\nsmaller rate")."""
        toks = tokens(clean(lines[index].text))
        if len(toks) != 1 or toks[0].low not in ARTICLE_LIKE or index == 0 or index + 1 >= len(lines):
            return False
        before, after = tokens(clean(lines[index - 1].text)), tokens(clean(lines[index + 1].text))
        if not before or not after or before[-1].kind != "word" or after[0].kind != "word":
            return False
        if is_answer_word(before[-1].low) or before[-1].low in CUE_WORDS or is_intro_word(before[-1].low):
            return False
        return after[0].raw[0].islower() and len(after[0].raw) > 1 and self.resolve(after[0].raw, False)[0] is None

    def read(self, index: int, line: Line, cue_pending: bool, correction_pending: bool,
             wrapped: bool = False) -> LineReading:
        text = clean(line.text)
        toks = tokens(text)
        depth, self.depths = 0, []
        for tok in toks:
            self.depths.append(depth)
            if tok.kind == "punct":
                depth += (tok.raw == "(") - (tok.raw == ")")
        reading = LineReading()
        only = self.line_only(toks) and not wrapped
        content = [k for k, t in enumerate(toks) if t.kind in ("word", "num", "paren")]
        first_content = content[0] if content else len(toks)
        cue_words: int | None = 0 if cue_pending else None  # words since the last cue (None: no cue open)
        last_word: str | None = None
        correction = correction_pending
        i = 0
        n = len(toks)
        while i < n:
            tok = toks[i]
            taken = self.correction_at(toks, i)
            if taken:
                reading.corrections.append((index, tok.start))
                correction = True
                i += taken
                continue
            taken = self.cue_at(toks, i)
            if taken:
                cue_words, last_word = 0, None
                i += taken
                continue
            intro = False
            start = i
            if tok.kind == "word" and is_intro_word(tok.low):
                k = i + 1
                while k < n and toks[k].kind == "punct" and toks[k].raw in ".:#-":
                    k += 1
                if k < n and toks[k].low in ("no", "num", "number"):
                    k += 1
                    while k < n and toks[k].kind == "punct" and toks[k].raw in ".:#":
                        k += 1
                intro, start = True, k
            cue_ok = cue_words is not None and (cue_words == 0 or last_word in COPULA)
            found = self.statement_at(toks, start, text, line, index, cue_ok=cue_ok, intro=intro, only=only,
                                      at_start=start == first_content or (intro and i == first_content),
                                      correction=correction)
            if found is not None:
                statement, nxt = found
                i = max(nxt, i + 1)
                if statement is None:  # "2." numbering a list (or the question): what follows starts the line
                    first_content = next((k for k in content if k >= i), n)
                    continue
                reading.statements.append(statement)
                cue_words, last_word, correction = None, None, False
                continue
            if tok.kind == "punct" and tok.raw in CLAUSE_BREAK:
                cue_words, last_word = None, None
            elif tok.kind == "word":
                if tok.low in NEGATION_STOPS:
                    cue_words = None
                elif cue_words is not None:
                    cue_words += 1
                    last_word = tok.low
                    if cue_words > 6:
                        cue_words = None
            i += 1
        reading.dangling_cue = cue_words is not None and (cue_words == 0 or last_word in COPULA)
        return reading

    def statement_at(self, toks: list[Tok], i: int, text: str, line: Line, index: int, *, cue_ok: bool, intro: bool,
                     only: bool, at_start: bool, correction: bool) -> tuple[Statement | None, int] | None:
        labels: list[str] = []
        unknown: list[str] = []
        repairs: list[str] = []
        forms: list[str] = []
        hedged = False
        j = i
        first = True
        end = i
        tf_extra = cue_ok or only
        while True:
            got = self.label_at(toks, j, bare_ok=(cue_ok or intro or only) if first else True,
                                first_free=first and (cue_ok or intro), at_start=at_start and first, tf_extra=tf_extra)
            if got is None:
                break
            label, repair, form, after, raw = got
            if label is None:
                unknown.append(raw)
            elif label not in labels:
                labels.append(label)
            if repair:
                repairs.append(repair)
            forms.append(form)
            end = after
            first = False
            k = after
            joined = False
            if k < len(toks) and toks[k].kind == "punct" and toks[k].raw in LIST_PUNCT:
                k += 1
                joined = True
            if k < len(toks) and is_word(toks[k], SEPARATORS):
                hedged = hedged or toks[k].low == "or"
                k += 1
                joined = True
            if k < len(toks) and toks[k].kind == "word" and is_intro_word(toks[k].low):
                k += 1
                while k < len(toks) and toks[k].kind == "punct" and toks[k].raw in ".:#":
                    k += 1
            nxt = self.label_at(toks, k, bare_ok=True, first_free=False, at_start=False, tf_extra=tf_extra)
            if nxt is None:
                break
            if not joined and (form == "dot" or not (cue_ok or only or intro)):
                break  # "1. (b)": a number then a label; "(a) b" in prose: no list without a separator
            j = k
        if not labels and not unknown:
            return None
        if forms == ["dot"] and not labels:
            return None, end  # "1." numbering the question or a list
        if forms == ["dot"] and labels[0].isdigit():
            # "2. The gradient ..." is a numbered list of working, not option 2 — unless nothing else is said
            if not (cue_ok or only or self.terminal_after(toks, end, text, labels)):
                return None, end
        pre = self.negated_before(toks, i)
        verdict = 0 if self.tf else self.verdict_after(toks, end)
        negated = (pre or verdict < 0) and not self.tf
        if self.tf and pre:  # "not true" is False
            labels = [("false" if label == "true" else "true") for label in labels]
        terminal = self.terminal_after(toks, end, text, labels)
        bold = "bold" in forms
        explicit = (cue_ok or only or bold or verdict > 0 or (at_start and terminal)
                    or (correction and (terminal or verdict > 0)))
        statement = Statement(index, toks[i].start if i < len(toks) else 0, line, tuple(labels), tuple(unknown),
                              "label", explicit and not negated, (cue_ok or correction) and not negated, negated,
                              hedged and len(labels) + len(unknown) > 1, tuple(repairs))
        return statement, end

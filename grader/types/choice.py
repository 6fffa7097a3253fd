"""``choice``: single choice, multiple choice (select all that apply) and true/false.

The student's selection is read from the question's segment by label ("(b)", "b)",
"Option 2", "answer: c", "a, c", "True", "T", "✓") or by the option's text ("the
learning rate is too high", OCR-tolerant). What a label is, and which statement is
the answer, follows a few rules (docs/types/choice.md has them for TAs):

* A label stands as a label, never inside a word, and a letter that is also a word
  ("a", "I") counts only in a label's form: "(a)", "a)", "a." starting a line, bold
  or circled, after "option", after a cue ("answer: a") or on a line of its own —
  and even then not when an ordinary word follows it ("answer: a learning rate ...").
* Statements come in two strengths. *Explicit* ones say "this is my answer": after
  a cue ("the answer is", "ans-", "I choose", "therefore"), a line holding only the
  selection, a bold/boxed/circled label, a label followed by "is correct"/"✓", a
  label that starts a line and is followed by nothing, punctuation, "because" or its
  option's own text, or a self-correction ("no, (c)"). Anything else — "(a) would
  make the loss diverge" — is a mention. Explicit statements on adjacent lines form
  one block ("(a) ✓ / (b) ✗ / (c) ✓"); a cue or a correction starts a new block, and
  the last block is the answer. Without an explicit statement the labels mentioned
  are the answer, and without labels the option texts found in the answer.
* Negation removes: "not (b)", "(b) is wrong", "(a) ✗", "~~(a)~~". For true/false,
  "not true" is False.
* Single choice and true/false take one option: naming several ("(a) or (c)", two
  labels in the deciding statement) is ``invalid`` — ambiguous, flagged for a TA —
  never silently the first. An explicit label that is not an option ("answer: (e)"
  for a–d) is ``invalid`` too, unless it is a known OCR confusion of one ("6" for
  "b"), which is repaired and flagged.

Multiple choice earns ``all_or_nothing`` (exactly the correct set) or ``per_option``
credit: (right selections − wrong selections) / number of correct options, floored
at 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Sequence

from pydantic import Field, field_validator
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from grader.flags import note
from grader.model import Evidence, Line, Outcome
from grader.types.base import CheckParams, Comparison, Invalid, Parsed, QuestionContext, QuestionType, SelfTest, register
from grader.types.phrasing import NEGATIONS, content_words, find_phrasing, similarity, tokenize

# --- the check ------------------------------------------------------------------------------

_LABEL_SHAPE = re.compile(r"^(?:[A-Za-z]{1,4}|\d{1,2})$")
_TF_WORDS = {"true": True, "t": True, "false": False, "f": False}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


class ChoiceParams(CheckParams):
    kind: Literal["single", "multiple", "true_false"] = Field(
        default="single", description="single choice, multiple choice (select all that apply) or true/false")
    options: dict[str, str] = Field(
        default_factory=dict, description="label -> the option's text (a, b, c ... or 1, 2, 3 ... or i, ii ...)")
    correct: bool | str | list[str] = Field(description="the correct label, a list of them, or true/false")
    partial: Literal["all_or_nothing", "per_option"] = Field(
        default="all_or_nothing",
        description="multiple choice credit: exactly the correct set, or (right - wrong) / number correct, floored at 0")
    cue: list[str] = Field(default_factory=list, description="words that precede the answer ('Answer', 'My choice')")
    fuzzy: float = Field(default=85, ge=50, le=100, description="similarity (0-100) a written option text must reach")

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: Any) -> Any:
        if isinstance(value, list):  # labels only: [a, b, c, d] (the texts are on the paper)
            return {_text(label): "" for label in value}
        if isinstance(value, dict):  # YAML reads 1: ... as an int and 0.5 as a float
            return {_text(label): _text(text) for label, text in value.items()}
        return value

    @field_validator("correct", mode="before")
    @classmethod
    def _correct(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return _text(value)
        if isinstance(value, list):
            return [_text(v) if isinstance(v, (int, float, bool)) else v for v in value]
        return value

    @field_validator("cue", mode="before")
    @classmethod
    def _cue(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    # -- what the rest of the module works with

    @property
    def labels(self) -> tuple[str, ...]:
        """The option labels, in the rubric's order (true/false: "true", "false")."""
        return ("true", "false") if self.kind == "true_false" else tuple(self.options)

    def text_of(self, label: str) -> str:
        if self.kind == "true_false":
            return label.capitalize()
        return self.options.get(label, "")

    def canonical(self, written: str) -> str | None:
        """The option label a written label names (case-insensitive), or None."""
        low = written.strip().lower()
        if self.kind == "true_false":
            value = _TF_WORDS.get(low)
            return None if value is None else ("true" if value else "false")
        return next((label for label in self.options if label.lower() == low), None)

    @property
    def correct_labels(self) -> tuple[str, ...]:
        """The correct options as their labels, in option order (unknown ones left out)."""
        if self.kind == "true_false":
            if isinstance(self.correct, bool):
                return ("true" if self.correct else "false",)
            found = self.canonical(self.correct) if isinstance(self.correct, str) else None
            return (found,) if found else ()
        named = [self.correct] if isinstance(self.correct, (str, bool)) else list(self.correct)
        chosen = {self.canonical(str(n)) for n in named if not isinstance(n, bool)}
        return tuple(label for label in self.options if label in chosen)


def _problems(params: ChoiceParams) -> list[str]:
    problems: list[str] = []
    if params.kind == "true_false":
        if params.options:
            problems.append("options: kind true_false takes no options (True and False are implied)")
        if isinstance(params.correct, list) or not params.correct_labels:
            problems.append(f"correct: kind true_false needs correct: true or correct: false, not {params.correct!r}")
        return problems
    if not params.options:
        problems.append(f"options: kind {params.kind} needs its options, as label: text (a: ..., b: ...)")
        return problems
    if len(params.options) < 2:
        problems.append("options: give at least two options")
    seen: dict[str, str] = {}
    for label in params.options:
        if not _LABEL_SHAPE.match(label):
            problems.append(f"options: {label!r} is not a label: use letters (a, b, c ...), numbers (1, 2, 3 ...) "
                            "or roman numerals (i, ii ...)")
        if label.lower() in seen:
            problems.append(f"options: labels {seen[label.lower()]!r} and {label!r} are the same label")
        seen[label.lower()] = label
    texts: dict[str, str] = {}
    for label, text in params.options.items():
        key = " ".join(text.lower().split())
        if key and key in texts:
            problems.append(f"options: {texts[key]!r} and {label!r} have the same text; an answer written as text "
                            "could not tell them apart")
        texts.setdefault(key, label)
    if isinstance(params.correct, bool):
        problems.append("correct: true/false is for kind: true_false; name the correct option's label")
        return problems
    named = [params.correct] if isinstance(params.correct, str) else list(params.correct)
    if not named:
        problems.append("correct: name at least one correct option")
    known = ", ".join(params.options)
    for label in named:
        if params.canonical(label) is None:
            problems.append(f"correct: {label!r} is not one of the options ({known})")
    if len({params.canonical(n) or n for n in named}) < len(named):
        problems.append("correct: an option is listed twice")
    if params.kind == "single" and len(named) > 1:
        problems.append("correct: kind single has one correct option; use kind: multiple for several")
    return problems


# --- reading a line -------------------------------------------------------------------------

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


_CHECKS = frozenset("✓✔☑√")
_CROSSES = frozenset("✗✘☒")
_CLAUSE_BREAK = frozenset(".;!?")
_LIST_PUNCT = frozenset(",/&+")
# Punctuation after a bare label that keeps it a label ("answer: a." / "a, c"); "=" or "+" would be algebra.
_FOLLOW_PUNCT = frozenset(",.;:!?)]}/&—–-") | _CHECKS | _CROSSES
_ARTICLE_LIKE = frozenset({"a", "i", "o"})  # labels that are also English words
_ROMAN = re.compile(r"^(?:i{1,3}|iv|vi{0,3}|ix|x)$")

_SEPARATORS = frozenset({"and", "or", "plus", "&"})
_INTRO = frozenset({"option", "options", "opt", "opts", "choice", "choices", "alternative", "alt", "opton", "optn"})
_ANSWER_WORDS = frozenset({"ans", "answer", "answers", "answ", "ansr", "answr", "anwser", "asnwer", "anser", "anwer",
                           "answe", "sol", "soln", "solution"})
_CUE_WORDS = frozenset({"choose", "chose", "chosen", "choosing", "pick", "picked", "picking", "select", "selected",
                        "selecting", "circle", "circled", "tick", "ticked", "final", "therefore", "hence", "thus"})
_CUE_LEADS = frozenset({"correct", "right", "best", "my", "final", "true"})
_TF_CUES = frozenset({"statement", "claim", "assertion"})
# Words allowed between a cue and the answer without breaking it, and what may precede the answer after a cue.
_FILLER = frozenset({"is", "are", "was", "were", "be", "would", "will", "should", "must", "it", "it's", "its", "i",
                     "think", "believe", "the", "that", "this", "one", "correct", "right", "final", "my", "our",
                     "definitely", "clearly", "obviously", "surely", "so", "here", "given", "by", "me",
                     "i'm", "i'd", "go", "with", "all", "both", "of"})
_COPULA = frozenset({"is", "are", "was", "were", "be", "option", "options", "opt", "choice", "choices", "with", "of"})
_FOLLOWERS = frozenset({"and", "or", "plus", "because", "since", "as", "so", "is", "are", "was", "were", "seems",
                        "correct", "right", "wrong", "incorrect", "true", "false", "only", "both", "also", "not",
                        "isn't", "then", "hence", "therefore", "thus", "bcoz", "bcz", "bcs", "coz", "cause", "ie",
                        "eg", "option", "options", "would", "must", "should", "will", "due", "being"})
# After a label that is also a word ("a", "I"), only these keep it a label: "a and c", "a is correct" — not "I would".
_ARTICLE_FOLLOWERS = frozenset({"and", "or", "plus", "because", "since", "is", "are", "correct", "right", "wrong",
                                "incorrect", "true", "false", "option", "bcoz", "bcz", "coz"})
_TERMINAL_WORDS = frozenset({"because", "since", "as", "so", "bcoz", "bcz", "bcs", "coz", "cause", "hence",
                             "therefore", "thus", "which", "ie", "due", "reason", "explanation"})
_PRE_NEGATIONS = frozenset({"not", "no", "never", "except", "excluding", "exclude", "eliminate", "eliminated",
                            "eliminating", "than", "unlike", "instead", "isn't", "aren't", "wasn't", "isnt", "cannot",
                            "can't", "cant", "nor", "neither", "without", "reject", "rejected", "discard", "out",
                            "against", "besides", "wouldn't", "shouldn't", "don't", "dont"})
_NEGATION_STOPS = frozenset({"because", "since", "but", "however", "whereas", "although", "though", "while", "so"})
_POST_SKIP = frozenset({"is", "are", "was", "were", "s", "'s", "seems", "seem", "looks", "look", "would", "be",
                        "should", "must", "will", "the", "definitely", "clearly", "obviously", "also", "both", "all",
                        "option", "options", "choice", "one", "ones", "an", "certainly"})
_AFFIRM = frozenset({"correct", "right", "true", "valid", "yes", "answer", "answers", "ans", "ok", "okay", "chosen",
                     "selected", "tick"})
_NEGATE = frozenset({"wrong", "incorrect", "false", "invalid", "not", "isn't", "isnt", "aren't", "wasn't", "never",
                     "eliminated", "excluded", "impossible", "cannot", "can't", "no", "wrongly"})
_CORRECTION_WORDS = frozenset({"wait", "sorry", "oops", "correction", "scratch"})
_CONTRAST_SHORT = frozenset({"low", "max", "min", "big", "few", "all", "any", "one", "two", "yes", "no"})
_TF_SYNONYMS = {"correct": "true", "right": "true", "wrong": "false", "incorrect": "false"}
_REAL_WORDS = frozenset({"tree", "trie", "truce", "trues", "truer", "trued", "tue", "rue", "fake", "fate", "fame",
                         "face", "fade", "fare", "fast", "fuse", "fuss"})
# OCR misreadings of a handwritten label, tried only when the written one names no option.
_CONFUSABLE = {"6": ("b",), "l": ("i", "1"), "1": ("i", "l"), "|": ("i", "1")}


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
    score: float = 100.0  # for text: how well it matched

    @property
    def order(self) -> tuple[int, int]:
        return (self.index, self.start)


@dataclass
class LineReading:
    statements: list[Statement] = field(default_factory=list)
    corrections: list[tuple[int, int]] = field(default_factory=list)
    dangling_cue: bool = False


def _is_word(tok: Tok | None, words: frozenset[str]) -> bool:
    return tok is not None and tok.kind == "word" and tok.low in words


def _answer_word(low: str) -> bool:
    return low in _ANSWER_WORDS or (5 <= len(low) <= 7 and OSA.distance(low, "answer") <= 1)


def _intro_word(low: str) -> bool:
    return low in _INTRO or (5 <= len(low) <= 7 and OSA.distance(low, "option") <= 1)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w.]+", " ", text.lower()).replace(". ", " ").strip(" .").split())


class LineReader:
    """Reads the statements of one line; knows the item's options and kind."""

    def __init__(self, params: ChoiceParams):
        self.params = params
        self.tf = params.kind == "true_false"
        self.cues = [[t.low for t in tokens(c) if t.kind in ("word", "num")] for c in params.cue]
        self.cues = [c for c in self.cues if c]
        self.numbered = bool(params.options) and all(label.isdigit() for label in params.options)
        self.depths: list[int] = []  # per token of the line being read: how many "(" are open before it

    # -- labels

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
            if nxt.low in (_ARTICLE_FOLLOWERS if toks[k - 1].low in _ARTICLE_LIKE else _FOLLOWERS):
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
                    label = _TF_SYNONYMS.get(raw.lower())
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
        if tok.kind == "punct" and self.tf and (tok.raw in _CHECKS or tok.raw in _CROSSES or tok.raw == "×"):
            if bare_ok:
                return ("true" if tok.raw in _CHECKS else "false"), None, "mark", j + 1, tok.raw
            return None
        if tok.kind not in ("word", "num"):
            return None
        tf_word = self._tf_word(tok)
        if tf_word is not None:
            label, repair, _ = self.resolve(tok.raw, False)
            return label, repair, "word", j + 1, tok.raw
        if self.tf and tf_extra and tok.low in _TF_SYNONYMS:
            return _TF_SYNONYMS[tok.low], None, "word", j + 1, tok.raw
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
        if tok.low in _ARTICLE_LIKE or not first_free:
            if not self._follows_ok(toks, j + 1):
                return None
        return label, repair, "bare", j + 1, tok.raw

    # -- around a statement

    def negated_before(self, toks: list[Tok], i: int) -> bool:
        """"not (b)", "except (b)", "rule out (b)": a negation up to three words back, in the same clause."""
        words = 0
        for k in range(i - 1, max(-1, i - 13), -1):
            tok = toks[k]
            if tok.kind == "punct" and tok.raw in _CLAUSE_BREAK:
                return False
            if tok.kind != "word":
                continue
            low = tok.low
            if low in _NEGATION_STOPS or _answer_word(low) or low in _CUE_WORDS or self.correction_at(toks, k):
                return False  # "no, (c)" / "no wait (c)": a correction, not a negation
            if low == "out":
                negation = k > 0 and toks[k - 1].low in ("rule", "ruled", "rules", "cross", "crossed")
            else:
                negation = low in _PRE_NEGATIONS
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
            if tok.kind == "punct" and tok.raw in _CHECKS:
                return 1
            if tok.kind == "punct" and (tok.raw in _CROSSES or tok.raw == "×"):
                return -1
            if tok.kind == "punct" and tok.raw in "-:—–=→'":
                k += 1
                continue
            if tok.kind == "bold":
                k += 1
                continue
            if tok.kind != "word":
                return 0
            if tok.low in _AFFIRM:
                return 1
            if tok.low in _NEGATE:
                return -1
            if tok.low not in _POST_SKIP:
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
            return tok.raw in ",.;:!?)]}-—–=" or tok.raw in _CHECKS or tok.kind == "dots"
        if tok.kind == "word" and tok.low in _TERMINAL_WORDS:
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
        if low in _CUE_LEADS and nxt is not None and nxt.kind == "word" and (
                _answer_word(nxt.low) or _intro_word(nxt.low)):
            return 2
        if _answer_word(low) or low in _CUE_WORDS:
            return 1
        if low in ("go", "going", "went", "opt") and _is_word(nxt, frozenset({"with", "for"})):
            return 2
        if self.tf and low in _TF_CUES:
            return 1
        return 0

    def correction_at(self, toks: list[Tok], i: int) -> int:
        tok = toks[i]
        if tok.kind != "word":
            return 0
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.low == "no" and nxt is not None and (nxt.kind == "dots" or (nxt.kind == "punct" and nxt.raw in ",.!;-—")
                                                    or _is_word(nxt, frozenset({"wait", "sorry"}))):
            return 2
        if tok.low in _CORRECTION_WORDS:
            return 1
        if tok.low == "i" and _is_word(nxt, frozenset({"mean", "meant"})):
            return 2
        if tok.low in ("changed", "change", "changing", "changes") and _is_word(nxt, frozenset({"to", "my", "it"})):
            return 2
        if tok.low == "second" and _is_word(nxt, frozenset({"thought", "thoughts"})):
            return 2
        return 0

    # -- the line

    def line_only(self, toks: list[Tok]) -> bool:
        """A line that holds only a selection ("(b)", "a, c", "Option 2", "True.", "I think it is (b)")."""
        allowed = _SEPARATORS | _INTRO | _FILLER | _AFFIRM | _NEGATE | _CORRECTION_WORDS | _ANSWER_WORDS | _CUE_WORDS
        labels = 0
        for tok in toks:
            if tok.kind in ("bold", "dots"):
                continue
            if tok.kind == "punct":
                if self.tf and (tok.raw in _CHECKS or tok.raw in _CROSSES or tok.raw == "×"):
                    labels += 1
                continue
            if tok.kind == "paren":
                labels += 1
                continue
            label, _, shaped = self.resolve(tok.raw, False)
            if label is not None or shaped:
                labels += label is not None
                continue
            if self.tf and tok.low in _TF_SYNONYMS:
                labels += 1
                continue
            if tok.kind == "word" and (tok.low in allowed or _intro_word(tok.low)):
                continue
            return False
        return labels > 0

    def wrapped_article(self, lines: Sequence[Line], index: int) -> bool:
        """A lone "a"/"I" that is a sentence the scan broke over lines ("we need\\na\\nsmaller rate")."""
        toks = tokens(clean(lines[index].text))
        if len(toks) != 1 or toks[0].low not in _ARTICLE_LIKE or index == 0 or index + 1 >= len(lines):
            return False
        before, after = tokens(clean(lines[index - 1].text)), tokens(clean(lines[index + 1].text))
        if not before or not after or before[-1].kind != "word" or after[0].kind != "word":
            return False
        if _answer_word(before[-1].low) or before[-1].low in _CUE_WORDS or _intro_word(before[-1].low):
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
            if tok.kind == "word" and _intro_word(tok.low):
                k = i + 1
                while k < n and toks[k].kind == "punct" and toks[k].raw in ".:#-":
                    k += 1
                if k < n and toks[k].low in ("no", "num", "number"):
                    k += 1
                    while k < n and toks[k].kind == "punct" and toks[k].raw in ".:#":
                        k += 1
                intro, start = True, k
            cue_ok = cue_words is not None and (cue_words == 0 or last_word in _COPULA)
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
            if tok.kind == "punct" and tok.raw in _CLAUSE_BREAK:
                cue_words, last_word = None, None
            elif tok.kind == "word":
                if tok.low in _NEGATION_STOPS:
                    cue_words = None
                elif cue_words is not None:
                    cue_words += 1
                    last_word = tok.low
                    if cue_words > 6:
                        cue_words = None
            i += 1
        reading.dangling_cue = cue_words is not None and (cue_words == 0 or last_word in _COPULA)
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
            if k < len(toks) and toks[k].kind == "punct" and toks[k].raw in _LIST_PUNCT:
                k += 1
                joined = True
            if k < len(toks) and _is_word(toks[k], _SEPARATORS):
                hedged = hedged or toks[k].low == "or"
                k += 1
                joined = True
            if k < len(toks) and toks[k].kind == "word" and _intro_word(toks[k].low):
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


# --- reading the segment ----------------------------------------------------------------------

@dataclass(frozen=True)
class Selection:
    labels: tuple[str, ...]  # in option order
    how: tuple[tuple[str, str], ...]  # (label, "label" | "text")

    def by(self, label: str) -> str:
        return dict(self.how).get(label, "label")


def _long_text(text: str) -> bool:
    words = content_words(text)
    return len(words) >= 2 or any(len(w) >= 4 and not w.replace(".", "").isdigit() for w, _ in words)


def _offsets(text: str, ptoks: Sequence[Any]) -> list[int]:
    """Where each phrasing token starts on the line (for ordering against labels and corrections)."""
    low, pos, out = text.lower(), 0, []
    for tok in ptoks:
        found = low.find(tok.text.lower(), pos)
        if found >= 0:
            pos = found
        out.append(pos)
    return out


_LEAD_WORDS = _FILLER | _ANSWER_WORDS | _CUE_WORDS | _INTRO | _SEPARATORS | _CUE_LEADS


def _is_lead(reader: LineReader, word: str, text: str) -> bool:
    return word in _LEAD_WORDS or _answer_word(word) or _intro_word(word) or reader.resolve(text, False)[0] is not None


def _answer_phrase(reader: LineReader, ptoks: Sequence[Any]) -> list[int]:
    """The tokens of what a line states after its cue or label, up to "because" or the end of its clause."""
    k = 0
    while k < len(ptoks) and _is_lead(reader, ptoks[k].word, ptoks[k].text):
        k += 1
    phrase = []
    while k < len(ptoks) and (not phrase or ptoks[k].clause == ptoks[phrase[0]].clause) \
            and ptoks[k].word not in _TERMINAL_WORDS:
        phrase.append(k)
        k += 1
    return phrase if len(phrase) <= 40 else []


def _phrase_score(option: str, phrase: Sequence[Any]) -> float:
    """0..100: how well a written phrase is the option's text (every content word found; short words may slip)."""
    words = content_words(option)
    written = [t for t in phrase if t.word not in NEGATIONS]
    if not words or len([t for t in written if len(t.word) > 3]) > len(words) + 2:
        return 0.0
    total = weight = 0.0
    for word, acronym in words:
        best = 0.0
        for tok in written:
            score = similarity(word, acronym, tok.text)
            if not score and len(word) <= 3 and len(tok.word) >= 2 and tok.word not in _CONTRAST_SHORT \
                    and OSA.distance(word, tok.word) <= 1:
                score = 75.0  # "to" for "too"
            best = max(best, score)
        if best < 50:
            return 0.0
        total += max(len(word), 3) * best
        weight += max(len(word), 3)
    return total / weight


def _text_statements(reader: LineReader, index: int, line: Line, cue_pending: bool) -> list[Statement]:
    """The options whose text the line holds (OCR-tolerant), explicit when the line or a cue leads to it."""
    params = reader.params
    if params.kind == "true_false":
        return []
    text = clean(line.text)
    ptoks = tokenize([Line(line.number, text)])
    if not ptoks:
        return []
    found: list[tuple[str, tuple[int, ...], float, bool]] = []
    words_plain = [t.word for t in ptoks]
    clauses: dict[int, list[int]] = {}
    for k, tok in enumerate(ptoks):
        clauses.setdefault(tok.clause, []).append(k)
    for label in params.labels:
        option = params.text_of(label)
        if not option:
            continue
        if _long_text(option):  # matched clause by clause: an option's words never span "…; …"
            for members in clauses.values():
                part = [ptoks[k] for k in members]
                match = find_phrasing(part, option, params.fuzzy, max(50.0, params.fuzzy - 15), None, {})
                if match is not None:
                    found.append((label, tuple(members[p] for p in match.positions), match.score, match.negated))
        else:  # "0.5", "yes": only as the whole answer, exactly
            target = [t.word for t in tokenize([Line(0, option)])]
            for start in range(len(ptoks) - len(target) + 1):
                if words_plain[start:start + len(target)] == target:
                    found.append((label, tuple(range(start, start + len(target))), 100.0, False))
                    break
    # The whole answer copied with a slip in a short word ("to high" for "too high"): one option, clearly best.
    phrase = _answer_phrase(reader, ptoks)
    if phrase and not {label for label, *_ in found}:
        scored = sorted(((_phrase_score(params.text_of(label), [ptoks[k] for k in phrase]), label)
                         for label in params.labels if _long_text(params.text_of(label))), reverse=True)
        if scored and scored[0][0] >= params.fuzzy and (len(scored) == 1 or scored[1][0] <= scored[0][0] - 5):
            negated = any(ptoks[k].word in NEGATIONS for k in phrase)
            found.append((scored[0][1], tuple(phrase), scored[0][0], negated))
    # "leaky ReLU" holds "ReLU": the longer option wins
    kept = [f for f in found if not any(o is not f and set(f[1]) < set(o[1]) for o in found)]
    offsets = _offsets(text, ptoks)
    statements = []
    for label, positions, score, negated in kept:
        first, last = min(positions), max(positions)
        before = ptoks[:first]
        cue = cue_pending or any(_answer_word(t.word) or t.word in _CUE_WORDS for t in before)
        lead = all(_is_lead(reader, t.word, t.text) for t in before)
        after = ptoks[last + 1:]
        terminal = not after or after[0].clause != ptoks[last].clause or after[0].word in _TERMINAL_WORDS
        short = not _long_text(params.text_of(label))
        if short and not (lead and terminal):
            continue  # a short text counts only as the whole answer
        explicit = lead and terminal and not negated
        written = " ".join(ptoks[p].text for p in sorted(positions))
        repair = () if score >= 100 or negated else (f"read “{written}” as the text of option ({label})",)
        statements.append(Statement(index, offsets[first], line, (label,), (), "text",
                                    explicit, explicit and cue, negated, False, repair, score))
    return statements


@dataclass(frozen=True)
class Reading:
    selection: Selection | None
    statements: tuple[Statement, ...]
    problem: str | None = None  # why the answer is invalid
    flags: tuple[Any, ...] = ()


def _adjacent(a: int, b: int) -> bool:
    return b - a <= 1


def _apply(selected: list[tuple[str, str]], statement: Statement) -> None:
    if statement.negated:
        selected[:] = [(label, how) for label, how in selected if label not in statement.labels]
        return
    for label in statement.labels:
        if label not in [s for s, _ in selected]:
            selected.append((label, statement.how))


def read_selection(lines: Sequence[Line], params: ChoiceParams) -> Reading:
    """What the student selected: the deciding statements, or why the answer cannot be read."""
    reader = LineReader(params)
    statements: list[Statement] = []
    corrections: list[tuple[int, int]] = []
    conflicts: list[tuple[int, str]] = []
    cue_pending = correction_pending = False
    for index, line in enumerate(lines):
        got = reader.read(index, line, cue_pending, correction_pending, reader.wrapped_article(lines, index))
        label_here = [s for s in got.statements if not s.negated]
        texts = _text_statements(reader, index, line, cue_pending)
        if label_here:  # the label wins over the text on the same line; say so when they disagree
            named = {label for s in label_here for label in s.labels}
            for t in texts:
                if not t.negated and not set(t.labels) & named:
                    conflicts.append((index, f"line {line.number}: the label says {_labels(sorted(named, key=params.labels.index))}"
                                     f" but the text is option {_labels(t.labels)}'s"))
            texts = [t for t in texts if t.negated]
        statements.extend(got.statements)
        statements.extend(texts)
        corrections.extend(got.corrections)
        cue_pending = got.dangling_cue and not got.statements and not texts
        correction_pending = bool(got.corrections) and not any(s.order > max(got.corrections) for s in got.statements)
    statements.sort(key=lambda s: s.order)
    # A correction ("no, (c)") supersedes everything before it, when something follows it.
    for mark in sorted(corrections, reverse=True):
        if any(s.order > mark and s.explicit for s in statements):
            statements = [s for s in statements if s.order > mark]
            break
    flags: list[Any] = []

    # 1. explicit statements, in blocks of adjacent lines; the last block decides.
    blocks: list[tuple[list[Statement], list[tuple[str, str]], list[str]]] = []
    last_index = -10
    for s in statements:
        if s.negated:
            if blocks and _adjacent(last_index, s.index):
                _apply(blocks[-1][1], s)
                blocks[-1][0].append(s)
                last_index = s.index
            continue
        if not s.explicit:
            continue
        if s.opens or not blocks or not _adjacent(last_index, s.index):
            blocks.append(([], [], []))
        blocks[-1][0].append(s)
        _apply(blocks[-1][1], s)
        blocks[-1][2].extend(u for u in s.unknown if u not in blocks[-1][2])
        last_index = s.index
    for members, selected, unknown in reversed(blocks):
        if selected or unknown:
            return _decide(params, members, selected, unknown, flags, conflicts)

    # 2. labels mentioned; 3. option texts found.
    for how in ("label", "text"):
        selected: list[tuple[str, str]] = []
        members = [s for s in statements if s.how == how]
        for s in members:
            _apply(selected, s)
        if selected:
            if how == "text":
                flags.append(note("needs-review", "read from the option's text in the explanation, not a label"))
            used = [s for s in members if not s.negated and set(s.labels) & {lab for lab, _ in selected}]
            return _decide(params, used, selected, [], flags, conflicts)
    return Reading(None, tuple(statements))


def _labels(labels: Sequence[str]) -> str:
    return ", ".join(f"({label})" for label in labels)


def _decide(params: ChoiceParams, members: list[Statement], selected: list[tuple[str, str]], unknown: list[str],
            flags: list[Any], conflicts: Sequence[tuple[int, str]] = ()) -> Reading:
    deciding = {s.index for s in members}
    flags = [note("needs-review", why) for index, why in conflicts if index in deciding] + flags
    order = {label: k for k, label in enumerate(params.labels)}
    selected = sorted(selected, key=lambda s: order[s[0]])
    labels = tuple(label for label, _ in selected)
    shown = _labels(labels) if params.kind != "true_false" else " and ".join(l.capitalize() for l in labels)
    if unknown:
        return Reading(None, tuple(members), f"the answer names {_labels(unknown)}, which is not one of the options "
                       f"({', '.join(params.labels)})", tuple(flags))
    if any(s.hedged for s in members) and len(labels) > 1:
        return Reading(None, tuple(members), f"the answer hesitates between {shown}", tuple(flags))
    if params.kind != "multiple" and len(labels) > 1:
        return Reading(None, tuple(members), f"the answer names several options ({shown}) where one is asked for",
                       tuple(flags))
    repairs = tuple(dict.fromkeys(r for s in members for r in s.repairs))
    if repairs:
        flags.append("ocr-repaired")
    return Reading(Selection(labels, tuple(selected)), tuple(members), None, tuple(dict.fromkeys(flags)))


def _evidence(statements: Sequence[Statement]) -> tuple[Evidence, ...]:
    lines = {s.line.number: s.line for s in statements}
    return tuple(Evidence(number, lines[number].text.strip()) for number in sorted(lines))


# --- the type -------------------------------------------------------------------------------

def per_option_fraction(chosen: set[str], correct: set[str]) -> float:
    """(right selections − wrong selections) / number of correct options, floored at 0."""
    right, wrong = len(chosen & correct), len(chosen - correct)
    return max(0.0, (right - wrong) / len(correct))


@register
class ChoiceType(QuestionType):
    name = "choice"
    Params = ChoiceParams

    def check_params(self, params: ChoiceParams, refs: Mapping[str, Any]) -> list[str]:
        return _problems(params)

    def parse(self, ctx: QuestionContext, params: ChoiceParams) -> Parsed | Invalid | None:
        reading = read_selection(ctx.segment.lines, params)
        evidence = _evidence(reading.statements)
        if reading.problem is not None:
            return Invalid(reading.problem, evidence)
        if reading.selection is None:
            return None
        repairs = tuple(dict.fromkeys(r for s in reading.statements for r in s.repairs))
        return Parsed(reading.selection, evidence, reading.flags, repairs)

    def _show(self, params: ChoiceParams, labels: Sequence[str], texts: bool) -> str:
        if params.kind == "true_false":
            return " and ".join(label.capitalize() for label in labels) or "nothing"
        if not labels:
            return "no option"
        parts = []
        for label in labels:
            text = params.text_of(label)
            parts.append(f"({label}) {text}" if texts and text else f"({label})")
        return "; ".join(parts) if texts else ", ".join(parts)

    def compare(self, parsed: Parsed, ctx: QuestionContext, params: ChoiceParams) -> Comparison:
        selection: Selection = parsed.value
        chosen, correct = set(selection.labels), set(params.correct_labels)
        order = params.labels
        right = [label for label in order if label in chosen & correct]
        wrong = [label for label in order if label in chosen - correct]
        missed = [label for label in order if label in correct - chosen]
        if params.kind == "multiple" and params.partial == "per_option":
            fraction = per_option_fraction(chosen, correct)
        else:
            fraction = 1.0 if chosen == correct else 0.0
        outcome = Outcome.CORRECT if fraction >= 1 else Outcome.INCORRECT if fraction <= 0 else Outcome.PARTIAL
        hows = sorted({selection.by(label) for label in selection.labels})
        found = self._show(params, selection.labels, False)
        if params.kind != "true_false":
            found += " by " + " and ".join(hows)
        parts = []
        if params.kind == "multiple":
            parts.append(f"right: {self._show(params, right, False) if right else 'none'}")
            if wrong:
                parts.append(f"wrong: {self._show(params, wrong, False)}")
            if missed:
                parts.append(f"missed: {self._show(params, missed, False)}")
            if params.partial == "per_option":
                parts.append(f"credit max(0, ({len(right)} − {len(wrong)}) / {len(correct)}) = {round(fraction, 4):g}")
        elif fraction < 1:
            parts.append(f"chose {found.split(' by ')[0]}; the answer is {self._show(params, params.correct_labels, False)}")
        return Comparison(round(fraction, 4), outcome, found=found,
                          expected=self._show(params, params.correct_labels, True), detail="; ".join(parts),
                          evidence=parsed.evidence)

    def self_test(self, params: ChoiceParams, refs: Mapping[str, Any]) -> list[SelfTest]:
        lead = params.cue[0] if params.cue else "Answer"
        correct = list(params.correct_labels)
        wrong = [label for label in params.labels if label not in correct]
        if params.kind == "true_false":
            truth = correct[0] if correct else "true"
            other = "false" if truth == "true" else "true"
            return [
                SelfTest("correct", f"{lead}: {truth.capitalize()}", "the right value"),
                SelfTest("incorrect", f"{lead}: {other.capitalize()}", "the other value"),
                SelfTest("invalid", f"{lead}: True or False", "both values: ambiguous"),
                SelfTest("invalid", f"{lead}: ?", "nothing chosen"),
            ]
        tests = [SelfTest("correct", f"{lead}: {_labels(correct)}", "the correct option(s) by label")]
        if params.kind == "multiple":
            if len(correct) > 1:
                tests.append(SelfTest("incorrect", f"{lead}: {_labels(correct[:-1])}", "one correct option missing"))
            if wrong:
                tests.append(SelfTest("incorrect", f"{lead}: {_labels(correct + wrong[:1])}", "a wrong option added"))
            pair = (correct + wrong)[:2]
            tests.append(SelfTest("invalid", f"{lead}: ({pair[0]}) or ({pair[1]})", "hesitating between options"))
        else:
            if wrong:
                tests.append(SelfTest("incorrect", f"{lead}: ({wrong[0]})", "a wrong option"))
                tests.append(SelfTest("invalid", f"{lead}: ({correct[0]}) and ({wrong[0]})",
                                      "two options where one is asked for"))
        tests.append(SelfTest("invalid", f"{lead}: ?", "nothing chosen"))
        return tests

"""Finding an option by its text ("the learning rate is too high"), OCR-tolerant.

An option of several words (or one long word) is found clause by clause with the
shared phrasing matcher (``grader.types.phrasing``), so its words never span "…; …";
an answer that is the whole option copied with a slip in a short word ("to high" for
"too high") is accepted when one option is clearly the best. A short option ("0.5",
"yes") counts only as the whole answer, written exactly — anywhere else it is just a
word of the explanation. A match is explicit when only cue words, fillers or labels
lead to it and its clause ends with it.
"""

from __future__ import annotations

from typing import Any, Sequence

from rapidfuzz.distance import OSA

from grader.model import Line
from grader.types.choice_statements import LineReader, Statement
from grader.types.choice_tokens import clean
from grader.types.choice_words import (
    ANSWER_WORDS, CUE_LEADS, CUE_WORDS, FILLER, INTRO, SEPARATORS, TERMINAL_WORDS, is_answer_word, is_intro_word,
)
from grader.types.phrasing import NEGATIONS, content_words, find_phrasing, similarity, tokenize

_CONTRAST_SHORT = frozenset({"low", "max", "min", "big", "few", "all", "any", "one", "two", "yes", "no"})


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


_LEAD_WORDS = FILLER | ANSWER_WORDS | CUE_WORDS | INTRO | SEPARATORS | CUE_LEADS


def _is_lead(reader: LineReader, word: str, text: str) -> bool:
    return (word in _LEAD_WORDS or is_answer_word(word) or is_intro_word(word)
            or reader.resolve(text, False)[0] is not None)


def _answer_phrase(reader: LineReader, ptoks: Sequence[Any]) -> list[int]:
    """The tokens of what a line states after its cue or label, up to "because" or the end of its clause."""
    k = 0
    while k < len(ptoks) and _is_lead(reader, ptoks[k].word, ptoks[k].text):
        k += 1
    phrase = []
    while k < len(ptoks) and (not phrase or ptoks[k].clause == ptoks[phrase[0]].clause) \
            and ptoks[k].word not in TERMINAL_WORDS:
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


def text_statements(reader: LineReader, index: int, line: Line, cue_pending: bool) -> list[Statement]:
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
        cue = cue_pending or any(is_answer_word(t.word) or t.word in CUE_WORDS for t in before)
        lead = all(_is_lead(reader, t.word, t.text) for t in before)
        after = ptoks[last + 1:]
        terminal = not after or after[0].clause != ptoks[last].clause or after[0].word in TERMINAL_WORDS
        short = not _long_text(params.text_of(label))
        if short and not (lead and terminal):
            continue  # a short text counts only as the whole answer
        explicit = lead and terminal and not negated
        written = " ".join(ptoks[p].text for p in sorted(positions))
        repair = () if score >= 100 or negated else (f"read “{written}” as the text of option ({label})",)
        statements.append(Statement(index, offsets[first], line, (label,), (), "text",
                                    explicit, explicit and cue, negated, False, repair))
    return statements

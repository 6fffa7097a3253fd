"""Find math fragments and tables in submission lines, with the line each sits on.

markdown-it-py (CommonMark + tables) with the ``dollarmath`` plugin reads ``$…$``
and ``$$…$$``; ``\\(…\\)`` and ``\\[…\\]`` are found in the raw inline text
(markdown would otherwise read ``\\(`` as an escaped parenthesis). OCR'd math is
often malformed (unbalanced braces, an unclosed ``$``): fragments are returned
as written, never parsed here, so nothing in this module fails on bad LaTeX.

Lines are given as ``grader.model.Line`` (possibly a subset of a document, e.g.
one segment); the text is rebuilt with blank lines where numbers are missing so
markdown-it's line map is the file's numbering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from grader.model import Line


@dataclass(frozen=True)
class MathFragment:
    line: int
    latex: str
    display: bool


@dataclass(frozen=True)
class Table:
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, double_inline=True)


def _source(lines: Sequence[Line]) -> tuple[str, int]:
    """The text of ``lines`` placed at their numbers, and the number of its first line."""
    if not lines:
        return "", 1
    ordered = sorted(lines, key=lambda line: line.number)
    first = ordered[0].number
    slots = [""] * (ordered[-1].number - first + 1)
    for line in ordered:
        slots[line.number - first] = line.text
    return "\n".join(slots) + "\n", first


def _tokens(lines: Sequence[Line]) -> tuple[list[Token], int]:
    source, first = _source(lines)
    return (_parser().parse(source) if source else []), first


# \( … \) and \[ … \], shortest match; an unclosed one is not math.
_BRACKET_OPENER = re.compile(r"\\[(\[]")
_BRACKET_CLOSER = {"(": "\\)", "[": "\\]"}


def _bracket_math(content: str) -> Iterable[tuple[int, str, bool]]:
    """``(start, latex, display)`` of every ``\\(…\\)`` and ``\\[…\\]`` in ``content``, left to right.

    The shortest match from each opener, as a lazy regex (opener, ``.+?``, closer) would find
    them, but in linear time: such a regex rescans the rest of the text for every unclosed
    opener (quadratic on a long run of them), while here an opener whose kind has no closer
    left is known to be unclosed.
    """
    unclosed: set[str] = set()
    pos = 0
    while len(unclosed) < len(_BRACKET_CLOSER):
        opener = _BRACKET_OPENER.search(content, pos)
        if opener is None:
            return
        start, kind = opener.start(), content[opener.start() + 1]
        if kind not in unclosed:
            end = content.find(_BRACKET_CLOSER[kind], start + 3)  # the math is at least one character
            if end >= 0:
                yield start, content[start + 2 : end], kind == "["
                pos = end + 2
                continue
            unclosed.add(kind)  # no closer after this opener, so none after any later one either
        pos = start + 1


def _inline_math(token: Token, first: int) -> Iterable[tuple[int, MathFragment]]:
    """Math inside one inline token, with its offset into the raw content for ordering."""
    start = token.map[0] if token.map else 0
    # dollar math: children are in order. A fragment's line is the newlines of the raw content
    # before it (a multi-line $$...$$ inside a paragraph holds newlines no break token counts);
    # each search starts after the previous fragment, so repeated fragments keep their order.
    breaks = 0
    content = token.content
    search_from, seen_newlines, counted = 0, 0, 0
    for child in token.children or ():
        if child.type in ("softbreak", "hardbreak"):
            breaks += 1
        elif child.type in ("math_inline", "math_inline_double"):
            offset = content.find(child.content, search_from)
            if offset < 0:  # the raw text differs from the parsed one: fall back on the break count
                yield search_from, MathFragment(first + start + breaks, child.content.strip(),
                                                child.type == "math_inline_double")
                continue
            seen_newlines += content.count("\n", counted, offset)
            counted = offset
            search_from = offset + len(child.content)
            yield offset, MathFragment(first + start + seen_newlines, child.content.strip(),
                                       child.type == "math_inline_double")
    newlines, counted = 0, 0  # newlines before ``counted``: each counted once, not from 0 per match
    for offset, latex, display in _bracket_math(content):
        newlines += content.count("\n", counted, offset)
        counted = offset
        yield offset, MathFragment(first + start + newlines, latex.strip(), display)


def math_fragments(lines: Sequence[Line]) -> list[MathFragment]:
    """Every math fragment in ``lines``, in reading order."""
    tokens, first = _tokens(lines)
    found: list[tuple[int, int, MathFragment]] = []
    for token in tokens:
        if token.type in ("math_block", "math_block_label") and token.map:
            found.append((first + token.map[0], -1, MathFragment(first + token.map[0], token.content.strip(), True)))
        elif token.type == "inline":
            found.extend((fragment.line, offset, fragment) for offset, fragment in _inline_math(token, first))
    found.sort(key=lambda item: (item[0], item[1]))
    return [fragment for _, _, fragment in found]


_PIPE_ROW = re.compile(r"^\|.*\|$")
_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")


def _split_row(text: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", text.strip()[1:-1])
    return [cell.strip() for cell in cells]


def _pipe_tables(lines: Sequence[Line], covered: set[int]) -> list[Table]:
    """Runs of two or more ``|…|`` lines markdown-it did not read as a table (OCR broke the header)."""
    tables: list[Table] = []
    run: list[Line] = []
    for line in sorted(lines, key=lambda line: line.number):
        is_row = bool(_PIPE_ROW.match(line.text)) and line.number not in covered
        if is_row and run and line.number == run[-1].number + 1:
            run.append(line)
            continue
        if len(run) >= 2:
            tables.append(_table_from_rows(run))
        run = [line] if is_row else []
    if len(run) >= 2:
        tables.append(_table_from_rows(run))
    return tables


def _table_from_rows(run: list[Line]) -> Table:
    table = Table()
    for line in run:
        cells = _split_row(line.text)
        if all(_SEPARATOR_CELL.match(cell) for cell in cells if cell):
            continue  # header separator
        table.rows.append(cells)
        table.lines.append(line.number)
    return table


def tables(lines: Sequence[Line]) -> list[Table]:
    """Every table in ``lines``: each row's cell texts (raw Markdown) and each row's line number."""
    tokens, first = _tokens(lines)
    found: list[Table] = []
    current: Table | None = None
    row: list[str] | None = None
    covered: set[int] = set()
    for token in tokens:
        if token.type == "table_open":
            current = Table()
            if token.map:
                covered.update(range(first + token.map[0], first + token.map[1]))
        elif token.type == "table_close" and current is not None:
            found.append(current)
            current = None
        elif current is not None and token.type == "tr_open":
            row = []
            current.lines.append(first + token.map[0] if token.map else first)
        elif current is not None and token.type == "tr_close" and row is not None:
            current.rows.append(row)
            row = None
        elif row is not None and token.type == "inline":
            row.append(token.content.strip())
    found.extend(_pipe_tables(lines, covered))
    found.sort(key=lambda table: table.lines[0] if table.lines else 0)
    return found

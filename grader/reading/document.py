"""Read a submission file into a ``Document``: decoded, normalised, numbered lines.

Blank lines are left out, and later copies of a repeated long math line are
moved to ``Document.dropped``; every kept line keeps its line number in the
file, so spans and evidence point at what the TA sees in an editor.
"""

from __future__ import annotations

import codecs
import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from grader.errors import SubmissionError
from grader.limits import MAX_FILE_BYTES
from grader.model import Line
from grader.reading.normalise import drop_repeated_lines, normalise_line, split_lines


@dataclass(frozen=True)
class Document:
    file: str
    lines: tuple[Line, ...]
    dropped: tuple[Line, ...] = ()  # later copies of repeated long math lines, in file order

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


# Distinct raw lines whose normalisation ``read_text`` remembers: a sheet of a million "a"
# lines normalises one line, not a million.
NORMALISE_CACHE = 16384


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) while a block builds many acyclic objects.

    A 2 MB file is up to a million ``Line`` objects; every few hundred of them the collector
    would walk the young ones, and now and then all of them, for cycles there are none of:
    two thirds of the time of reading such a file. Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_text(text: str, file: str = "<text>") -> Document:
    """Normalise ``text`` into a Document (no size or emptiness checks: that is ``read_submission``)."""
    normalise = lru_cache(maxsize=NORMALISE_CACHE)(normalise_line)
    texts = ((number, normalise(raw)) for number, raw in enumerate(split_lines(text), start=1))
    with _no_cycle_collection():
        kept, dropped = drop_repeated_lines(Line(number, line) for number, line in texts if line)
    return Document(file, kept, dropped)


def _size(n: float) -> str:
    if n < 1000:
        return f"{n:g} bytes"
    if n < 1_000_000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1_000_000:.1f} MB"


def _limit(n: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("kB", 1000)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} bytes"


# Beyond tab, newline, carriage return and form feed, control characters do not
# occur in a transcript; a file with many of them is binary whatever it decodes as.
_TEXT_CONTROLS = set("\t\n\r\f")
MAX_CONTROL_SHARE = 0.05
_CONTROLS = re.compile("[" + "".join(re.escape(chr(c)) for c in [*range(32), 127] if chr(c) not in _TEXT_CONTROLS) + "]")


def _control_share(text: str) -> float:
    controls = len(text) - len(_CONTROLS.sub("", text))  # counted in C, not a Python loop per character
    return controls / max(len(text), 1)


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without a BOM), or UTF-16 with a BOM; anything else is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SubmissionError(f"file starts with a UTF-16 mark but is not valid UTF-16 ({exc.reason})") from None
    elif b"\x00" in data:
        raise SubmissionError("file is binary (it contains NUL bytes), not a text transcript")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad = data[exc.start]
            raise SubmissionError(
                f"file is not UTF-8 or UTF-16 text (byte 0x{bad:02x} at offset {exc.start}); save it as UTF-8"
            ) from None
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise SubmissionError("file is binary (mostly control characters), not a text transcript")
    return text


def read_submission(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read, check and normalise one submission file; raise ``SubmissionError`` saying what is wrong."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SubmissionError(f"file is {_size(size)}, over the {_limit(max_bytes)} limit")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may grow between stat and read
    except OSError as exc:
        raise SubmissionError(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise SubmissionError(f"file is over the {_limit(max_bytes)} limit")
    if not data:
        raise SubmissionError("file is empty")
    document = read_text(decode(data), path.as_posix())
    if not document.lines:
        raise SubmissionError("file has no text (only whitespace)")
    return document

"""Which files are the submissions to grade, and the id each one is known by.

``collect(paths, exclude)`` walks the paths given on the command line and returns
every submission with a unique id, plus the files it did not take and why, so the
CLI can say so instead of silently dropping them:

* hidden files and folders (a name starting with '.') under a folder are editor
  and OS files: passed over without a word;
* the folders in ``exclude`` (the output folder) hold no submissions, even when
  they lie inside an input folder: each is listed once, its files are not read;
* a symbolic link is followed only to a file inside the folder it was found in
  (a link out of it would publish some other file's text); a dangling link and a
  FIFO, socket or device are listed and never opened (opening a FIFO blocks);
* two paths to one file (a link beside its target) grade that file once.

A file named on the command line is taken even if it is a link: the user named it.

Ids
---
A submission's id is its path relative to the common folder of the inputs (a
folder given is an input; for a file given, its folder is), with '/' between the
parts and the last extension dropped — unless dropping it would give two files
the same id, or give one file the full name of another (``a.md.txt`` beside
``a.md``): those files keep their full relative name. Different files have
different relative paths, and ``submission_ids`` shows why the ids stay different.
Letters of any script are kept; characters that are unsafe to print or store
(controls, bidi and other format characters, '%', '\\', a leading '.' or '-') are
written as '%XX' escapes of their UTF-8 bytes, an encoding that can be undone.

``page_name(id)`` is the file name of the id's HTML page (one path component, safe
on Linux, macOS and Windows, never ``index.html``); ``terminal_safe(text)`` makes a
file name safe to print in a terminal.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Sequence
from urllib.parse import quote

from grader.errors import SubmissionError

Parts = tuple[str, ...]


@dataclass(frozen=True)
class Submission:
    id: str  # unique, stable
    path: Path  # the file to read (resolved; inside its folder unless named on the command line)
    file: str  # how to show it: the path as given joined with the path found under it (posix)


@dataclass(frozen=True)
class Skipped:
    file: str  # as shown
    reason: str  # in plain words


@dataclass(frozen=True)
class Collection:
    submissions: tuple[Submission, ...]  # sorted by id
    skipped: tuple[Skipped, ...]  # sorted by file


# --- showing names -----------------------------------------------------------------------------

_TERMINAL_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _escape_visibly(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def terminal_safe(text: str) -> str:
    """``text`` with every character that could act on a terminal written as a visible
    escape (``\\x1b``, ``\\u202e``): C0 and C1 controls (ESC, so no ANSI sequence; BEL,
    CR, newline, tab), DEL, bidi overrides and isolates and other invisible format
    characters, line and paragraph separators and lone surrogates. Backslashes are
    left alone, so applying it twice changes nothing more."""
    if text.isprintable() and text.isascii():
        return text
    return "".join(_escape_visibly(ch) if unicodedata.category(ch) in _TERMINAL_UNSAFE else ch for ch in text)


def _shown(text: str) -> str:
    """A file name as text that can be written anywhere (JSON, HTML): a byte that is not
    UTF-8 (kept by Python as a lone surrogate) is shown as ``\\xff``."""
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    return data.decode("utf-8", "backslashreplace")


# --- ids ---------------------------------------------------------------------------------------

_ID_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _percent(ch: str) -> str:
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))


def _id_char_unsafe(ch: str) -> bool:
    if ch in "%\\/":
        return True
    category = unicodedata.category(ch)
    return category in _ID_UNSAFE_CATEGORIES or (category == "Zs" and ch != " ")


def escape_part(part: str) -> str:
    """One path part of an id: unsafe characters (and a leading '.' or '-') as %XX escapes.

    Injective: a literal character is never '%', so every '%' starts an escape, and the
    escapes are the UTF-8 bytes (surrogates allowed) of the character they replace; the
    part is got back by turning each literal character into its UTF-8 bytes, each %XX
    into its byte, and decoding. The result never contains '/'."""
    return "".join(_percent(ch) if _id_char_unsafe(ch) or (i == 0 and ch in ".-") else ch for i, ch in enumerate(part))


def _without_extension(parts: Parts) -> Parts:
    name = parts[-1]
    dot = name.rfind(".")
    return parts[:-1] + (name[:dot],) if 0 < dot < len(name) - 1 else parts


def submission_ids(relatives: Iterable[Parts]) -> dict[Parts, str]:
    """The id of each relative path (a tuple of parts): distinct paths get distinct ids.

    Each path is first given its short name (the last extension dropped). Every path
    whose short name is also claimed by another path, or is the full name of another
    path, gets its full name instead; this repeats until nothing changes (it stops
    after at most two rounds, and after at most one per path in any case, since each
    round moves at least one more path to its full name). At that point no two paths
    share a name: two full names differ because the paths differ; two short names that
    met would have been moved; a short name equal to another path's full name would have
    been moved. The names are then escaped part by part (``escape_part``, injective,
    no '/') and joined with '/', which keeps them distinct."""
    paths = list(dict.fromkeys(tuple(parts) for parts in relatives))
    full_names = set(paths)
    keep_full: set[Parts] = set()
    while True:
        chosen = {path: path if path in keep_full else _without_extension(path) for path in paths}
        claims: dict[Parts, int] = defaultdict(int)
        for name in chosen.values():
            claims[name] += 1
        moved = {
            path for path, name in chosen.items()
            if path not in keep_full and (claims[name] > 1 or (name != path and name in full_names))
        }
        if not moved:
            break
        keep_full |= moved
    return {path: "/".join(escape_part(part) for part in chosen[path]) for path in paths}


# --- page names --------------------------------------------------------------------------------

_PAGE_SAFE_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.,+=@() ")
# Windows refuses these as a file name's stem, in any case, whatever the extension.
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{kind}{n}" for kind in ("COM", "LPT") for n in "0123456789¹²³"}
)
_PAGE_MAX_BYTES = 200  # a name may have 255 bytes on common file systems; '.html' and room to spare
_PAGE_KEEP_BYTES = 150  # of a long name, before its digest


def _page_char_safe(ch: str) -> bool:
    if ch.isascii():
        return ch in _PAGE_SAFE_ASCII
    return unicodedata.category(ch)[0] in "LMN"  # letters, combining marks, digits of any script


def page_name(submission_id: str) -> str:
    """The file name of the HTML page of ``submission_id``: ``<name>.html``.

    The name keeps letters and digits of any script and ``-_.,+=@() ``; every other
    character ('/', '%', '~', ':', '\\', controls …) is written as %XX escapes of its
    UTF-8 bytes, and so is the first character when it is '.', '-' or a space, or when
    the name would be ``index`` (the class report, in any case) or a Windows device
    name (``CON``, ``nul.x``). Every '%' in the name starts an escape, so percent-
    decoding it gives the id back: the map is injective. A name longer than 200 bytes
    is cut and ends in '~' and 32 hex digits of the id's SHA-256 ('~' is never in a
    name otherwise, so a cut name cannot equal an uncut one); the empty id is '~'.

    In a link, the name must be URL-quoted (``page_href``): it contains '%' itself.
    Names differing only in letter case are different pages, which a case-insensitive
    file system (macOS, Windows) cannot hold apart.
    """
    units = [ch if _page_char_safe(ch) else _percent(ch) for ch in submission_id]
    if not units:
        return "~.html"  # '~' is never in a name otherwise; a cut name has 32 hex digits after it
    if units[0] in (".", "-", " "):
        units[0] = _percent(units[0])
    name = "".join(units)
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if units[0][0] != "%" and (name.lower() == "index" or stem in _WINDOWS_DEVICES):
        units[0] = _percent(units[0])
        name = "".join(units)
    if len(name.encode("utf-8")) > _PAGE_MAX_BYTES:
        kept, size = [], 0
        for unit in units:
            size += len(unit.encode("utf-8"))
            if size > _PAGE_KEEP_BYTES:
                break
            kept.append(unit)
        digest = hashlib.sha256(submission_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        name = "".join(kept) + "~" + digest
    return name + ".html"


def page_href(submission_id: str) -> str:
    """``page_name`` quoted for an ``href``: a browser turns it back into the file name."""
    return quote(page_name(submission_id), safe="")


# --- collecting --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Root:
    given: Path  # as on the command line
    real: Path  # resolved

    def shown(self, parts: Parts = ()) -> str:
        return _shown(PurePosixPath(self.given.as_posix(), *parts).as_posix())


@dataclass(frozen=True)
class _Found:
    parts: Parts  # relative to the common folder of all inputs: what the id is made of
    path: Path  # resolved
    file: str
    via_link: bool


_OUTPUT_FOLDER = "the output folder; its files are not submissions"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "an unknown kind of file"


def _broken_link_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a link that loops"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "a dangling link"
    return f"cannot be examined ({exc.strerror or exc})"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _excluded(path: Path, exclude: Sequence[Path]) -> Path | None:
    return next((folder for folder in exclude if _inside(path, folder)), None)


def _real(path: Path | str) -> Path:
    return Path(os.path.realpath(path))


class _Collector:
    def __init__(self, exclude: Sequence[Path]):
        self.exclude = [_real(folder) for folder in exclude]
        self.roots: list[_Root] = []  # folders to walk
        self.files: list[tuple[_Root, str, Path]] = []  # files named on the command line: (their folder, name, path)
        self.found: list[tuple[_Root, Parts, Path, bool]] = []  # files in folders: (root, parts under it, path, via a link)
        self.skipped: dict[tuple[str, str], Skipped] = {}

    def skip(self, file: str, reason: str) -> None:
        self.skipped.setdefault((file, reason), Skipped(file, reason))

    def add_path(self, given: Path) -> None:
        shown = _shown(given.as_posix())
        if not os.path.lexists(given):
            raise SubmissionError(f"{shown}: no such file or folder")
        try:
            info = os.stat(given)  # follows a link: the user named it
        except OSError as exc:
            self.skip(shown, _broken_link_reason(exc) if os.path.islink(given) else f"cannot be examined ({exc.strerror or exc})")
            return
        real = _real(given)
        folder = _excluded(real, self.exclude)
        if folder is not None:
            self.skip(shown, _OUTPUT_FOLDER if real == folder else "inside the output folder")
        elif stat.S_ISDIR(info.st_mode):
            self.roots.append(_Root(given, real))
        elif not stat.S_ISREG(info.st_mode):
            self.skip(shown, f"not a regular file ({_kind(info.st_mode)})")
        elif given.name.startswith("."):
            self.skip(shown, "a hidden file")
        else:
            self.files.append((_Root(given.parent, _real(given.parent)), given.name, real))

    def walk(self, root: _Root) -> None:
        stack: list[tuple[Path, Parts]] = [(root.real, ())]
        while stack:
            folder, parts = stack.pop()
            try:
                with os.scandir(folder) as entries:
                    listed = sorted(entries, key=lambda entry: entry.name)
            except OSError as exc:
                self.skip(root.shown(parts), f"a folder that cannot be read ({exc.strerror or exc})")
                continue
            for entry in listed:
                if entry.name.startswith("."):
                    continue  # hidden: an editor's or the OS's file, not a submission
                here = parts + (entry.name,)
                try:
                    if entry.is_symlink():
                        self.link(root, here, Path(entry.path))
                    elif entry.is_dir(follow_symlinks=False):
                        path = Path(entry.path)
                        if _excluded(path, self.exclude):
                            self.skip(root.shown(here), _OUTPUT_FOLDER)
                        else:
                            stack.append((path, here))
                    else:
                        info = entry.stat(follow_symlinks=False)
                        if stat.S_ISREG(info.st_mode):
                            self.found.append((root, here, Path(entry.path), False))
                        else:
                            self.skip(root.shown(here), f"not a regular file ({_kind(info.st_mode)})")
                except OSError as exc:
                    self.skip(root.shown(here), f"cannot be examined ({exc.strerror or exc})")

    def link(self, root: _Root, parts: Parts, path: Path) -> None:
        shown = root.shown(parts)
        try:
            info = os.stat(path)
        except OSError as exc:
            self.skip(shown, _broken_link_reason(exc))
            return
        target = _real(path)
        is_dir = stat.S_ISDIR(info.st_mode)
        if not _inside(target, root.real):
            self.skip(shown, f"a link to a {'folder' if is_dir else 'file'} outside {terminal_safe(root.shown())}")
        elif _excluded(target, self.exclude):
            self.skip(shown, "a link into the output folder")
        elif is_dir:
            pass  # its files are collected where they are
        elif not stat.S_ISREG(info.st_mode):
            self.skip(shown, f"not a regular file (a link to {_kind(info.st_mode)})")
        else:
            self.found.append((root, parts, target, True))

    def collection(self) -> Collection:
        roots = {root.real: root for root in reversed(self.roots)}  # each folder once, as first given
        for root in roots.values():
            self.walk(root)
        everything = [(root, (name,), path, False) for root, name, path in self.files] + self.found
        if not everything:
            return Collection((), tuple(sorted(self.skipped.values(), key=_by_file)))
        # Ids are relative to the common folder of every input: different files, different paths.
        base = Path(os.path.commonpath([*roots, *(root.real for root, *_ in self.files)]))
        found = [
            _Found(root.real.relative_to(base).parts + parts, path, root.shown(parts), via_link)
            for root, parts, path, via_link in everything
        ]
        # One resolved path, one submission. Hard links are not merged: two students' identical
        # files may have been linked by a de-duplicating tool, and each student needs a grade.
        by_file: dict[Path, list[_Found]] = defaultdict(list)
        for item in found:
            by_file[item.path].append(item)
        kept = []
        for same in by_file.values():
            same.sort(key=lambda item: (item.via_link, item.parts, item.file))
            first = same[0]
            kept.append(first)
            for other in same[1:]:
                if other.parts != first.parts:  # the same path reached twice is not worth a word
                    self.skip(other.file, f"the same file as {terminal_safe(first.file)}")
        ids = submission_ids(item.parts for item in kept)
        submissions = sorted((Submission(ids[item.parts], item.path, item.file) for item in kept), key=lambda s: s.id)
        return Collection(tuple(submissions), tuple(sorted(self.skipped.values(), key=_by_file)))


def _by_file(skipped: Skipped) -> tuple[str, str]:
    return (skipped.file, skipped.reason)


def collect(paths: Sequence[Path], exclude: Sequence[Path] = ()) -> Collection:
    """The submissions under ``paths`` (folders and files) and what was not taken, and why.

    ``exclude``: folders whose contents are never submissions (the output folder).
    Raises ``SubmissionError`` for a path that does not exist. Nothing is opened: a
    file is only examined with ``stat``.
    """
    collector = _Collector(exclude)
    for given in paths:
        collector.add_path(Path(given))
    return collector.collection()

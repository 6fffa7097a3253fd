"""The batch journal: one small file per graded submission, so a batch can resume.

``OUT/.partial/`` holds ``meta.json`` (what the entries were made with) and, per
graded submission, ``<n>.json``: the full result record (``SubmissionResult.to_json``),
the file it came from, the sha256 of its bytes, and whether the result is final.
Each entry is written under a temporary name and renamed, so a killed run leaves
only whole entries. ``<n>`` is the sha256 of the submission id: ids may be any
text, entry names must be safe file names.

An entry is reused only when it is final (no time limit, no dead worker: those
depend on the run, not the answer) and for the same submission id, file, file
content, rubric and grader version; anything else is graded again. The journal
holds our own JSON (never pickle), so a tampered folder cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from grader import __version__
from grader.flags import is_transient
from grader.limits import MAX_FILE_BYTES
from grader.model import SubmissionResult

FOLDER = ".partial"
_FORMAT = 2


def file_sha256(path: Path) -> str:
    """The sha256 of a submission's bytes; a file past the size limit is keyed by its size (it is refused unread)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return f"size:{size}"
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def write_quick(path: Path, text: str) -> None:
    """Write whole-or-nothing for a process kill (temporary name, then rename). No fsync: the
    journal is a cache, and an entry damaged by a power cut is unreadable JSON, hence graded again."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(tmp, path)


def is_final(result: SubmissionResult) -> bool:
    return not is_transient(result.flags + tuple(n for q in result.questions for n in q.flags))


class Journal:
    def __init__(self, out: Path, rubric_sha256: str):
        self.folder = Path(out) / FOLDER
        self.meta = {"format": _FORMAT, "grader_version": __version__, "rubric_sha256": rubric_sha256}

    def open(self) -> bool:
        """Keep the entries of an earlier run with the same rubric and grader (True); start afresh otherwise."""
        meta_path = self.folder / "meta.json"
        try:
            same = json.loads(meta_path.read_text(encoding="utf-8")) == self.meta
        except (OSError, ValueError):
            same = False
        if not same:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True, exist_ok=True)
            write_quick(meta_path, json.dumps(self.meta, sort_keys=True))
        return same

    def _path(self, sid: str) -> Path:
        return self.folder / f"{hashlib.sha256(sid.encode('utf-8')).hexdigest()[:32]}.json"

    def write(self, sid: str, file: str, content_sha256: str, result: SubmissionResult) -> None:
        entry = {"id": sid, "file": file, "content_sha256": content_sha256, "final": is_final(result),
                 "result": result.to_json()}
        write_quick(self._path(sid), json.dumps(entry, ensure_ascii=False))

    def read(self, sid: str) -> dict[str, Any] | None:
        """The entry of ``sid`` (its result as ``to_json`` made it), or None if there is none whole."""
        try:
            entry = json.loads(self._path(sid).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("id") == sid else None

    def is_done(self, sid: str, file: str, content_sha256: str) -> bool:
        entry = self.read(sid)
        return (entry is not None and entry.get("final") is True and entry.get("file") == file
                and entry.get("content_sha256") == content_sha256)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

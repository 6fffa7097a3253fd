"""The batch journal: one small file per finished submission, so a batch can resume.

``OUT/.partial/`` holds ``meta.json`` (what the entries were made with) and, per
graded submission, ``<n>.html`` (its report page) then ``<n>.json`` (its result and
the sha256 of the file it came from), each written under a temporary name and
renamed, so a killed run leaves only whole entries. ``<n>`` is the sha256 of the
submission id: ids may be any text, entry names must be safe file names.

An entry is reused only for the same submission id, file, file content, rubric,
grader version and audience; anything else is graded again. The journal holds our
own JSON (never pickle), so a tampered folder cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from grader import __version__
from grader.limits import MAX_FILE_BYTES
from grader.model import Evidence, ItemResult, Outcome, QuestionResult, SubmissionResult

FOLDER = ".partial"
_FORMAT = 1


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


def encode_result(result: SubmissionResult) -> dict[str, Any]:
    """``result.to_json()`` plus what the class report needs (title, outcome, hidden, expected, found)."""
    data = result.to_json()
    for question, qdata in zip(result.questions, data["questions"]):
        qdata["title"] = question.title
        for item, idata in zip(question.items, qdata["items"]):
            idata.update(outcome=item.outcome.value, hidden=item.hidden, expected=item.expected, found=item.found)
    return data


class _Strings(dict):
    """Shares equal strings between results: a class writes the same feedback many times."""

    def __call__(self, text: str) -> str:
        return self.setdefault(text, text)


def decode_result(data: dict[str, Any], share: _Strings | None = None, keep_evidence: bool = True) -> SubmissionResult:
    """A result from ``encode_result``: ``to_json()`` of it is the same; answer lines are not kept."""
    s = share if share is not None else _Strings()
    questions = tuple(
        QuestionResult(
            id=s(q["id"]),
            title=s(q["title"]),
            score=q["score"],
            max=q["max"],
            spans=tuple(tuple(span) for span in q["spans"]),
            flags=tuple(s(f) for f in q["flags"]),
            items=tuple(
                ItemResult(
                    id=s(i["id"]),
                    score=i["score"],
                    max=i["max"],
                    outcome=Outcome(i["outcome"]),
                    feedback=s(i["feedback"]),
                    # Rendered already: a line-less Evidence renders to the same text.
                    evidence=(Evidence(None, i["evidence"]),) if keep_evidence and i["evidence"] else (),
                    hidden=i["hidden"],
                    expected=s(i["expected"]),
                    found=s(i["found"]),
                )
                for i in q["items"]
            ),
        )
        for q in data["questions"]
    )
    return SubmissionResult(data["id"], data["file"], data["status"], data["error"], data["score"], data["max"], questions)


class Journal:
    def __init__(self, out: Path, rubric_sha256: str, audience: str):
        self.folder = Path(out) / FOLDER
        self.meta = {"format": _FORMAT, "grader_version": __version__, "rubric_sha256": rubric_sha256, "audience": audience}

    def open(self) -> bool:
        """Keep the entries of an earlier run with the same rubric and settings (True); start afresh otherwise."""
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

    def _name(self, sid: str) -> str:
        return hashlib.sha256(sid.encode("utf-8")).hexdigest()[:32]

    def page_path(self, sid: str) -> Path:
        return self.folder / f"{self._name(sid)}.html"

    def write(self, sid: str, file: str, content_sha256: str, result: SubmissionResult, page: str) -> None:
        write_quick(self.page_path(sid), page)  # the page first: a .json entry means both are whole
        entry = {"id": sid, "file": file, "content_sha256": content_sha256, "result": encode_result(result)}
        write_quick(self.folder / f"{self._name(sid)}.json", json.dumps(entry, ensure_ascii=False))

    def read(self, sid: str) -> dict[str, Any] | None:
        """The entry of ``sid`` (with its result as encoded), or None if there is none whole."""
        try:
            entry = json.loads((self.folder / f"{self._name(sid)}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("id") != sid or not self.page_path(sid).is_file():
            return None
        return entry

    def is_done(self, sid: str, file: str, content_sha256: str) -> bool:
        entry = self.read(sid)
        return entry is not None and entry.get("file") == file and entry.get("content_sha256") == content_sha256

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

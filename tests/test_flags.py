"""The flag catalogue: every code the engine raises is catalogued, with words a person can read."""

import re
from pathlib import Path

import pytest

from grader.flags import CATALOGUE, Note, for_audience, is_transient, needs_review, note

GRADER = Path(__file__).resolve().parents[1] / "grader"
# A flag code written in the source: note("code"...), not_graded(item, "code"...), flags=("code", ...), a constant.
_RAISED = re.compile(r"""(?:note\(|not_graded\(item, |flags=\(|flag, cond in \(\()\s*["']([a-z][a-z0-9-]+)["']|^[A-Z_]+ = ["']([a-z]+-[a-z-]+)["']$""", re.M)


def raised_codes() -> set[str]:
    found = set()
    for path in GRADER.rglob("*.py"):
        for match in _RAISED.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    return found


def test_every_code_raised_in_the_source_is_in_the_catalogue():
    raised = raised_codes()
    assert {"time-limit", "grader-fault", "label-inferred", "ocr-suspect"} <= raised  # the scan finds them
    assert raised - set(CATALOGUE) == set()


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_flag_says_something_in_plain_words(code):
    flag = CATALOGUE[code]
    assert flag.code == code and len(flag.message.split()) >= 3 and code not in flag.message
    assert flag.severity in ("info", "review", "fault") and flag.audience in ("all", "ta")


def test_an_unknown_code_is_our_bug_at_once():
    with pytest.raises(KeyError):
        note("no-such-flag")


def test_notes_carry_detail_and_item():
    n = note("time-limit", "over 5 s", item="final-ap")
    assert n == Note("time-limit", "not graded: time limit (over 5 s)", "final-ap")
    assert str(n) == "final-ap: not graded: time limit (over 5 s)"


def test_severity_transience_and_audience_drive_the_decisions():
    info, review, fault = note("repeated-lines"), note("ocr-suspect"), note("time-limit")
    assert not needs_review([info]) and needs_review([info, review]) and needs_review([fault])
    assert is_transient([info, fault]) and not is_transient([review, note("grader-fault")])
    assert for_audience([info, review], "student") == (review,) and for_audience([info, review], "ta") == (info, review)

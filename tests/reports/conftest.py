"""Fixtures of the report tests: rubric information and results built directly.

The reports read a ``RubricInfo`` (what results.json stores of a rubric), so the
tests build one and do not depend on the bundled rubric.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from grader.flags import Note, note
from grader.model import Evidence, ItemInfo, ItemResult, Line, Outcome, QuestionInfo, QuestionResult, RubricInfo, SubmissionResult
from grader.rubric.loader import reference_text as render_reference

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("REGENERATE_GOLDEN") == "1"


def item_spec(id, points, description="", hidden=False):
    return ItemInfo(id, points, description or f"checks {id}", hidden)


def question(id, title, points, items, reference_text=None, show_refs=False, refs=None):
    return QuestionInfo(id, title, points, tuple(items), render_reference(reference_text, refs or {}), show_refs)


def rubric(questions, exam_id="demo", title="Demo exam"):
    return RubricInfo(exam_id, title, sum(q.points for q in questions), tuple(questions))


def item(id, score, maximum, outcome=Outcome.CORRECT, feedback="", evidence=(), hidden=False, expected="", found=""):
    return ItemResult(id, score, maximum, outcome, found, expected, feedback, tuple(evidence), hidden=hidden)


def submission(id, questions, status="graded", error=None, maximum=None):
    questions = tuple(questions)
    total = sum(q.score for q in questions)
    return SubmissionResult(id, f"subs/{id}.md", status, error, total, maximum if maximum is not None else sum(q.max for q in questions), questions)


def lines(*pairs):
    return tuple(Line(number, text) for number, text in pairs)


# --- the demo class: one rich submission, one hostile one, one that failed ---------------

@pytest.fixture
def demo_rubric():
    return rubric([
        question(
            "q1", "Average precision", 4,
            [item_spec("final-ap", 3, "the interpolated AP"), item_spec("method", 1, "uses 11 recall points", hidden=True)],
            reference_text="AP = {{ refs.ap }} from $\\frac{1}{11}\\sum_r p(r)$", show_refs=False, refs={"ap": 0.752},
        ),
        question(
            "q2", "Focal loss", 2,
            [item_spec("value", 2, "the loss value"), item_spec("sign-error", -1, "drops the minus sign")],
            reference_text="FL = {{ refs.fl }}", show_refs=True, refs={"fl": 0.0105},
        ),
    ])


@pytest.fixture
def rich_result():
    q1 = QuestionResult(
        "q1", "Average precision", 3.0, 4.0, ((10, 13),), (note("ocr-suspect", item="final-ap"),),
        (
            item("final-ap", 3.0, 3.0, feedback="Right: AP = 0.752.", evidence=[Evidence(12, "AP = 0.752")], found="0.752", expected="0.752"),
            item("method", 0.0, 1.0, Outcome.MISSING, feedback="No recall points listed.", hidden=True),
        ),
        answer=lines((10, "The precision at each recall $r$ is $p_{\\text{interp}}(r)=\\max_{\\tilde r \\ge r} p(\\tilde r)$"),
                     (11, "$$"), (12, "AP = \\frac{1}{11}\\sum_r p(r) = 0.752"), (13, "$$ so AP is 0.752")),
        repairs=("'47 = 0.57' read as 4/7 = 0.57",),
    )
    q2 = QuestionResult(
        "q2", "Focal loss", 1.0, 2.0, ((20, 21),), (),
        (
            item("value", 1.0, 2.0, Outcome.PARTIAL, feedback="Close: {0.0105} expected.", evidence=[Evidence(21, "FL = 0.011")], found="0.011", expected="0.0105"),
            item("sign-error", 0.0, 0.0, Outcome.CORRECT, feedback="Sign kept."),
        ),
        answer=lines((20, "FL = -(1-p)^\\gamma \\log p"), (21, "FL = 0.011 \\(\\gamma = 2\\)")),
    )
    return submission("alice", [q1, q2])


HOSTILE = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "{{ 7*7 }} and {% raw %}", "$\\text{<img src=x onerror=alert(3)>}$",
           "$\\href{javascript:alert(4)}{click}$", "</code></span><script>alert(5)</script>", "<style>body{display:none}</style>",
           "http://evil.example/track.png")


@pytest.fixture
def hostile_result():
    answer = lines(*((30 + i, text) for i, text in enumerate(HOSTILE)))
    q1 = QuestionResult(
        "q1", "Average precision", 0.0, 4.0, ((30, 30 + len(HOSTILE) - 1),), (Note("ocr-suspect", "<b>flag</b>"),),
        (item("final-ap", 0.0, 3.0, Outcome.INCORRECT, feedback="You wrote <script>alert(6)</script> {{ 7*7 }}",
              evidence=[Evidence(30, HOSTILE[0]), Evidence(31, HOSTILE[1])], found="<img src=x onerror=alert(7)>"),
         item("method", 0.0, 1.0, Outcome.MISSING, hidden=True)),
        answer=answer, repairs=("<svg onload=alert(8)>",),
    )
    q2 = QuestionResult("q2", "Focal loss", 0.0, 2.0, (), (), (item("value", 0.0, 2.0, Outcome.MISSING), item("sign-error", 0.0, 0.0)))
    return submission("mallory", [q1, q2])


@pytest.fixture
def error_result():
    return SubmissionResult("broken", "subs/broken.pdf", "error", "not a text file: <binary>", 0.0, 6.0, (),
                            (note("unreadable-file", "<binary>"),))


# --- HTML structure, for golden files -----------------------------------------------------

class _Outline(HTMLParser):
    """One line per element (tag#id.class) and per text run, indented by depth; CSS and hashes elided."""

    VOID = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.depth = 0
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        label = tag + (f"#{attrs['id']}" if attrs.get("id") else "") + "".join(f".{c}" for c in (attrs.get("class") or "").split())
        extra = {k: v for k, v in attrs.items() if k in ("href", "content", "http-equiv", "colspan") and v is not None}
        if "content" in extra:
            extra["content"] = re.sub(r"'sha256-[^']+'", "'sha256-…'", extra["content"])
        self.out.append("  " * self.depth + label + "".join(f" {k}={v!r}" for k, v in sorted(extra.items())))
        self.in_style = tag == "style"
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            self.depth -= 1
        self.in_style = False

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.in_style:
            self.out.append("  " * self.depth + "| " + text)


def outline(html: str) -> str:
    parser = _Outline()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.out) + "\n"


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/reports/golden/NAME; REGENERATE_GOLDEN=1 rewrites it instead."""
    path = GOLDEN / name
    if REGENERATE or not path.exists():
        if not REGENERATE:
            pytest.fail(f"golden file {path} is missing; run with REGENERATE_GOLDEN=1 to create it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    assert actual == path.read_bytes().decode("utf-8"), f"{name} differs from its golden file; REGENERATE_GOLDEN=1 updates it after review"


@pytest.fixture
def build():
    """The builders above, for tests that make their own class (no import of conftest needed)."""
    return SimpleNamespace(item_spec=item_spec, question=question, rubric=rubric, item=item, submission=submission, lines=lines)


@pytest.fixture
def golden():
    return SimpleNamespace(check=check_golden, outline=outline)


@pytest.fixture
def hostile_texts():
    return HOSTILE

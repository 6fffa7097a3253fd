"""Practice variants (``grader variant``) and the model-answer self-test of ``grader validate``,
on small rubrics of the tests' own, and the worked example of docs/variants.md."""

from __future__ import annotations

import json
import re
import textwrap
from fractions import Fraction as F
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader.cli import main
from grader.errors import RubricError
from grader.references.given import random_paths
from grader.rubric.loader import load_rubric
from grader.variant import VariantError, draw, make_variant, rewrite_question

ROOT = Path(__file__).resolve().parents[1]
EXAM = """\
id: quiz
title: Practice quiz
total: {total}
questions: [{questions}]
defaults:
  numeric: {{rel_tol: 0.005}}
"""
BAYES = """\
id: q1
title: A positive screening test
points: 4
markers: ["1.", "Q1"]
terms: ["P(D", "Bayes"]
type: numeric
given:
  prevalence:                      # P(D)
    value: 2/100                   # the exam's value
    choose: [1/100, 2/100, 5/100, 1/10]
  sensitivity: {value: 0.9, range: [0.5, 0.95], step: 0.05}   # P(+ | D)
  false_positive: 0.1        # never changes
compute:
  p_positive: sensitivity * prevalence + false_positive * (1 - prevalence)
  posterior: sensitivity * prevalence / p_positive
statement: |
  A disease affects {{ '%g' | format(100 * given.prevalence) }}% of people; a test finds it with
  probability {{ given.sensitivity }} and gives a false positive with probability {{ given.false_positive }}.
  Find P(D | +).
model_answer: |
  P(+) = {{ refs.p_positive }}, so P(D | +) = {{ '%.4f' | format(refs.posterior) }}
items:
  - id: posterior
    points: 4
    description: P(D | +)
    check: {reference: posterior}
    feedback: "{{ expected }}"
"""
MATRIX = """\
id: q2
title: A determinant
points: 2
markers: ["2.", "Q2"]
terms: ["det"]
type: numeric
given:
  A:
    - [{value: 2, range: [1, 6]}, 1]
    - - 1
      - value: 3
        choose:
          - 3
          - 4   # four
compute:
  d: det(A)
statement: "Find det(A) for A = {{ given.A }}."
model_answer: "det(A) = {{ refs.d }}"
items:
  - id: det
    points: 2
    description: det A
    check: {reference: d}
    feedback: "{{ expected }}"
"""
FIXED = """\
id: q3
title: A fixed count
points: 1
markers: ["3."]
terms: ["count"]
type: numeric
given:
  n: 7   # the same in every variant
items:
  - id: n
    points: 1
    description: the count
    check: {reference: n}
    feedback: "{{ expected }}"
"""


def write(folder: Path, *questions: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    specs = [yaml.safe_load(text) for text in questions]
    (folder / "exam.yaml").write_text(EXAM.format(total=sum(s["points"] for s in specs),
                                                  questions=", ".join(s["id"] for s in specs)), encoding="utf-8")
    for spec, text in zip(specs, questions):
        (folder / f"{spec['id']}.yaml").write_text(text, encoding="utf-8")
    return folder


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def quiz(tmp_path) -> Path:
    return write(tmp_path / "quiz", BAYES, MATRIX)


# ------------------------------------------------------------------ drawing


def test_two_seeds_draw_different_values(quiz):
    rubric = load_rubric(quiz)
    first, second = draw(rubric, 1), draw(rubric, 2)
    assert set(first) == set(second) == {"q1", "q2"}
    assert set(first["q1"]) == {"prevalence", "sensitivity"}  # false_positive declares nothing to draw
    assert first != second
    assert len({json.dumps(draw(rubric, seed)) for seed in range(30)}) > 20


def test_the_same_seed_draws_the_same_values_and_writes_the_same_files(quiz, tmp_path):
    one = make_variant(quiz, 5, tmp_path / "one")
    two = make_variant(quiz, 5, tmp_path / "two")
    assert one.drawn == two.drawn == draw(load_rubric(quiz), 5)
    assert files(tmp_path / "one") == files(tmp_path / "two")
    assert [p.relative_to(tmp_path / "one") for p in one.files] == [p.relative_to(tmp_path / "two") for p in two.files]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_variants_model_answers_earn_full_marks_in_grader_check(quiz, tmp_path, seed):
    out = tmp_path / f"v{seed}"
    made = run("variant", quiz, "--seed", seed, "-o", out)
    assert made.exit_code == 0, made.output
    checked = run("check", out / "rubric", out / "model-answers.md", "--json")
    result = json.loads(checked.output)
    assert checked.exit_code == 0 and result["status"] == "graded"
    assert result["score"] == result["max"] == 6, result


def test_the_variant_rubric_holds_the_drawn_values_and_recomputes_its_references(quiz, tmp_path):
    made = make_variant(quiz, 3, tmp_path / "v")
    variant = load_rubric(tmp_path / "v" / "rubric")
    q1, q2 = variant.questions
    assert all(random_paths(raw) == [] for q in variant.questions for raw in q.spec.given.values())
    drawn = made.drawn["q1"]
    prevalence, sensitivity = F(drawn["prevalence"]), F(str(drawn["sensitivity"]))
    assert q1.refs["prevalence"] == prevalence and q1.refs["sensitivity"] == sensitivity
    assert q1.refs["posterior"] == sensitivity * prevalence / (sensitivity * prevalence + F(1, 10) * (1 - prevalence))
    (a, b), (c, d) = made.drawn["q2"]["A"]
    assert (b, c) == (1, 1) and q2.refs["d"] == a * d - 1


def test_values_without_choose_or_range_and_the_rest_of_the_files_are_kept(tmp_path):
    quiz = write(tmp_path / "quiz", BAYES, MATRIX, FIXED)
    (quiz / "questions.md").write_text("the exam's own paper\n", encoding="utf-8")
    for seed in range(6):
        out = tmp_path / f"v{seed}"
        make_variant(quiz, seed, out)
        assert (out / "rubric" / "exam.yaml").read_bytes() == (quiz / "exam.yaml").read_bytes()
        assert (out / "rubric" / "q3.yaml").read_bytes() == (quiz / "q3.yaml").read_bytes()
        assert not (out / "rubric" / "questions.md").exists()  # it prints the exam's numbers
        original, variant = (quiz / "q1.yaml").read_text().splitlines(), (out / "rubric" / "q1.yaml").read_text().splitlines()
        # Only the lines of the two specs changed: 3 lines of prevalence became 1.
        assert variant[:7] == original[:7] and variant[9:] == original[11:]
        assert "  false_positive: 0.1        # never changes" in variant
        assert re.fullmatch(r"  prevalence: \S+   # P\(D\)", variant[7])
        assert re.fullmatch(r"  sensitivity: \S+   # P\(\+ \| D\)", variant[8])


# ------------------------------------------------------------------ rewriting a question file


@pytest.mark.parametrize("given, drawn, expected", [
    ("p: {value: 1, choose: [1, 2]}   # why\n", {"p": 2}, "p: 2   # why\n"),
    ("p:   # why\n  value: 1\n  choose: [1, 2]   # spec\nq: 3\n", {"p": "1/2"}, "p: 1/2   # why\nq: 3\n"),
    ("p:\n  # a comment line inside\n  value: 1\n  choose: [1, 2]\nq: 3\n", {"p": 2}, "p:\n  # a comment line inside\n  2\nq: 3\n"),
    ("A: [[{value: 1, range: [1, 3]}, 0], [0, 1]]  # A\n", {"A": [[3, 0], [0, 1]]}, "A: [[3, 0], [0, 1]]  # A\n"),
    ("v:\n  - 1\n  - value: 2\n    choose: [2, 3]\n  - 4\n", {"v": [1, 3, 4]}, "v:\n  - 1\n  - 3\n  - 4\n"),
    ("b: {value: [1, 2], choose: [[1, 2], [2, 1]]}\n", {"b": [2, 1]}, "b: [2, 1]\n"),
    ("s: {value: 1, choose: ['2', 'a: b']}\n", {"s": "a: b"}, "s: 'a: b'\n"),
])
def test_a_question_file_is_edited_in_place(given, drawn, expected):
    text = "id: q1\ngiven:\n" + textwrap.indent(given, "  ") + "items: []  # kept\n"
    result = rewrite_question(text, yaml.safe_load(text), drawn)
    assert result == "id: q1\ngiven:\n" + textwrap.indent(expected, "  ") + "items: []  # kept\n"


def test_a_file_that_cannot_be_edited_in_place_is_written_whole():
    # One anchored spec used twice: both names draw on their own, so no single text edit fits.
    text = "id: q1\ngiven:\n  a: &p {value: 1, choose: [1, 2]}\n  b: *p\n"
    result = rewrite_question(text, yaml.safe_load(text), {"a": 1, "b": 2})
    assert result.startswith("# written whole by `grader variant`")
    assert yaml.safe_load(result) == {"id": "q1", "given": {"a": 1, "b": 2}}


# ------------------------------------------------------------------ what a variant refuses


def test_a_bad_spec_is_a_file_line_error(tmp_path):
    quiz = write(tmp_path / "quiz", BAYES.replace("choose: [1/100, 2/100, 5/100, 1/10]", "choose: [1/100, [1, 2]]"), MATRIX)
    for command in (["variant", quiz, "--seed", 1, "-o", tmp_path / "out"], ["validate", quiz]):
        result = run(*command)
        assert result.exit_code == 2
        assert (f"{quiz / 'q1.yaml'}:10: given.prevalence.choose.1: a vector of 2, but the value is a number: "
                "every alternative is the same kind of value") in result.output.splitlines()
    assert not (tmp_path / "out").exists()


def test_questions_that_draw_need_a_statement_and_a_model_answer(tmp_path):
    no_statement = re.sub(r"statement: \|\n(  .*\n)+", "", BAYES)
    quiz = write(tmp_path / "quiz", no_statement, MATRIX.replace('model_answer: "det(A) = {{ refs.d }}"\n', ""))
    with pytest.raises(VariantError) as info:
        make_variant(quiz, 1, tmp_path / "out")
    assert str(info.value) == ("cannot print a variant: q1 draws given values but has no statement; q2 draws given values "
                               "but has no model_answer; the exam's own text would not match the drawn values (see docs/variants.md)")
    result = run("variant", quiz, "--seed", 1, "-o", tmp_path / "out")
    assert result.exit_code == 2 and result.output == f"error: {info.value}\n"
    assert not (tmp_path / "out").exists()


def test_a_rubric_that_draws_nothing_makes_no_variant(tmp_path):
    quiz = write(tmp_path / "quiz", FIXED)
    with pytest.raises(VariantError, match="no given value declares values to draw"):
        make_variant(quiz, 1, tmp_path / "out")


@pytest.mark.parametrize("out", [".", ".."])
def test_a_variant_never_overwrites_its_rubric(tmp_path, out):
    quiz = write(tmp_path / "rubric", BAYES, MATRIX)
    before = files(quiz)
    result = run("variant", quiz, "--seed", 1, "-o", quiz / out)
    assert result.exit_code == 2 and "would overwrite the rubric" in result.output
    assert files(quiz) == before


def test_a_question_that_draws_nothing_may_go_without_templates(tmp_path):
    quiz = write(tmp_path / "quiz", BAYES, FIXED)
    made = make_variant(quiz, 1, tmp_path / "out")
    assert made.without_model_answer == ("q3",)
    paper = (tmp_path / "out" / "questions.md").read_text()
    assert "## 3. A fixed count [1 points]\n\n_As on the exam's own paper" in paper
    assert not re.search(r"^3\.", (tmp_path / "out" / "model-answers.md").read_text(), re.M)
    result = run("variant", quiz, "--seed", 1, "-o", tmp_path / "again")
    assert result.output.splitlines()[-1] == "no model_answer: q3 (left out of model-answers.md)"


def test_a_draw_that_breaks_a_formula_is_reported_in_the_variants_file(tmp_path):
    broken = BAYES.replace("choose: [1/100, 2/100, 5/100, 1/10]", "choose: [0, 2/100]").replace(
        "  posterior: sensitivity", "  odds: 1 / prevalence\n  posterior: sensitivity")
    quiz = write(tmp_path / "quiz", broken)
    rubric = load_rubric(quiz)
    seed = next(s for s in range(100) if draw(rubric, s)["q1"]["prevalence"] == 0)
    with pytest.raises(RubricError) as info:
        make_variant(quiz, seed, tmp_path / "out")
    assert any(line.startswith(f"{tmp_path / 'out' / 'rubric' / 'q1.yaml'}:") and "compute.odds: column 3: division by zero" in line
               for line in info.value.lines()), info.value.lines()
    assert not (tmp_path / "out" / "questions.md").exists()


def test_a_model_answer_that_is_right_only_for_the_exam_stops_the_variant(tmp_path):
    # A hard-coded number passes validate on the exam itself, and fails as soon as the values change.
    typed = BAYES.replace("{{ '%.4f' | format(refs.posterior) }}", "0.1552")
    quiz = write(tmp_path / "quiz", typed)
    assert run("validate", quiz).exit_code == 0
    seed = next(s for s in range(100) if draw(load_rubric(quiz), s)["q1"]["prevalence"] != "2/100")
    with pytest.raises(RubricError) as info:
        make_variant(quiz, seed, tmp_path / "out")
    (line,) = info.value.lines()
    assert line.startswith(f"{tmp_path / 'out' / 'rubric' / 'q1.yaml'}:") and "model_answer: earns 0 of 4 points" in line
    assert not (tmp_path / "out" / "model-answers.md").exists()


# ------------------------------------------------------------------ validate: the model answers


def line_of(text: str, key: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(f"{key}:"))


def test_validate_passes_a_rubric_whose_model_answers_earn_full_marks(quiz):
    result = run("validate", quiz)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith("valid (2 questions, 2 items, 6 points; self-tests pass)")


@pytest.mark.parametrize("old, new, key, message", [
    ("{{ '%.4f' | format(refs.posterior) }}", "{{ given.sensitivity }}", "model_answer",
     "model_answer: earns 0 of 4 points: posterior lost 4 (incorrect: found '9/10', expected '9/58 ≈ 0.1552')"),
    ("P(+) = {{ refs.p_positive }}, so P(D | +) = {{ '%.4f' | format(refs.posterior) }}", "I do not know", "model_answer",
     "model_answer: earns 0 of 4 points: posterior lost 4 (missing: no answer found for this item)"),
    ("{{ '%.4f' | format(refs.posterior) }}", "{{ refs.postrior }}", "model_answer",
     "model_answer: template error: UndefinedError: "),
    ("Find P(D | +).", "Find {{ given.B }}.", "statement",
     "statement: template error: UndefinedError: "),
    ("Find P(D | +).", "{% if given.prevalence > 1 %}{{ expected }}{% endif %}Find P(D | +).", "statement",
     "statement: unknown variable 'expected'; these templates can use refs, given"),
])
def test_validate_reports_a_model_answer_that_does_not_earn_full_marks(tmp_path, old, new, key, message):
    text = BAYES.replace(old, new)
    quiz = write(tmp_path / "quiz", text, MATRIX)
    result = run("validate", quiz)
    assert result.exit_code == 2
    problems = [line for line in result.output.splitlines() if line.startswith(str(quiz))]
    assert len(problems) == 1, result.output
    assert problems[0].startswith(f"{quiz / 'q1.yaml'}:{line_of(text, key)}: {message}"), problems


def test_validate_does_not_count_items_left_to_a_ta(tmp_path):
    by_hand = BAYES.replace("points: 4\nmarkers", "points: 5\nmarkers").replace("items:\n", textwrap.dedent("""\
        items:
          - id: method
            points: 1
            type: by_hand
            description: the method
            feedback: "by hand"
        """))
    quiz = write(tmp_path / "quiz", by_hand)
    result = run("validate", quiz)
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ the worked example of docs/variants.md

DOC = ROOT / "docs" / "variants.md"
_MARK = re.compile(r"^<!--\s*(example|variant|written|excerpt):\s*(.*?)\s*-->$")


def doc_blocks() -> list[tuple[str, str, str]]:
    """(kind, argument, the fenced block after the mark) for the marks this test reads."""
    lines, blocks = DOC.read_text(encoding="utf-8").splitlines(), []
    for i, line in enumerate(lines):
        mark = _MARK.match(line.strip())
        if mark:
            start = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            end = next(j for j in range(start + 1, len(lines)) if lines[j] == "```")
            blocks.append((mark.group(1), mark.group(2), "\n".join(lines[start + 1:end]) + "\n"))
    return blocks


def test_the_docs_example_prints_and_writes_what_the_page_shows(tmp_path, monkeypatch):
    blocks = doc_blocks()
    for kind, name, text in blocks:
        if kind == "example" and name.startswith("practice-quiz/"):
            (tmp_path / name).parent.mkdir(exist_ok=True)
            (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (command, shown), = [(arg, text) for kind, arg, text in blocks if kind == "variant"]
    result = run("variant", *command.split())
    assert result.exit_code == 0, result.output
    assert shown == f"$ grader variant {command}\n" + result.output
    written = [(arg, text) for kind, arg, text in blocks if kind == "written"]
    excerpts = [(arg, text) for kind, arg, text in blocks if kind == "excerpt"]
    assert len(written) == 2 and len(excerpts) == 2
    for name, text in written:
        assert (tmp_path / name).read_text(encoding="utf-8") == text, name
    for name, text in excerpts:
        assert text in (tmp_path / name).read_text(encoding="utf-8"), name
    out = command.split()[-1]
    checked = json.loads(run("check", f"{out}/rubric", f"{out}/model-answers.md", "--json").output)
    assert checked["score"] == checked["max"] == 8


def test_variant_has_help_and_requires_its_seed_and_folder(quiz, tmp_path):
    helped = run("variant", "--help")
    assert helped.exit_code == 0 and "--seed" in helped.output and "--out" in helped.output
    for args in (["variant", quiz, "-o", tmp_path / "out"], ["variant", quiz, "--seed", 1],
                 ["variant", quiz, "--seed", "one", "-o", tmp_path / "out"]):
        assert run(*args).exit_code == 2
    assert not (tmp_path / "out").exists()

"""The bundled rubric loads; every kind of author mistake is reported as FILE:LINE: key: message."""

import shutil
from pathlib import Path

import pytest

from grader.errors import RubricError
from grader.rubric.loader import load_rubric

BUNDLED = Path(__file__).resolve().parents[2] / "rubrics" / "dl-exam"


@pytest.fixture
def rubric_copy(tmp_path):
    folder = tmp_path / "dl-exam"
    shutil.copytree(BUNDLED, folder)
    return folder


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path`` with ``new``; return the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old):], encoding="utf-8")
    return text[:index].count("\n") + 1


def problems(folder: Path) -> list[str]:
    with pytest.raises(RubricError) as info:
        load_rubric(folder)
    return info.value.lines()


def test_the_bundled_rubric_loads_with_solved_references():
    rubric = load_rubric(BUNDLED)
    assert [q.id for q in rubric.questions] == ["q1", "q2a", "q2b", "q3", "q4", "q5", "q6"]
    assert rubric.total == 50 == sum(q.spec.points for q in rubric.questions)
    assert all(q.items for q in rubric.questions)
    assert all(q.refs for q in rubric.questions if q.spec.solver)
    assert len(rubric.sha256) == 64


def test_an_unknown_key_names_file_line_and_key(rubric_copy):
    line = edit(rubric_copy / "q4.yaml", "title:", "colour: red\ntitle:")
    assert f"{rubric_copy / 'q4.yaml'}:{line}: colour: unknown key" in problems(rubric_copy)


def test_an_unknown_key_inside_an_item_check_is_refused_by_the_type(rubric_copy):
    line = edit(rubric_copy / "q2a.yaml", "check:", "check:\n      colour: red")
    found = problems(rubric_copy)
    assert any(p.startswith(f"{rubric_copy / 'q2a.yaml'}:{line + 1}:") and "colour: unknown key" in p for p in found), found


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        ("q4.yaml", "points: 6", "points: six", "points: Input should be a valid number"),
        ("q4.yaml", "type: concepts", "type: essay", "unknown question type 'essay'"),
        ("q3.yaml", "solver: ranked_retrieval", "solver: ranked_retreival", "unknown solver 'ranked_retreival'"),
        ("q4.yaml", "points: 6", "points: 7", "items give 6 points but the question is worth 7"),
        ("q4.yaml", "id: q4", "id: q44", "does not match the file name"),
        ("exam.yaml", "total: 50", "total: 51", "questions add up to 50, not 51"),
    ],
)
def test_author_mistakes_are_reported(rubric_copy, file, old, new, message):
    edit(rubric_copy / file, old, new)
    found = problems(rubric_copy)
    assert any(message in p and p.startswith(str(rubric_copy)) for p in found), found


def test_every_problem_is_reported_at_once(rubric_copy):
    edit(rubric_copy / "q4.yaml", "title:", "colour: red\ntitle:")
    edit(rubric_copy / "q2b.yaml", "title:", "size: 3\ntitle:")
    found = problems(rubric_copy)
    assert any("q4.yaml" in p and "colour" in p for p in found)
    assert any("q2b.yaml" in p and "size" in p for p in found)


def test_a_missing_question_file_is_named(rubric_copy):
    (rubric_copy / "q5.yaml").unlink()
    assert any("q5.yaml:1: file not found" in p for p in problems(rubric_copy))

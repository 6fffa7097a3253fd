import pytest

from grader.rubric.yamlsource import YamlSyntaxError, load_located


def write(tmp_path, text):
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_key_path_knows_its_line(tmp_path):
    located = load_located(write(tmp_path, "id: q1\nitems:\n  - id: a\n    points: 2\n  - id: b\n    check:\n      tol: 1\n"))
    assert located.data["items"][1]["check"] == {"tol": 1}
    assert located.line_of(("id",)) == 1
    assert located.line_of(("items", 0, "points")) == 4
    assert located.line_of(("items", 1, "check", "tol")) == 7


def test_a_path_not_in_the_file_falls_back_to_its_deepest_written_parent(tmp_path):
    located = load_located(write(tmp_path, "id: q1\nitems:\n  - id: a\n"))
    assert located.line_of(("items", 0, "feedback")) == 3
    assert located.line_of(("nowhere",)) == 1


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("id: q1\nid: q2\n", 2, "duplicate key"),
        ("id: [1, 2\n", 2, "YAML syntax"),
        ("", 1, "empty"),
        ("id: !!python/object:os.system ls\n", 1, "YAML syntax"),
    ],
)
def test_syntax_problems_name_their_line(tmp_path, text, line, message):
    with pytest.raises(YamlSyntaxError, match=message) as info:
        load_located(write(tmp_path, text))
    assert info.value.line == line

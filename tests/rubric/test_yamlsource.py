import re

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


def laughs(levels: int, width: int = 10) -> str:
    """The "billion laughs" document: each level is ``width`` aliases of the one before."""
    lines = ["l0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_chain_is_refused_while_it_is_built_naming_the_alias_that_explodes(tmp_path):
    # 10**9 strings if expanded: refused after bounded work, at the first level past 100,000 nodes.
    with pytest.raises(YamlSyntaxError, match="too many nodes after expanding aliases") as info:
        load_located(write(tmp_path, laughs(9)))
    assert info.value.line == 5  # l4: [*l3, …] (111,111 nodes) is where the document passes 100,000
    assert "a rubric needs far fewer" in str(info.value)


def test_a_few_aliases_are_still_fine_and_count_as_the_nodes_they_expand_to(tmp_path):
    located = load_located(write(tmp_path, laughs(3)))
    assert len(located.data["l3"]) == 10 and located.data["l3"][9][9][9] == ["lol"] * 10
    with pytest.raises(YamlSyntaxError, match="too many nodes"):
        load_located(write(tmp_path, laughs(3)), max_nodes=1_000)


def test_many_written_nodes_are_refused_too(tmp_path):
    with pytest.raises(YamlSyntaxError, match=r"too many nodes \(more than 100\)") as info:
        load_located(write(tmp_path, "x:\n" + "".join(f"  - {i}\n" for i in range(200))), max_nodes=100)
    assert info.value.line == 99  # root, key, list, then items: the 101st node is item 97, on line 99


@pytest.mark.parametrize(
    "text, line",
    [
        ("a: &a [1, *a]\n", 1),
        ("a: &a\n  b:\n    c: *a\n", 3),
        ("a: &a [[1, [*a]]]\n", 1),
    ],
)
def test_an_alias_inside_its_own_anchor_is_refused(tmp_path, text, line):
    with pytest.raises(YamlSyntaxError, match=r"alias \*a is used inside its own anchor") as info:
        load_located(write(tmp_path, text))
    assert info.value.line == line


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("id: q1\nx: !!python/tuple [1, 2]\n", 2, "unknown tag '!!python/tuple'"),
        ("x: !!python/object/apply:os.system {args: [ls]}\n", 1, "unknown tag '!!python/object/apply:os.system'"),
        ("x:\n  - !!python/name:os.system\n", 2, "unknown tag '!!python/name:os.system'"),
        ("x: !!python/object:os.system ls\n", 1, "unknown tag '!!python/object:os.system'"),
        ("x: !local {a: 1}\n", 1, "unknown tag '!local'"),
        ("x: !<tag:example.com,2024:thing> [1]\n", 1, "unknown tag 'tag:example.com,2024:thing'"),
        ("? !!python/tuple [a]\n: 1\n", 1, "unknown tag '!!python/tuple'"),
        ("x: !!set {a, b}\n", 1, "tag '!!set' is not supported on a mapping"),
        ("x: !!omap [a: 1]\n", 1, "tag '!!omap' is not supported on a list"),
        ("x: !!seq {a: 1}\n", 1, "tag '!!seq' is not supported on a mapping"),
        ("x: !!map abc\n", 1, "tag '!!map' is not supported on a scalar"),
        ("base: &b {a: 1}\nx:\n  <<: *b\n", 3, "merge keys"),
    ],
)
def test_a_tag_other_than_the_standard_ones_is_refused_on_any_node(tmp_path, text, line, message):
    with pytest.raises(YamlSyntaxError, match=re.escape(message)) as info:
        load_located(write(tmp_path, text))
    assert info.value.line == line


def test_standard_tags_keep_their_meaning(tmp_path):
    located = load_located(write(tmp_path, "a: !!str 3\nb: !!int '4'\nc: !!seq [1]\nd: !!map {e: !!null ''}\nf: !!float 1\n"))
    assert located.data == {"a": "3", "b": 4, "c": [1], "d": {"e": None}, "f": 1.0}


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("id: q1\nwhen: 2024-02-30\n", 2, "'2024-02-30' cannot be read as !!timestamp"),
        ("n: " + "1" * 5000 + "\n", 1, "cannot be read as !!int"),
        ("x: " + "[" * 5000 + "\n", 1, "nested too deeply"),
        ("x: " + "[" * 150 + "]" * 150 + "\n", 1, "nested more than 100 levels"),
    ],
)
def test_scalars_and_nesting_that_python_cannot_build_are_syntax_errors(tmp_path, text, line, message):
    with pytest.raises(YamlSyntaxError, match=re.escape(message)) as info:
        load_located(write(tmp_path, text))
    assert info.value.line == line


def test_an_alias_value_is_located_where_the_alias_is_written(tmp_path):
    located = load_located(write(tmp_path, "shared: &s\n  tol: 1\nitems:\n  - check: *s\n"))
    assert located.data["items"][0]["check"] == {"tol": 1}
    assert located.line_of(("items", 0, "check")) == 4

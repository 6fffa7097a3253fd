"""Domain packs come through entry points, like any outside package; a broken one is named, never dropped."""

from importlib.metadata import EntryPoint

import pytest

import grader.packs as packs


def test_the_bundled_pack_is_found_through_its_entry_point():
    assert "deep_learning" in packs.pack_names()
    from grader.solvers import solver_names
    from grader.types import type_names

    assert {"ap_table", "construction", "derivation"} <= set(type_names())
    assert {"ranked_retrieval", "rnn_bptt", "box_geometry"} <= set(solver_names())


def test_a_pack_that_fails_to_import_is_an_error_naming_it(monkeypatch):
    broken = EntryPoint("statistics", "no_such_pack_module", packs.GROUP)
    monkeypatch.setattr(packs, "entry_points", lambda group: [broken] if group == packs.GROUP else [])
    monkeypatch.setattr(packs, "_loaded", None)
    with pytest.raises(packs.PackError, match="'statistics' \\(no_such_pack_module\\) could not be loaded"):
        packs.load_packs()


def test_generic_types_know_no_exam():
    """The generic type list names no domain type: those come from packs."""
    from grader.types import base

    assert not {"ap_table", "construction", "derivation"} & set(base._TYPE_MODULES)


def test_the_spec_names_of_generic_types_are_aliases(tmp_path):
    from grader.types import canonical_type, get_type

    assert canonical_type("number") == "numeric" and canonical_type("table") == "grid"
    assert get_type("number") is get_type("numeric") and canonical_type("tabel") is None


def test_exam_defaults_written_under_an_alias_apply(tmp_path):
    import yaml

    from grader.rubric.loader import load_rubric

    (tmp_path / "exam.yaml").write_text(yaml.safe_dump({"id": "t", "title": "t", "total": 1, "questions": ["q1"],
                                                        "defaults": {"number": {"rel_tol": 0.1}}}))
    (tmp_path / "q1.yaml").write_text(yaml.safe_dump({
        "id": "q1", "title": "t", "points": 1, "markers": ["1."], "terms": ["x"], "type": "numeric",
        "given": {"x": 2}, "items": [{"id": "a", "points": 1, "description": "x", "check": {"reference": "x"},
                                      "feedback": "ok"}]}))
    assert load_rubric(tmp_path).questions[0].items[0].params.rel_tol == 0.1


def test_a_packs_repairs_are_said_in_words_on_the_pages():
    from grader.mathtext.repairs import registered, repair_in_words

    registered()  # loads the installed packs
    assert repair_in_words("kappa-as-k") == "κ read as the summation index k"
    assert repair_in_words("0 read as θ") == "0 read as θ"  # already words

"""The HTML pages: structure (golden files), escaping of everything a student wrote, audiences, offline-only."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from grader.inputs import page_name
from grader.publish import publish
from grader.reports import render_class, render_submission


def write_reports(info, results, out, export=None):
    """Every report of ``results`` through the one publish step; the paths it wrote."""
    publish(info, "0" * 64, results, out, export=export, write_json=False)
    return sorted(p for p in out.iterdir() if p.name != "grades.csv")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def test_submission_page_structure_ta(demo_rubric, rich_result, golden):
    golden.check("submission-ta.outline", golden.outline(render_submission(demo_rubric, rich_result, "ta")))


def test_submission_page_structure_student(demo_rubric, rich_result, golden):
    golden.check("submission-student.outline", golden.outline(render_submission(demo_rubric, rich_result, "student")))


def test_class_page_structure(demo_rubric, rich_result, hostile_result, error_result, golden):
    golden.check("index.outline", golden.outline(render_class(demo_rubric, [rich_result, hostile_result, error_result])))


def test_ta_page_shows_hidden_items_and_references(demo_rubric, rich_result):
    html = render_submission(demo_rubric, rich_result, "ta")
    assert "<code>method</code> <span class=\"badge\">hidden</span>" in html
    assert "Model answer" in html and "AP = 0.752" in html  # q1's reference, rendered from refs
    assert "<dt>expected</dt><dd>0.752</dd>" in html


def test_student_page_hides_hidden_items_and_unshared_references(demo_rubric, rich_result):
    html = render_submission(demo_rubric, rich_result, "student")
    assert "<code>method</code>" not in html and "No recall points listed" not in html
    q1 = html[html.index('id="q-q1"'):html.index('id="q-q2"')]
    q2 = html[html.index('id="q-q2"'):]
    assert "Model answer" not in q1 and "<dt>expected</dt>" not in q1  # q1 does not share references
    assert "Model answer" in q2 and "FL = 0.0105" in q2 and "<dt>expected</dt><dd>0.0105</dd>" in q2
    assert 'href="index.html"' not in html  # students do not get a link to the class report


def test_page_has_math_evidence_flags_and_repairs(demo_rubric, rich_result):
    html = render_submission(demo_rubric, rich_result, "ta")
    assert html.count("<math") >= 3
    # the $$ … $$ over lines 11–13 is one display formula, anchored at each line
    assert '<div class="line evidence" id="q1-L11"><span id="q1-L12"></span><span id="q1-L13"></span><span class="ln">11–13</span>' in html
    assert '<a href="#q1-L12">line 12</a>' in html
    assert "some values look damaged by the scan" in html and "read as 4/7 = 0.57" in html
    assert '<svg class="chart"' in html


@pytest.mark.parametrize("audience", ["ta", "student"])
def test_student_text_is_escaped_everywhere(demo_rubric, hostile_result, hostile_texts, audience):
    html = render_submission(demo_rubric, hostile_result, audience)
    tags = {tag for tag, _ in elements(html)}
    assert "script" not in tags and "img" not in tags
    assert not {"svg"} & {tag for tag, attrs in elements(html) if "onload" in attrs}
    for tag, attrs in elements(html):
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not any("javascript" in (value or "") for value in attrs.values()), (tag, attrs)
    assert html.count("<style>") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html  # no template evaluated from student text
    assert "&lt;/code&gt;&lt;/span&gt;&lt;script&gt;" in html


def test_class_page_escapes_student_text(demo_rubric, rich_result, hostile_result):
    html = render_class(demo_rubric, [rich_result, hostile_result])
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(7)&gt;" in html  # mallory's 'found' answer, in the answer groups
    assert "&lt;b&gt;flag&lt;/b&gt;" in html  # the flag in the review queue


@pytest.mark.parametrize("page", ["submission", "class"])
def test_pages_load_nothing_from_anywhere(demo_rubric, rich_result, error_result, page):
    html = render_submission(demo_rubric, rich_result) if page == "submission" else render_class(demo_rubric, [rich_result, error_result])
    assert not re.search(r"https?://", html)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp and csp.group(1).startswith("default-src 'none'; style-src 'sha256-")
    assert "img-src data:" in csp.group(1)
    for tag, attrs in elements(html):
        assert tag not in ("script", "iframe", "object", "embed", "img")
        assert "src" not in attrs and "style" not in attrs
        href = attrs.get("href")
        if href is not None:
            assert href == "data:," or href.startswith("#") or re.fullmatch(r"[\w.-]+\.html(#[\w-]+)?", href), href


def test_style_hash_matches_the_inline_css(demo_rubric, rich_result):
    import base64
    import hashlib

    html = render_submission(demo_rubric, rich_result)
    css = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in html


def test_error_submission_page_says_what_went_wrong(demo_rubric, error_result):
    html = render_submission(demo_rubric, error_result)
    assert "could not be graded" in html and "not a text file: &lt;binary&gt;" in html


def test_reference_template_error_is_reported_not_raised(build, rich_result):
    rubric = build.rubric([build.question("q1", "Average precision", 4, [], reference_text="{{ refs.missing.deeper }}"),
                           build.question("q2", "Focal loss", 2, [])])
    html = render_submission(rubric, rich_result)
    assert "the reference text could not be rendered" in html


def test_unknown_audience_is_refused(demo_rubric, rich_result):
    with pytest.raises(ValueError):
        render_submission(demo_rubric, rich_result, "teacher")


def test_write_reports_writes_every_page(tmp_path, demo_rubric, rich_result, hostile_result, error_result):
    written = write_reports(demo_rubric, [rich_result, hostile_result, error_result], tmp_path, export="canvas")
    names = sorted(p.name for p in written)
    assert names == ["alice.html", "broken.html", "gradebook-canvas.csv", "index.html", "mallory.html"]
    assert all(p.read_text(encoding="utf-8") for p in written)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for sid in ("alice", "mallory", "broken"):
        assert f'href="{sid}.html"' in index


def test_a_submission_called_index_does_not_replace_the_class_report(tmp_path, demo_rubric, rich_result):
    from dataclasses import replace

    called_index = replace(rich_result, id="index")
    write_reports(demo_rubric, [called_index], tmp_path)
    assert page_name("index") != "index.html"
    assert "Class report" in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / page_name("index")).exists()


@pytest.mark.parametrize("sid", ["index", "a%b", "sec 1/ünïcode", "~"])
def test_every_link_of_the_class_report_opens_that_submissions_page(tmp_path, demo_rubric, rich_result, sid):
    from dataclasses import replace
    from urllib.parse import unquote

    write_reports(demo_rubric, [replace(rich_result, id=sid)], tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    hrefs = {unquote(h.split("#")[0]) for h in re.findall(r'<a href="([^"]+)"', index) if not h.startswith("#")}
    assert hrefs == {page_name(sid)} and (tmp_path / page_name(sid)).exists()


def test_points_left_to_a_ta_are_said_beside_the_total(demo_rubric, rich_result):
    from dataclasses import replace

    from grader.model import Outcome

    q1 = rich_result.questions[0]
    waiting = replace(q1, items=(replace(q1.items[0], outcome=Outcome.NOT_GRADED, score=0.0),) + q1.items[1:])
    html = render_submission(demo_rubric, replace(rich_result, questions=(waiting,) + rich_result.questions[1:]))
    assert 'id="pending"' in html and "3 of these points are not graded yet" in html
    assert 'id="pending"' not in render_submission(demo_rubric, rich_result)

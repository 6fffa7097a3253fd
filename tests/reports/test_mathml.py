"""Student math as MathML: rendered where possible, escaped source otherwise, never markup injection."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.reports.mathml import latex_to_mathml, render_formula, render_text


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


SAFE_HTML_TAGS = {"span", "code"}
MATHML_TAGS = {"math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot",
               "mstyle", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "menclose", "mpadded", "mphantom", "ms", "merror"}


@pytest.mark.parametrize(
    "text, expected_tags",
    [
        ("$\\frac{1}{2}$", {"math", "mfrac"}),
        ("$$x^2$$", {"math", "msup"}),
        ("\\(\\alpha_t\\)", {"math", "msub"}),
        ("\\[\\sqrt{x}\\]", {"math", "msqrt"}),
        ("$\\frac{\\partial E_3}{\\partial W}$", {"mfrac", "msub"}),
        ("$p_{\\text{interp}}(r)$", {"mtext"}),
    ],
)
def test_formulas_render_as_mathml(text, expected_tags):
    html = render_text(text)
    assert expected_tags <= {tag for tag, _ in tags(html)}
    assert "<code" not in html


@pytest.mark.parametrize(
    "text",
    [
        "$\\frac{1$",  # unbalanced: latex2mathml returns an mfrac with one child
        "$\\text{<img src=x onerror=alert(1)>}$",  # latex2mathml leaves '<' raw in mtext
        "$\\text{<b>bold</b>}$",  # parses as XML, but <b> is not MathML
        "$\\unknowncommand{x}$",
    ],
)
def test_unrenderable_formula_shows_escaped_source(text):
    html = render_text(text)
    assert html.startswith('<code class="tex"')
    assert {tag for tag, _ in tags(html)} == {"code"}
    assert "&lt;" in html or "<" not in text


def test_href_from_latex_is_dropped():
    html = render_text("$\\href{javascript:alert(1)}{x}$")
    assert "javascript" not in html and "href" not in html
    assert "<mi>x</mi>" in html


def test_attribute_values_are_restricted():
    html = render_text('$\\color{red" onmouseover="alert(1)}{a}$')
    for _, attrs in tags(html):
        assert not any(name.startswith("on") for name in attrs)
        assert not any("alert" in (value or "") for value in attrs.values())


@pytest.mark.parametrize(
    "text, rendered",
    [("costs $5 and $6 each", False), ("$ x $", False), ("$x$", True), ("between $a$ and $b$", True)],
)
def test_dollar_signs_follow_pandoc_rule(text, rendered):
    assert ("<math" in render_text(text)) is rendered


def test_plain_text_is_escaped():
    assert render_text("a < b & c > d") == "a &lt; b &amp; c &gt; d"


def test_no_namespace_url_in_output():
    # xmlns would be harmless, but pages promise no http(s) URL at all.
    assert "http" not in latex_to_mathml("x+1")


def test_the_real_sheet_math_renders():
    from pathlib import Path

    from grader.reports.mathml import _MATH

    text = (Path(__file__).resolve().parents[2] / "submissions/dl-exam/cs17btech11037.md").read_text(encoding="utf-8")
    formulas = [next(g for g in m.groups() if g is not None) for m in _MATH.finditer(text)]
    assert len(formulas) >= 10
    failed = [f for f in formulas if latex_to_mathml(f.strip()) is None]
    assert len(failed) <= len(formulas) // 10, failed


_PIECES = list("$\\{}<>\"'&=/ abcx^_()[]") + ["\\frac", "\\text", "\\href", "onerror", "<script>", "\\color", "\\["]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_any_text_yields_only_allowed_markup(text):
    html = render_text(text)
    for tag, attrs in tags(html):
        assert tag in SAFE_HTML_TAGS | MATHML_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on") and name not in ("href", "src", "style", "xmlns"), name
            assert value is None or not re.search(r"javascript|[<>]", value)
    assert "<script" not in html.lower()


@pytest.mark.parametrize("text, rendered", [
    (r"\frac{9}{58}", True),                       # a bare formula, as an item found or expected it
    (r"x^2 + C", True),
    (r"E[X] = \frac{\theta}{\theta+1}", True),
    ("“not the probability that H0 is true”", False),  # words stay words
    ("0.155", False),
    ("a < b <script>", False),
])
def test_what_an_item_found_or_expected_is_rendered_as_math_when_it_is_a_formula(text, rendered):
    html = str(render_formula(text))
    assert ("<math" in html) is rendered and "<script>" not in html

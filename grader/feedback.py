"""Feedback text: each rubric item's jinja2 template, rendered with what was found.

Templates come only from the rubric (the author's text). What a student wrote
reaches a template only as a variable value, so no template is ever built from
student text. The sandbox stops a rubric template from reaching Python internals,
and StrictUndefined turns a misspelt variable into an author error at validate time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from grader.model import Outcome

# Plain text out: HTML escaping happens where the text is put into HTML (autoescape there).
_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)

# Variables a feedback template can use; documented in the README's rubric section.
CONTEXT_KEYS = ("outcome", "score", "points", "found", "expected", "detail", "refs", "evidence", "description")


@lru_cache(maxsize=4096)
def _compile(source: str):
    return _ENV.from_string(source)


def template_for(feedback: str | Mapping[str, str], outcome: Outcome) -> str:
    """The template an item uses for ``outcome``: its own, else 'default', else ''."""
    if isinstance(feedback, str):
        return feedback
    return feedback.get(outcome.value, feedback.get("default", ""))


def render_feedback(feedback: str | Mapping[str, str], outcome: Outcome, context: Mapping[str, Any]) -> str:
    return _compile(template_for(feedback, outcome)).render(**context).strip()


def template_problems(feedback: str | Mapping[str, str]) -> list[str]:
    """Syntax errors in an item's feedback templates (checked when the rubric loads)."""
    sources = [feedback] if isinstance(feedback, str) else list(feedback.values())
    problems = []
    for source in sources:
        try:
            _compile(source)
        except TemplateError as exc:
            problems.append(f"feedback: template error: {exc}")
    return problems

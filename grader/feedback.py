"""Feedback text: each rubric item's jinja2 template, rendered with what was found.

Templates come only from the rubric (the author's text). What a student wrote
reaches a template only as a variable value, so no template is ever built from
student text. The sandbox stops a rubric template from reaching Python internals,
and StrictUndefined turns a misspelt variable into an author error at validate time.

The sandbox is the immutable one: a template can read every value it is given but
change none of them. The same ``refs`` dict is given to every sheet's templates, so
``{{ refs.update(...) }}`` or ``{{ evidence.append(...) }}`` would otherwise leak
from one student's feedback into the next. Methods of objects that are not plain
data (str, numbers, lists, dicts …) or jinja2's own helpers cannot be called at
all, since the sandbox cannot know whether they change their object.

Rendering is bounded: the text is produced piece by piece and stopped once it
passes ``MAX_FEEDBACK_CHARS`` (a nested loop is stopped after bounded work), and
``*`` and ``**`` refuse to build a string, list or number too large to print.
A loop that prints nothing is bounded only by the caller's time limit.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from types import ModuleType
from typing import Any, Mapping

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from grader.model import Outcome

# Far more than any feedback a student reads; small enough to stop a runaway loop at once.
MAX_FEEDBACK_CHARS = 20_000
# ``a ** b`` may build an integer of at most this many bits (about 3,000 digits).
MAX_POWER_BITS = 10_000

# Plain data: what the grader gives templates. The immutable sandbox already refuses
# the methods of list, dict and set that change them; the other types cannot change.
_PLAIN_TYPES = (str, bytes, bool, int, float, complex, Fraction, Decimal, tuple, frozenset, range,
                list, dict, set, date, datetime, time, timedelta, type(None))


class FeedbackLimitExceeded(TemplateError):
    """A feedback template tried to do more than feedback can need (an author mistake)."""


class FeedbackTooLong(FeedbackLimitExceeded):
    """A feedback template produced more than ``MAX_FEEDBACK_CHARS`` characters."""


def _too_long(what: str) -> FeedbackTooLong:
    return FeedbackTooLong(f"{what} longer than {MAX_FEEDBACK_CHARS:,} characters; feedback needs far less")


class _FeedbackSandbox(ImmutableSandboxedEnvironment):
    # Intercepted operators are also never evaluated while compiling (no constant folding).
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        elif operator == "**":
            _check_power(left, right)
        return super().call_binop(context, operator, left, right)

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        owner = getattr(obj, "__self__", None)  # set on bound methods, None on functions
        if owner is None or isinstance(owner, ModuleType):  # a function: a jinja2 global or a value given
            return True
        if isinstance(owner, type):  # a class method: dict.fromkeys
            return issubclass(owner, _PLAIN_TYPES)
        return isinstance(owner, _PLAIN_TYPES) or type(owner).__module__.split(".")[0] in ("jinja2", "markupsafe")


def _check_repeat(sequence: Any, times: Any) -> None:
    if isinstance(sequence, (str, bytes, list, tuple)) and isinstance(times, int) and len(sequence) * times > MAX_FEEDBACK_CHARS:
        raise _too_long(f"{type(sequence).__name__} * {times}: a value")


def _check_power(base: Any, exponent: Any) -> None:
    if not isinstance(exponent, int) or not isinstance(base, (int, Fraction)):
        return  # floats overflow (an error) or become inf at once; Decimal keeps its precision
    parts = (base.numerator, base.denominator) if isinstance(base, Fraction) else (base,)
    bits = max(abs(part).bit_length() for part in parts)
    if bits > 1 and abs(exponent) * bits > MAX_POWER_BITS:
        raise FeedbackLimitExceeded(f"a number too large: {type(base).__name__} ** {exponent} would have about {abs(exponent) * bits:,} bits")


def _as_written(value: Any) -> Any:
    """What ``{{ … }}`` prints: a formula reference as a TA writes it (``theta^2``, not
    Python's ``theta**2``); anything else as it is."""
    if type(value).__module__.startswith("sympy"):
        from grader.references.values import show_exact

        return show_exact(value)
    return value


def _latex(value: Any) -> str:
    """``{{ refs.EX | latex }}``: a reference as LaTeX (``\\frac{\\theta}{\\theta + 1}``), for model
    answers and statements that a student's sheet would write in ``$…$``."""
    import sympy

    if isinstance(value, (list, tuple)) and value:  # a matrix or a vector reference, as templates see it
        rows = [list(row) if isinstance(row, (list, tuple)) else [row] for row in value]
        if all(len(row) == len(rows[0]) for row in rows):
            try:
                value = sympy.Matrix([[sympy.Rational(x.numerator, x.denominator) if isinstance(x, Fraction)
                                       else sympy.Integer(x) if isinstance(x, int) else x for x in row] for row in rows])
            except (TypeError, ValueError):
                return str(value)
    if isinstance(value, bool) or not isinstance(value, (int, Fraction, sympy.Basic, sympy.MatrixBase)):
        return str(value)
    if isinstance(value, Fraction):
        value = sympy.Rational(value.numerator, value.denominator)
    return sympy.latex(value, mat_str="pmatrix", mat_delim="") if isinstance(value, sympy.MatrixBase) else sympy.latex(value)


# Plain text out: HTML escaping happens where the text is put into HTML (autoescape there).
_ENV = _FeedbackSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False, finalize=_as_written)
_ENV.filters["latex"] = _latex

# Variables a feedback template can use; documented in the README's rubric section.
CONTEXT_KEYS = ("outcome", "score", "points", "found", "expected", "detail", "refs", "evidence", "description",
                "carried_forward")


@lru_cache(maxsize=4096)
def _compile(source: str):
    return _ENV.from_string(source)


def _sources(feedback: str | Mapping[str, str]) -> list[str]:
    return [feedback] if isinstance(feedback, str) else list(feedback.values())


def template_for(feedback: str | Mapping[str, str], outcome: Outcome) -> str:
    """The template an item uses for ``outcome``: its own, else 'default', else ''."""
    if isinstance(feedback, str):
        return feedback
    return feedback.get(outcome.value, feedback.get("default", ""))


def render_feedback(feedback: str | Mapping[str, str], outcome: Outcome, context: Mapping[str, Any]) -> str:
    """The feedback text for ``outcome``; raises ``FeedbackTooLong`` past ``MAX_FEEDBACK_CHARS``.

    Any other template failure is a ``jinja2.TemplateError`` too (a misspelt variable,
    a refused attribute, a number too large), except errors of Python itself that a
    template can cause (1 / 0).
    """
    stream = _compile(template_for(feedback, outcome)).generate(**context)
    pieces: list[str] = []
    length = 0
    try:
        for piece in stream:
            length += len(piece)
            if length > MAX_FEEDBACK_CHARS:
                raise _too_long("feedback text")
            pieces.append(piece)
    finally:
        stream.close()
    return "".join(pieces).strip()


def template_problems(feedback: str | Mapping[str, str]) -> list[str]:
    """Syntax errors in an item's feedback templates (checked when the rubric loads)."""
    problems = []
    for source in _sources(feedback):
        try:
            _compile(source)
        except TemplateError as exc:
            problems.append(f"feedback: template error: {exc}")
    return problems


def template_variables(feedback: str | Mapping[str, str]) -> set[str]:
    """The variables an item's templates read from their context (not the ones they set
    themselves, nor jinja2's globals such as ``range``), so that a caller can report one
    that is not in ``CONTEXT_KEYS``. A template with a syntax error is left out: it is
    reported by ``template_problems``."""
    names: set[str] = set()
    for source in _sources(feedback):
        try:
            names |= meta.find_undeclared_variables(_ENV.parse(source))
        except TemplateSyntaxError:
            continue
    return names - set(_ENV.globals)

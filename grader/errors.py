"""The library's own errors. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class GraderError(Exception):
    """Base class of every error the library raises on purpose."""


class RubricError(GraderError):
    """The rubric is wrong: an author's mistake, so nothing is graded.

    ``problems`` holds one ``(file, line, message)`` per thing that is wrong so a
    TA sees all of them at once, in the form ``FILE:LINE: key: message``.
    """

    def __init__(self, problems: list[tuple[str, int, str]]):
        self.problems = sorted(problems)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [f"{file}:{line}: {message}" for file, line, message in self.problems]


class SolverError(GraderError):
    """A reference solver was given parameters it cannot solve (an author mistake)."""


class SubmissionError(GraderError):
    """A submission file cannot be read as text (binary, undecodable, empty, too large)."""


class MathParseError(GraderError):
    """Student math could not be read. A format problem in the answer, not a wrong answer."""


class BudgetExceeded(GraderError):
    """A parse or comparison ran past its time or size budget."""

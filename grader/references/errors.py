"""The one error of the reference language: a formula an author wrote cannot be read or evaluated."""

from __future__ import annotations

from grader.errors import GraderError


class FormulaError(GraderError):
    """A problem in one formula or given value, with the 1-based column it is at (when known).

    The arguments are kept in ``args`` as passed so the error pickles: a formula may be
    evaluated in a forked child (``grader.limits``) that sends its error back.
    """

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message, column)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return f"column {self.column}: {self.message}" if self.column else self.message

    def at(self, column: int | None) -> "FormulaError":
        """The same error placed at ``column`` unless it already knows a more precise one."""
        return self if self.column or not column else FormulaError(self.message, column)

"""Question types: one small module per kind of answer, all behind ``base.QuestionType``."""

from grader.types.base import canonical_type, get_type, type_names

__all__ = ["canonical_type", "get_type", "type_names"]

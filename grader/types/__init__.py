"""Question types: one small module per kind of answer, all behind ``base.QuestionType``."""

from grader.types.base import get_type, type_names

__all__ = ["get_type", "type_names"]

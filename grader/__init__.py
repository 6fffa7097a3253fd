"""exam-grader: grade OCR'd exam answer sheets against a YAML rubric."""

__version__ = "0.1.0"

"""Rubric files: their schema, YAML with line numbers, and the loader that checks them."""

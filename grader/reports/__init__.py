"""HTML reports and gradebook exports, rendered from stored results (grader.publish writes them)."""

from grader.reports.html import render_class, render_submission

__all__ = ["render_submission", "render_class"]

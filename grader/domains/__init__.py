"""Domain packs bundled with exam-grader (each registered through an entry point, see grader.packs)."""

"""Reading student math: LaTeX to expression trees that are built, never evaluated."""

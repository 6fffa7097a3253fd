"""Reading submissions: decode and normalise text, find math and tables, split into questions."""

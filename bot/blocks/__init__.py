"""Block Kit builders: pure functions from plain data to message and view dicts (no I/O)."""

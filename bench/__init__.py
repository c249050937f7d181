"""Benchmarks: `python -m bench.<name>` (not tests; they print timings)."""

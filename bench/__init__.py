"""Benchmarks of the dashboard: `python -m bench.run` (or `make bench`).

Never part of the test suite: no file here is named test_*.py, and pytest only
collects tests/. Results land in docs/benchmarks.md.
"""

"""jotkit's benchmark suite: jotkit against a hand-written floor and its peers.

Run ``python -m benchmarks --help`` (or ``make bench`` / ``make bench-quick``).
"""

"""The security mutants of ``mutation/`` stay applicable as the code changes.

``make mutate`` (too slow for every run: the whole suite once per mutant) checks that the
suite fails on each; this test checks, on every run, that each mutant's text still
occurs exactly once in its file, so the list cannot go stale unnoticed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mutation.mutants import MUTANTS, Mutant

ROOT = Path(__file__).resolve().parents[1]


class TestMutants:
    """Every mutant names one place in jotkit's source."""

    @pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
    def test_text_occurs_once(self, mutant: Mutant) -> None:
        """The text to replace is in the file exactly once, and the change is real."""
        source = (ROOT / mutant.path).read_text(encoding="utf-8")
        assert mutant.path.startswith("src/jotkit/")
        assert source.count(mutant.text) == 1
        assert mutant.replacement != mutant.text

    def test_names_are_unique(self) -> None:
        """Names identify mutants in reports and on the command line."""
        names = [m.name for m in MUTANTS]
        assert len(names) == len(set(names))

"""The documentation site's own pieces: the performance chart is the one its script
draws from the committed benchmark results, and every guide is in the site's nav."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_chart_matches_results(tmp_path: Path) -> None:
    """scripts/bench_chart.py redraws docs/performance.svg from RESULTS.md, unchanged."""
    out = tmp_path / "chart.svg"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_chart.py"),
         str(ROOT / "benchmarks" / "RESULTS.md"), str(out)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    drawn = out.read_text(encoding="utf-8")
    assert drawn.count("<rect") > 20, "the chart has bars"
    assert "decode HS256" in drawn
    assert "jotkit" in drawn
    committed = (ROOT / "docs" / "performance.svg").read_text(encoding="utf-8")
    assert drawn == committed, "run `python scripts/bench_chart.py` after a benchmark run"


def test_chart_refuses_results_without_rows(tmp_path: Path) -> None:
    """A results file without the table is an error, not an empty chart."""
    empty = tmp_path / "RESULTS.md"
    empty.write_text("| Row | floor |\n|---|---|\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_chart.py"), str(empty),
         str(tmp_path / "x.svg")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "no decode/encode rows" in done.stderr


def test_every_guide_is_in_the_nav() -> None:
    """A guide left out of mkdocs.yml would be built but unreachable."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"guides/[\w.-]+\.md", nav))
    guides = {f"guides/{p.name}" for p in (ROOT / "docs" / "guides").glob("*.md")}
    assert guides == listed


def test_every_public_module_has_a_reference_page() -> None:
    """Each module named in DESIGN's public API has its page under docs/reference."""
    pages = {p.stem for p in (ROOT / "docs" / "reference").glob("*.md")}
    for module in ("jotkit", "jotkit.jwt", "jotkit.jws", "jotkit.jwe", "jotkit.jwk",
                   "jotkit.errors", "jotkit.remote", "jotkit.replay", "jotkit.x509",
                   "jotkit.profiles.sd_jwt", "jotkit.integrations.fastapi"):  # fmt: skip
        assert module in pages, module


def test_readme_links_resolve() -> None:
    """The README is read on the package index and the forge, outside the strict build:
    each of its relative links names a file of the repository."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    local = [t for t in targets if "://" not in t and not t.startswith("mailto:")]
    assert local, "the README links into the guides"
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, missing


def test_security_guide_lists_every_attack_class() -> None:
    """The attack table names each numbered attack file, and every test path the guide
    cites exists (a glob matches at least one file)."""
    guide = (ROOT / "docs" / "guides" / "security.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"`(tests/[\w/*.-]+)`", guide))
    missing = [path for path in cited if not list(ROOT.glob(path))]
    assert not missing, missing
    numbered = {
        f"tests/attacks/{p.name}" for p in (ROOT / "tests" / "attacks").glob("test_[0-9][0-9]_*.py")
    }
    assert len(numbered) >= 15
    assert numbered <= cited, sorted(numbered - cited)

"""The sdist and the wheel as a package index receives them: metadata, contents, twine check.

Built once per run from this checkout with ``python -m build`` (the wheel from the
sdist, as ``make dist`` does), into a temporary directory.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import jotkit

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ("remote", "redis", "cli", "fastapi", "flask")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the freshly built sdist and wheel."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("jotkit-*.whl")
    return wheel


def _sdist(dist: Path) -> Path:
    (sdist,) = dist.glob("jotkit-*.tar.gz")
    return sdist


@pytest.fixture(scope="module")
def metadata(dist: Path) -> Message:
    """The wheel's METADATA (core metadata, RFC 822 style)."""
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        text = wheel.read(f"jotkit-{jotkit.__version__}.dist-info/METADATA").decode()
    return Parser().parsestr(text)


class TestMetadata:
    """What a package index shows about jotkit."""

    def test_name_version_python(self, metadata: Message) -> None:
        """Name, the package's own version, Python 3.10 or later, the MIT licence."""
        assert metadata["Name"] == "jotkit"
        assert metadata["Version"] == jotkit.__version__
        assert metadata["Requires-Python"] == ">=3.10"
        assert metadata["License-Expression"] == "MIT"
        assert metadata["Summary"].startswith("A complete, fast, secure-by-default JOSE")

    def test_readme_is_the_description(self, metadata: Message) -> None:
        """The README is the long description, rendered as Markdown."""
        assert metadata["Description-Content-Type"] == "text/markdown"
        body = metadata.get_payload()
        assert isinstance(body, str)
        assert body.startswith("# jotkit")

    def test_classifiers(self, metadata: Message) -> None:
        """Python 3.10 to 3.13, a development status, the audience, typed."""
        classifiers = set(metadata.get_all("Classifier", []))
        for minor in (10, 11, 12, 13):
            assert f"Programming Language :: Python :: 3.{minor}" in classifiers
        assert any(c.startswith("Development Status :: ") for c in classifiers)
        assert "Intended Audience :: Developers" in classifiers
        assert "Topic :: Security :: Cryptography" in classifiers
        assert "Typing :: Typed" in classifiers

    def test_urls_and_keywords(self, metadata: Message) -> None:
        """Links to the source, documentation, changelog, issues and security policy."""
        urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL", []))
        assert set(urls) >= {"Homepage", "Documentation", "Changelog", "Source", "Issues"}
        assert all(url.startswith("https://") for url in urls.values())
        keywords = set(metadata["Keywords"].split(","))
        assert keywords >= {"jose", "jwt", "jws", "jwe", "jwk"}
        assert metadata["Author"] or metadata["Author-email"]

    def test_core_needs_cryptography_only(self, metadata: Message) -> None:
        """The only requirement without an extra marker is cryptography (DESIGN 1)."""
        requirements = [Requirement(r) for r in metadata.get_all("Requires-Dist", [])]
        core = [str(r) for r in requirements if r.marker is None]
        assert core == ["cryptography>=42"]

    @pytest.mark.parametrize(
        ("extra", "needs"),
        [
            ("remote", {"httpx"}),
            ("redis", {"redis"}),
            ("cli", {"click", "rich", "httpx"}),
            # jotkit[remote] inside these extras: the built metadata lists httpx itself
            ("fastapi", {"fastapi", "httpx"}),
            ("flask", {"flask", "httpx"}),
        ],
        ids=EXTRAS,
    )
    def test_extras(self, metadata: Message, extra: str, needs: set[str]) -> None:
        """Each extra is declared and brings in what its layer imports."""
        assert extra in metadata.get_all("Provides-Extra", [])
        requirements = [Requirement(r) for r in metadata.get_all("Requires-Dist", [])]
        names = {
            r.name
            for r in requirements
            if r.marker is not None and r.marker.evaluate({"extra": extra})
        }
        assert names == needs


class TestContents:
    """The files each archive carries."""

    def test_wheel(self, dist: Path) -> None:
        """The package, its typing marker and data files, the command; no tests."""
        with zipfile.ZipFile(_wheel(dist)) as wheel:
            names = set(wheel.namelist())
            entry_points = wheel.read(f"jotkit-{jotkit.__version__}.dist-info/entry_points.txt")
        assert "jotkit/py.typed" in names
        assert "jotkit/jwk/published-secrets.bin" in names
        assert any(n.startswith("jotkit/debugger/static/") for n in names)
        assert f"jotkit-{jotkit.__version__}.dist-info/licenses/LICENSE" in names
        assert all(n.startswith(("jotkit/", "jotkit-")) for n in names)
        assert "jotkit = jotkit.cli:main" in entry_points.decode()

    def test_sdist(self, dist: Path) -> None:
        """The source, the tests and the release documents."""
        with tarfile.open(_sdist(dist)) as sdist:
            names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
        for name in (
            "pyproject.toml",
            "README.md",
            "LICENSE",
            "CHANGELOG.md",
            "SECURITY.md",
            "VERSIONING.md",
            "src/jotkit/__init__.py",
            "src/jotkit/py.typed",
            "tests/conftest.py",
        ):
            assert name in names, name

    def test_twine_check(self, dist: Path) -> None:
        """twine check --strict passes on both archives (the README renders)."""
        done = subprocess.run(
            [sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.count("PASSED") == 2


class TestTypingGate:
    """``make verifytypes``: pyright's completeness score of the importable jotkit."""

    def _verifytypes(self, floor: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "verifytypes.py"), "--min", floor],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def test_public_api_is_typed(self) -> None:
        """The package this run imports (src/ or the wheel) scores 99% or more."""
        done = self._verifytypes("99")
        assert done.returncode == 0, done.stdout + done.stderr
        assert str(Path(jotkit.__file__).resolve().parent) in done.stdout

    def test_gate_fails_under_the_floor(self) -> None:
        """A floor above any score fails, and the score is still reported."""
        done = self._verifytypes("100.1")
        assert done.returncode == 1
        assert "pyright --verifytypes jotkit: " in done.stdout

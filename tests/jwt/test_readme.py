"""Every ```python block of the README and of the guides (docs/guides) runs as written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDES = sorted(str(path.relative_to(ROOT)) for path in ROOT.glob("docs/guides/**/*.md"))
DOCUMENTS = ("README.md", *GUIDES)


def python_blocks(text: str) -> tuple[str, int]:
    """Return the document with all but its python blocks blanked, and the block count.

    Blanking instead of cutting keeps every line at its line number in the document, so
    a traceback points into the Markdown file.
    """
    kept: list[str] = []
    inside = False
    blocks = 0
    for line in text.splitlines():
        fence = line.strip()
        if not inside and fence == "```python":
            inside = True
            blocks += 1
            kept.append("")
        elif inside and fence == "```":
            inside = False
            kept.append("")
        else:
            kept.append(line if inside else "")
    assert not inside, "unterminated ```python block"
    return "\n".join(kept) + "\n", blocks


@pytest.mark.parametrize("name", DOCUMENTS)
def test_code_blocks_run(name: str, tmp_path: Path) -> None:
    """The blocks of one document run in order, in one fresh interpreter."""
    document = ROOT / name
    if not document.exists():
        pytest.fail(f"{name} is missing")
    source, blocks = python_blocks(document.read_text(encoding="utf-8"))
    assert blocks, f"{name} has no python blocks"
    script = tmp_path / Path(name).name.replace(".md", "_md.py")
    script.write_text(source, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, f"{name} (line numbers match the file):\n{result.stderr}"


def test_blanking_keeps_line_numbers() -> None:
    """Line N of the script is line N of the document."""
    text = "# Title\n\n```python\nx = 1\n```\n\ntext\n```sh\nls\n```\n```python\ny = x\n```\n"
    source, blocks = python_blocks(text)
    assert blocks == 2
    lines = source.splitlines()
    assert lines[3] == "x = 1"
    assert lines[11] == "y = x"
    assert "ls" not in source

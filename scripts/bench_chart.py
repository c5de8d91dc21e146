"""Draw docs/performance.svg from benchmarks/RESULTS.md: for each decode and encode row
(keys pre-loaded), each library's time as a ratio to the hand-written floor.

    python scripts/bench_chart.py [RESULTS.md] [OUT.svg]

`make bench` runs it after each full run; the tests check the committed chart is the one
this script draws from the committed results.
"""

from __future__ import annotations

import re
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ("jotkit", "PyJWT", "joserfc", "jwcrypto", "python-jose")
COLOURS = ("#2e7d32", "#1565c0", "#6a1b9a", "#ef6c00", "#757575")
_RATIO = re.compile(r"\(([0-9.]+)x\)")


def rows(results: str) -> list[tuple[str, dict[str, float]]]:
    """(row label, {library: ratio to the floor}) for the charted rows, in table order."""
    lines = results.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| Row |"))
    names = [cell.strip() for cell in lines[header].strip("|").split("|")]
    found = []
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        label = cells[0]
        if not re.fullmatch(r"(encode|decode) (HS256|RS256|PS256|ES256|EdDSA)", label):
            continue
        ratios = {}
        for name, cell in zip(names, cells, strict=False):
            match = _RATIO.search(cell)
            if name in LIBRARIES and match:
                ratios[name] = float(match.group(1))
        found.append((label, ratios))
    return found


def svg(data: list[tuple[str, dict[str, float]]]) -> str:
    """A horizontal grouped bar chart, one group per row, one bar per library."""
    bar, gap, left, width = 9, 14, 120, 520
    top = 40
    most = max((r for _, ratios in data for r in ratios.values()), default=1.0)
    scale = min(most, 6.0)
    height = top + len(data) * (bar * len(LIBRARIES) + gap) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 40}" height="{height}" '
        'font-family="sans-serif" font-size="11">',
        '<text x="10" y="18" font-size="13">Time per operation / hand-written floor '
        "(lower is faster; bars cut at 6x)</text>",
    ]
    for index, name in enumerate(LIBRARIES):
        x = left + index * 100
        out.append(f'<rect x="{x}" y="26" width="10" height="10" fill="{COLOURS[index]}"/>')
        out.append(f'<text x="{x + 14}" y="35">{escape(name)}</text>')
    y = top + 8
    floor_x = left + width / scale
    for label, ratios in data:
        out.append(f'<text x="10" y="{y + bar * 2.5 + 4}">{escape(label)}</text>')
        for index, name in enumerate(LIBRARIES):
            ratio = ratios.get(name)
            if ratio is None:
                continue
            length = width * min(ratio, scale) / scale
            out.append(
                f'<rect x="{left}" y="{y + index * bar}" width="{length:.1f}" height="{bar - 1}" '
                f'fill="{COLOURS[index]}"><title>{escape(name)} {ratio:.2f}x</title></rect>'
            )
        y += bar * len(LIBRARIES) + gap
    out.append(
        f'<line x1="{floor_x:.1f}" y1="{top}" x2="{floor_x:.1f}" y2="{y}" stroke="#000" '
        'stroke-dasharray="3,3"/>'
    )
    out.append(f'<text x="{floor_x + 3:.1f}" y="{y + 12}">floor (1x)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else ROOT / "benchmarks" / "RESULTS.md"
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "performance.svg"
    data = rows(source.read_text(encoding="utf-8"))
    if not data:
        raise SystemExit(f"{source}: no decode/encode rows found")
    target.write_text(svg(data), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
